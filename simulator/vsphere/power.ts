/**
 * Power: PowerOnVM_Task, PowerOffVM_Task, SuspendVM_Task, ResetVM_Task (tasks) and ShutdownGuest, RebootGuest,
 * StandbyGuest (204 at once; the guest acts after `world.guestOperationMsFor(vm)`, Infinity = a hung guest).
 * Faults: InvalidPowerState {requestedState, existingState}, ToolsUnavailable, TaskInProgress {task}, NotSupported
 * (template; suspend of an FT VM), InvalidOperationOnSecondaryVm (power operations are invoked on the primary),
 * ManagedObjectNotFound / InvalidArgument (PowerOn host). Tools run while powered on (when installed).
 */
import { faults, vimFault, type PowerState } from "./faults";
import { followPrimaryPower, restartSecondaries } from "./faultTolerance";
import { defineMethod, expectMoRef, startCheckedTask, type MethodCall, type RegisteredMethod } from "./methodRegistry";
import { NO_BODY, optionalBody, powerOnBody } from "./requestBodies";
import type { GuestOperation, VmState } from "./stateTypes";
import type { VsphereWorld } from "./world";

const guestTimers = new WeakMap<VmState, NodeJS.Timeout>();

/** Sets a power state with its side effects (tools, boot/suspend times, pending guest operation) and notifies. */
export function applyPowerState(world: VsphereWorld, vm: VmState, state: PowerState): void {
  cancelGuestOperation(world, vm);
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
  world.notify("VirtualMachine", vm.id);
}

export function cancelGuestOperation(world: VsphereWorld, vm: VmState): void {
  world.unschedule(guestTimers.get(vm));
  guestTimers.delete(vm);
  if (vm.pendingGuestOperation) vm.pendingGuestOperation = undefined;
}

function refuseOnTemplateOrSecondary(vm: VmState, operation: string): void {
  if (vm.template) throw faults.notSupported(`${operation} is not supported on a template.`);
  if (vm.ft?.role === "secondary") {
    throw vimFault("InvalidOperationOnSecondaryVm", { instanceUuid: vm.instanceUuid }, `${operation} must be invoked on the primary virtual machine.`);
  }
}

function powerTask(call: MethodCall<unknown>, vm: VmState, name: string, descriptionId: string, precheck: () => void, complete: () => void) {
  return startCheckedTask(
    call.world,
    {
      name,
      descriptionId,
      entityType: "VirtualMachine",
      entityId: vm.id,
      entityName: vm.name,
      lockVmId: vm.id,
      cancelable: false,
      userName: call.session.userName,
      complete: () => {
        precheck();
        complete();
        return undefined;
      },
    },
    precheck,
  );
}

/** A live host of the VM's cluster, preferring its current one. */
function liveHostFor(world: VsphereWorld, vm: VmState): string {
  if (!world.hosts.get(vm.hostId)?.failed) return vm.hostId;
  const cluster = world.clusterOf(vm);
  return cluster.hostIds.find((hostId) => !world.hosts.get(hostId)?.failed) ?? vm.hostId;
}

