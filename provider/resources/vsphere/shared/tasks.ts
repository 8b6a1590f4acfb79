import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import { errorForFault, parseMethodFault } from "../../../vsphere/faults";
import { describeMoRef, unbox } from "../../../vsphere/moref";
import type { TaskInfo } from "../../../vsphere/schemas";
import { cancelTask, readTaskInfo, type TaskHandle } from "../../../vsphere/taskWaiter";
import { isReconciled, runTask, type Reconciled, type StartOptions, type TaskStart } from "../../../vsphere/tasks";

/**
 * The resources' policy for a task still running at the operation's deadline (the client only waits): a task that
 * finished meanwhile counts as finished; a cancelable one is cancelled; the error says what became of it and how to
 * see the outcome.
 */

export interface TaskOutcome {
  info: TaskInfo;
  result: unknown;
}

/** A few seconds past the deadline to read and cancel a task that is still running. */
const SETTLE_GRACE_MS = 30_000;

/** What became of a task at the deadline. */
export type TaskAtDeadline =
  | { state: "success"; info: TaskInfo }
  | { state: "error"; info: TaskInfo }
  | { state: "cancelled"; lastState: string }
  | { state: "running"; lastState: string }
  | { state: "unknown"; lastState?: string };

export async function settleAtDeadline(connection: connections.VsphereConnection, handle: TaskHandle, lastInfo?: TaskInfo): Promise<TaskAtDeadline> {
  const deadline = Date.now() + SETTLE_GRACE_MS;
  let lastState = lastInfo ? describeTaskState(lastInfo) : undefined;
  try {
    const info = await readTaskInfo(connection, handle.task, deadline);
    if (info.state === "success" || info.state === "error") return { state: info.state, info };
    lastState = describeTaskState(info);
    if (!info.cancelable) return { state: "running", lastState };
    await cancelTask(connection, handle.task, deadline);
    return { state: "cancelled", lastState };
  } catch {
    return { state: "unknown", lastState };
  }
}

function describeTaskState(info: TaskInfo): string {
  return `${info.state}${typeof info.progress === "number" ? ` ${info.progress}%` : ""}`;
}

/** The error for a task that did not finish in time, saying what became of it. */
export function taskDeadlineError(handle: TaskHandle, settled: Exclude<TaskAtDeadline, { state: "success" | "error" }>, hint?: string): errors.TimeoutError {
  const task = describeMoRef(handle.task);
  const fate =
    settled.state === "cancelled"
      ? `The task ${task} was cancelled.`
      : settled.state === "running"
        ? `The task ${task} cannot be cancelled and may still finish: run \`pulumi refresh\` to see its outcome.`
        : `The state of task ${task} could not be read: run \`pulumi refresh\` to see its outcome.`;
  return new errors.TimeoutError(
    `${handle.operation} on ${handle.object} did not finish before the deadline; last state: ${settled.lastState ?? "unknown"}. ${fate}${hint ? ` ${hint}` : ""}`,
    settled.lastState,
    { operation: handle.operation, object: handle.object },
  );
}

/**
 * Runs a task to its end: its outcome, or Reconciled when its answer was lost and the read-back found the work done.
 * At the deadline, see settleAtDeadline; a task that failed meanwhile throws its fault.
 */
export async function runToEnd(
  connection: connections.VsphereConnection,
  start: (options: StartOptions) => Promise<TaskStart>,
  options: StartOptions & { hint?: string },
): Promise<TaskOutcome | Reconciled> {
  const run = await runTask(connection, start, options);
  if (isReconciled(run)) return run;
  if (run.status === "success") return { info: run.info, result: run.result };
  const settled = await settleAtDeadline(connection, run.handle, run.lastInfo);
  if (settled.state === "success") return { info: settled.info, result: unbox(settled.info.result) };
  // Ended in its own fault between the last look and now: that fault is the outcome.
  if (settled.state === "error") throw taskFault(run.handle, settled.info);
  throw taskDeadlineError(run.handle, settled, options.hint);
}

export function taskFault(handle: TaskHandle, info: TaskInfo): errors.VmAvailabilityError {
  const fault = parseMethodFault(info.error) ?? { type: "TaskError", message: "the task failed without a fault" };
  return errorForFault(fault, { operation: handle.operation, object: handle.object });
}

export { isReconciled };
