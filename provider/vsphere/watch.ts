import { TimeoutError } from "../errors";
import { waitFor } from "../http/waiter";
import type * as connections from "./connection";
import { describeMoRef } from "./moref";
import { readProperties } from "./properties";

type Target = { type: string; value: string };

export interface PropertyWaitOptions {
  /** Epoch ms. */
  deadline: number;
  /** For messages: "the guest of vm-42 to shut down". */
  what: string;
  /** The state to report while waiting, from the values read (default: the values as JSON). */
  describe?: (values: Record<string, unknown>) => string;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** How a property wait ended: the condition held, or the deadline came first (with the last values read, if any). */
export type PropertyWait = { reached: true; values: Record<string, unknown> } | { reached: false; values?: Record<string, unknown>; lastState?: string };

/**
 * Reads properties of an object until `until(values)` holds or the deadline passes, with backoff between looks (reads
 * share the connection's batched RetrievePropertiesEx with everything else in flight). Transient read failures are
 * tolerated until the deadline; a permanent one (the object is gone) is thrown.
 */
export async function waitForProperties(
  connection: connections.VsphereConnection,
  target: Target,
  paths: string[],
  until: (values: Record<string, unknown>) => boolean,
  options: PropertyWaitOptions,
): Promise<PropertyWait> {
  let last: Record<string, unknown> | undefined;
  try {
    const values = await waitFor<Record<string, unknown>>({
      what: options.what,
      operation: "RetrievePropertiesEx",
      object: describeMoRef(target),
      deadline: options.deadline,
      initialDelayMs: options.initialDelayMs ?? 100,
      maxDelayMs: options.maxDelayMs ?? 2_000,
      observe: async () => {
        const values = await readProperties(connection, target, paths, { deadline: options.deadline });
        last = values;
        return until(values) ? { done: true, value: values } : { done: false, state: (options.describe ?? JSON.stringify)(values) };
      },
    });
    return { reached: true, values };
  } catch (error) {
    if (error instanceof TimeoutError) return { reached: false, values: last, lastState: error.lastState };
    throw error;
  }
}
