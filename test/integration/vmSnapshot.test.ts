import { TimeoutError, ValidationError, VendorFaultError } from "../../provider/errors";
import { connect } from "../../provider/vsphere/connection";
import { powerOffVm } from "../../provider/vsphere/methods/power";
import * as crud from "../../provider/resources/vsphere/vmSnapshot/provider";
import { useVsphereTwin } from "./support/vsphereTwin";

const twin = useVsphereTwin({ taskDurationMs: 50, guestOperationMs: 100 });

let counter = 0;
function newVm(spec: { powerState?: "poweredOn" | "poweredOff" | "suspended"; toolsInstalled?: boolean } = {}): string {
  counter += 1;
  return twin.sim.world.addVm({ name: `snap-test-${counter}`, powerState: "poweredOn", ...spec }).id;
}

function tasksOn(vmId: string): string[] {
  return [...twin.sim.world.taskRunner.tasks.values()].filter((task) => task.entityId === vmId).map((task) => task.name);
}

function snapshotsOf(vmId: string) {
  return [...twin.sim.world.snapshots.values()].filter((snapshot) => snapshot.vmId === vmId);
}

async function checked(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await crud.check(olds, news);
  expect(result.failures).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

async function createChecked(news: Record<string, unknown>) {
  return crud.create(await checked({}, news));
}

function admin(method: string, path: string): Promise<Response> {
  return fetch(`${twin.sim.url}/_sim/vsphere${path}`, { method, headers: { "x-simulator-admin-token": twin.sim.adminToken } });
}

describe("VmSnapshot lifecycle against the simulator", () => {
  it("creates with CreateSnapshotEx_Task, keyed on the snapshot MoRef, and a re-apply is a no-op without API calls", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId, name: "pre-change" });
    expect(created.id).toMatch(/^snapshot-\d+$/);
    expect(created.outs).toMatchObject({
      vmId,
      snapshotId: created.id,
      name: "pre-change",
      description: "",
      memory: false,
      quiesce: false,
      removeChildren: false,
      consolidate: true,
      powerState: "poweredOff",
      quiesced: false,
      isCurrent: true,
      createTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(created.outs.parentSnapshotId).toBeUndefined();
    expect(tasksOn(vmId)).toEqual(["CreateSnapshotEx_Task"]);

    const before = twin.sim.server.stats.requests;
    const news = await checked(created.outs, { vmId, name: "pre-change" });
    expect(await crud.diff(created.id, created.outs, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(twin.sim.server.stats.requests).toBe(before);
  });

  it("renames and re-describes in place with RenameSnapshot; memory, quiesce or vm changes replace", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId, name: "before", description: "old" });
    const news = await checked(created.outs, { vmId, name: "after", description: "new text" });
    expect(await crud.diff(created.id, created.outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await crud.update(created.id, created.outs, news);
    expect(updated.outs).toMatchObject({ snapshotId: created.id, name: "after", description: "new text" });
    expect(twin.sim.world.snapshots.get(created.id)).toMatchObject({ name: "after", description: "new text" });
    expect(tasksOn(vmId)).toEqual(["CreateSnapshotEx_Task"]);

    for (const [key, value] of [["memory", true], ["quiesce", true], ["vmId", "vm-101"]] as const) {
      const changed = { ...news, [key]: value };
      expect((await crud.diff(created.id, updated.outs, changed)).replaces).toEqual([key]);
    }
  });

  it("keeps a name with % exactly as declared (sent escaped as %25)", async () => {
    const vmId = newVm();
    const name = "50% done %25 literal";
    const created = await createChecked({ vmId, name, description: "100% sure" });
    expect(twin.sim.world.snapshots.get(created.id)?.name).toBe(name);
    expect(twin.sim.world.snapshots.get(created.id)?.description).toBe("100% sure");
    const refreshed = await crud.read(created.id, created.outs as Record<string, unknown>);
    expect(refreshed.props).toMatchObject({ name, description: "100% sure" });
    expect(refreshed.inputs).toBeUndefined();
    expect((await crud.diff(created.id, refreshed.props as Record<string, unknown>, await checked(created.outs, { vmId, name, description: "100% sure" }))).changes).toBe(false);
  });

  it("refresh picks up a rename by hand (inputs too), and the next up renames it back", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId, name: "declared" });
    twin.sim.world.snapshots.get(created.id)!.name = "renamed by hand";
    const refreshed = await crud.read(created.id, created.outs as Record<string, unknown>);
    expect(refreshed.props).toMatchObject({ name: "renamed by hand" });
    expect(refreshed.inputs).toMatchObject({ name: "renamed by hand", vmId });
    const news = await checked(refreshed.inputs as Record<string, unknown>, { vmId, name: "declared" });
    expect(await crud.diff(created.id, refreshed.props as Record<string, unknown>, news)).toMatchObject({ changes: true, replaces: [] });
    const updated = await crud.update(created.id, refreshed.props as Record<string, unknown>, news);
    expect(updated.outs).toMatchObject({ name: "declared" });
  });

  it("an update whose recorded outputs are stale still renames back a name changed by hand (read-back finds the drift)", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId, name: "declared", description: "kept" });
    twin.sim.world.snapshots.get(created.id)!.name = "renamed by hand";
    // No refresh: the recorded outputs still say "declared"; only timeoutSeconds changes.
    const news = await checked(created.outs, { vmId, name: "declared", description: "kept", timeoutSeconds: 600 });
    const updated = await crud.update(created.id, created.outs, news);
    expect(updated.outs).toMatchObject({ name: "declared", description: "kept", timeoutSeconds: 600 });
    expect(twin.sim.world.snapshots.get(created.id)).toMatchObject({ name: "declared", description: "kept" });
  });

  it("finds a snapshot anywhere in the tree and refreshes parent and current; children move up when it is removed", async () => {
    const vmId = newVm();
    const parent = await createChecked({ vmId, name: "same" });
    const child = await createChecked({ vmId, name: "same" });
    expect(child.outs).toMatchObject({ parentSnapshotId: parent.id, isCurrent: true });
    const parentNow = await crud.read(parent.id, parent.outs as Record<string, unknown>);
    expect(parentNow.props).toMatchObject({ isCurrent: false });
    await crud.delete(parent.id, parent.outs as Record<string, unknown>);
    expect(tasksOn(vmId)).toEqual(["CreateSnapshotEx_Task", "CreateSnapshotEx_Task", "RemoveSnapshot_Task"]);
    const childNow = await crud.read(child.id, child.outs as Record<string, unknown>);
    expect(childNow.id).toBe(child.id);
    expect((childNow.props as Record<string, unknown>)["parentSnapshotId"]).toBeUndefined();
  });

  it("removeChildren removes the subtree; the child's own delete then succeeds", async () => {
    const vmId = newVm();
    const parent = await createChecked({ vmId, name: "root", removeChildren: true });
    const child = await createChecked({ vmId, name: "leaf" });
    await crud.delete(parent.id, parent.outs as Record<string, unknown>);
    expect(snapshotsOf(vmId)).toEqual([]);
    expect(await crud.read(child.id, child.outs as Record<string, unknown>)).toEqual({ id: "", props: {} });
    await expect(crud.delete(child.id, child.outs as Record<string, unknown>)).resolves.toBeUndefined();
  });

  it("a snapshot removed out of band disappears on refresh, and deleting it is not an error", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId, name: "doomed" });
    expect((await admin("DELETE", `/snapshots/${created.id}`)).status).toBeLessThan(300);
    expect(await crud.read(created.id, created.outs as Record<string, unknown>)).toEqual({ id: "", props: {} });
    await expect(crud.delete(created.id, created.outs as Record<string, unknown>)).resolves.toBeUndefined();
    const error = await crud.update(created.id, created.outs, await checked(created.outs, { vmId, name: "other" })).catch((e: unknown) => e);
    expect((error as Error).message).toContain("pulumi refresh");
  });

  it("a snapshot whose VM was deleted disappears on refresh", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId, name: "orphan" });
    twin.sim.world.removeVm(vmId);
    expect(await crud.read(created.id, created.outs as Record<string, unknown>)).toEqual({ id: "", props: {} });
    await expect(crud.delete(created.id, created.outs as Record<string, unknown>)).resolves.toBeUndefined();
  });

  it("takes a memory snapshot of a powered-on VM and a quiesced one with tools running", async () => {
    const vmId = newVm();
    const memory = await createChecked({ vmId, name: "with-memory", memory: true });
    expect(memory.outs).toMatchObject({ memory: true, powerState: "poweredOn" });
    const quiesced = await createChecked({ vmId, name: "quiesced", quiesce: true });
    expect(quiesced.outs).toMatchObject({ quiesce: true, quiesced: true });
  });

  it("imports a snapshot by id alone", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId, name: "to import", memory: true });
    const imported = await crud.read(created.id, {});
    expect(imported.id).toBe(created.id);
    expect(imported.inputs).toMatchObject({ vmId, name: "to import", memory: true, quiesce: false });
  });

  it("two snapshots of one VM created in parallel both succeed", async () => {
    const vmId = newVm();
    const [first, second] = await Promise.all([createChecked({ vmId, name: "parallel-a" }), createChecked({ vmId, name: "parallel-b" })]);
    expect(first.id).not.toBe(second.id);
    expect(snapshotsOf(vmId).map((snapshot) => snapshot.name).sort()).toEqual(["parallel-a", "parallel-b"]);
  });

  it("waits out a task started outside this process (TaskInProgress)", async () => {
    const vmId = newVm();
    twin.sim.world.setVmTaskDuration(vmId, 1_000);
    const connection = await connect();
    await powerOffVm(connection, vmId, { deadline: Date.now() + 5_000 }); // someone else's task, still running
    twin.sim.world.setVmTaskDuration(vmId, undefined);
    const created = await createChecked({ vmId, name: "after-busy" });
    expect(created.outs).toMatchObject({ name: "after-busy" });
  });

  it("reports the fault of a failed create (quiesce) with the property, and leaves nothing behind", async () => {
    const vmId = newVm();
    twin.sim.world.failNextTask("ApplicationQuiesceFault", { vmId, method: "CreateSnapshotEx_Task" });
    const error = await createChecked({ vmId, name: "will fail", quiesce: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorFaultError);
    expect((error as VendorFaultError).fault?.type).toBe("ApplicationQuiesceFault");
    expect((error as Error).message).toMatch(/^quiesce: /);
    expect(snapshotsOf(vmId)).toEqual([]);
  });

  it("a snapshot that vSphere took without quiescing (tools stopped meanwhile) is removed and reported, not kept", async () => {
    const vmId = newVm();
    // VMware Tools stop right after the create task starts (after the provider's own checks passed).
    const stop = twin.sim.world.onChange((type, id) => {
      const task = type === "Task" ? twin.sim.world.taskRunner.tasks.get(id) : undefined;
      if (task?.entityId === vmId && task.name === "CreateSnapshotEx_Task" && task.state === "queued") twin.sim.world.setToolsRunning(vmId, false);
    });
    const error = await crud
      .create({ vmId, name: "must be quiesced", quiesce: true, description: "", memory: false, removeChildren: false, consolidate: true, timeoutSeconds: 60 })
      .catch((e: unknown) => e);
    stop();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).property).toBe("quiesce");
    expect((error as Error).message).toContain("removed again");
    expect(snapshotsOf(vmId)).toEqual([]);
    expect(tasksOn(vmId)).toEqual(["CreateSnapshotEx_Task", "RemoveSnapshot_Task"]);
  });

  it("stops at timeoutSeconds, cancels the create task and names the last state", async () => {
    const vmId = newVm();
    twin.sim.world.hangNextTask(vmId, "CreateSnapshotEx_Task");
    const error = await createChecked({ vmId, name: "slow", timeoutSeconds: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("was cancelled");
    expect(snapshotsOf(vmId)).toEqual([]);
  });
});

