import { ConflictError, NotFoundError, PartialFailureError, TimeoutError, VendorFaultError } from "../../provider/errors";
import { connect } from "../../provider/vsphere/connection";
import * as ftMethods from "../../provider/vsphere/methods/faultTolerance";
import { powerOffVm } from "../../provider/vsphere/methods/power";
import { createSnapshot } from "../../provider/vsphere/methods/snapshots";
import { vmRef } from "../../provider/vsphere/moref";
import { waitForTask, type TaskHandle } from "../../provider/vsphere/taskWaiter";
import { isReconciled, startTask, type TaskStart } from "../../provider/vsphere/tasks";
import * as crud from "../../provider/resources/vsphere/ftSecondary/provider";
import * as snapshotCrud from "../../provider/resources/vsphere/vmSnapshot/provider";
import { useVsphereTwin } from "./support/vsphereTwin";

const twin = useVsphereTwin({ taskDurationMs: 40, ftSyncMs: 60 });
const soon = () => ({ deadline: Date.now() + 5_000 });

async function started(start: Promise<TaskStart>): Promise<TaskHandle> {
  const handle = await start;
  if (isReconciled(handle)) throw new Error("a start without a lost answer returns its task");
  return handle;
}
beforeEach(() => {
  twin.sim.server.faults.reset();
  twin.sim.world.setPreconditionFaultDelivery("response");
});

let counter = 0;
/** A fresh VM in the HA cluster (host-10 unless told otherwise). */
function newVm(spec: { powerState?: "poweredOn" | "poweredOff"; hostId?: string; clusterId?: string; template?: boolean; name?: string } = {}): string {
  counter += 1;
  return twin.sim.world.addVm({ name: spec.name ?? `ft-test-${counter}`, powerState: spec.powerState ?? "poweredOn", hostId: spec.hostId, clusterId: spec.clusterId, template: spec.template }).id;
}

const vmState = twin.vm;
const tasksOn = twin.tasksOn;
const requests = twin.requests;

