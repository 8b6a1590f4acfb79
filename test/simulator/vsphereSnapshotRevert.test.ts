/**
 * Snapshot revert on the vSphere twin over HTTP: RevertToSnapshot_Task and RevertToCurrentSnapshot_Task return the VM
 * to the snapshot's power state (memory → on, or suspended with suppressPowerOn; disk-only → off) and make it the
 * current snapshot; refusals for FT VMs, a VM without snapshots, a busy VM and bad hosts.
 */
import { ref, useViTwin, type Json } from "./support/viSession";

const twin = useViTwin({ taskDurationMs: 20, ftSyncMs: 30 });

async function snapshot(vmId: string, name: string, memory: boolean): Promise<string> {
  return ((await twin.vi.runTask(`VirtualMachine/${vmId}/CreateSnapshotEx_Task`, { name, memory })).result as Json).value as string;
}

async function powerState(vmId: string): Promise<string> {
  return ((await twin.vi.get(`VirtualMachine/${vmId}/runtime`)) as Json).powerState as string;
}

async function currentSnapshot(vmId: string): Promise<unknown> {
  return ((await twin.vi.get(`VirtualMachine/${vmId}/snapshot`)) as Json).currentSnapshot;
}

describe("RevertToSnapshot_Task", () => {
  test("a memory snapshot powers the VM on; with suppressPowerOn it is left suspended; the snapshot becomes current", async () => {
    const withMemory = await snapshot("vm-101", "with memory", true);
    const later = await snapshot("vm-101", "later", false);
    expect(await currentSnapshot("vm-101")).toEqual(ref("VirtualMachineSnapshot", later));
    await twin.vi.runTask("VirtualMachine/vm-101/PowerOffVM_Task");

    const info = await twin.vi.runTask(`VirtualMachineSnapshot/${withMemory}/RevertToSnapshot_Task`, {});
    expect(info).toMatchObject({ descriptionId: "vm.Snapshot.revert", entity: ref("VirtualMachine", "vm-101") });
    expect(info.result).toBeUndefined();
    expect(await powerState("vm-101")).toBe("poweredOn");
    expect(await currentSnapshot("vm-101")).toEqual(ref("VirtualMachineSnapshot", withMemory));
    expect(((await twin.vi.get("VirtualMachine/vm-101/guest")) as Json).toolsRunningStatus).toBe("guestToolsRunning");

    await twin.vi.runTask("VirtualMachine/vm-101/PowerOffVM_Task");
    await twin.vi.runTask(`VirtualMachineSnapshot/${withMemory}/RevertToSnapshot_Task`, { suppressPowerOn: true });
    expect(await powerState("vm-101")).toBe("suspended");
  });

  test("a disk-only snapshot leaves the VM powered off, also when it is running; a suspended VM's snapshot suspends it", async () => {
    const diskOnly = await snapshot("vm-102", "disk only", false);
    expect(await powerState("vm-102")).toBe("poweredOn");
    await twin.vi.runTask(`VirtualMachineSnapshot/${diskOnly}/RevertToSnapshot_Task`);
    expect(await powerState("vm-102")).toBe("poweredOff");

    await twin.vi.runTask("VirtualMachine/vm-102/PowerOnVM_Task");
    await twin.vi.runTask("VirtualMachine/vm-102/SuspendVM_Task");
    const suspended = await snapshot("vm-102", "suspended", true);
    await twin.vi.runTask("VirtualMachine/vm-102/PowerOnVM_Task");
    await twin.vi.runTask(`VirtualMachineSnapshot/${suspended}/RevertToSnapshot_Task`, { suppressPowerOn: false });
    expect(await powerState("vm-102")).toBe("suspended");
  });

  test("host chooses where a reverted VM powers on; a host elsewhere or unknown is refused", async () => {
    const withMemory = await snapshot("vm-101", "on", true);
    await twin.vi.runTask("VirtualMachine/vm-101/PowerOffVM_Task");
    await twin.vi.runTask(`VirtualMachineSnapshot/${withMemory}/RevertToSnapshot_Task`, { host: ref("HostSystem", "host-12") });
    expect(await twin.vi.get("VirtualMachine/vm-101/runtime")).toMatchObject({ powerState: "poweredOn", host: ref("HostSystem", "host-12") });
    expect((await twin.vi.fault(`VirtualMachineSnapshot/${withMemory}/RevertToSnapshot_Task`, { host: ref("HostSystem", "host-20") }, "InvalidArgument")).invalidProperty).toBe("host");
    await twin.vi.fault(`VirtualMachineSnapshot/${withMemory}/RevertToSnapshot_Task`, { host: ref("HostSystem", "host-77") }, "ManagedObjectNotFound");
    await twin.vi.fault(`VirtualMachineSnapshot/${withMemory}/RevertToSnapshot_Task`, { suppressPowerOn: "yes" }, "InvalidRequest");
    await twin.vi.fault("VirtualMachineSnapshot/snapshot-999/RevertToSnapshot_Task", {}, "ManagedObjectNotFound");
  });

  test("one task per VM: a revert while another task runs is TaskInProgress {task}", async () => {
    const withMemory = await snapshot("vm-101", "on", true);
    twin.sim.world.hangNextTask("vm-101");
    const busy = await twin.vi.startTask("VirtualMachine/vm-101/PowerOffVM_Task");
    expect((await twin.vi.fault(`VirtualMachineSnapshot/${withMemory}/RevertToSnapshot_Task`, {}, "TaskInProgress")).task).toEqual(busy);
    expect((await twin.vi.fault("VirtualMachine/vm-101/RevertToCurrentSnapshot_Task", {}, "TaskInProgress")).task).toEqual(busy);
    twin.sim.world.finishHungTasks();
    await twin.vi.waitTask(busy);
  });
});

