import { parseAnswer } from "../../http/parseAnswer";
import type * as connections from "../connection";
import { invokeMethod } from "../invoke";
import { describeMoRef, moRef, unbox, type MoRef } from "../moref";
import { vimSchemas } from "../schemas";
import type { TaskHandle } from "../taskWaiter";

/** Calls a `*_Task` method and returns the handle of the task it started. Never repeated blindly (it starts work). */
export async function startTask(
  connection: connections.VsphereConnection,
  target: MoRef,
  method: string,
  body: Record<string, unknown> | undefined,
): Promise<TaskHandle> {
  const object = describeMoRef(target);
  const raw = await invokeMethod(connection, target, method, body, { idempotent: false });
  const task = parseAnswer(vimSchemas().MoRef, unbox(raw), { operation: method, object });
  return { task: moRef(task.type, task.value), operation: method, object };
}

export function vmRef(vmId: string): MoRef {
  return moRef("VirtualMachine", vmId);
}
