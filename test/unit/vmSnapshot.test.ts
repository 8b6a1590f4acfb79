import { recordStackConfig } from "../../provider/config";
import { ConfigurationError } from "../../provider/errors";
import { UNKNOWN_VALUE } from "../../provider/resources/common/unknown";
import { forget } from "../../provider/runtime";
import * as crud from "../../provider/resources/vsphere/vmSnapshot/provider";
import { decodeEscapes, flattenSnapshotInfo, observedText } from "../../provider/resources/vsphere/vmSnapshot/tree";
import { escapeSnapshotText } from "../../provider/vsphere/methods/snapshots";

const DECLARED = { vmId: "vm-42", name: "pre-change", description: "", memory: false, quiesce: false, removeChildren: false, consolidate: true, timeoutSeconds: 1800, connection: "vsphere" };
const OUTS = { ...DECLARED, snapshotId: "snapshot-7", createTime: "2026-11-25T10:00:00Z", powerState: "poweredOff", quiesced: false, isCurrent: true };

beforeEach(() => {
  forget("vsphere.");
  recordStackConfig({});
  for (const name of ["VSPHERE_SERVER", "VSPHERE_USER", "VSPHERE_PASSWORD"]) delete process.env[name];
});

describe("VmSnapshot check", () => {
  test("applies the defaults without an API call when nothing relevant changed", async () => {
    const result = await crud.check({ vmId: "vm-42", name: "old" }, { vmId: "vm-42", name: "pre-change" });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual(DECLARED);
  });

  test("each bad input fails naming its property", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: "x" }, "vmId", /vmId is required/],
      [{ vmId: "vm/42", name: "x" }, "vmId", /managed object id/],
      [{ vmId: "vm-42" }, "name", /name is required/],
      [{ vmId: "vm-42", name: "" }, "name", /must not be empty/],
      [{ vmId: "vm-42", name: " \t" }, "name", /must not be empty/],
      [{ vmId: "vm-42", name: "x".repeat(256) }, "name", /at most 255/],
      [{ vmId: "vm-42", name: "x", description: 5 }, "description", /must be a string/],
      [{ vmId: "vm-42", name: "x", memory: 1 }, "memory", /true or false/],
      [{ vmId: "vm-42", name: "x", quiesce: "no" }, "quiesce", /true or false/],
      [{ vmId: "vm-42", name: "x", removeChildren: null }, "removeChildren", /true or false/],
      [{ vmId: "vm-42", name: "x", timeoutSeconds: -3 }, "timeoutSeconds", /from 1 to \d+ \(default \d+\); got -?\d+/],
      [{ vmId: "vm-42", name: "x", timeoutSeconds: 100_000 }, "timeoutSeconds", /from 1 to 86400 \(default 1800\); got 100000/],
    ];
    for (const [news, property, reason] of cases) {
      const result = await crud.check(news, news);
      expect(result.failures?.map((failure) => failure.property)).toEqual([property]);
      expect(result.failures?.[0]?.reason).toMatch(reason);
    }
  });

  test("unknown values pass at preview", async () => {
    const result = await crud.check({}, { vmId: UNKNOWN_VALUE, name: UNKNOWN_VALUE });
    expect(result.failures).toEqual([]);
  });

  test("a new VM is looked at in vCenter at preview: unconfigured is a clear error", async () => {
    const error = await crud.check({}, { vmId: "vm-42", name: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^Checking vmId of VmSnapshot needs vCenter: /);
  });
});

describe("VmSnapshot diff", () => {
  test("no change for the same inputs (defaults omitted or recorded)", async () => {
    expect(await crud.diff("snapshot-7", OUTS, DECLARED)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect((await crud.diff("snapshot-7", OUTS, { vmId: "vm-42", name: "pre-change" })).changes).toBe(false);
  });

  test("name, description and delete options update in place", async () => {
    for (const change of [{ name: "renamed" }, { description: "why" }, { removeChildren: true }, { consolidate: false }, { timeoutSeconds: 60 }, { name: UNKNOWN_VALUE }]) {
      expect(await crud.diff("snapshot-7", OUTS, { ...DECLARED, ...change })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
  });

  test("vm, memory and quiesce replace", async () => {
    expect((await crud.diff("snapshot-7", OUTS, { ...DECLARED, vmId: "vm-43" })).replaces).toEqual(["vmId"]);
    expect((await crud.diff("snapshot-7", OUTS, { ...DECLARED, memory: true })).replaces).toEqual(["memory"]);
    expect((await crud.diff("snapshot-7", OUTS, { ...DECLARED, quiesce: true, name: "x" }))).toEqual({ changes: true, replaces: ["quiesce"], deleteBeforeReplace: false });
  });
});

describe("snapshot tree and names", () => {
  const moref = (value: string) => ({ _typeName: "ManagedObjectReference", type: "VirtualMachineSnapshot", value });
  const tree = (id: string, name: string, children?: unknown[]) => ({
    _typeName: "VirtualMachineSnapshotTree",
    snapshot: moref(id),
    vm: { _typeName: "ManagedObjectReference", type: "VirtualMachine", value: "vm-1" },
    name,
    description: "",
    id: 1,
    createTime: "2026-01-01T00:00:00Z",
    state: "poweredOff",
    quiesced: false,
    ...(children ? { childSnapshotList: children } : {}),
  });

  test("walks every root and every child (a sibling's subtree too)", () => {
    const flat = flattenSnapshotInfo({
      _typeName: "VirtualMachineSnapshotInfo",
      currentSnapshot: moref("snapshot-4"),
      rootSnapshotList: [tree("snapshot-1", "a", [tree("snapshot-2", "b")]), tree("snapshot-3", "c", [tree("snapshot-4", "d")])],
    });
    expect(flat.currentId).toBe("snapshot-4");
    expect(flat.nodes.map((node) => [node.id, node.parentId])).toEqual([
      ["snapshot-1", undefined],
      ["snapshot-2", "snapshot-1"],
      ["snapshot-3", undefined],
      ["snapshot-4", "snapshot-3"],
    ]);
  });

  test("no snapshots: null or absent", () => {
    expect(flattenSnapshotInfo(null)).toEqual({ currentId: undefined, nodes: [] });
    expect(flattenSnapshotInfo(undefined)).toEqual({ currentId: undefined, nodes: [] });
  });

  test("every % of a name is escaped, also one that looks like an escape", () => {
    expect(escapeSnapshotText("50% %25 done")).toBe("50%25 %2525 done");
  });

  test("a name read back escaped or decoded is recognized as the declared one", () => {
    expect(observedText("50% off", "50% off")).toBe("50% off");
    expect(observedText("50%25 off", "50% off")).toBe("50% off");
    expect(observedText("a%2525b", "a%25b")).toBe("a%25b");
    expect(observedText("renamed", "50% off")).toBe("renamed");
    expect(decodeEscapes("caf%C3%A9")).toBe("café");
    expect(decodeEscapes("100%")).toBeUndefined();
    expect(decodeEscapes("%FF")).toBeUndefined();
  });
});
