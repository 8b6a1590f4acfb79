import { TimeoutError, VmAvailabilityError } from "../errors";
import { mayRepeat } from "../http/failure";
import { waitFor } from "../http/waiter";
import { collectorAvailable, endWatch, ensureCollector, startWatch } from "./collector";
import type * as connections from "./connection";
import type { CollectorWatch } from "./connectionState";
import { describeMoRef, moRef } from "./moref";
import { readProperties } from "./properties";
import { applyObjectUpdate, type WatchedValues } from "./propertyChanges";
import type { ObjectUpdate } from "./schemas";

type Target = { type: string; value: string };

export interface PropertyWaitOptions {
  /** Epoch ms. */
  deadline: number;
  /** For messages: "the guest of vm-42 to shut down". */
  what: string;
  /** The state to report while waiting, from the values read (default: the values as JSON). */
  describe?: (values: Record<string, unknown>) => string;
  /** Backoff between reads where the server cannot do PropertyCollector waits. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** How a property wait ended: the condition held, or the deadline came first (with the last values read, if any). */
export type PropertyWait = { reached: true; values: Record<string, unknown> } | { reached: false; values?: Record<string, unknown>; lastState?: string };

/**
 * A wait that heard nothing new of its object for this long reads the properties (batched with other reads): on a
 * server that never reports a change, or answers long polls late or not at all, the condition is still checked about
 * once a second, whatever the long poll does.
 */
const FALLBACK_READ_MS = 1_000;
/**
 * Updates alone are trusted this long: a server that keeps reporting some watched paths but never the one that
 * matters would otherwise hold the fallback read off for good, so a read follows at least this often.
 */
const TRUST_UPDATES_MS = 10_000;
const COLLECTOR_CALL_MS = 60_000;

/**
 * Waits until `until(values)` holds for properties of an object, or the deadline passes. Through the connection's
 * PropertyCollector (a filter on the object's paths, woken by the shared WaitForUpdatesEx long poll, the condition
 * evaluated on the values the updates carry) with a read of the properties whenever the collector has said nothing
 * of the object for a second or reported what cannot be followed; by reading with backoff where the server cannot do
 * PropertyCollector waits. Transient read failures are tolerated until the deadline; a permanent one (the object is
 * gone) is thrown.
 */
export async function waitForProperties(
  connection: connections.VsphereConnection,
  target: Target,
  paths: string[],
  until: (values: Record<string, unknown>) => boolean,
  options: PropertyWaitOptions,
): Promise<PropertyWait> {
  // A wait whose deadline has already passed gets its one look, as a polled wait does.
  if (!collectorAvailable(connection) || options.deadline <= Date.now()) return pollProperties(connection, target, paths, until, options);
  return new Promise<PropertyWait>((resolve, reject) => {
    const wait: PropertyWatch = { connection, target, paths, until, options, resolve, reject, settled: false, followable: true, reading: false, readAgain: false, pastDeadline: false, updates: 0, lastReadAt: Date.now() };
    wait.deadlineTimer = setTimeout(() => {
      // A read on the wire at the deadline still counts (it is bounded by the same deadline): its answer ends the wait.
      if (wait.reading) wait.pastDeadline = true;
      else endAtDeadline(wait);
    }, options.deadline - Date.now());
    armFallback(wait);
    ensureCollector(connection, Math.min(options.deadline, Date.now() + COLLECTOR_CALL_MS)).then(
      (collectorRef) => {
        if (wait.settled) return;
        wait.watch = startWatch(connection, collectorRef, {
          obj: moRef(target.type, target.value),
          pathSet: paths,
          object: describeMoRef(target),
          deadline: options.deadline,
          onUpdate: (update) => heard(wait, update),
          onLost: () => read(wait),
        });
      },
      // No collector (refused, unanswered): this wait reads, now and then every FALLBACK_READ_MS.
      () => read(wait),
    );
  });
}

/** One property wait through the collector: what it knows of the object and what is under way. */
interface PropertyWatch {
  connection: connections.VsphereConnection;
  target: Target;
  paths: string[];
  until: (values: Record<string, unknown>) => boolean;
  options: PropertyWaitOptions;
  resolve: (outcome: PropertyWait) => void;
  reject: (error: unknown) => void;
  settled: boolean;
  /** The watched values as last known, from an update or a read (undefined until the first). */
  values?: WatchedValues;
  /** False from an update that could not be followed until a read or an `enter` gives the whole picture again. */
  followable: boolean;
  /** The state at the last look, and what went wrong with reads after it (as a polled wait reports them). */
  lastState?: string;
  since?: string;
  watch?: CollectorWatch;
  reading: boolean;
  /** A read was asked for while one was on the wire: one more follows it. */
  readAgain: boolean;
  pastDeadline: boolean;
  /** Updates applied so far: a read that an update overtook carries older values and is not used. */
  updates: number;
  /** Epoch ms of the last read started (the wait's start before the first). */
  lastReadAt: number;
  fallback?: NodeJS.Timeout;
  deadlineTimer?: NodeJS.Timeout;
}

function finish(wait: PropertyWatch, outcome: PropertyWait | { error: unknown }): void {
  if (wait.settled) return;
  wait.settled = true;
  if (wait.fallback) clearTimeout(wait.fallback);
  if (wait.deadlineTimer) clearTimeout(wait.deadlineTimer);
  if ("error" in outcome) wait.reject(outcome.error);
  else wait.resolve(outcome);
  // Off the critical path: the answer is already on its way to the caller.
  if (wait.watch) endWatch(wait.connection, wait.watch);
}

function endAtDeadline(wait: PropertyWatch): void {
  finish(wait, { reached: false, values: wait.values, lastState: wait.lastState ?? wait.since });
}

/** Evaluates the condition on values just learnt. */
function look(wait: PropertyWatch, values: WatchedValues): void {
  wait.values = values;
  let reached: boolean;
  try {
    reached = wait.until(values);
  } catch (error) {
    finish(wait, { error });
    return;
  }
  if (reached) {
    finish(wait, { reached: true, values });
    return;
  }
  wait.lastState = (wait.options.describe ?? JSON.stringify)(values);
  wait.since = undefined;
}

/** The next fallback read, FALLBACK_READ_MS after the last news of the object. */
function armFallback(wait: PropertyWatch): void {
  if (wait.fallback) clearTimeout(wait.fallback);
  wait.fallback = setTimeout(() => read(wait), FALLBACK_READ_MS);
}

/** An update from the object's filter: followed where possible, otherwise the properties are read. */
function heard(wait: PropertyWatch, update: ObjectUpdate): void {
  if (wait.settled) return;
  const values = applyObjectUpdate(wait.followable ? wait.values : undefined, wait.paths, update);
  if (!values) {
    wait.followable = false;
    read(wait);
    return;
  }
  wait.followable = true;
  wait.updates += 1;
  if (!wait.reading && Date.now() - wait.lastReadAt < TRUST_UPDATES_MS) armFallback(wait);
  look(wait, values);
}

function read(wait: PropertyWatch): void {
  if (wait.settled) return;
  if (wait.reading) {
    wait.readAgain = true;
    return;
  }
  wait.reading = true;
  wait.lastReadAt = Date.now();
  if (wait.fallback) clearTimeout(wait.fallback);
  const updatesBefore = wait.updates;
  readProperties(wait.connection, wait.target, wait.paths, { deadline: wait.options.deadline }).then(
    (values) => {
      wait.reading = false;
      if (wait.settled) return;
      if (wait.updates === updatesBefore) {
        wait.followable = true;
        look(wait, values);
      }
      afterRead(wait);
    },
    (error: unknown) => {
      wait.reading = false;
      if (wait.settled) return;
      // A read cut short by the wait's own deadline ends the wait with what was seen before it, not with its error.
      const cutByDeadline = error instanceof TimeoutError && Date.now() >= wait.options.deadline;
      if (!cutByDeadline && !mayRepeat(error, true)) {
        finish(wait, { error });
        return;
      }
      wait.since = `unreachable (${error instanceof VmAvailabilityError ? error.message : String(error)})`;
      afterRead(wait);
    },
  );
}

function afterRead(wait: PropertyWatch): void {
  if (wait.settled) return;
  if (wait.pastDeadline || Date.now() >= wait.options.deadline) {
    endAtDeadline(wait);
    return;
  }
  if (wait.readAgain) {
    wait.readAgain = false;
    read(wait);
    return;
  }
  armFallback(wait);
}

/** Reads with backoff until the condition holds or the deadline passes (servers without PropertyCollector waits). */
async function pollProperties(
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
