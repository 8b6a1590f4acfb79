import { PartialFailureError, ValidationError } from "../../provider/errors";
import * as crud from "../../provider/resources/vsphere/vmSnapshot/provider";
import { BASE, ORIGIN, RETRIEVE, facts, moref, retrieveBody, useVsphereMock } from "./support/vsphereMock";

const mock = useVsphereMock();
const { seen, intercept, loginSequence, pollTask, calls } = mock;

const SNAPSHOT_INPUTS = { description: "", memory: false, quiesce: false, removeChildren: false, consolidate: true, timeoutSeconds: 1800 };

function node(id: string, name: string, children: unknown[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _typeName: "VirtualMachineSnapshotTree",
    snapshot: moref("VirtualMachineSnapshot", id),
    vm: moref("VirtualMachine", "vm-42"),
    name,
    description: "",
    id: Number(id.replace(/\D/g, "")),
    createTime: "2026-11-25T10:00:00Z",
    state: "poweredOff",
    quiesced: false,
    ...(children.length ? { childSnapshotList: children } : {}),
    ...extra,
  };
}

function tree(current: string | undefined, roots: unknown[]): unknown {
  if (roots.length === 0) return { _typeName: "RetrieveResult", objects: [{ _typeName: "ObjectContent", obj: moref("VirtualMachine", "vm-42") }] };
  return {
    _typeName: "RetrieveResult",
    objects: [
      {
        _typeName: "ObjectContent",
        obj: moref("VirtualMachine", "vm-42"),
        propSet: [
          {
            _typeName: "DynamicProperty",
            name: "snapshot",
            val: { _typeName: "VirtualMachineSnapshotInfo", ...(current ? { currentSnapshot: moref("VirtualMachineSnapshot", current) } : {}), rootSnapshotList: roots },
          },
        ],
      },
    ],
  };
}

const FACT_PATHS = ["name", "runtime.powerState", "runtime.host", "runtime.faultToleranceState", "guest.toolsRunningStatus", "config.template", "config.ftInfo"];

/** One RetrievePropertiesEx answer carrying the VM's facts and its snapshot tree (both read in one call before a create). */
function factsAndTree(factsAnswer: unknown, treeAnswer: unknown): unknown {
  type Result = { objects: { propSet?: unknown[] }[] };
  const merged = JSON.parse(JSON.stringify(factsAnswer)) as Result;
  const snapshot = (treeAnswer as Result).objects[0]!.propSet ?? [];
  merged.objects[0]!.propSet = [...(merged.objects[0]!.propSet ?? []), ...snapshot];
  return merged;
}

function taskReturnsSnapshot(taskId: string, snapshotId: string): void {
  pollTask(taskId, { state: "success", result: moref("VirtualMachineSnapshot", snapshotId) });
}

