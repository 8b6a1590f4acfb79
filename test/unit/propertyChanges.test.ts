import { applyObjectUpdate } from "../../provider/vsphere/propertyChanges";
import type { ObjectUpdate } from "../../provider/vsphere/schemas";

const VM = { _typeName: "ManagedObjectReference", type: "VirtualMachine", value: "vm-1" };
const boxed = (typeName: string, value: unknown) => ({ _typeName: typeName, _value: value });
const runtime = <T extends Record<string, unknown>>(fields: T) => ({ _typeName: "VirtualMachineRuntimeInfo", ...fields });
const update = (kind: string, changeSet: Array<{ name: string; op: string; val?: unknown }>, extra: Partial<ObjectUpdate> = {}): ObjectUpdate => ({
  kind,
  obj: VM,
  changeSet: changeSet.map((change) => ({ _typeName: "PropertyChange", ...change })),
  ...extra,
});

describe("following a watched object through its PropertyFilter's updates", () => {
  it("an enter is the whole picture: every set property, unset ones absent, Any values unboxed", () => {
    const values = applyObjectUpdate({ stale: 1 }, ["runtime", "config.ftInfo"], update("enter", [{ name: "runtime", op: "assign", val: runtime({ faultToleranceState: "starting" }) }]));
    expect(values).toEqual({ runtime: runtime({ faultToleranceState: "starting" }) });
    expect(applyObjectUpdate(undefined, ["runtime.powerState"], update("enter", [{ name: "runtime.powerState", op: "assign", val: boxed("VirtualMachinePowerState", "poweredOn") }]))).toEqual({
      "runtime.powerState": "poweredOn",
    });
  });

  it("a modify changes what it names and keeps the rest; assign without a value, remove and indirectRemove unset", () => {
    const current = { runtime: runtime({ faultToleranceState: "starting" }), "config.ftInfo": { role: 1 } };
    expect(applyObjectUpdate(current, ["runtime", "config.ftInfo"], update("modify", [{ name: "runtime", op: "assign", val: runtime({ faultToleranceState: "running" }) }]))).toEqual({
      runtime: runtime({ faultToleranceState: "running" }),
      "config.ftInfo": { role: 1 },
    });
    for (const change of [{ name: "config.ftInfo", op: "assign" }, { name: "config.ftInfo", op: "remove" }, { name: "config.ftInfo", op: "indirectRemove" }]) {
      expect(applyObjectUpdate(current, ["runtime", "config.ftInfo"], update("modify", [change]))).toEqual({ runtime: current.runtime });
    }
    expect(current["config.ftInfo"]).toEqual({ role: 1 });
  });

  it("a change inside a watched value (partial updates) is applied to a copy of it", () => {
    const current = { runtime: runtime({ faultToleranceState: "starting", powerState: "poweredOn" }) };
    const values = applyObjectUpdate(current, ["runtime"], update("modify", [{ name: "runtime.faultToleranceState", op: "assign", val: boxed("VirtualMachineFaultToleranceState", "running") }]));
    expect(values).toEqual({ runtime: runtime({ faultToleranceState: "running", powerState: "poweredOn" }) });
    expect(current.runtime.faultToleranceState).toBe("starting");
    expect(applyObjectUpdate(current, ["runtime"], update("modify", [{ name: "runtime.needSecondaryReason", op: "remove" }]))).toEqual(current);
  });

  it("a change around a watched path (the whole runtime while runtime.powerState is watched) yields the path's new value", () => {
    const current = { "runtime.powerState": "poweredOn" };
    expect(applyObjectUpdate(current, ["runtime.powerState"], update("modify", [{ name: "runtime", op: "assign", val: runtime({ powerState: "poweredOff" }) }]))).toEqual({
      "runtime.powerState": "poweredOff",
    });
    expect(applyObjectUpdate(current, ["runtime.powerState"], update("modify", [{ name: "runtime", op: "assign", val: runtime({}) }]))).toEqual({});
    expect(applyObjectUpdate(current, ["runtime.powerState"], update("modify", [{ name: "runtime", op: "indirectRemove" }]))).toEqual({});
  });

  it("add appends to a watched collection", () => {
    const secondary = { _typeName: "ManagedObjectReference", type: "VirtualMachine", value: "vm-2" };
    expect(applyObjectUpdate({ secondaries: [] }, ["secondaries"], update("modify", [{ name: "secondaries", op: "add", val: secondary }]))).toEqual({ secondaries: [secondary] });
  });

  it("ignores changes to paths it does not watch", () => {
    expect(applyObjectUpdate({ "runtime.powerState": "poweredOn" }, ["runtime.powerState"], update("modify", [{ name: "config.name", op: "assign", val: boxed("string", "x") }]))).toEqual({
      "runtime.powerState": "poweredOn",
    });
  });

  it("gives up (the caller reads instead) on what it cannot follow faithfully", () => {
    const known = { runtime: runtime({ faultToleranceState: "starting" }) };
    const cannot: Array<[string, Record<string, unknown> | undefined, ObjectUpdate]> = [
      ["a modify without a starting point", undefined, update("modify", [{ name: "runtime", op: "assign", val: runtime({}) }])],
      ["the object leaving the filter", known, { kind: "leave", obj: VM }],
      ["a kind the spec does not define", known, update("vanish", [])],
      ["a value the server could not retrieve", known, update("modify", [], { missingSet: [{ path: "runtime", fault: { _typeName: "SystemError" } }] })],
      ["an op the spec does not define", known, update("modify", [{ name: "runtime", op: "merge", val: runtime({}) }])],
      ["a keyed element of a collection", { "config.ftInfo": { secondaries: [] } }, update("modify", [{ name: 'config.ftInfo.secondaries["vm-2"]', op: "assign", val: {} }])],
      ["a nested assign into a value not known", {}, update("modify", [{ name: "runtime.faultToleranceState", op: "assign", val: "running" }])],
      ["a nested assign through a member that is not an object", { runtime: runtime({ host: "h" }) }, update("modify", [{ name: "runtime.host.name", op: "assign", val: "x" }])],
      ["add to a value that is not a collection", known, update("modify", [{ name: "runtime", op: "add", val: 1 }])],
    ];
    for (const [what, current, change] of cannot) expect([what, applyObjectUpdate(current, ["runtime", "config.ftInfo"], change)]).toEqual([what, undefined]);
  });
});
