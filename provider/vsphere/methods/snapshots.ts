import type * as connections from "../connection";
import { invokeMethod } from "../invoke";
import { moRef } from "../moref";
import type { TaskHandle } from "../taskWaiter";
import { startTask, vmRef } from "./startTask";

/**
 * vSphere reads `%` in a snapshot NAME as the start of an escape sequence (the spec says so of the name parameter
 * only; descriptions are plain text and are sent as they are). Names here are literal text, so every `%` is sent as
 * `%25` (also one that already looks like an escape) and vCenter stores exactly what was declared.
 */
export function escapeSnapshotText(text: string): string {
  return text.replace(/%/g, "%25");
}

export interface CreateSnapshotOptions {
  name: string;
  description?: string;
  memory: boolean;
  quiesce: boolean;
}

export function createSnapshotEx(connection: connections.VsphereConnection, vmId: string, options: CreateSnapshotOptions): Promise<TaskHandle> {
  return startTask(connection, vmRef(vmId), "CreateSnapshotEx_Task", {
    name: escapeSnapshotText(options.name),
    ...(options.description === undefined ? {} : { description: options.description }),
    memory: options.memory,
    ...(options.quiesce ? { quiesceSpec: { _typeName: "VirtualMachineGuestQuiesceSpec" } } : {}),
  });
}

/** The pre-8.0 method, deprecated since 8.0 GA; used only where the server does not know CreateSnapshotEx_Task. */
export function createSnapshot(connection: connections.VsphereConnection, vmId: string, options: CreateSnapshotOptions): Promise<TaskHandle> {
  return startTask(connection, vmRef(vmId), "CreateSnapshot_Task", {
    name: escapeSnapshotText(options.name),
    ...(options.description === undefined ? {} : { description: options.description }),
    memory: options.memory,
    quiesce: options.quiesce,
  });
}

export function removeSnapshot(
  connection: connections.VsphereConnection,
  snapshotId: string,
  options: { removeChildren: boolean; consolidate: boolean },
): Promise<TaskHandle> {
  return startTask(connection, moRef("VirtualMachineSnapshot", snapshotId), "RemoveSnapshot_Task", {
    removeChildren: options.removeChildren,
    consolidate: options.consolidate,
  });
}

export async function renameSnapshot(connection: connections.VsphereConnection, snapshotId: string, changes: { name?: string; description?: string }): Promise<void> {
  await invokeMethod(
    connection,
    moRef("VirtualMachineSnapshot", snapshotId),
    "RenameSnapshot",
    {
      ...(changes.name === undefined ? {} : { name: escapeSnapshotText(changes.name) }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
    },
    // Renaming to the same values twice is harmless, so a lost answer may be retried.
    { idempotent: true },
  );
}

export function revertToSnapshot(connection: connections.VsphereConnection, snapshotId: string, suppressPowerOn = false): Promise<TaskHandle> {
  return startTask(connection, moRef("VirtualMachineSnapshot", snapshotId), "RevertToSnapshot_Task", { suppressPowerOn });
}
