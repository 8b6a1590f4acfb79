import * as errors from "../../../errors";
import { backoffDelay, sleep } from "../../../http/backoff";
import type * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import { waitForTask, type TaskHandle, type TaskOutcome } from "../../../vsphere/taskWaiter";

/** vSphere's "another task is already in progress on this VM" (as the HTTP answer or as a task's error). */
export function isTaskInProgress(error: unknown): boolean {
  return isFault(error, "TaskInProgress");
}

/**
 * Runs `attempt` again while vSphere answers TaskInProgress (a task started outside this process holds the VM), with
 * backoff and jitter, until the deadline. TaskInProgress means vSphere refused the call: repeating it is safe.
 */
export async function retryWhileBusy<T>(what: string, deadline: number, attempt: () => Promise<T>): Promise<T> {
  for (let round = 0; ; round += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTaskInProgress(error)) throw error;
      const delay = backoffDelay(round, 500, 10_000);
      if (Date.now() + delay >= deadline) {
        const source = error instanceof errors.VmAvailabilityError ? error : undefined;
        throw new errors.TimeoutError(
          `${what}: the VM was busy with another task until the deadline (${errors.errorMessage(error)}). Raise timeoutSeconds or wait for that task to finish.`,
          "TaskInProgress",
          { operation: source?.operation ?? what, object: source?.object, cause: error, fault: source?.fault },
        );
      }
      await sleep(delay);
    }
  }
}

/**
 * True for a failure of a call that STARTS something where vSphere may have acted anyway: the connection broke after
 * the request was sent, or the answer did not come in time. The caller reads the state back instead of repeating.
 */
export function isAmbiguousStart(error: unknown): boolean {
  return (error instanceof errors.ConnectionError && error.requestSent) || error instanceof errors.TimeoutError;
}

/** Normalizes an ambiguous start failure to a ConnectionError with requestSent, so callers test one shape. */
export function asAmbiguousStart(error: unknown, operation: string): unknown {
  if (!isAmbiguousStart(error) || error instanceof errors.ConnectionError) return error;
  const source = error as errors.VmAvailabilityError;
  return new errors.ConnectionError(`No answer to ${operation}: vSphere may or may not have started it (${errors.errorMessage(error)}).`, true, {
    operation: source.operation ?? operation,
    object: source.object,
    cause: error,
    transient: true,
  });
}

/**
 * Starts a task and waits for it; a TaskInProgress (at start or as the task's error) is retried until the deadline.
 * An ambiguous start surfaces as a ConnectionError with requestSent: the caller reconciles by reading the state.
 */
export async function runTask(
  connection: connections.VsphereConnection,
  what: string,
  deadline: number,
  start: () => Promise<TaskHandle>,
): Promise<TaskOutcome> {
  return retryWhileBusy(what, deadline, async () => {
    const handle = await start().catch((error: unknown) => {
      throw asAmbiguousStart(error, what);
    });
    return waitForTask(connection, handle, { deadline });
  });
}
