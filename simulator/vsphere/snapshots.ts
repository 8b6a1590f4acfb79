/**
 * Snapshots: CreateSnapshotEx_Task / CreateSnapshot_Task (result: the VirtualMachineSnapshot MoRef), RemoveSnapshot_Task,
 * RenameSnapshot (204), RemoveAllSnapshots_Task, RevertToSnapshot_Task, RevertToCurrentSnapshot_Task.
 * Names: the API reads `%` as the start of an escape, so `%XX` sequences are decoded when stored; a malformed escape
 * (`%zz`, a lone `%`, bytes that are not UTF-8) is InvalidName {name, entity}. Names need not be unique.
 * Per the spec: `memory` only matters for a powered-on VM (the snapshot's state is poweredOn with memory, else
 * poweredOff; a suspended VM's snapshot is suspended); `quiesce` is ignored when the VM is off or tools are not running.
 * Refused with NotSupported on FT primaries and secondaries and on templates.
 */
import { faults } from "./faults";
import { defineMethod, expectMoRef, startCheckedTask, type MethodCall, type RegisteredMethod } from "./methodRegistry";
import { applyPowerState } from "./power";
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
} from "./requestBodies";
import type { SnapshotState, VmState } from "./stateTypes";
import { moRef } from "./wire";
import type { VsphereWorld } from "./world";