async function until(what: string, test: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the engine does for a new resource: check, then create with the checked inputs. */
async function createChecked(news: Record<string, unknown>) {
  const checked = await crud.check({}, news);
  expect(checked.failures).toEqual([]);
  return crud.create(checked.inputs as Record<string, unknown>);
}

/** What the engine does for `pulumi up` on an existing resource: check, diff, update when changed. */
async function up(id: string, outs: Record<string, unknown>, news: Record<string, unknown>) {
  const checked = await crud.check(outs, news);
  expect(checked.failures).toEqual([]);
  const diff = await crud.diff(id, outs, checked.inputs as Record<string, unknown>);
  if (!diff.changes) return { diff, outs };
  const updated = await crud.update(id, outs, checked.inputs as Record<string, unknown>);
  return { diff, outs: updated.outs as Record<string, unknown> };
}

describe("FtSecondary lifecycle against the simulator", () => {
  it("protects a powered-on VM: the secondary is created on another host, powered on, and reaches running", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId });
    expect(created.id).toBe(vmId);
    const outs = created.outs as Record<string, unknown>;
    const vm = vmState(vmId)!;
    expect(vm.ftRole).toBe("primary");
    expect(outs).toMatchObject({
      vmId,
      enabled: true,
      timeoutSeconds: 1800,
      vmName: vm.name,
      primaryVmId: vmId,
      secondaryVmId: vm.secondaryIds[0],
      primaryHost: "host-10",
      powerOnAttempted: true,
      powerOnOutcome: "poweredOn",
      faultToleranceType: "checkpointing",
      placedDisks: 0,
      instanceUuids: [vm.instanceUuid, vmState(vm.secondaryIds[0]!)!.instanceUuid],
    });
    expect(outs["secondaryHost"]).toMatch(/^host-1[12]$/);
    expect(outs["secondaryPowerState"]).toBe("poweredOn");
    // waitForProtection (default): create ends when the group runs protected, as vSphere reports it then.
    expect(outs["faultToleranceState"]).toBe("running");
    expect(vmState(vmId)?.faultToleranceState).toBe("running");
    expect(tasksOn(vmId)).toEqual(["CreateSecondaryVMEx_Task"]);

    // So the first refresh finds nothing new, and a re-apply changes nothing and costs no API call in check.
    const refreshed = await crud.read(vmId, outs);
    expect(refreshed.id).toBe(vmId);
    expect(refreshed.props).toEqual(outs);
    const before = requests();
    const again = await up(vmId, refreshed.props!, { vmId });
    expect(again.diff).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(requests()).toBe(before);

    await crud.delete(vmId, refreshed.props!);
    expect(vmState(vmId)).toMatchObject({ ftRole: "none", faultToleranceState: "notConfigured" });
    expect(vmState(outs["secondaryVmId"] as string)).toBeUndefined();
    expect(tasksOn(vmId)).toEqual(["CreateSecondaryVMEx_Task", "TurnOffFaultToleranceForVM_Task"]);
    // Deleting again (FT already off) is not an error and starts no task.
    await crud.delete(vmId, refreshed.props!);
    expect(tasksOn(vmId)).toHaveLength(2);
  });

  it("protects a powered-off VM with placement: host, datastore and metadata datastore as declared, no power-on", async () => {
    const vmId = newVm({ powerState: "poweredOff" });
    const created = await createChecked({ vmId, host: "host-12", datastore: "datastore-12", metaDataDatastore: "datastore-11" });
    const outs = created.outs as Record<string, unknown>;
    expect(outs).toMatchObject({
      host: "host-12",
      datastore: "datastore-12",
      metaDataDatastore: "datastore-11",
      secondaryHost: "host-12",
      secondaryPowerState: "poweredOff",
      // Protected as far as a powered-off primary allows: vSphere starts the secondary with it.
      faultToleranceState: "enabled",
      powerOnAttempted: false,
      powerOnOutcome: "notAttempted",
    });
    expect(tasksOn(vmId)).toEqual(["CreateSecondaryVMEx_Task"]);
    const secondary = twin.sim.world.vms.get(outs["secondaryVmId"] as string)!;
    expect(secondary.datastoreId).toBe("datastore-12");
    // Powering the primary on takes the secondary with it: refresh reports it, no drift.
    twin.sim.world.setPowerState(vmId, "poweredOn");
    await until("running", () => vmState(vmId)?.faultToleranceState === "running");
    const refreshed = await crud.read(vmId, outs);
    expect(refreshed.props).toMatchObject({ faultToleranceState: "running", secondaryPowerState: "poweredOn", secondaryHost: "host-12" });
    expect(await crud.diff(vmId, refreshed.props!, { vmId, host: "host-12", datastore: "datastore-12", metaDataDatastore: "datastore-11", enabled: true, timeoutSeconds: 1800 })).toMatchObject({
      changes: false,
    });
    await crud.delete(vmId, refreshed.props!);
    expect(vmState(vmId)?.ftRole).toBe("none");
  });

  it("creates disabled when enabled is false, then enables and disables in place", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId, enabled: false });
    let outs = created.outs as Record<string, unknown>;
    expect(outs).toMatchObject({ enabled: false, faultToleranceState: "disabled", secondaryPowerState: "poweredOff", powerOnAttempted: true });
    expect(tasksOn(vmId)).toEqual(["CreateSecondaryVMEx_Task", "DisableSecondaryVM_Task"]);

    const enabled = await up(vmId, outs, { vmId, enabled: true });
    expect(enabled.diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    outs = enabled.outs;
    expect(outs).toMatchObject({ enabled: true, secondaryVmId: created.outs!["secondaryVmId"], powerOnAttempted: true, powerOnOutcome: "poweredOn" });
    // Enabling waits for protection too.
    expect(outs["faultToleranceState"]).toBe("running");
    expect(tasksOn(vmId).slice(-1)).toEqual(["EnableSecondaryVM_Task"]);

    const disabled = await up(vmId, outs, { vmId, enabled: false });
    expect(disabled.outs).toMatchObject({ enabled: false, faultToleranceState: "disabled" });
    expect(tasksOn(vmId).slice(-1)).toEqual(["DisableSecondaryVM_Task"]);
    expect(vmState(vmId)?.ftRole).toBe("primary");
    await crud.delete(vmId, disabled.outs);
  });

  it("replaces on a placement change: FT off first, then on again with the new host", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId, host: "host-11" });
    const outs = created.outs as Record<string, unknown>;
    expect(outs["secondaryHost"]).toBe("host-11");
    const checked = await crud.check({ vmId, host: "host-11" }, { vmId, host: "host-12" });
    expect(checked.failures).toEqual([]);
    const diff = await crud.diff(vmId, outs, checked.inputs as Record<string, unknown>);
    expect(diff).toEqual({ changes: true, replaces: ["host"], deleteBeforeReplace: true });
    // The engine deletes first, then creates.
    await crud.delete(vmId, outs);
    const replaced = await crud.create(checked.inputs as Record<string, unknown>);
    expect(replaced.id).toBe(vmId);
    expect(replaced.outs).toMatchObject({ host: "host-12", secondaryHost: "host-12" });
    expect(replaced.outs!["secondaryVmId"]).not.toBe(outs["secondaryVmId"]);
    await crud.delete(vmId, replaced.outs!);
  });

  it("disappears on refresh when FT is turned off by hand, and comes back on the next up", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId });
    twin.sim.world.turnOffFtOutOfBand(vmId);
    expect(await crud.read(vmId, created.outs!)).toEqual({ id: "", props: {} });
    // Without a refresh the next up still converges: update finds FT off and turns it on again.
    const updated = await crud.update(vmId, { ...created.outs!, faultToleranceState: "notConfigured" }, { vmId, enabled: true, timeoutSeconds: 1800 });
    expect(updated.outs).toMatchObject({ primaryVmId: vmId, powerOnOutcome: "poweredOn" });
    expect(vmState(vmId)?.ftRole).toBe("primary");
    await crud.delete(vmId, updated.outs!);
  });

  it("reflects a secondary re-spawned on another host after a host failure, without asking for a replace", async () => {
    const vmId = newVm({ powerState: "poweredOn", hostId: "host-10" });
    const created = await createChecked({ vmId, host: "host-11" });
    await until("running", () => vmState(vmId)?.faultToleranceState === "running");
    try {
      twin.sim.world.failHost("host-11");
      const during = await crud.read(vmId, created.outs!);
      expect(during.props).toMatchObject({ secondaryVmId: created.outs!["secondaryVmId"], secondaryHost: "host-12", host: "host-11" });
      expect(["needSecondary", "starting", "running"]).toContain(during.props!["faultToleranceState"]);
      // needSecondary/starting are vSphere restoring protection: reported, not fought.
      expect(await crud.diff(vmId, during.props!, { vmId, host: "host-11", enabled: true, timeoutSeconds: 1800 })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
      await until("running again", () => vmState(vmId)?.faultToleranceState === "running");
      const after = await crud.read(vmId, during.props!);
      expect(after.props).toMatchObject({ faultToleranceState: "running", secondaryHost: "host-12", secondaryPowerState: "poweredOn" });
    } finally {
      twin.sim.world.restoreHost("host-11");
    }
    await crud.delete(vmId, created.outs!);
  });

  it("sees a secondary disabled outside Pulumi as drift and re-enables it", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId });
    const connection = await connect();
    await waitForTask(connection, await started(ftMethods.disableSecondaryVm(connection, vmId, created.outs!["secondaryVmId"] as string, soon())), soon());
    const refreshed = await crud.read(vmId, created.outs!);
    expect(refreshed.props).toMatchObject({ faultToleranceState: "disabled" });
    const result = await up(vmId, refreshed.props!, { vmId });
    expect(result.diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(["starting", "running"]).toContain(result.outs["faultToleranceState"]);
    expect(tasksOn(vmId).slice(-1)).toEqual(["EnableSecondaryVM_Task"]);
    await crud.delete(vmId, result.outs);
  });

  it("follows the group after vSphere makes the former secondary the primary; destroy makes vmId the primary again, so it is not the VM removed", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId });
    const secondaryVmId = created.outs!["secondaryVmId"] as string;
    const connection = await connect();
    await until("the group to be protected (vSphere fails over only to a running secondary)", () => vmState(vmId)?.faultToleranceState === "running");
    await waitForTask(connection, await started(startTask(connection, vmRef(vmId), "MakePrimaryVM_Task", { vm: vmRef(secondaryVmId) }, soon())), soon());
    const refreshed = await crud.read(vmId, created.outs!);
    expect(refreshed.id).toBe(vmId);
    expect(refreshed.props).toMatchObject({ vmId, primaryVmId: secondaryVmId, secondaryVmId: vmId });
    await until("running again", () => vmState(secondaryVmId)?.faultToleranceState === "running");
    await crud.delete(vmId, refreshed.props!);
    expect(tasksOn(secondaryVmId)).toEqual(["MakePrimaryVM_Task"]);
    expect(tasksOn(vmId).slice(-1)).toEqual(["TurnOffFaultToleranceForVM_Task"]);
    expect(vmState(vmId)).toMatchObject({ ftRole: "none", faultToleranceState: "notConfigured", powerState: "poweredOn" });
    expect(vmState(secondaryVmId)).toBeUndefined();
  });

  it("destroy of a group that is not running after a failover turns FT off through the current primary", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId });
    const secondaryVmId = created.outs!["secondaryVmId"] as string;
    const connection = await connect();
    await waitForTask(connection, await started(startTask(connection, vmRef(vmId), "MakePrimaryVM_Task", { vm: vmRef(secondaryVmId) }, soon())), soon());
    // Right after the failover vmId is being re-spawned as the secondary: the group does not run, it cannot fail over.
    expect(vmState(secondaryVmId)?.faultToleranceState).not.toBe("running");
    await crud.delete(vmId, created.outs!);
    expect(tasksOn(vmId)).toEqual(["CreateSecondaryVMEx_Task", "MakePrimaryVM_Task"]);
    expect(tasksOn(secondaryVmId)).toEqual(["TurnOffFaultToleranceForVM_Task"]);
    expect(vmState(secondaryVmId)?.ftRole).toBe("none");
  });

  it("waits for a task started elsewhere (TaskInProgress) and then creates", async () => {
    const vmId = newVm({ powerState: "poweredOff" });
    const connection = await connect();
    twin.sim.world.hangNextTask(vmId, "PowerOnVM_Task");
    const busy = await started(startTask(connection, vmRef(vmId), "PowerOnVM_Task", undefined, soon()));
    const creating = createChecked({ vmId, timeoutSeconds: 30 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(vmState(vmId)?.ftRole).toBe("none");
    twin.sim.world.finishHungTasks();
    await waitForTask(connection, busy, { deadline: Date.now() + 5_000 });
    const created = await creating;
    expect(created.outs).toMatchObject({ primaryVmId: vmId, powerOnAttempted: true });
    await crud.delete(vmId, created.outs!);
  });

  it("deletes cleanly when the VM is gone", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId });
    twin.sim.world.removeVm(vmId);
    await expect(crud.delete(vmId, created.outs!)).resolves.toBeUndefined();
    expect(await crud.read(vmId, created.outs!)).toEqual({ id: "", props: {} });
  });
});

