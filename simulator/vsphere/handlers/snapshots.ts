/**
 * VI methods for snapshots (rules in model/snapshots.ts): CreateSnapshotEx_Task / CreateSnapshot_Task (result: the
 * VirtualMachineSnapshot MoRef), RemoveSnapshot_Task, RenameSnapshot (204), RemoveAllSnapshots_Task,
 * RevertToSnapshot_Task {host?, suppressPowerOn?} and RevertToCurrentSnapshot_Task {host?, suppressPowerOn?} (no result).
 */
import {
  checkRevert,
  createSnapshot,
  currentSnapshotOf,
  decodeSnapshotName,
  refuseSnapshotsOn,
  removeAllSnapshots,
  removeSnapshotFromTree,
  renameSnapshot,
  requireLiveSnapshot,
  revertToSnapshot,
} from "../model/snapshots";
import { checkPowerOnHost } from "../model/power";
import type { SnapshotState, VmState } from "../model/stateTypes";
import {
  createSnapshotBody,
  createSnapshotExBody,
  optionalBody,
  removeAllSnapshotsBody,
  removeSnapshotBody,
  renameSnapshotBody,
  requiredBody,
  revertToCurrentSnapshotBody,
  revertToSnapshotBody,
} from "../requestBodies";
import type { MoRefInput } from "../requestTypes";
import { moRef } from "../wire";
import { defineMethod } from "./defineMethod";
import { expectMoRef, type MethodCall, type RegisteredMethod } from "./methodRegistry";
import { startVmTask, type VmTaskKind } from "./vmTask";

function createSnapshotTask(call: MethodCall<{ name: string; description?: string; memory: boolean }>, vm: VmState, kind: VmTaskKind, quiesce: boolean) {
  let name = "";
  const precheck = () => {
    refuseSnapshotsOn(vm);
    name = decodeSnapshotName(call.body.name, vm);
  };
  return startVmTask(call, vm, kind, precheck, () => {
    const snapshot = createSnapshot(call.world, vm, name, call.body.description ?? "", call.body.memory, quiesce);
    return moRef("VirtualMachineSnapshot", snapshot.id);
  });
}

/** Both reverts: `target` names the snapshot (the current one is looked up again when the task ends). */
function revertTask(call: MethodCall<{ host?: MoRefInput; suppressPowerOn?: boolean }>, vm: VmState, kind: VmTaskKind, target: () => SnapshotState) {
  const { world, body } = call;
  const hostId = () => (body.host ? expectMoRef(world, body.host, "HostSystem", "host") : undefined);
  const precheck = () => {
    checkRevert(world, vm, target);
    const chosen = hostId();
    if (chosen !== undefined) checkPowerOnHost(world, vm, chosen);
  };
  return startVmTask(call, vm, kind, precheck, () => revertToSnapshot(world, vm, target(), body.suppressPowerOn ?? false, hostId()));
}

export const snapshotMethods: RegisteredMethod[] = [
  defineMethod("VirtualMachine", "CreateSnapshotEx_Task", { body: requiredBody(createSnapshotExBody), privilege: "VirtualMachine.State.CreateSnapshot" }, (call) =>
    createSnapshotTask(call, call.world.requireVm(call.moId), { name: "CreateSnapshotEx_Task", descriptionId: "VirtualMachine.createSnapshotEx", cancelable: true }, call.body.quiesceSpec !== undefined),
  ),

  defineMethod("VirtualMachine", "CreateSnapshot_Task", { body: requiredBody(createSnapshotBody), privilege: "VirtualMachine.State.CreateSnapshot" }, (call) =>
    createSnapshotTask(call, call.world.requireVm(call.moId), { name: "CreateSnapshot_Task", descriptionId: "VirtualMachine.createSnapshot", cancelable: true }, call.body.quiesce),
  ),

  defineMethod("VirtualMachineSnapshot", "RemoveSnapshot_Task", { body: requiredBody(removeSnapshotBody), privilege: "VirtualMachine.State.RemoveSnapshot" }, (call) => {
    const { world } = call;
    const snapshot = world.requireSnapshot(call.moId);
    const vm = world.requireVm(snapshot.vmId);
    return startVmTask(
      call,
      vm,
      { name: "RemoveSnapshot_Task", descriptionId: "vm.Snapshot.remove", cancelable: false },
      () => requireLiveSnapshot(world, snapshot),
      () => removeSnapshotFromTree(world, snapshot, call.body.removeChildren),
    );
  }),

  defineMethod("VirtualMachineSnapshot", "RenameSnapshot", { body: optionalBody(renameSnapshotBody), privilege: "VirtualMachine.State.RenameSnapshot" }, (call) => {
    const { world } = call;
    const snapshot = world.requireSnapshot(call.moId);
    const vm = world.requireVm(snapshot.vmId);
    world.taskRunner.assertVmFree(vm.id);
    renameSnapshot(world, snapshot, vm, call.body.name, call.body.description);
    return undefined;
  }),

  defineMethod("VirtualMachine", "RemoveAllSnapshots_Task", { body: optionalBody(removeAllSnapshotsBody), privilege: "VirtualMachine.State.RemoveSnapshot" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    return startVmTask(
      call,
      vm,
      { name: "RemoveAllSnapshots_Task", descriptionId: "VirtualMachine.removeAllSnapshots", cancelable: false },
      () => undefined,
      () => removeAllSnapshots(call.world, vm),
    );
  }),

  defineMethod("VirtualMachineSnapshot", "RevertToSnapshot_Task", { body: optionalBody(revertToSnapshotBody), privilege: "VirtualMachine.State.RevertToSnapshot" }, (call) => {
    const snapshot = call.world.requireSnapshot(call.moId);
    const vm = call.world.requireVm(snapshot.vmId);
    return revertTask(call, vm, { name: "RevertToSnapshot_Task", descriptionId: "vm.Snapshot.revert", cancelable: false }, () => snapshot);
  }),

  defineMethod("VirtualMachine", "RevertToCurrentSnapshot_Task", { body: optionalBody(revertToCurrentSnapshotBody), privilege: "VirtualMachine.State.RevertToSnapshot" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    return revertTask(call, vm, { name: "RevertToCurrentSnapshot_Task", descriptionId: "VirtualMachine.revertToCurrentSnapshot", cancelable: false }, () =>
      currentSnapshotOf(call.world, vm),
    );
  }),
];
