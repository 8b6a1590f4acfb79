/**
 * Waiting on what a twin reports instead of on the clock: a condition checked again at each event the twin emits
 * (`world.onChange`, `server.onHandled`, …), and the next event that matches. Each wait has a bound that only fails the
 * test, naming what never came, so a missing event is a clear failure and not a hang.
 */

/** An event source: subscribes a listener and returns the function that unsubscribes it. */
export type EventSource<Args extends unknown[] = []> = (listener: (...args: Args) => void) => () => void;

const DEFAULT_BOUND_MS = 10_000;

/** Resolves with the arguments of the first event of `source` (from now on) that `matches`; rejects after `boundMs`. */
export function nextEvent<Args extends unknown[]>(what: string, source: EventSource<Args>, matches: (...args: Args) => boolean = () => true, boundMs = DEFAULT_BOUND_MS): Promise<Args> {
  return new Promise((resolve, reject) => {
    const bound = setTimeout(() => {
      stop();
      reject(new Error(`never saw ${what} (waited ${boundMs} ms)`));
    }, boundMs);
    const settle = (): void => {
      clearTimeout(bound);
      stop();
    };
    const stop = source((...args) => {
      try {
        if (!matches(...args)) return;
        settle();
        resolve(args);
      } catch (error) {
        settle();
        reject(error);
      }
    });
  });
}

/** Resolves once `condition` holds: checked at once, then after every event of each of `sources`; rejects after `boundMs`. */
export async function untilObserved(what: string, condition: () => boolean, sources: EventSource[], boundMs = DEFAULT_BOUND_MS): Promise<void> {
  if (condition()) return;
  const anyEvent: EventSource = (listener) => {
    const stops = sources.map((source) => source(listener));
    return () => stops.forEach((stop) => stop());
  };
  await nextEvent(what, anyEvent, condition, boundMs);
}
