import { ConnectionError, TimeoutError, errorMessage, faultOf, type VmAvailabilityError } from "../errors";
import { backoffDelay, sleep } from "../http/backoff";
import { outcomeUnknown } from "../http/failure";
import { parseAnswer } from "../http/parseAnswer";
import type * as connections from "./connection";
import type { TaskHandle } from "./connectionState";
import { isFault } from "./faults";
import { invokeMethod } from "./invoke";
import { describeMoRef, moRef, unbox, type MoRef } from "./moref";
import { vimSchemas } from "./schemas";
import { waitForTask, type TaskWait } from "./taskWaiter";

/**
 * Starting vSphere tasks. A call that starts work is never repeated blindly:
 * - TaskInProgress (the VM is busy with another task) is a refusal: wait, with backoff and jitter, and ask again until
 *   the deadline (then a TimeoutError whose lastState is "TaskInProgress");
 * - a failure that leaves the outcome unknown (the answer was lost) goes to the caller's `reconcile`, which reads the
 *   state back and says whether the work happened; without one, a ConnectionError with `requestSent` says so.
 */

/** True when the server may have acted on a call that failed (its answer was lost): read the state back before deciding. */
export { outcomeUnknown };

/** What a read-back after a lost answer found: the work is done (or under way), or it provably did not start. */
export type Reconciliation = "done" | "notStarted";

export interface StartOptions {
  /** Epoch ms: the operation's deadline. */
  deadline: number;
  signal?: AbortSignal;
  /** Decides, by reading state, what became of a call whose answer was lost. */
  reconcile?: () => Promise<Reconciliation>;
}

/** A start whose answer was lost but whose work the read-back found done: there is no task to wait for. */
export interface Reconciled {
  reconciled: true;
}

export type TaskStart = TaskHandle | Reconciled;

export function isReconciled<T extends object>(value: T | Reconciled): value is Reconciled {
  return "reconciled" in value;
}

/** Tries of a start whose answer was lost and whose read-back said it did not start. */
const MAX_UNKNOWN_OUTCOMES = 3;

/** Calls a `*_Task` method and returns the handle of the task it started. */
export async function startTask(
  connection: connections.VsphereConnection,
  target: MoRef,
  method: string,
  body: Record<string, unknown> | undefined,
  options: StartOptions,
): Promise<TaskStart> {
  const object = describeMoRef(target);
  return whileBusy(`${method} on ${object}`, options, async () => {
    const raw = await invokeMethod(connection, target, method, body, { idempotent: false, deadline: options.deadline, signal: options.signal });
    const task = parseAnswer(vimSchemas().MoRef, unbox(raw), { operation: method, object });
    return { task: moRef(task.type, task.value), operation: method, object };
  });
}

/** Calls a method that starts work without a task (ShutdownGuest, RebootGuest…), with the same busy and lost-answer rules. */
export async function startUntracked(
  connection: connections.VsphereConnection,
  target: MoRef,
  method: string,
  body: Record<string, unknown> | undefined,
  options: StartOptions,
): Promise<void> {
  await whileBusy(`${method} on ${describeMoRef(target)}`, options, async () => {
    await invokeMethod(connection, target, method, body, { idempotent: false, deadline: options.deadline, signal: options.signal });
    return { reconciled: true } as const;
  });
}

/**
 * Starts a task and waits for it. A task that fails with TaskInProgress (a server that queues the call and then finds
 * the VM busy) is started again like a refused start. The deadline result is returned, not thrown: what to do about a
 * task still running is the caller's decision.
 */
export async function runTask(
  connection: connections.VsphereConnection,
  start: (options: StartOptions) => Promise<TaskStart>,
  options: StartOptions,
): Promise<TaskWait | Reconciled> {
  for (let round = 0; ; round += 1) {
    const started = await start(options);
    if (isReconciled(started)) return started;
    try {
      return await waitForTask(connection, started, { deadline: options.deadline, signal: options.signal });
    } catch (error) {
      if (!isTaskInProgress(error)) throw error;
      await pauseWhileBusy(round, `${started.operation} on ${started.object}`, options.deadline, error);
    }
  }
}

/** vSphere's "another task is already in progress on this object" (as the answer or as a task's error). */
export function isTaskInProgress(error: unknown): boolean {
  return isFault(error, "TaskInProgress");
}

/**
 * Makes a call that vSphere may refuse with TaskInProgress, asking again until the deadline; a lost answer goes to
 * `reconcile` when there is one (otherwise the error is thrown as it came: its classification says the outcome is unknown).
 */
export async function whileBusy<T>(what: string, options: StartOptions, call: () => Promise<T>): Promise<T | Reconciled> {
  let unknownOutcomes = 0;
  let lastUnknown: unknown;
  for (let round = 0; ; round += 1) {
    // After a lost answer, every further try first asks whether the work happened meanwhile: a task the lost call
    // started may have been what kept the VM busy.
    if (lastUnknown !== undefined && options.reconcile) {
      const verdict = await options.reconcile().catch(() => {
        throw lostAnswer(what, lastUnknown);
      });
      if (verdict === "done") return { reconciled: true };
    }
    try {
      return await call();
    } catch (error) {
      if (isTaskInProgress(error)) {
        await pauseWhileBusy(round, what, options.deadline, error);
        continue;
      }
      if (!outcomeUnknown(error) || !options.reconcile) throw error;
      unknownOutcomes += 1;
      if (unknownOutcomes > MAX_UNKNOWN_OUTCOMES || Date.now() >= options.deadline) throw lostAnswer(what, error);
      lastUnknown = error;
    }
  }
}

/** Waits before asking a busy VM again; at the deadline, the busy refusal becomes a TimeoutError naming it. */
async function pauseWhileBusy(round: number, what: string, deadline: number, error: unknown): Promise<void> {
  const delay = backoffDelay(round, 500, 10_000);
  if (Date.now() + delay >= deadline) {
    const source = error as VmAvailabilityError;
    throw new TimeoutError(`${what}: the object was busy with another task until the deadline (${errorMessage(error)}).`, "TaskInProgress", {
      operation: source.operation ?? what,
      object: source.object,
      cause: error,
      fault: faultOf(error),
      delivery: "refused",
    });
  }
  await sleep(delay);
}

/** The outcome of a start is unknown and could not be settled by reading state back. */
function lostAnswer(what: string, error: unknown): ConnectionError | TimeoutError {
  if (error instanceof ConnectionError) return error;
  const source = error as VmAvailabilityError;
  // The answer did not come before the deadline: a timeout, with what was last seen of it.
  if (error instanceof TimeoutError) {
    return new TimeoutError(`No answer to ${what} before the deadline: vSphere may or may not have started it (${errorMessage(error)}).`, error.lastState, {
      operation: source.operation ?? what,
      object: source.object,
      cause: error,
      delivery: "unknown",
      transient: false,
    });
  }
  return new ConnectionError(`No answer to ${what}: vSphere may or may not have started it (${errorMessage(error)}).`, true, {
    operation: source.operation ?? what,
    object: source.object,
    cause: error,
    transient: true,
    delivery: "unknown",
  });
}
