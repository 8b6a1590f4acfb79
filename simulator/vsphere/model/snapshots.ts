/**
 * The snapshot tree of a VM: create (as a child of the current snapshot, which it becomes), rename, remove (children
 * move up, or go with it), remove all, revert.
 * Per the spec: `memory` only matters for a powered-on VM (the snapshot's state is poweredOn with memory, else
 * poweredOff; a suspended VM's snapshot is suspended); `quiesce` is ignored when the VM is off or tools are not running.
 * Revert returns the VM to the snapshot's state and makes it the current snapshot: poweredOn only from a memory
 * snapshot (suspended instead when `suppressPowerOn`), poweredOff from a disk-only one, suspended from a suspended one.
 * Names need not be unique; `%XX` escapes are decoded when stored, a malformed one is InvalidName {name, entity}.
 * Refused with NotSupported on FT primaries and secondaries and on templates; RevertToCurrentSnapshot without a
 * current snapshot is NotFound.
 */
import { faults } from "../faults";
import { moRef } from "../wire";
import { decodeEscapedName } from "./entityNames";
import type { Inventory } from "./inventory";
import { applyPowerState } from "./powerState";
import type { SnapshotState, VmState } from "./stateTypes";

/** A snapshot name as sent (with `%XX` escapes) → the name stored; InvalidName when malformed or blank. */
export function decodeSnapshotName(raw: string, vm: VmState): string {
  const decoded = decodeEscapedName(raw);
  if (decoded === undefined || decoded.trim() === "") throw faults.invalidName(raw, moRef("VirtualMachine", vm.id));
  return decoded;
}

export function refuseSnapshotsOn(vm: VmState): void {
  if (vm.template) throw faults.notSupported("Snapshots are not supported on a template.");
  if (vm.ft) throw faults.notSupported(`Snapshots are not supported on a Fault Tolerance ${vm.ft.role} virtual machine.`);
}

export function requireLiveSnapshot(inventory: Inventory, snapshot: SnapshotState): void {
  if (!inventory.snapshots.has(snapshot.id)) throw faults.managedObjectNotFound(moRef("VirtualMachineSnapshot", snapshot.id));
}

export function createSnapshot(inventory: Inventory, vm: VmState, name: string, description: string, memory: boolean, quiesce: boolean): SnapshotState {
  const state = vm.powerState === "poweredOn" ? (memory ? "poweredOn" : "poweredOff") : vm.powerState;
  const snapshot: SnapshotState = {
    id: inventory.newSnapshotId(),
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
  inventory.snapshots.set(snapshot.id, snapshot);
  const parent = snapshot.parentId ? inventory.snapshots.get(snapshot.parentId) : undefined;
  if (parent) {
    parent.childIds.push(snapshot.id);
    inventory.notify("VirtualMachineSnapshot", parent.id);
  } else vm.rootSnapshotIds.push(snapshot.id);
  vm.currentSnapshotId = snapshot.id;
  inventory.notify("VirtualMachineSnapshot", snapshot.id);
  inventory.notify("VirtualMachine", vm.id);
  return snapshot;
}

/** RenameSnapshot: a new name (still escaped), a new description, or both. */
export function renameSnapshot(inventory: Inventory, snapshot: SnapshotState, vm: VmState, rawName: string | undefined, description: string | undefined): void {
  if (rawName === undefined && description === undefined) throw faults.invalidArgument("name", "RenameSnapshot needs a new name, a new description, or both.");
  const name = rawName !== undefined ? decodeSnapshotName(rawName, vm) : undefined;
  if (name !== undefined) snapshot.name = name;
  if (description !== undefined) snapshot.description = description;
  inventory.notify("VirtualMachineSnapshot", snapshot.id);
  inventory.notify("VirtualMachine", vm.id);
}

/**
 * Removes a snapshot. removeChildren: the whole subtree goes; otherwise its children move up to its parent (or become
 * roots) in its place. The current snapshot becomes the parent when it was removed.
 */
export function removeSnapshotFromTree(inventory: Inventory, snapshot: SnapshotState, removeChildren: boolean): void {
  const vm = inventory.vms.get(snapshot.vmId);
  const parent = snapshot.parentId ? inventory.snapshots.get(snapshot.parentId) : undefined;
  const siblings = parent ? parent.childIds : (vm?.rootSnapshotIds ?? []);
  const position = siblings.indexOf(snapshot.id);
  const removed: string[] = [];
  const collect = (id: string) => {
    removed.push(id);
    for (const child of inventory.snapshots.get(id)?.childIds ?? []) collect(child);
  };
  if (removeChildren) collect(snapshot.id);
  else removed.push(snapshot.id);
  const promoted = removeChildren ? [] : snapshot.childIds;
  for (const childId of promoted) {
    const child = inventory.snapshots.get(childId);
    if (child) {
      child.parentId = parent?.id;
      inventory.notify("VirtualMachineSnapshot", child.id);
    }
  }
  if (position >= 0) siblings.splice(position, 1, ...promoted);
  for (const id of removed) {
    inventory.snapshots.delete(id);
    inventory.notify("VirtualMachineSnapshot", id);
  }
  if (parent) inventory.notify("VirtualMachineSnapshot", parent.id);
  if (vm) {
    if (vm.currentSnapshotId && removed.includes(vm.currentSnapshotId)) vm.currentSnapshotId = parent?.id;
    inventory.notify("VirtualMachine", vm.id);
  }
}

export function removeAllSnapshots(inventory: Inventory, vm: VmState): void {
  for (const rootId of [...vm.rootSnapshotIds]) {
    const root = inventory.snapshots.get(rootId);
    if (root) removeSnapshotFromTree(inventory, root, true);
  }
  vm.currentSnapshotId = undefined;
  inventory.notify("VirtualMachine", vm.id);
}

/** The snapshot RevertToCurrentSnapshot goes back to; NotFound when the VM has none. */
export function currentSnapshotOf(inventory: Inventory, vm: VmState): SnapshotState {
  const snapshot = vm.currentSnapshotId ? inventory.snapshots.get(vm.currentSnapshotId) : undefined;
  if (!snapshot) throw faults.notFound(`${vm.name} has no current snapshot.`);
  return snapshot;
}

/** Precondition of revertToSnapshot: snapshots are allowed on the VM, and the snapshot (`find` names it) still exists. */
export function checkRevert(inventory: Inventory, vm: VmState, find: () => SnapshotState): void {
  refuseSnapshotsOn(vm);
  requireLiveSnapshot(inventory, find());
}

/** The power state a revert to this snapshot leaves the VM in. */
export function powerStateAfterRevert(snapshot: SnapshotState, suppressPowerOn: boolean): SnapshotState["state"] {
  if (snapshot.state === "poweredOn" && suppressPowerOn) return "suspended";
  return snapshot.state;
}

/** `hostId` (checked with checkPowerOnHost): where the VM powers on, should the revert power it on. */
export function revertToSnapshot(inventory: Inventory, vm: VmState, snapshot: SnapshotState, suppressPowerOn: boolean, hostId: string | undefined): void {
  const target = powerStateAfterRevert(snapshot, suppressPowerOn);
  if (hostId !== undefined && target === "poweredOn" && vm.powerState !== "poweredOn") vm.hostId = hostId;
  vm.currentSnapshotId = snapshot.id;
  applyPowerState(inventory, vm, target);
}
