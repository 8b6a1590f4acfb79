/**
 * VI methods for power (rules in model/power.ts): PowerOnVM_Task {host?}, PowerOffVM_Task, SuspendVM_Task, ResetVM_Task
 * (tasks, no result) and ShutdownGuest, RebootGuest, StandbyGuest (204 at once, the guest acts later; TaskInProgress
 * while the VM has a task).
 */
import type { GuestOperation } from "../model/stateTypes";
import { checkPowerOff, checkPowerOn, checkPowerOnHost, checkReset, checkSuspend, powerOff, powerOn, requestGuestOperation, reset, suspend } from "../model/power";
import { NO_BODY, optionalBody, powerOnBody } from "../requestBodies";
import { defineMethod } from "./defineMethod";
import { expectMoRef, type RegisteredMethod } from "./methodRegistry";
import { startVmTask } from "./vmTask";

export const powerMethods: RegisteredMethod[] = [
  defineMethod("VirtualMachine", "PowerOnVM_Task", { body: optionalBody(powerOnBody), privilege: "VirtualMachine.Interact.PowerOn" }, (call) => {
    const { world, body } = call;
    const vm = world.requireVm(call.moId);
    const hostId = () => (body.host ? expectMoRef(world, body.host, "HostSystem", "host") : undefined);
    const precheck = () => {
      checkPowerOn(vm);
      const chosen = hostId();
      if (chosen !== undefined) checkPowerOnHost(world, vm, chosen);
    };
    return startVmTask(call, vm, { name: "PowerOnVM_Task", descriptionId: "VirtualMachine.powerOn", cancelable: false }, precheck, () => powerOn(world, vm, hostId()));
  }),

  defineMethod("VirtualMachine", "PowerOffVM_Task", { body: NO_BODY, privilege: "VirtualMachine.Interact.PowerOff" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    return startVmTask(call, vm, { name: "PowerOffVM_Task", descriptionId: "VirtualMachine.powerOff", cancelable: false }, () => checkPowerOff(vm), () => powerOff(call.world, vm));
  }),

  defineMethod("VirtualMachine", "SuspendVM_Task", { body: NO_BODY, privilege: "VirtualMachine.Interact.Suspend" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    return startVmTask(call, vm, { name: "SuspendVM_Task", descriptionId: "VirtualMachine.suspend", cancelable: false }, () => checkSuspend(vm), () => suspend(call.world, vm));
  }),

  defineMethod("VirtualMachine", "ResetVM_Task", { body: NO_BODY, privilege: "VirtualMachine.Interact.Reset" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    return startVmTask(call, vm, { name: "ResetVM_Task", descriptionId: "VirtualMachine.reset", cancelable: false }, () => checkReset(vm), () => reset(call.world, vm));
  }),

  guestMethod("ShutdownGuest", "shutdown", "VirtualMachine.Interact.PowerOff"),
  guestMethod("RebootGuest", "reboot", "VirtualMachine.Interact.Reset"),
  guestMethod("StandbyGuest", "standby", "VirtualMachine.Interact.Suspend"),
];

function guestMethod(name: string, operation: GuestOperation, privilege: string): RegisteredMethod {
  return defineMethod("VirtualMachine", name, { body: NO_BODY, privilege }, (call) => {
    const vm = call.world.requireVm(call.moId);
    call.world.taskRunner.assertVmFree(vm.id);
    requestGuestOperation(call.world, vm, operation);
    return undefined;
  });
}