/** Decodes `%XX` escapes (UTF-8). Undefined when an escape is malformed. */
export function decodeEscapedName(raw: string): string | undefined {
  const bytes: number[] = [];
  for (let index = 0; index < raw.length; ) {
    const char = raw[index];
    if (char === "%") {
      const hex = raw.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      index += 3;
      continue;
    }
    const codePoint = raw.codePointAt(index) as number;
    const encoded = Buffer.from(String.fromCodePoint(codePoint), "utf8");
    bytes.push(...encoded);
    index += codePoint > 0xffff ? 2 : 1;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

function decodeNameOrFault(raw: string, vm: VmState): string {
  const decoded = decodeEscapedName(raw);
  if (decoded === undefined || decoded.trim() === "") throw faults.invalidName(raw, moRef("VirtualMachine", vm.id));
  return decoded;
}

function refuseSnapshotsOn(vm: VmState): void {
  if (vm.template) throw faults.notSupported("Snapshots are not supported on a template.");
  if (vm.ft) throw faults.notSupported(`Snapshots are not supported on a Fault Tolerance ${vm.ft.role} virtual machine.`);
}

function snapshotTask(call: MethodCall<unknown>, vm: VmState, name: string, descriptionId: string, cancelable: boolean, precheck: () => void, complete: () => unknown) {
  return startCheckedTask(
    call.world,
    {
      name,
      descriptionId,
      entityType: "VirtualMachine",
      entityId: vm.id,
      entityName: vm.name,
      lockVmId: vm.id,
      cancelable,
      userName: call.session.userName,
      complete: () => {
        precheck();
        return complete();
      },
    },
    precheck,
  );
}

function createSnapshot(world: VsphereWorld, vm: VmState, name: string, description: string, memory: boolean, quiesce: boolean): SnapshotState {
  const state = vm.powerState === "poweredOn" ? (memory ? "poweredOn" : "poweredOff") : vm.powerState;
  const snapshot: SnapshotState = {
    id: world.newSnapshotId(),
    vmId: vm.id,
    numericId: vm.nextSnapshotNumericId++,
    name,
    description,
    createTime: Date.now(),
    state,
    quiesced: quiesce && vm.powerState === "poweredOn" && vm.toolsRunning,
    parentId: vm.currentSnapshotId,
    childIds: [],
  };
  world.snapshots.set(snapshot.id, snapshot);
  const parent = snapshot.parentId ? world.snapshots.get(snapshot.parentId) : undefined;
  if (parent) {
    parent.childIds.push(snapshot.id);
    world.notify("VirtualMachineSnapshot", parent.id);
  } else vm.rootSnapshotIds.push(snapshot.id);
  vm.currentSnapshotId = snapshot.id;
  world.notify("VirtualMachineSnapshot", snapshot.id);
  world.notify("VirtualMachine", vm.id);
  return snapshot;
}

/**
 * Removes a snapshot. removeChildren: the whole subtree goes; otherwise its children move up to its parent (or become
 * roots) in its place. The current snapshot becomes the parent when it was removed.
 */
export function removeSnapshotFromTree(world: VsphereWorld, snapshot: SnapshotState, removeChildren: boolean): void {
  const vm = world.vms.get(snapshot.vmId);
  const parent = snapshot.parentId ? world.snapshots.get(snapshot.parentId) : undefined;
  const siblings = parent ? parent.childIds : (vm?.rootSnapshotIds ?? []);
  const position = siblings.indexOf(snapshot.id);
  const removed: string[] = [];
  const collect = (id: string) => {
    removed.push(id);
    for (const child of world.snapshots.get(id)?.childIds ?? []) collect(child);
  };
  if (removeChildren) collect(snapshot.id);
  else removed.push(snapshot.id);
  const promoted = removeChildren ? [] : snapshot.childIds;
  for (const childId of promoted) {
    const child = world.snapshots.get(childId);
    if (child) {
      child.parentId = parent?.id;
      world.notify("VirtualMachineSnapshot", child.id);
    }
  }
  if (position >= 0) siblings.splice(position, 1, ...promoted);
  for (const id of removed) {
    world.snapshots.delete(id);
    world.notify("VirtualMachineSnapshot", id);
  }
  if (parent) world.notify("VirtualMachineSnapshot", parent.id);
  if (vm) {
    if (vm.currentSnapshotId && removed.includes(vm.currentSnapshotId)) vm.currentSnapshotId = parent?.id;
    world.notify("VirtualMachine", vm.id);
  }
}

function revertTo(world: VsphereWorld, vm: VmState, snapshot: SnapshotState, suppressPowerOn: boolean, hostId: string | undefined): void {
  vm.currentSnapshotId = snapshot.id;
  if (hostId) vm.hostId = hostId;
  const target = snapshot.state === "poweredOn" && suppressPowerOn ? "poweredOff" : snapshot.state;
  applyPowerState(world, vm, target);
}

export const snapshotMethods: RegisteredMethod[] = [
  defineMethod("VirtualMachine", "CreateSnapshotEx_Task", { body: requiredBody(createSnapshotExBody), privilege: "VirtualMachine.State.CreateSnapshot" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    let name = "";
    const precheck = () => {
      refuseSnapshotsOn(vm);
      name = decodeNameOrFault(call.body.name, vm);
    };
    return snapshotTask(call, vm, "CreateSnapshotEx_Task", "VirtualMachine.createSnapshotEx", true, precheck, () => {
      const snapshot = createSnapshot(call.world, vm, name, call.body.description ?? "", call.body.memory, call.body.quiesceSpec !== undefined);
      return moRef("VirtualMachineSnapshot", snapshot.id);
    });
  }),

  defineMethod("VirtualMachine", "CreateSnapshot_Task", { body: requiredBody(createSnapshotBody), privilege: "VirtualMachine.State.CreateSnapshot" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    let name = "";
    const precheck = () => {
      refuseSnapshotsOn(vm);
      name = decodeNameOrFault(call.body.name, vm);
    };
    return snapshotTask(call, vm, "CreateSnapshot_Task", "VirtualMachine.createSnapshot", true, precheck, () => {
      const snapshot = createSnapshot(call.world, vm, name, call.body.description ?? "", call.body.memory, call.body.quiesce);
      return moRef("VirtualMachineSnapshot", snapshot.id);
    });
  }),

  defineMethod("VirtualMachineSnapshot", "RemoveSnapshot_Task", { body: requiredBody(removeSnapshotBody), privilege: "VirtualMachine.State.RemoveSnapshot" }, (call) => {
    const world = call.world;
    const snapshot = world.requireSnapshot(call.moId);
    const vm = world.requireVm(snapshot.vmId);
    const precheck = () => {
      if (!world.snapshots.has(snapshot.id)) throw faults.managedObjectNotFound(moRef("VirtualMachineSnapshot", snapshot.id));
    };
    return snapshotTask(call, vm, "RemoveSnapshot_Task", "vm.Snapshot.remove", false, precheck, () => {
      removeSnapshotFromTree(world, snapshot, call.body.removeChildren);
      return undefined;
    });
  }),

  defineMethod("VirtualMachineSnapshot", "RenameSnapshot", { body: optionalBody(renameSnapshotBody), privilege: "VirtualMachine.State.RenameSnapshot" }, (call) => {
    const world = call.world;
    const snapshot = world.requireSnapshot(call.moId);
    const vm = world.requireVm(snapshot.vmId);
    world.taskRunner.assertVmFree(vm.id);
    if (call.body.name === undefined && call.body.description === undefined) {
      throw faults.invalidArgument("name", "RenameSnapshot needs a new name, a new description, or both.");
    }
    const name = call.body.name !== undefined ? decodeNameOrFault(call.body.name, vm) : undefined;
    if (name !== undefined) snapshot.name = name;
    if (call.body.description !== undefined) snapshot.description = call.body.description;
    world.notify("VirtualMachineSnapshot", snapshot.id);
    world.notify("VirtualMachine", vm.id);
    return undefined;
  }),

  defineMethod("VirtualMachine", "RemoveAllSnapshots_Task", { body: optionalBody(removeAllSnapshotsBody), privilege: "VirtualMachine.State.RemoveSnapshot" }, (call) => {
    const world = call.world;
    const vm = world.requireVm(call.moId);
    return snapshotTask(call, vm, "RemoveAllSnapshots_Task", "VirtualMachine.removeAllSnapshots", false, () => undefined, () => {
      for (const rootId of [...vm.rootSnapshotIds]) {
        const root = world.snapshots.get(rootId);
        if (root) removeSnapshotFromTree(world, root, true);
      }
      vm.currentSnapshotId = undefined;
      world.notify("VirtualMachine", vm.id);
      return undefined;
    });
  }),

  defineMethod("VirtualMachineSnapshot", "RevertToSnapshot_Task", { body: optionalBody(revertToSnapshotBody), privilege: "VirtualMachine.State.RevertToSnapshot" }, (call) => {
    const world = call.world;
    const snapshot = world.requireSnapshot(call.moId);
    const vm = world.requireVm(snapshot.vmId);
    const precheck = () => {
      refuseSnapshotsOn(vm);
      if (!world.snapshots.has(snapshot.id)) throw faults.managedObjectNotFound(moRef("VirtualMachineSnapshot", snapshot.id));
      if (call.body.host) expectMoRef(world, call.body.host, "HostSystem", "host");
    };
    return snapshotTask(call, vm, "RevertToSnapshot_Task", "vm.Snapshot.revert", false, precheck, () => {
      revertTo(world, vm, snapshot, call.body.suppressPowerOn ?? false, call.body.host?.value);
      return undefined;
    });
  }),

  defineMethod("VirtualMachine", "RevertToCurrentSnapshot_Task", { body: optionalBody(revertToCurrentSnapshotBody), privilege: "VirtualMachine.State.RevertToSnapshot" }, (call) => {
    const world = call.world;
    const vm = world.requireVm(call.moId);
    const current = () => {
      const snapshot = vm.currentSnapshotId ? world.snapshots.get(vm.currentSnapshotId) : undefined;
      if (!snapshot) throw faults.notFound(`${vm.name} has no current snapshot.`);
      return snapshot;
    };
    const precheck = () => {
      refuseSnapshotsOn(vm);
      current();
      if (call.body.host) expectMoRef(world, call.body.host, "HostSystem", "host");
    };
    return snapshotTask(call, vm, "RevertToCurrentSnapshot_Task", "VirtualMachine.revertToCurrentSnapshot", false, precheck, () => {
      revertTo(world, vm, current(), call.body.suppressPowerOn ?? false, call.body.host?.value);
      return undefined;
    });
  }),
];