export const powerMethods: RegisteredMethod[] = [
  defineMethod("VirtualMachine", "PowerOnVM_Task", { body: optionalBody(powerOnBody), privilege: "VirtualMachine.Interact.PowerOn" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    const precheck = () => {
      refuseOnTemplateOrSecondary(vm, "PowerOnVM");
      if (vm.powerState === "poweredOn") throw faults.invalidPowerState("poweredOn", vm.powerState);
      if (call.body.host) {
        const hostId = expectMoRef(call.world, call.body.host, "HostSystem", "host");
        const host = call.world.requireHost(hostId);
        if (host.clusterId !== vm.clusterId) throw faults.invalidArgument("host", `Host ${hostId} is not in the cluster of ${vm.id}.`);
        if (host.failed) throw faults.invalidState(`Host ${hostId} is not responding.`);
      }
    };
    return powerTask(call, vm, "PowerOnVM_Task", "VirtualMachine.powerOn", precheck, () => {
      vm.hostId = call.body.host ? call.body.host.value : liveHostFor(call.world, vm);
      applyPowerState(call.world, vm, "poweredOn");
      followPrimaryPower(call.world, vm);
    });
  }),

  defineMethod("VirtualMachine", "PowerOffVM_Task", { body: NO_BODY, privilege: "VirtualMachine.Interact.PowerOff" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    const precheck = () => {
      refuseOnTemplateOrSecondary(vm, "PowerOffVM");
      if (vm.powerState === "poweredOff") throw faults.invalidPowerState("poweredOff", vm.powerState);
    };
    return powerTask(call, vm, "PowerOffVM_Task", "VirtualMachine.powerOff", precheck, () => {
      applyPowerState(call.world, vm, "poweredOff");
      followPrimaryPower(call.world, vm);
    });
  }),

  defineMethod("VirtualMachine", "SuspendVM_Task", { body: NO_BODY, privilege: "VirtualMachine.Interact.Suspend" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    const precheck = () => {
      refuseOnTemplateOrSecondary(vm, "SuspendVM");
      if (vm.powerState !== "poweredOn") throw faults.invalidPowerState("suspended", vm.powerState);
      if (vm.ft?.role === "primary") throw faults.notSupported("Suspend is not supported on a fault tolerant virtual machine.");
    };
    return powerTask(call, vm, "SuspendVM_Task", "VirtualMachine.suspend", precheck, () => applyPowerState(call.world, vm, "suspended"));
  }),

  defineMethod("VirtualMachine", "ResetVM_Task", { body: NO_BODY, privilege: "VirtualMachine.Interact.Reset" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    const precheck = () => {
      refuseOnTemplateOrSecondary(vm, "ResetVM");
      if (vm.powerState !== "poweredOn") throw faults.invalidPowerState(undefined, vm.powerState);
    };
    return powerTask(call, vm, "ResetVM_Task", "VirtualMachine.reset", precheck, () => {
      cancelGuestOperation(call.world, vm);
      vm.bootTime = Date.now();
      vm.toolsRunning = vm.toolsInstalled;
      call.world.notify("VirtualMachine", vm.id);
      if (vm.ft?.role === "primary") restartSecondaries(call.world, vm);
    });
  }),

  guestMethod("ShutdownGuest", "shutdown", "VirtualMachine.Interact.PowerOff", "poweredOff"),
  guestMethod("RebootGuest", "reboot", "VirtualMachine.Interact.Reset", undefined),
  guestMethod("StandbyGuest", "standby", "VirtualMachine.Interact.Suspend", "suspended"),
];

function guestMethod(name: string, operation: GuestOperation, privilege: string, requestedState: PowerState | undefined): RegisteredMethod {
  return defineMethod("VirtualMachine", name, { body: NO_BODY, privilege }, (call) => {
    const world = call.world;
    const vm = world.requireVm(call.moId);
    world.taskRunner.assertVmFree(vm.id);
    refuseOnTemplateOrSecondary(vm, name);
    if (vm.powerState !== "poweredOn") throw faults.invalidPowerState(requestedState, vm.powerState);
    if (!vm.toolsRunning) throw faults.toolsUnavailable(`Cannot complete operation because VMware Tools is not running in this virtual machine (${vm.name}).`);
    if (operation === "standby" && vm.ft?.role === "primary") throw faults.notSupported("Standby is not supported on a fault tolerant virtual machine.");
    if (vm.pendingGuestOperation) return undefined;
    vm.pendingGuestOperation = operation;
    const handle = world.schedule(world.guestOperationMsFor(vm), () => {
      guestTimers.delete(vm);
      vm.pendingGuestOperation = undefined;
      if (!world.vms.has(vm.id) || vm.powerState !== "poweredOn") return;
      if (operation === "reboot") {
        vm.bootTime = Date.now();
        world.notify("VirtualMachine", vm.id);
        return;
      }
      applyPowerState(world, vm, operation === "shutdown" ? "poweredOff" : "suspended");
      followPrimaryPower(world, vm);
    });
    if (handle) guestTimers.set(vm, handle);
    return undefined;
  });
}