describe("VmSnapshot refuses bad inputs before any change", () => {
  it("names the property of each bad input", async () => {
    const failures = async (news: Record<string, unknown>) => ((await crud.check({}, news)).failures ?? []).map((failure) => failure.property);
    expect(await failures({ name: "x" })).toEqual(["vmId"]);
    expect(await failures({ vmId: "vm-101", name: "" })).toEqual(["name"]);
    expect(await failures({ vmId: "vm-101", name: "   " })).toEqual(["name"]);
    expect(await failures({ vmId: "vm-101" })).toEqual(["name"]);
    expect(await failures({ vmId: "vm-101", name: "x", timeoutSeconds: -1 })).toEqual(["timeoutSeconds"]);
    expect(await failures({ vmId: "vm-101", name: "x", memory: "yes" })).toEqual(["memory"]);
  });

  it("says a VM that does not exist does not exist", async () => {
    expect((await crud.check({}, { vmId: "vm-9999", name: "x" })).failures).toEqual([{ property: "vmId", reason: expect.stringContaining("vm-9999 does not exist") }]);
    const error = await crud.create({ vmId: "vm-9999", name: "x" }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("vm-9999 does not exist");
  });

  it("refuses memory or quiesce the VM cannot do, clearly, without a task", async () => {
    const off = newVm({ powerState: "poweredOff" });
    expect((await crud.check({}, { vmId: off, name: "m", memory: true })).failures).toEqual([{ property: "memory", reason: expect.stringContaining("needs a powered-on VM") }]);
    const error = await crud.create({ vmId: off, name: "m", memory: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).property).toBe("memory");
    const noTools = newVm({ toolsInstalled: false });
    expect((await crud.check({}, { vmId: noTools, name: "q", quiesce: true })).failures).toEqual([{ property: "quiesce", reason: expect.stringContaining("VMware Tools") }]);
    expect(tasksOn(off)).toEqual([]);
    expect(tasksOn(noTools)).toEqual([]);
  });

  it("refuses FT primaries and secondaries at preview: snapshots are not supported on FT VMs", async () => {
    const primary = twin.sim.world.addVm({ name: "ft-primary-snap", powerState: "poweredOn" });
    const secondary = twin.sim.world.addVm({ name: "ft-secondary-snap", powerState: "poweredOn", hostId: "host-11" });
    primary.ft = { role: "primary", secondaryIds: [secondary.id] };
    secondary.ft = { role: "secondary", primaryId: primary.id, enabled: true, sync: "running" };
    for (const vmId of [primary.id, secondary.id]) {
      const result = await crud.check({}, { vmId, name: "x" });
      expect(result.failures).toEqual([{ property: "vmId", reason: expect.stringContaining("snapshots are not supported on Fault Tolerance VMs") }]);
    }
    expect(tasksOn(primary.id)).toEqual([]);
  });
});
