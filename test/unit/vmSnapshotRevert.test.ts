import { recordStackConfig } from "../../provider/config";
import { forget } from "../../provider/runtime";
import { UNKNOWN_VALUE } from "../../provider/resources/common/unknown";
import type { VmFacts } from "../../provider/resources/vsphere/shared/vm";
import type { SnapshotNode, SnapshotTree } from "../../provider/resources/vsphere/vmSnapshot/tree";
import * as crud from "../../provider/resources/vsphere/vmSnapshotRevert/provider";
import { planRevert, powerStateAfterRevert, revertRefusals, snapshotNameOf } from "../../provider/resources/vsphere/vmSnapshotRevert/record";

function recorded(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vmId: "vm-103",
    snapshotId: "snapshot-7",
    suppressPowerOn: false,
    triggers: ["CHG-1"],
    timeoutSeconds: 1800,
    connection: "vsphere",
    snapshotName: "pre-change",
    revertedToSnapshotId: "snapshot-7",
    powerStateAfter: "poweredOff",
    revertedAt: "2026-11-01T02:00:00.000Z",
    endpoint: "https://vc.example.com:443",
    ...overrides,
  };
}

const facts: VmFacts = { vmId: "vm-103", name: "db-01", powerState: "poweredOn", faultToleranceState: "notConfigured", template: false };

function node(id: string, name: string, state = "poweredOff", parentId?: string): SnapshotNode {
  return { id, name, description: "", createTime: "2026-11-01T00:00:00Z", state, quiesced: false, parentId };
}

const tree: SnapshotTree = { currentId: "snapshot-8", nodes: [node("snapshot-7", "pre-change"), node("snapshot-8", "with memory", "poweredOn", "snapshot-7")] };

