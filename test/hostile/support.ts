import type { VmAvailabilityError } from "../../provider/errors";

/** Waits until `condition` holds (it is checked on every turn of the event loop, with a small pause); fails after `limitMs`. */
export async function until(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error("the awaited state was never reached");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The error `work` fails with; the test fails if it does not fail. */
export async function failure<E = VmAvailabilityError>(work: Promise<unknown>): Promise<E> {
  try {
    await work;
  } catch (error) {
    return error as E;
  }
  throw new Error("the operation did not fail");
}
