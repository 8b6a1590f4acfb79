import type { VmAvailabilityError } from "../../provider/errors";

/** The error `work` fails with; the test fails if it does not fail. */
export async function failure<E = VmAvailabilityError>(work: Promise<unknown>): Promise<E> {
  try {
    await work;
  } catch (error) {
    return error as E;
  }
  throw new Error("the operation did not fail");
}
