/**
 * A VM's power state and what comes with it: tools run while powered on (when installed, never on an FT secondary),
 * boot and suspend times, and the pending guest operation (ShutdownGuest & co.) that any power change cancels.
 * The operations that change power (power.ts, snapshots.ts, faultTolerance.ts) go through here.
 */
import type { PowerState } from "../faults";
import type { Inventory } from "./inventory";
import type { GuestOperation, VmState } from "./stateTypes";

const guestTimers = new WeakMap<VmState, NodeJS.Timeout>();

/** Sets a power state with its side effects (tools, boot/suspend times, pending guest operation) and notifies. */
export function applyPowerState(inventory: Inventory, vm: VmState, state: PowerState): void {
  cancelGuestOperation(inventory, vm);
  const previous = vm.powerState;
  vm.powerState = state;
  const now = Date.now();
  if (state === "poweredOn") {
    if (previous !== "poweredOn") vm.bootTime = previous === "suspended" && vm.bootTime !== undefined ? vm.bootTime : now;
    vm.suspendTime = undefined;
    vm.toolsRunning = vm.toolsInstalled && vm.ft?.role !== "secondary";
  } else {
    vm.toolsRunning = false;
    vm.bootTime = state === "suspended" ? vm.bootTime : undefined;
    vm.suspendTime = state === "suspended" ? now : undefined;
  }
  inventory.notify("VirtualMachine", vm.id);
}

/** Records a guest operation the guest will carry out after `ms` (Infinity: never), replacing none already pending. */
export function scheduleGuestOperation(inventory: Inventory, vm: VmState, operation: GuestOperation, ms: number, act: () => void): void {
  vm.pendingGuestOperation = operation;
  const handle = inventory.schedule(ms, () => {
    guestTimers.delete(vm);
    vm.pendingGuestOperation = undefined;
    act();
  });
  if (handle) guestTimers.set(vm, handle);
}

export function cancelGuestOperation(inventory: Inventory, vm: VmState): void {
  inventory.unschedule(guestTimers.get(vm));
  guestTimers.delete(vm);
  if (vm.pendingGuestOperation) vm.pendingGuestOperation = undefined;
}

/** A live host of the VM's cluster, preferring its current one. */
export function liveHostFor(inventory: Inventory, vm: VmState): string {
  if (!inventory.hosts.get(vm.hostId)?.failed) return vm.hostId;
  const cluster = inventory.clusterOf(vm);
  return cluster.hostIds.find((hostId) => !inventory.hosts.get(hostId)?.failed) ?? vm.hostId;
}