describe("VmSnapshot requests", () => {
  it("CreateSnapshotEx_Task with the spec's body (% escaped in the name only), keyed on the result MoRef", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, factsAndTree(facts("vm-42", "poweredOn"), tree("snapshot-1", [node("snapshot-1", "50% off")])));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/CreateSnapshotEx_Task`, 200, moref("Task", "task-3"));
    taskReturnsSnapshot("task-3", "snapshot-2");
    intercept("POST", RETRIEVE, 200, tree("snapshot-2", [node("snapshot-1", "50% off", [node("snapshot-2", "50% off", [], { description: "100% sure", state: "poweredOn", quiesced: true })])]));
    const created = await crud.create({ vmId: "vm-42", name: "50% off", ...SNAPSHOT_INPUTS, description: "100% sure", memory: true, quiesce: true });
    expect(created.id).toBe("snapshot-2");
    expect(created.outs).toMatchObject({ snapshotId: "snapshot-2", name: "50% off", description: "100% sure", parentSnapshotId: "snapshot-1", isCurrent: true, powerState: "poweredOn", quiesced: true });
    const call = seen.find((s) => s.path.endsWith("/CreateSnapshotEx_Task"))!;
    expect(call.body).toEqual({ name: "50%25 off", description: "100% sure", memory: true, quiesceSpec: { _typeName: "VirtualMachineGuestQuiesceSpec" } });
    expect(call.headers["content-type"]).toBe("application/json");
    // The VM's facts and its snapshot tree before the create share one RetrievePropertiesEx; the read-back asks for the tree alone.
    expect(seen[3]!.body).toEqual(retrieveBody("vm-42", ["snapshot", ...FACT_PATHS]));
    expect(seen[seen.length - 1]!.body).toEqual(retrieveBody("vm-42", ["snapshot"]));
  });

  it("without quiesce sends no quiesceSpec; a server without CreateSnapshotEx_Task (HTTP 404) gets CreateSnapshot_Task", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, factsAndTree(facts("vm-42", "poweredOff", "guestToolsNotRunning"), tree(undefined, [])));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/CreateSnapshotEx_Task`, 404, undefined);
    intercept("POST", `${BASE}/VirtualMachine/vm-42/CreateSnapshot_Task`, 200, moref("Task", "task-4"));
    taskReturnsSnapshot("task-4", "snapshot-9");
    intercept("POST", RETRIEVE, 200, tree("snapshot-9", [node("snapshot-9", "old-server")]));
    const created = await crud.create({ vmId: "vm-42", name: "old-server", ...SNAPSHOT_INPUTS });
    expect(created.id).toBe("snapshot-9");
    expect(seen.find((s) => s.path.endsWith("/CreateSnapshot_Task"))!.body).toEqual({ name: "old-server", description: "", memory: false, quiesce: false });
    expect(created.outs).toMatchObject({ isCurrent: true });
    expect((created.outs as Record<string, unknown>)["parentSnapshotId"]).toBeUndefined();
  });

  it("a MethodNotFound fault for CreateSnapshotEx_Task also selects CreateSnapshot_Task, remembered for the connection", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, factsAndTree(facts("vm-42", "poweredOn"), tree(undefined, [])));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/CreateSnapshotEx_Task`, 500, { _typeName: "MethodNotFound", method: "CreateSnapshotEx_Task" });
    intercept("POST", `${BASE}/VirtualMachine/vm-42/CreateSnapshot_Task`, 200, moref("Task", "task-4"));
    taskReturnsSnapshot("task-4", "snapshot-9");
    intercept("POST", RETRIEVE, 200, tree("snapshot-9", [node("snapshot-9", "q", [], { quiesced: true })]));
    await crud.create({ vmId: "vm-42", name: "q", ...SNAPSHOT_INPUTS, quiesce: true });
    expect(seen.find((s) => s.path.endsWith("/CreateSnapshot_Task"))!.body).toEqual({ name: "q", description: "", memory: false, quiesce: true });

    intercept("POST", RETRIEVE, 200, factsAndTree(facts("vm-42", "poweredOn"), tree("snapshot-9", [node("snapshot-9", "q")])));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/CreateSnapshot_Task`, 200, moref("Task", "task-5"));
    intercept("GET", `${BASE}/Task/task-5/info`, 200, { _typeName: "TaskInfo", key: "task-5", task: moref("Task", "task-5"), state: "success", result: moref("VirtualMachineSnapshot", "snapshot-10") });
    intercept("POST", RETRIEVE, 200, tree("snapshot-10", [node("snapshot-9", "q", [node("snapshot-10", "r")])]));
    const second = await crud.create({ vmId: "vm-42", name: "r", ...SNAPSHOT_INPUTS });
    expect(second.id).toBe("snapshot-10");
    expect(seen.filter((s) => s.path.endsWith("/CreateSnapshotEx_Task"))).toHaveLength(1);
  });

  it("refuses memory on a powered-off VM before any task, naming the property", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOff", "guestToolsNotRunning"));
    const error = await crud.create({ vmId: "vm-42", name: "m", ...SNAPSHOT_INPUTS, memory: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).property).toBe("memory");
    expect(calls()).toEqual(["POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"]);
  });

  it("a lost answer to CreateSnapshotEx_Task is reconciled from the tree: the new snapshot of that name is adopted, no second create", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, factsAndTree(facts("vm-42", "poweredOn"), tree("snapshot-1", [node("snapshot-1", "again")])));
    mock.agent.get(ORIGIN).intercept({ method: "POST", path: `${BASE}/VirtualMachine/vm-42/CreateSnapshotEx_Task` }).replyWithError(new Error("socket hang up"));
    intercept("POST", RETRIEVE, 200, tree("snapshot-5", [node("snapshot-1", "again", [node("snapshot-5", "again")])]));
    intercept("POST", RETRIEVE, 200, tree("snapshot-5", [node("snapshot-1", "again", [node("snapshot-5", "again")])]));
    const created = await crud.create({ vmId: "vm-42", name: "again", ...SNAPSHOT_INPUTS });
    expect(created.id).toBe("snapshot-5");
    expect(mock.agent.pendingInterceptors()).toEqual([]);
    expect(calls().filter((c) => c.includes("CreateSnapshot"))).toEqual([]);
  });

  it("a create whose wait times out after vSphere made the snapshot reports a partial failure with its id", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, factsAndTree(facts("vm-42", "poweredOn"), tree(undefined, [])));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/CreateSnapshotEx_Task`, 200, moref("Task", "task-8"));
    intercept("POST", `${BASE}/PropertyCollector/propertyCollector/CreatePropertyCollector`, 500, { _typeName: "NotSupported" });
    mock.agent
      .get(ORIGIN)
      .intercept({ method: "GET", path: `${BASE}/Task/task-8/info` })
      .reply(200, { _typeName: "TaskInfo", key: "task-8", task: moref("Task", "task-8"), state: "running", progress: 90, cancelable: false })
      .persist();
    intercept("POST", RETRIEVE, 200, tree("snapshot-6", [node("snapshot-6", "slow")]));
    const error = await crud.create({ vmId: "vm-42", name: "slow", ...SNAPSHOT_INPUTS, timeoutSeconds: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialFailureError);
    expect((error as PartialFailureError).id).toBe("snapshot-6");
    expect((error as PartialFailureError).properties).toMatchObject({ snapshotId: "snapshot-6", vmId: "vm-42", name: "slow" });
  });

  it("RenameSnapshot sends only what changed and answers 204", async () => {
    loginSequence();
    // What differs from the recorded outputs is renamed at once, then the tree is read back (no read before the call).
    intercept("POST", `${BASE}/VirtualMachineSnapshot/snapshot-2/RenameSnapshot`, 204, undefined);
    intercept("POST", RETRIEVE, 200, tree("snapshot-2", [node("snapshot-2", "after 5%", [], { description: "same" })]));
    const olds = { vmId: "vm-42", name: "before", ...SNAPSHOT_INPUTS, description: "same" };
    const updated = await crud.update("snapshot-2", olds, { ...olds, name: "after 5%" });
    expect(updated.outs).toMatchObject({ name: "after 5%", description: "same", snapshotId: "snapshot-2" });
    expect(seen.find((s) => s.path.endsWith("/RenameSnapshot"))!.body).toEqual({ name: "after 5%25" });
    expect(calls()).toEqual(["POST /VirtualMachineSnapshot/snapshot-2/RenameSnapshot", "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"]);
  });

  it("RemoveSnapshot_Task with removeChildren and consolidate; a snapshot already gone is not an error", async () => {
    loginSequence();
    intercept("POST", `${BASE}/VirtualMachineSnapshot/snapshot-2/RemoveSnapshot_Task`, 200, moref("Task", "task-11"));
    pollTask("task-11", { state: "success" });
    await crud.delete("snapshot-2", { vmId: "vm-42", snapshotId: "snapshot-2", name: "x", ...SNAPSHOT_INPUTS, removeChildren: true, consolidate: false });
    expect(seen.find((s) => s.path.endsWith("/RemoveSnapshot_Task"))!.body).toEqual({ removeChildren: true, consolidate: false });

    intercept("POST", `${BASE}/VirtualMachineSnapshot/snapshot-3/RemoveSnapshot_Task`, 500, { _typeName: "ManagedObjectNotFound", obj: moref("VirtualMachineSnapshot", "snapshot-3") });
    await expect(crud.delete("snapshot-3", { vmId: "vm-42", snapshotId: "snapshot-3", name: "x", ...SNAPSHOT_INPUTS })).resolves.toBeUndefined();
    expect(seen.filter((s) => s.path.endsWith("/RemoveSnapshot_Task"))[1]!.body).toEqual({ removeChildren: false, consolidate: true });
  });

  it("read finds a snapshot deep in a sibling subtree and reports it gone when it is not there", async () => {
    loginSequence();
    const roots = [node("snapshot-1", "a", [node("snapshot-2", "b")]), node("snapshot-3", "c", [node("snapshot-4", "d", [node("snapshot-7", "deep")])])];
    intercept("POST", RETRIEVE, 200, tree("snapshot-2", roots));
    const found = await crud.read("snapshot-7", { vmId: "vm-42", name: "deep", ...SNAPSHOT_INPUTS });
    expect(found.props).toMatchObject({ snapshotId: "snapshot-7", parentSnapshotId: "snapshot-4", isCurrent: false, name: "deep" });
    intercept("POST", RETRIEVE, 200, tree("snapshot-2", roots));
    expect(await crud.read("snapshot-8", { vmId: "vm-42", name: "gone", ...SNAPSHOT_INPUTS })).toEqual({ id: "", props: {} });
  });
});
