import { remainingMs } from "../deadline";
import { waitFor, type Observation, type WaitOptions } from "../http/waiter";

/**
 * `waitFor` for ZStack polls, whose looks are requests bounded by the same deadline as the wait. The waiter's last look
 * falls on the deadline itself, where a request either cannot start or cannot be answered in time, and its failure
 * would replace what the wait saw. A look with less than LAST_LOOK_MIN_MS left is therefore not made: it reports again
 * what the look before it saw, and the wait ends with the TimeoutError that names that state.
 */

const LAST_LOOK_MIN_MS = 200;

export function pollUntil<T>(options: WaitOptions<T>): Promise<T> {
  let last: { seen: Observation<T> } | { failed: unknown } | undefined;
  return waitFor<T>({
    ...options,
    observe: async () => {
      if (last !== undefined && remainingMs(options.deadline) < LAST_LOOK_MIN_MS) {
        if ("failed" in last) throw last.failed;
        return last.seen;
      }
      try {
        const observation = await options.observe();
        last = { seen: observation };
        return observation;
      } catch (error) {
        last = { failed: error };
        throw error;
      }
    },
  });
}
