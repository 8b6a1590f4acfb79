import type * as connections from "../connection";
import { invokeMethod } from "../invoke";
import { moRef } from "../moref";
import type { TaskHandle } from "../taskWaiter";
import { startTask, vmRef } from "./startTask";

export function powerOnVm(connection: connections.VsphereConnection, vmId: string, hostId?: string): Promise<TaskHandle> {
  return startTask(connection, vmRef(vmId), "PowerOnVM_Task", hostId ? { host: moRef("HostSystem", hostId) } : undefined);
}

export function powerOffVm(connection: connections.VsphereConnection, vmId: string): Promise<TaskHandle> {
  return startTask(connection, vmRef(vmId), "PowerOffVM_Task", undefined);
}

export function suspendVm(connection: connections.VsphereConnection, vmId: string): Promise<TaskHandle> {
  return startTask(connection, vmRef(vmId), "SuspendVM_Task", undefined);
}

export function resetVm(connection: connections.VsphereConnection, vmId: string): Promise<TaskHandle> {
  return startTask(connection, vmRef(vmId), "ResetVM_Task", undefined);
}

/** Asks the guest OS to shut down (needs VMware Tools). Answers 204 at once: completion shows only in runtime.powerState. */
export async function shutdownGuest(connection: connections.VsphereConnection, vmId: string): Promise<void> {
  await invokeMethod(connection, vmRef(vmId), "ShutdownGuest", undefined, { idempotent: false });
}

export async function rebootGuest(connection: connections.VsphereConnection, vmId: string): Promise<void> {
  await invokeMethod(connection, vmRef(vmId), "RebootGuest", undefined, { idempotent: false });
}

export async function standbyGuest(connection: connections.VsphereConnection, vmId: string): Promise<void> {
  await invokeMethod(connection, vmRef(vmId), "StandbyGuest", undefined, { idempotent: false });
}
