import { NotFoundError, TimeoutError } from "../errors";
import { parseAnswer } from "../http/parseAnswer";
import type * as connections from "./connection";
import type { PendingRead, PropertyBatchState } from "./connectionState";
import { isFault } from "./faults";
import { invokeMethod } from "./invoke";
import { describeMoRef, moRef, unbox } from "./moref";
import { vimSchemas, type RetrieveResult } from "./schemas";

type Target = { type: string; value: string };

/**
 * Batching: a batch closes when no read has joined it for a quiet period, when it has been open MAX_LINGER_MS while
 * reads keep arriving, or when it holds MAX_OBJECTS_PER_CALL objects. The quiet period is QUIET_MS for a lone read or
 * a few concurrent ones (they pay only that), and BURST_QUIET_MS once reads come in a stream (BURST_SIZE or more, or
 * right after a large batch): an engine refresh sends one Read per resource, spread over the time the host takes to
 * decode them, with gaps of a few ms while the host is busy with answers.
 */
const QUIET_MS = 2;
const BURST_QUIET_MS = 12;
const BURST_SIZE = 4;
const MAX_LINGER_MS = 60;
const MAX_OBJECTS_PER_CALL = 1000;
const DEADLINE_GRACE_MS = 250;
const DEADLINE_STATE = "the read was queued or sent in a batched call, no complete answer";

/**
 * Reads properties of one managed object (paths like "runtime.powerState", "config.ftInfo"), unboxed. Reads issued
 * concurrently are coalesced into one PropertyCollector RetrievePropertiesEx call. A property that is unset is absent
 * from the result; an object that does not exist throws NotFoundError.
 */
export function readProperties(
  connection: connections.VsphereConnection,
  target: Target,
  paths: string[],
  options: { deadline: number },
): Promise<Record<string, unknown>> {
  const batch = connection.propertyBatch;
  return new Promise((resolve, reject) => {
    const now = performance.now();
    // The batch call runs until the latest deadline of its reads; each read still ends at its own. The read's own timer
    // waits a moment past the deadline, so that when the batch ends there too the transport's error (which says what was
    // seen of the answer) is the one reported.
    const object = describeMoRef(target);
    const timer = setTimeout(
      () =>
        reject(
          new TimeoutError(
            `${connection.endpoint.origin} (${connection.endpoint.settingKey}) did not answer RetrievePropertiesEx for ${object} before the operation's deadline; last state: ${DEADLINE_STATE}.`,
            DEADLINE_STATE,
            { operation: "RetrievePropertiesEx", object, delivery: "unknown", transient: true },
          ),
        ),
      Math.max(0, options.deadline - Date.now()) + DEADLINE_GRACE_MS,
    );
    const settle = <T>(done: (value: T) => void) => (value: T): void => {
      clearTimeout(timer);
      done(value);
    };
    batch.queue.push({ target, paths, deadline: options.deadline, resolve: settle(resolve), reject: settle(reject) });
    batch.lastArrival = now;
    if (batch.queue.length >= MAX_OBJECTS_PER_CALL) {
      flushBatch(connection, batch);
      return;
    }
    if (!batch.scheduled) {
      batch.scheduled = true;
      batch.openedAt = now;
      scheduleFlush(connection, batch, QUIET_MS);
    }
  });
}

/** Closes the batch once it has been quiet for its quiet period or open for MAX_LINGER_MS; until then looks again later. */
function scheduleFlush(connection: connections.VsphereConnection, batch: PropertyBatchState, delayMs: number): void {
  setTimeout(() => {
    if (!batch.scheduled) return;
    const now = performance.now();
    const quietFor = now - batch.lastArrival;
    const openFor = now - batch.openedAt;
    const quiet = quietPeriod(batch);
    if (quietFor >= quiet || openFor >= MAX_LINGER_MS) {
      flushBatch(connection, batch);
      return;
    }
    scheduleFlush(connection, batch, Math.min(quiet - quietFor, MAX_LINGER_MS - openFor));
  }, Math.max(0, delayMs));
}

/** A stream of reads (this batch already has several, or the previous one was large and recent) waits longer for more. */
function quietPeriod(batch: PropertyBatchState): number {
  const streaming = batch.queue.length >= BURST_SIZE || (batch.lastFlushSize >= BURST_SIZE && batch.openedAt - batch.lastFlushAt < BURST_QUIET_MS);
  return streaming ? BURST_QUIET_MS : QUIET_MS;
}