describe("RevertToCurrentSnapshot_Task", () => {
  test("goes back to the current snapshot's state; NotFound without snapshots", async () => {
    await twin.vi.fault("VirtualMachine/vm-101/RevertToCurrentSnapshot_Task", {}, "NotFound");
    await twin.vi.fault("VirtualMachine/vm-101/RevertToCurrentSnapshot_Task", undefined, "NotFound");
    const first = await snapshot("vm-101", "first", true);
    await snapshot("vm-101", "second", false);
    await twin.vi.runTask(`VirtualMachineSnapshot/${first}/RevertToSnapshot_Task`, {});
    await twin.vi.runTask("VirtualMachine/vm-101/PowerOffVM_Task");

    const info = await twin.vi.runTask("VirtualMachine/vm-101/RevertToCurrentSnapshot_Task");
    expect(info).toMatchObject({ descriptionId: "VirtualMachine.revertToCurrentSnapshot", entity: ref("VirtualMachine", "vm-101") });
    expect(await powerState("vm-101")).toBe("poweredOn");
    expect(await currentSnapshot("vm-101")).toEqual(ref("VirtualMachineSnapshot", first));

    await twin.vi.runTask("VirtualMachine/vm-101/PowerOffVM_Task");
    await twin.vi.runTask("VirtualMachine/vm-101/RevertToCurrentSnapshot_Task", { suppressPowerOn: true });
    expect(await powerState("vm-101")).toBe("suspended");
  });

  test("FT primaries and secondaries are refused with NotSupported, as snapshots are", async () => {
    const secondaryId = (((await twin.vi.runTask("VirtualMachine/vm-102/CreateSecondaryVMEx_Task", {})).result as Json).vm as Json).value as string;
    await twin.vi.fault("VirtualMachine/vm-102/RevertToCurrentSnapshot_Task", {}, "NotSupported");
    await twin.vi.fault(`VirtualMachine/${secondaryId}/RevertToCurrentSnapshot_Task`, {}, "NotSupported");
    // A snapshot taken before FT was turned on (only possible out of band) cannot be reverted to either.
    const vm = twin.sim.world.requireVm("vm-103");
    const before = await snapshot("vm-103", "before", false);
    vm.ft = { role: "primary", secondaryIds: [] };
    await twin.vi.fault(`VirtualMachineSnapshot/${before}/RevertToSnapshot_Task`, {}, "NotSupported");
  });
});