describe("VmSnapshotRevert check: inputs", () => {
  beforeEach(() => {
    forget("vsphere.");
    recordStackConfig({});
    delete process.env["VSPHERE_SERVER"];
  });

  it("applies defaults and makes no API call when no revert would run", async () => {
    const result = await crud.check(recorded(), { vmId: "vm-103", snapshotId: "snapshot-7", triggers: ["CHG-1"], timeoutSeconds: 60 });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ vmId: "vm-103", snapshotId: "snapshot-7", suppressPowerOn: false, triggers: ["CHG-1"], timeoutSeconds: 60, connection: "vsphere" });
  });

  it("names the input for a snapshotId that is not a snapshot id and triggers that are not an array, before any call", async () => {
    const result = await crud.check({}, { vmId: "vm-103", snapshotId: "vm-7", triggers: "CHG-1", suppressPowerOn: 1 });
    const byProperty = Object.fromEntries((result.failures ?? []).map((failure) => [failure.property, failure.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(["snapshotId", "suppressPowerOn", "triggers"]);
    expect(byProperty["snapshotId"]).toBe(
      `snapshotId must be a snapshot's managed object id such as "snapshot-12" (a VmSnapshot's id), or left out to revert to the VM's current snapshot; got "vm-7"`,
    );
    expect(byProperty["triggers"]).toBe('triggers must be an array of values (e.g. ["2026-11"]); any change reverts again; got "CHG-1"');
  });

  it("leaves the checks to create when vmId is unknown at preview", async () => {
    expect((await crud.check({}, { vmId: UNKNOWN_VALUE, snapshotId: UNKNOWN_VALUE })).failures).toEqual([]);
  });

  it("needs vCenter when a revert would run", async () => {
    await expect(crud.check({}, { vmId: "vm-103", snapshotId: UNKNOWN_VALUE })).rejects.toThrow(/Checking vmId of VmSnapshotRevert needs vCenter/);
  });
});

describe("VmSnapshotRevert diff, update, delete", () => {
  it("reverts again (replace) when vmId, snapshotId, suppressPowerOn or triggers change", async () => {
    const base = { vmId: "vm-103", snapshotId: "snapshot-7", triggers: ["CHG-1"] };
    expect(await crud.diff("id", recorded(), base)).toMatchObject({ changes: false, replaces: [] });
    expect((await crud.diff("id", recorded(), { ...base, snapshotId: "snapshot-8" })).replaces).toEqual(["snapshotId"]);
    expect((await crud.diff("id", recorded(), { ...base, suppressPowerOn: true })).replaces).toEqual(["suppressPowerOn"]);
    expect((await crud.diff("id", recorded(), { ...base, triggers: ["CHG-2"] })).replaces).toEqual(["triggers"]);
    expect((await crud.diff("id", recorded(), { ...base, vmId: "vm-104" })).replaces).toEqual(["vmId"]);
    expect((await crud.diff("id", recorded(), { ...base, snapshotId: UNKNOWN_VALUE })).replaces).toEqual(["snapshotId"]);
  });

  it("updates timeoutSeconds in place, keeping the record, with no call", async () => {
    expect(await crud.diff("id", recorded(), { vmId: "vm-103", snapshotId: "snapshot-7", triggers: ["CHG-1"], timeoutSeconds: 60 })).toMatchObject({ changes: true, replaces: [] });
    const { outs } = await crud.update("id", recorded(), { vmId: "vm-103", snapshotId: "snapshot-7", triggers: ["CHG-1"], timeoutSeconds: 60 });
    expect(outs).toEqual({ ...recorded(), timeoutSeconds: 60 });
  });

  it("deletes without touching vSphere", async () => {
    await expect(crud.delete("id", recorded())).resolves.toBeUndefined();
  });
});

describe("VmSnapshotRevert refusals", () => {
  it("refuses a VM that does not exist, saying vmId is an id and not a name", () => {
    expect(revertRefusals("db-01", undefined, { nodes: [] }, "snapshot-7")).toEqual([
      {
        property: "vmId",
        reason: `VM db-01 does not exist in vCenter (or this user cannot see it): there is nothing to revert. "db-01" looks like a VM name: vmId takes the VM's managed object id ("vm-" and a number, e.g. "vm-42", as in the vSphere Client's URL), not its name.`,
      },
    ]);
  });

  it("refuses FT primaries, FT secondaries and templates, naming the VM", () => {
    expect(revertRefusals("vm-103", { ...facts, ftRole: "primary", faultToleranceState: "running" }, tree, "snapshot-7")).toEqual([
      {
        property: "vmId",
        reason: 'VM "db-01" (vm-103) is a Fault Tolerance primary, and vSphere does not allow snapshots on Fault Tolerance VMs, so it cannot be reverted to one: turn Fault Tolerance off for it first.',
      },
    ]);
    expect(revertRefusals("vm-103", { ...facts, ftRole: "secondary", faultToleranceState: "running" }, tree, undefined)[0]?.reason).toMatch(/is a Fault Tolerance secondary/);
    expect(revertRefusals("vm-103", { ...facts, template: true }, tree, undefined)[0]?.reason).toBe('VM "db-01" (vm-103) is a template: vSphere does not revert templates to snapshots.');
  });

  it("refuses a snapshot outside the VM's tree, naming both and listing the VM's snapshots", () => {
    expect(revertRefusals("vm-103", facts, tree, "snapshot-99")).toEqual([
      {
        property: "snapshotId",
        reason: 'snapshot snapshot-99 is not in the snapshot tree of VM "db-01" (vm-103) (its snapshots are snapshot "pre-change" (snapshot-7), snapshot "with memory" (snapshot-8)): name a snapshot of this VM.',
      },
    ]);
    expect(revertRefusals("vm-103", facts, { nodes: [] }, "snapshot-7")[0]?.reason).toMatch(/\(it has no snapshots\)/);
  });

  it("refuses a revert to the current snapshot of a VM that has none", () => {
    expect(revertRefusals("vm-103", facts, { nodes: [] }, undefined)).toEqual([
      { property: "vmId", reason: 'VM "db-01" (vm-103) has no current snapshot to revert to: give snapshotId, or take a snapshot of it first.' },
    ]);
  });

  it("checks only the VM while the snapshot id is unknown (made in the same up)", () => {
    expect(revertRefusals("vm-103", facts, { nodes: [] }, UNKNOWN_VALUE)).toEqual([]);
    expect(revertRefusals("vm-103", { ...facts, ftRole: "primary" }, { nodes: [] }, UNKNOWN_VALUE)).toHaveLength(1);
  });
});

describe("VmSnapshotRevert plan", () => {
  it("goes to the snapshot named, or to the current one", () => {
    expect(planRevert("vm-103", facts, tree, "snapshot-7", false)).toMatchObject({ vm: 'VM "db-01" (vm-103)', target: { id: "snapshot-7" }, expectedPowerState: "poweredOff" });
    expect(planRevert("vm-103", facts, tree, undefined, false)).toMatchObject({ target: { id: "snapshot-8" }, expectedPowerState: "poweredOn" });
    expect(planRevert("vm-103", undefined, tree, undefined, false)).toMatchObject({ vmFound: false, refusal: { property: "vmId" } });
  });

  it("expects a memory snapshot reverted with suppressPowerOn to leave the VM suspended", () => {
    expect(powerStateAfterRevert(node("snapshot-8", "m", "poweredOn"), true)).toBe("suspended");
    expect(powerStateAfterRevert(node("snapshot-8", "m", "poweredOn"), false)).toBe("poweredOn");
    expect(powerStateAfterRevert(node("snapshot-7", "d", "poweredOff"), true)).toBe("poweredOff");
    expect(powerStateAfterRevert(node("snapshot-9", "s", "suspended"), false)).toBe("suspended");
  });

  it("gives the snapshot's name as typed, decoding escapes vCenter may return", () => {
    expect(snapshotNameOf(node("snapshot-7", "before 100%25"))).toBe("before 100%");
    expect(snapshotNameOf(node("snapshot-7", "plain"))).toBe("plain");
  });
});
