import type * as connections from "../connection";
import { moRef, vmRef } from "../moref";
import { startTask, startUntracked, type StartOptions, type TaskStart } from "../tasks";

export function powerOnVm(connection: connections.VsphereConnection, vmId: string, options: StartOptions & { hostId?: string }): Promise<TaskStart> {
  return startTask(connection, vmRef(vmId), "PowerOnVM_Task", options.hostId ? { host: moRef("HostSystem", options.hostId) } : undefined, options);
}

export function powerOffVm(connection: connections.VsphereConnection, vmId: string, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, vmRef(vmId), "PowerOffVM_Task", undefined, options);
}

export function suspendVm(connection: connections.VsphereConnection, vmId: string, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, vmRef(vmId), "SuspendVM_Task", undefined, options);
}

export function resetVm(connection: connections.VsphereConnection, vmId: string, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, vmRef(vmId), "ResetVM_Task", undefined, options);
}

/** Asks the guest OS to shut down (needs VMware Tools). Answers 204 at once: completion shows only in runtime.powerState. */
export async function shutdownGuest(connection: connections.VsphereConnection, vmId: string, options: StartOptions): Promise<void> {
  await startUntracked(connection, vmRef(vmId), "ShutdownGuest", undefined, options);
}

export async function rebootGuest(connection: connections.VsphereConnection, vmId: string, options: StartOptions): Promise<void> {
  await startUntracked(connection, vmRef(vmId), "RebootGuest", undefined, options);
}

export async function standbyGuest(connection: connections.VsphereConnection, vmId: string, options: StartOptions): Promise<void> {
  await startUntracked(connection, vmRef(vmId), "StandbyGuest", undefined, options);
}
