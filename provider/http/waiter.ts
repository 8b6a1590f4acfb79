import { CancelledError, TimeoutError, VmAvailabilityError } from "../errors";
import { backoffDelay, sleep } from "./backoff";
import { mayRepeat } from "./failure";

export { deadlineAfter } from "../deadline";

/** What one look at the world says: finished with a value, or not yet (with a description of what was seen). */
export type Observation<T> = { done: true; value: T } | { done: false; state: string };

export interface WaitOptions<T> {
  /** What is awaited, for messages: "VirtualMachine:vm-42 to be poweredOff". */
  what: string;
  operation: string;
  object?: string;
  /** Epoch ms. */
  deadline: number;
  /** One look. Throw to fail the wait; transient errors are tolerated until the deadline. */
  observe: () => Promise<Observation<T>>;
  initialDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits until `observe` reports done, with one deadline for the whole wait, exponential backoff with jitter between
 * looks, abort support, and an error that names the last state seen.
 */
export async function waitFor<T>(options: WaitOptions<T>): Promise<T> {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  // The last state actually observed, and what went wrong with the looks after it (a look that got no answer does not
  // erase what the one before it saw).
  let lastState: string | undefined;
  let since: string | undefined;
  const describe = (): string => `${lastState ?? "none seen"}${since ? `; since then ${since}` : ""}`;
  for (let attempt = 0; ; attempt += 1) {
    if (options.signal?.aborted) {
      throw new CancelledError(`Stopped waiting for ${options.what}: cancelled (last state: ${describe()}).`, {
        operation: options.operation,
        object: options.object,
      });
    }
    try {
      const observation = await options.observe();
      if (observation.done) return observation.value;
      lastState = observation.state;
      since = undefined;
    } catch (error) {
      // A look cut short by the wait's own deadline (a request that could no longer be sent or answered in time) ends
      // the wait with what was seen before it, not with the look's error.
      const cutByDeadline = error instanceof TimeoutError && Date.now() >= options.deadline;
      if (!cutByDeadline && !mayRepeat(error, true)) throw error;
      since = `unreachable (${error instanceof VmAvailabilityError ? error.message : String(error)})`;
    }
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) {
      throw new TimeoutError(`Timed out waiting for ${options.what}; last state: ${describe()}.`, lastState ?? since, {
        operation: options.operation,
        object: options.object,
      });
    }
    const delay = Math.min(backoffDelay(attempt, initial, max), remaining);
    try {
      await sleep(delay, options.signal);
    } catch {
      // aborted: reported at the top of the loop
    }
  }
}