describe("FtSecondary preview refusals (check)", () => {
  async function reasons(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<Record<string, string[]>> {
    const result = await crud.check(olds, news);
    const byProperty: Record<string, string[]> = {};
    for (const failure of result.failures ?? []) (byProperty[failure.property] ??= []).push(failure.reason);
    return byProperty;
  }

  it("refuses a template, naming it", async () => {
    const vmId = newVm({ template: true, name: "tmpl-web" });
    const found = await reasons({ vmId });
    expect(found["vmId"]).toEqual([expect.stringMatching(new RegExp(`^VM "tmpl-web" \\(${vmId}\\) is a template`))]);
  });

  it("refuses a VM outside an HA cluster with vSphere's own compatibility answer", async () => {
    const vmId = newVm({ clusterId: "domain-c8", hostId: "host-20", name: "batch-x" });
    const found = await reasons({ vmId });
    expect(found["vmId"]).toHaveLength(1);
    expect(found["vmId"]![0]).toMatch(new RegExp(`VM "batch-x" \\(${vmId}\\).*QueryFaultToleranceCompatibilityEx.*NotSupported.*HA`));
  });

  it("refuses a VM with snapshots, listing them", async () => {
    const vmId = newVm({ name: "snappy" });
    const connection = await connect();
    await waitForTask(connection, await started(createSnapshot(connection, vmId, { name: "before-patch", memory: false, quiesce: false }, soon())), soon());
    const found = await reasons({ vmId });
    // One sentence for the snapshots, vSphere's own answer about them included: the reason is given once.
    expect(found).toEqual({
      vmId: [
        `VM "snappy" (${vmId}) has 1 snapshot ("before-patch"): vSphere does not allow snapshots on Fault Tolerance VMs (vSphere's compatibility check: VmConfigIncompatibleForFaultTolerance: The virtual machine has snapshots; fault tolerance cannot be turned on). Remove them (or the VmSnapshot resources on this VM) first.`,
      ],
    });
  });

  it("gives the FT reason once when a VmSnapshot is declared on an FT VM, primary or secondary", async () => {
    const vmId = newVm({ name: "protected" });
    const created = await createChecked({ vmId });
    for (const target of [vmId, created.outs!["secondaryVmId"] as string]) {
      const checked = await snapshotCrud.check({}, { vmId: target, name: "pre-change" });
      expect(checked.failures).toHaveLength(1);
      expect(checked.failures![0]).toMatchObject({ property: "vmId", reason: expect.stringMatching(/snapshots are not supported on Fault Tolerance VMs/) });
    }
    await crud.delete(vmId, created.outs!);
  });

  it("refuses a VM that is already a secondary, or already fault tolerant", async () => {
    const vmId = newVm({ name: "prim" });
    const created = await createChecked({ vmId });
    const secondaryVmId = created.outs!["secondaryVmId"] as string;
    expect((await reasons({ vmId: secondaryVmId }))["vmId"]).toEqual([expect.stringMatching(new RegExp(`\\(${secondaryVmId}\\) is itself a Fault Tolerance secondary of ${vmId}`))]);
    expect((await reasons({ vmId }))["vmId"]).toEqual([expect.stringMatching(new RegExp(`^VM "prim" \\(${vmId}\\) is already fault tolerant \\(secondary ${secondaryVmId}\\)`))]);
    // The same refusal at create time (preview skipped, e.g. vmId unknown then).
    await expect(crud.create({ vmId, enabled: true, timeoutSeconds: 60 })).rejects.toThrow(ConflictError);
    await crud.delete(vmId, created.outs!);
  });

  it("refuses a VM that does not exist", async () => {
    expect((await reasons({ vmId: "vm-9999" }))["vmId"]).toEqual(["VM vm-9999 does not exist in vCenter (or this user cannot see it): Fault Tolerance cannot be turned on for it."]);
  });

  it("says that vmId is a managed object id, not a name, for a VM name given as vmId", async () => {
    expect((await reasons({ vmId: "batch-01" }))["vmId"]).toEqual([
      'VM batch-01 does not exist in vCenter (or this user cannot see it): Fault Tolerance cannot be turned on for it. "batch-01" looks like a VM name: vmId takes the VM\'s managed object id ("vm-" and a number, e.g. "vm-42", as in the vSphere Client\'s URL), not its name. The VM named "batch-01" is vm-105: use that.',
    ]);
  });

  it("refuses placement on the primary's host, on a missing host or datastore, on another cluster's host", async () => {
    const vmId = newVm({ hostId: "host-10" });
    expect((await reasons({ vmId, host: "host-10" }))["host"]![0]).toMatch(/runs on host-10; Fault Tolerance needs the secondary on a different host/);
    expect((await reasons({ vmId, host: "host-77" }))["host"]![0]).toMatch(/HostSystem host-77 does not exist/);
    expect((await reasons({ vmId, host: "host-20" }))["host"]![0]).toMatch(/host-20 is not in the cluster of VM/);
    const found = await reasons({ vmId, datastore: "datastore-99", metaDataDatastore: "datastore-98" });
    expect(found["datastore"]![0]).toMatch(/Datastore datastore-99 does not exist/);
    expect(found["metaDataDatastore"]![0]).toMatch(/Datastore datastore-98 does not exist/);
    expect(await reasons({ vmId, host: "host-11", datastore: "datastore-12" })).toEqual({});
  });

  it("checks a changed placement even when vmId is unchanged, and costs no call when nothing changed", async () => {
    const vmId = newVm({ hostId: "host-10" });
    expect((await reasons({ vmId, host: "host-10" }, { vmId, host: "host-11" }))["host"]![0]).toMatch(/runs on host-10/);
    const before = requests();
    expect(await reasons({ vmId, host: "host-11" }, { vmId, host: "host-11" })).toEqual({});
    expect(requests()).toBe(before);
  });
});

describe("FtSecondary failures and interrupted creates", () => {
  it("reports vSphere's refusal at create time with the VM named (NoHostSuitableForFtSecondary)", async () => {
    const vmId = newVm({ hostId: "host-10", name: "lonely" });
    twin.sim.world.failHost("host-11");
    twin.sim.world.failHost("host-12");
    try {
      const error = await crud.create({ vmId, enabled: true, timeoutSeconds: 30 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VendorFaultError);
      expect((error as VendorFaultError).fault?.type).toBe("NoHostSuitableForFtSecondary");
      expect((error as Error).message).toMatch(/Turning Fault Tolerance on for VM "lonely"/);
    } finally {
      twin.sim.world.restoreHost("host-11");
      twin.sim.world.restoreHost("host-12");
    }
    expect(vmState(vmId)?.ftRole).toBe("none");
  });

  it("reports a refusal delivered as the task's error the same way (NotSupported outside HA)", async () => {
    twin.sim.world.setPreconditionFaultDelivery("task");
    const vmId = newVm({ clusterId: "domain-c8", hostId: "host-20" });
    const error = await crud.create({ vmId, enabled: true, timeoutSeconds: 30 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VendorFaultError);
    expect((error as VendorFaultError).fault?.type).toBe("NotSupported");
    expect((error as Error).message).toMatch(/HA-enabled cluster/);
  });

  it("a create that times out while vSphere is still working cancels the task and leaves nothing behind", async () => {
    const vmId = newVm();
    const vmsBefore = twin.sim.world.vms.size;
    twin.sim.world.hangNextTask(vmId, "CreateSecondaryVMEx_Task");
    const error = await crud.create({ vmId, enabled: true, timeoutSeconds: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/did not finish within timeoutSeconds \(1\).*was cancelled.*Nothing was changed/);
    expect(vmState(vmId)?.ftRole).toBe("none");
    expect(twin.sim.world.vms.size).toBe(vmsBefore);
    twin.sim.world.finishHungTasks();
  });

  it("a create interrupted after vSphere made the secondary reports a partial failure carrying the primary's id", async () => {
    const vmId = newVm();
    twin.sim.world.failNextTask("InvalidState", { vmId, method: "DisableSecondaryVM_Task", message: "The host is in maintenance mode." });
    const error = await crud.create({ vmId, enabled: false, timeoutSeconds: 30 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PartialFailureError);
    const partial = error as PartialFailureError;
    const secondaryVmId = vmState(vmId)!.secondaryIds[0];
    expect(partial.id).toBe(vmId);
    expect(partial.properties).toMatchObject({ vmId, enabled: false, secondaryVmId });
    expect(partial.message).toMatch(/disabling the secondary as declared \(enabled: false\) failed/);
    // State records it; the next up finishes the job (the secondary is still enabled: drift), destroy turns FT off.
    const next = await up(vmId, partial.properties, { vmId, enabled: false });
    expect(next.diff.changes).toBe(true);
    expect(next.outs).toMatchObject({ faultToleranceState: "disabled" });
    await crud.delete(vmId, next.outs);
    expect(vmState(vmId)?.ftRole).toBe("none");
  });

  it("a connection cut after the create call is reconciled by reading the group back: FT on exactly once", async () => {
    const vmId = newVm();
    const vmsBefore = twin.sim.world.vms.size;
    twin.sim.server.faults.configure({ drop: 1, pathContains: "CreateSecondaryVMEx_Task" });
    const created = await crud.create({ vmId, enabled: true, timeoutSeconds: 30 });
    expect(created.id).toBe(vmId);
    // The twin dropped the request before acting: the read-back saw no group, so the call was made again, once.
    expect(vmState(vmId)?.ftRole).toBe("primary");
    expect(vmState(vmId)?.secondaryIds).toHaveLength(1);
    expect(twin.sim.world.vms.size).toBe(vmsBefore + 1);
    expect(created.outs).toMatchObject({ vmId, secondaryVmId: vmState(vmId)!.secondaryIds[0] });
    await crud.delete(vmId, created.outs!);
  });

  it("a connection cut whose outcome cannot be read back is recorded, not forgotten, and refresh resolves it", async () => {
    const vmId = newVm();
    twin.sim.server.faults.configure({ drop: 4, pathContains: "CreateSecondaryVMEx_Task" });
    const error = await crud.create({ vmId, enabled: true, timeoutSeconds: 30 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PartialFailureError);
    const partial = error as PartialFailureError;
    expect(partial.id).toBe(vmId);
    expect(partial.message).toMatch(/outcome is unknown/);
    expect(partial.properties).toMatchObject({ vmId, faultToleranceState: "notConfigured" });
    // The twin dropped every request before acting: refresh drops the resource, and nothing is untracked.
    expect(await crud.read(vmId, partial.properties)).toEqual({ id: "", props: {} });
    expect(vmState(vmId)?.ftRole).toBe("none");
    // Had the resource stayed in state, the next up would converge by turning FT on.
    expect(await crud.diff(vmId, partial.properties, { vmId, enabled: true, timeoutSeconds: 30 })).toMatchObject({ changes: true, replaces: [] });
  });

  it("delete of a VM whose FT was turned off by hand is not an error", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId });
    twin.sim.world.turnOffFtOutOfBand(vmId);
    await expect(crud.delete(vmId, created.outs!)).resolves.toBeUndefined();
    expect(tasksOn(vmId)).toEqual(["CreateSecondaryVMEx_Task"]);
  });

  it("an update on a VM that vanished says so", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId });
    twin.sim.world.removeVm(vmId);
    await expect(crud.update(vmId, created.outs!, { vmId, enabled: false, timeoutSeconds: 30 })).rejects.toThrow(NotFoundError);
  });

  it("powering the primary off takes the secondary with it; refresh shows it without drift", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId });
    const connection = await connect();
    await waitForTask(connection, await started(powerOffVm(connection, vmId, soon())), soon());
    const refreshed = await crud.read(vmId, created.outs!);
    expect(refreshed.props).toMatchObject({ faultToleranceState: "enabled", secondaryPowerState: "poweredOff" });
    expect(await crud.diff(vmId, refreshed.props!, { vmId, enabled: true, timeoutSeconds: 1800 })).toMatchObject({ changes: false });
    await crud.delete(vmId, refreshed.props!);
  });
});

