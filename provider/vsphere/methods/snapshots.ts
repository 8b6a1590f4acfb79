import type * as connections from "../connection";
import { isFault } from "../faults";
import { invokeMethod } from "../invoke";
import { moRef, vmRef } from "../moref";
import { startTask, whileBusy, type StartOptions, type TaskStart } from "../tasks";

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

/**
 * CreateSnapshotEx_Task, or the pre-8.0 CreateSnapshot_Task (deprecated since 8.0 GA) on a server that does not know
 * the Ex method: learnt once per connection.
 */
export async function createSnapshot(connection: connections.VsphereConnection, vmId: string, snapshot: CreateSnapshotOptions, options: StartOptions): Promise<TaskStart> {
  const common = {
    name: escapeSnapshotText(snapshot.name),
    ...(snapshot.description === undefined ? {} : { description: snapshot.description }),
    memory: snapshot.memory,
  };
  if (connection.capabilities.createSnapshotEx !== false) {
    try {
      return await startTask(
        connection,
        vmRef(vmId),
        "CreateSnapshotEx_Task",
        { ...common, ...(snapshot.quiesce ? { quiesceSpec: { _typeName: "VirtualMachineGuestQuiesceSpec" } } : {}) },
        options,
      );
    } catch (error) {
      if (!isFault(error, "HTTP404", "MethodNotFound")) throw error;
      connection.capabilities.createSnapshotEx = false;
    }
  }
  return startTask(connection, vmRef(vmId), "CreateSnapshot_Task", { ...common, quiesce: snapshot.quiesce }, options);
}

export function removeSnapshot(
  connection: connections.VsphereConnection,
  snapshotId: string,
  removal: { removeChildren: boolean; consolidate: boolean },
  options: StartOptions,
): Promise<TaskStart> {
  return startTask(
    connection,
    moRef("VirtualMachineSnapshot", snapshotId),
    "RemoveSnapshot_Task",
    { removeChildren: removal.removeChildren, consolidate: removal.consolidate },
    options,
  );
}

export async function renameSnapshot(
  connection: connections.VsphereConnection,
  snapshotId: string,
  changes: { name?: string; description?: string },
  options: { deadline: number },
): Promise<void> {
  const target = moRef("VirtualMachineSnapshot", snapshotId);
  const body = {
    ...(changes.name === undefined ? {} : { name: escapeSnapshotText(changes.name) }),
    ...(changes.description === undefined ? {} : { description: changes.description }),
  };
  // Renaming to the same values twice is harmless, so a lost answer may be retried; a busy VM is waited for.
  await whileBusy(`RenameSnapshot on VirtualMachineSnapshot:${snapshotId}`, options, () =>
    invokeMethod(connection, target, "RenameSnapshot", body, { idempotent: true, deadline: options.deadline }),
  );
}

export function revertToSnapshot(connection: connections.VsphereConnection, snapshotId: string, revert: { suppressPowerOn: boolean }, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, moRef("VirtualMachineSnapshot", snapshotId), "RevertToSnapshot_Task", { suppressPowerOn: revert.suppressPowerOn }, options);
}

export function revertToCurrentSnapshot(connection: connections.VsphereConnection, vmId: string, revert: { suppressPowerOn: boolean }, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, vmRef(vmId), "RevertToCurrentSnapshot_Task", { suppressPowerOn: revert.suppressPowerOn }, options);
}