function flushBatch(connection: connections.VsphereConnection, batch: PropertyBatchState): void {
  batch.scheduled = false;
  const reads = batch.queue.splice(0, batch.queue.length);
  batch.lastFlushAt = performance.now();
  batch.lastFlushSize = reads.length;
  for (let start = 0; start < reads.length; start += MAX_OBJECTS_PER_CALL) {
    void retrieveBatch(connection, reads.slice(start, start + MAX_OBJECTS_PER_CALL));
  }
}

async function retrieveBatch(connection: connections.VsphereConnection, reads: PendingRead[]): Promise<void> {
  let remaining = reads;
  // A server that ignores reportMissingObjectsInResults faults the whole call for one missing object: drop it and ask again.
  for (let round = 0; remaining.length > 0 && round <= reads.length; round += 1) {
    try {
      const objects = await retrieve(connection, remaining);
      for (const read of remaining) {
        const found = objects.get(`${read.target.type}:${read.target.value}`);
        if (!found) {
          read.reject(notFound(read.target));
          continue;
        }
        const values: Record<string, unknown> = {};
        for (const path of read.paths) if (path in found) values[path] = found[path];
        read.resolve(values);
      }
      return;
    } catch (error) {
      const missing = missingObject(error);
      if (!missing) {
        for (const read of remaining) read.reject(error);
        return;
      }
      const [gone, rest] = partition(remaining, (read) => read.target.type === missing.type && read.target.value === missing.value);
      if (gone.length === 0) {
        for (const read of remaining) read.reject(error);
        return;
      }
      for (const read of gone) read.reject(notFound(read.target));
      remaining = rest;
    }
  }
}

async function retrieve(connection: connections.VsphereConnection, reads: PendingRead[]): Promise<Map<string, Record<string, unknown>>> {
  const pathsByType = new Map<string, Set<string>>();
  const objects = new Map<string, Target>();
  for (const read of reads) {
    const paths = pathsByType.get(read.target.type) ?? new Set<string>();
    for (const path of read.paths) paths.add(path);
    pathsByType.set(read.target.type, paths);
    objects.set(`${read.target.type}:${read.target.value}`, read.target);
  }
  const specSet = [
    {
      _typeName: "PropertyFilterSpec",
      propSet: [...pathsByType].map(([type, paths]) => ({ _typeName: "PropertySpec", type, pathSet: [...paths] })),
      objectSet: [...objects.values()].map((target) => ({ _typeName: "ObjectSpec", obj: moRef(target.type, target.value), skip: false })),
      reportMissingObjectsInResults: true,
    },
  ];
  const collector = connection.content.propertyCollector;
  const results = new Map<string, Record<string, unknown>>();
  const single = describeBatch([...objects.values()]);
  const deadline = Math.max(...reads.map((read) => read.deadline));
  const options = { idempotent: true, object: single, deadline };
  let answer = parseResult(await invokeMethod(connection, collector, "RetrievePropertiesEx", { specSet, options: { _typeName: "RetrieveOptions" } }, options), single);
  for (;;) {
    for (const content of answer?.objects ?? []) {
      const values: Record<string, unknown> = {};
      for (const property of content.propSet ?? []) values[property.name] = unbox(property.val);
      results.set(`${content.obj.type}:${content.obj.value}`, values);
    }
    if (!answer?.token) return results;
    answer = parseResult(await invokeMethod(connection, collector, "ContinueRetrievePropertiesEx", { token: answer.token }, options), single);
  }
}

/** The objects of a batched call, for messages: each by name when there are a few, the first ones and a count otherwise. */
function describeBatch(targets: Target[]): string {
  const named = targets.slice(0, 3).map(describeMoRef).join(", ");
  if (targets.length <= 1) return named;
  return `${targets.length} objects (${named}${targets.length > 3 ? ", …" : ""})`;
}

function parseResult(raw: unknown, object: string): RetrieveResult | undefined {
  if (raw === undefined || raw === null) return undefined;
  return parseAnswer(vimSchemas().RetrieveResult, raw, { operation: "RetrievePropertiesEx", object });
}

function missingObject(error: unknown): Target | undefined {
  if (!isFault(error, "ManagedObjectNotFound")) return undefined;
  const obj = (error as { fault?: { details?: Record<string, unknown> } }).fault?.details?.["obj"];
  const parsed = vimSchemas().MoRef.safeParse(obj);
  return parsed.success ? { type: parsed.data.type, value: parsed.data.value } : undefined;
}

function notFound(target: Target): NotFoundError {
  return new NotFoundError(`${describeMoRef(target)} does not exist (or this user cannot see it).`, {
    operation: "RetrievePropertiesEx",
    object: describeMoRef(target),
    fault: { type: "ManagedObjectNotFound" },
  });
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