describe("FtSecondary waitForProtection", () => {
  /** Runs `work` while the twin takes `ms` to start a secondary (synchronization time). */
  async function withSyncTime<T>(ms: number, work: () => Promise<T>): Promise<T> {
    const usual = twin.sim.world.ftSyncMs;
    twin.sim.world.ftSyncMs = ms;
    try {
      return await work();
    } finally {
      twin.sim.world.ftSyncMs = usual;
    }
  }

  it("a group that is not protected within timeoutSeconds is a partial failure recording the group, saying what vSphere reports", async () => {
    const vmId = newVm({ name: "slow-sync" });
    const error = (await withSyncTime(60_000, () => createChecked({ vmId, timeoutSeconds: 1 })).catch((caught: unknown) => caught)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    const secondaryVmId = vmState(vmId)!.secondaryIds[0]!;
    expect(error.id).toBe(vmId);
    expect(error.message).toBe(
      `Fault Tolerance was turned on for VM "slow-sync" (${vmId}), but the group was not protected within timeoutSeconds (1). vSphere reports faultToleranceState starting, primary poweredOn; the secondary ${secondaryVmId} is poweredOn. ` +
        "The group is recorded in the stack: `pulumi refresh` shows when vSphere has the secondary running, `pulumi destroy` turns FT off. Set waitForProtection: false not to wait.",
    );
    expect(error.properties).toMatchObject({ vmId, secondaryVmId, faultToleranceState: "starting", waitForProtection: true });
    // The group exists, recorded: destroy turns FT off.
    await crud.delete(vmId, error.properties);
    expect(vmState(vmId)?.ftRole).toBe("none");
  });

  it("waitForProtection false returns at once while vSphere is still starting the secondary", async () => {
    const vmId = newVm();
    const created = await withSyncTime(60_000, () => createChecked({ vmId, waitForProtection: false, timeoutSeconds: 1 }));
    expect(created.outs).toMatchObject({ waitForProtection: false, faultToleranceState: "starting" });
    await crud.delete(vmId, created.outs!);
  });

  it("changing waitForProtection is an update in place that makes no call to vSphere but the read", async () => {
    const vmId = newVm();
    const created = await createChecked({ vmId });
    const result = await up(vmId, created.outs!, { vmId, waitForProtection: false });
    expect(result.diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(result.outs).toMatchObject({ waitForProtection: false, faultToleranceState: "running" });
    expect(tasksOn(vmId)).toEqual(["CreateSecondaryVMEx_Task"]);
    await crud.delete(vmId, result.outs);
  });
});
