/**
 * The power state machine: power on (optionally on a chosen host), power off, suspend, reset, and the guest's own
 * shutdown / reboot / standby, which it carries out after `guestOperationMsFor(vm)` (Infinity: a hung guest).
 * An FT group's secondaries follow its primary's power.
 * Faults: InvalidPowerState {requestedState, existingState}, ToolsUnavailable, NotSupported (template; suspend or
 * standby of an FT primary), InvalidOperationOnSecondaryVm (power operations are invoked on the primary), and for a
 * chosen host ManagedObjectNotFound, InvalidArgument (not in the VM's cluster), InvalidState (not responding).
 */
import { faults, vimFault, type PowerState } from "../faults";
import { followPrimaryPower, restartSecondaries } from "./faultTolerance";
import type { Inventory } from "./inventory";
import { applyPowerState, cancelGuestOperation, liveHostFor, scheduleGuestOperation } from "./powerState";
import type { GuestOperation, VmState } from "./stateTypes";

function refuseOnTemplateOrSecondary(vm: VmState, operation: string): void {
  if (vm.template) throw faults.notSupported(`${operation} is not supported on a template.`);
  if (vm.ft?.role === "secondary") {
    throw vimFault("InvalidOperationOnSecondaryVm", { instanceUuid: vm.instanceUuid }, `${operation} must be invoked on the primary virtual machine.`);
  }
}

/** A host the VM may be powered on at: one of its cluster's, responding. */
export function checkPowerOnHost(inventory: Inventory, vm: VmState, hostId: string): void {
  const host = inventory.requireHost(hostId);
  if (host.clusterId !== vm.clusterId) throw faults.invalidArgument("host", `Host ${hostId} is not in the cluster of ${vm.id}.`);
  if (host.failed) throw faults.invalidState(`Host ${hostId} is not responding.`);
}

/** Precondition of powerOn; a chosen host is checked with checkPowerOnHost. */
export function checkPowerOn(vm: VmState): void {
  refuseOnTemplateOrSecondary(vm, "PowerOnVM");
  if (vm.powerState === "poweredOn") throw faults.invalidPowerState("poweredOn", vm.powerState);
}

export function powerOn(inventory: Inventory, vm: VmState, hostId: string | undefined): void {
  vm.hostId = hostId ?? liveHostFor(inventory, vm);
  applyPowerState(inventory, vm, "poweredOn");
  followPrimaryPower(inventory, vm);
}

export function checkPowerOff(vm: VmState): void {
  refuseOnTemplateOrSecondary(vm, "PowerOffVM");
  if (vm.powerState === "poweredOff") throw faults.invalidPowerState("poweredOff", vm.powerState);
}

export function powerOff(inventory: Inventory, vm: VmState): void {
  applyPowerState(inventory, vm, "poweredOff");
  followPrimaryPower(inventory, vm);
}

export function checkSuspend(vm: VmState): void {
  refuseOnTemplateOrSecondary(vm, "SuspendVM");
  if (vm.powerState !== "poweredOn") throw faults.invalidPowerState("suspended", vm.powerState);
  if (vm.ft?.role === "primary") throw faults.notSupported("Suspend is not supported on a fault tolerant virtual machine.");
}

export function suspend(inventory: Inventory, vm: VmState): void {
  applyPowerState(inventory, vm, "suspended");
}

export function checkReset(vm: VmState): void {
  refuseOnTemplateOrSecondary(vm, "ResetVM");
  if (vm.powerState !== "poweredOn") throw faults.invalidPowerState(undefined, vm.powerState);
}

export function reset(inventory: Inventory, vm: VmState): void {
  cancelGuestOperation(inventory, vm);
  vm.bootTime = Date.now();
  vm.toolsRunning = vm.toolsInstalled;
  inventory.notify("VirtualMachine", vm.id);
  if (vm.ft?.role === "primary") restartSecondaries(inventory, vm);
}

const GUEST_OPERATION_METHODS: Record<GuestOperation, { method: string; requestedState: PowerState | undefined }> = {
  shutdown: { method: "ShutdownGuest", requestedState: "poweredOff" },
  reboot: { method: "RebootGuest", requestedState: undefined },
  standby: { method: "StandbyGuest", requestedState: "suspended" },
};

/** Asks the guest to shut down, reboot or enter standby; it does so later. A second request while one is pending is a no-op. */
export function requestGuestOperation(inventory: Inventory, vm: VmState, operation: GuestOperation): void {
  const { method, requestedState } = GUEST_OPERATION_METHODS[operation];
  refuseOnTemplateOrSecondary(vm, method);
  if (vm.powerState !== "poweredOn") throw faults.invalidPowerState(requestedState, vm.powerState);
  if (!vm.toolsRunning) throw faults.toolsUnavailable(`Cannot complete operation because VMware Tools is not running in this virtual machine (${vm.name}).`);
  if (operation === "standby" && vm.ft?.role === "primary") throw faults.notSupported("Standby is not supported on a fault tolerant virtual machine.");
  if (vm.pendingGuestOperation) return;
  scheduleGuestOperation(inventory, vm, operation, inventory.guestOperationMsFor(vm), () => {
    if (!inventory.vms.has(vm.id) || vm.powerState !== "poweredOn") return;
    if (operation === "reboot") {
      vm.bootTime = Date.now();
      inventory.notify("VirtualMachine", vm.id);
      return;
    }
    applyPowerState(inventory, vm, operation === "shutdown" ? "poweredOff" : "suspended");
    followPrimaryPower(inventory, vm);
  });
}

/** Drift: the power state changes out of band; tools and FT secondaries follow as they would. */
export function setPowerStateOutOfBand(inventory: Inventory, vm: VmState, state: PowerState): void {
  applyPowerState(inventory, vm, state);
  if (vm.ft?.role === "primary") followPrimaryPower(inventory, vm);
}
