import { TimeoutError } from "../errors";
import { backoffDelay, sleep } from "../http/backoff";
import { mayRepeat } from "../http/failure";
import { parseAnswer } from "../http/parseAnswer";
import type * as connections from "./connection";
import type { CollectorState, CollectorWatch } from "./connectionState";
import { isFault } from "./faults";
import { invokeMethod } from "./invoke";
import { moRef, unbox, type MoRef } from "./moref";
import { vimSchemas, type ObjectUpdate, type UpdateSet } from "./schemas";

/**
 * The connection's PropertyCollector, shared by every wait: one collector per connection, one PropertyFilter per watched
 * object (destroyed when its watch ends, off the caller's critical path), one WaitForUpdatesEx long-poll loop for all.
 * What a wait makes of the updates (a task's end, a property's value) is its own business: this module delivers them.
 */

/**
 * The long poll: a change wakes it at once, so it may be long. Waits that must look more often than that on a server
 * that reports nothing (property waits) read on their own timer instead of shortening it.
 */
const LONG_POLL_SECONDS = 30;
/** A collector call gets this long beyond its own long poll before the request counts as lost. */
const LONG_POLL_SLACK_MS = 30_000;
const COLLECTOR_CALL_MS = 60_000;
/**
 * A long poll that answers "nothing" at once although it was asked to wait (a server that treats WaitForUpdatesEx like
 * CheckForUpdates) is asked again after this pause, not in a tight loop.
 */
const EARLY_ANSWER_PAUSE_MS = 1_000;

/** What to watch: the object, its paths, and who hears about it. */
export interface WatchSpec {
  obj: MoRef;
  pathSet: string[];
  /** The object in messages ("VirtualMachine:vm-42"). */
  object: string;
  /** Epoch ms: CreateFilter is not left on the wire past it. */
  deadline: number;
  onUpdate: (update: ObjectUpdate) => void;
  onLost: () => void;
}

/** Faults of a server that cannot do PropertyCollector waits at all: waits poll instead, for the connection's life. */
export function isCollectorUnusable(error: unknown): boolean {
  return isFault(error, "NotSupported", "HTTP404", "MethodNotFound", "NotImplemented");
}

/** False once the server has shown it cannot do PropertyCollector waits. */
export function collectorAvailable(connection: connections.VsphereConnection): boolean {
  return !connection.collector.unsupported;
}

/** The connection's collector, created on first use (concurrent first uses share one CreatePropertyCollector). */
export async function ensureCollector(connection: connections.VsphereConnection, deadline: number): Promise<MoRef> {
  const collector = connection.collector;
  if (collector.ref) return collector.ref;
  collector.creating ??= (async () => {
    try {
      const raw = await invokeMethod(connection, connection.content.propertyCollector, "CreatePropertyCollector", undefined, { idempotent: false, deadline });
      const ref = parseAnswer(vimSchemas().MoRef, unbox(raw), { operation: "CreatePropertyCollector" });
      collector.ref = moRef(ref.type, ref.value);
      collector.version = "";
      return collector.ref;
    } catch (error) {
      if (isCollectorUnusable(error)) collector.unsupported = true;
      throw error;
    } finally {
      collector.creating = undefined;
    }
  })();
  return collector.creating;
}

/**
 * Starts watching `spec.obj` on the collector `collectorRef`: registers the watch at once (so an update that overtakes
 * CreateFilter's answer still reaches it), sends CreateFilter without making the caller wait, and runs the long-poll
 * loop once the filter exists. A refused or unanswered CreateFilter calls `onLost`.
 */
export function startWatch(connection: connections.VsphereConnection, collectorRef: MoRef, spec: WatchSpec): CollectorWatch {
  const collector = connection.collector;
  const watch: CollectorWatch = { obj: spec.obj, ended: false, onUpdate: spec.onUpdate, onLost: spec.onLost };
  collector.watches.add(watch);
  invokeMethod(
    connection,
    collectorRef,
    "CreateFilter",
    {
      spec: {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: spec.obj.type, pathSet: spec.pathSet }],
        objectSet: [{ _typeName: "ObjectSpec", obj: spec.obj, skip: false }],
      },
      partialUpdates: false,
    },
    // Bounded by the wait's own deadline: a collector that never answers cannot hold the request past it.
    { idempotent: false, object: spec.object, deadline: Math.min(spec.deadline, Date.now() + COLLECTOR_CALL_MS) },
  ).then(
    (raw) => {
      const filter = vimSchemas().MoRef.safeParse(unbox(raw));
      if (filter.success) watch.filter = moRef(filter.data.type, filter.data.value);
      // The watch may have ended (deadline, abort, an answer from a read) while CreateFilter was on the wire.
      if (watch.ended) {
        if (watch.filter) destroyFilter(connection, watch.filter);
        return;
      }
      // Its collector was given up meanwhile (another call found it gone): no loop will ever ask it again.
      if (collector.ref?.value !== collectorRef.value) {
        loseWatch(collector, watch);
        return;
      }
      runLoop(connection, collector);
    },
    (error: unknown) => {
      // A server without filters, or a collector that vanished (session replaced), must not fail the wait. Out of time,
      // or a filter spec this server refuses, says nothing about the collector, which other waits may be using.
      if (isCollectorUnusable(error)) collector.unsupported = true;
      else if (isFault(error, "ManagedObjectNotFound") && !(error instanceof TimeoutError)) collector.ref = undefined;
      loseWatch(collector, watch);
    },
  );
  return watch;
}

/** Ends a watch: its filter is destroyed off the critical path; the last watch cancels a long poll still on the wire. */
export function endWatch(connection: connections.VsphereConnection, watch: CollectorWatch): void {
  if (watch.ended) return;
  watch.ended = true;
  const collector = connection.collector;
  collector.watches.delete(watch);
  if (watch.filter) destroyFilter(connection, watch.filter);
  // Only a long poll still on the wire needs cancelling; when the last watch ended through an answer, the loop ends by itself.
  if (collector.watches.size === 0 && collector.looping && collector.inFlight) void cancelPendingWait(connection, collector);
}

/** The collector no longer serves this watch: it leaves the loop and its owner goes on without the collector. */
function loseWatch(collector: CollectorState, watch: CollectorWatch): void {
  if (watch.ended || !collector.watches.delete(watch)) return;
  watch.onLost();
}

function destroyFilter(connection: connections.VsphereConnection, filter: MoRef): void {
  void invokeMethod(connection, filter, "DestroyPropertyFilter", undefined, { idempotent: true, deadline: Date.now() + COLLECTOR_CALL_MS }).catch(() => undefined);
}

/** The long-poll loop: runs while objects are watched; a collector that fails for good loses its watches. */
function runLoop(connection: connections.VsphereConnection, collector: CollectorState): void {
  if (collector.looping) return;
  collector.looping = true;
  void (async () => {
    let failures = 0;
    try {
      while (collector.watches.size > 0 && collector.ref) {
        const askedAt = Date.now();
        try {
          collector.inFlight = true;
          const raw = await invokeMethod(
            connection,
            collector.ref,
            "WaitForUpdatesEx",
            { version: collector.version, options: { _typeName: "WaitOptions", maxWaitSeconds: LONG_POLL_SECONDS } },
            { idempotent: true, timeoutMs: LONG_POLL_SECONDS * 1000 + LONG_POLL_SLACK_MS, deadline: Date.now() + LONG_POLL_SECONDS * 1000 + LONG_POLL_SLACK_MS },
          ).finally(() => {
            collector.inFlight = false;
          });
          failures = 0;
          if (raw !== undefined && raw !== null) {
            dispatch(collector, parseAnswer(vimSchemas().UpdateSet, raw, { operation: "WaitForUpdatesEx" }));
            continue;
          }
          if (Date.now() - askedAt < EARLY_ANSWER_PAUSE_MS) await sleep(EARLY_ANSWER_PAUSE_MS);
        } catch (error) {
          if (isFault(error, "RequestCanceled")) continue;
          failures += 1;
          // A long poll with no answer well past its own maxWaitSeconds is a collector (or a proxy) that stopped answering,
          // not a glitch: the watches go on without it at once instead of waiting that long again.
          if (mayRepeat(error, true) && failures < 5 && !(error instanceof TimeoutError)) {
            await sleep(backoffDelay(failures, 200, 2_000));
            continue;
          }
          // The collector is gone (session replaced, server restarted) or answers what cannot be read.
          collector.ref = undefined;
          return;
        }
      }
    } finally {
      collector.looping = false;
      if (collector.ref) {
        if (collector.watches.size > 0) runLoop(connection, collector);
      } else {
        // Watches whose filter lives on the collector given up; those still creating theirs find out when it answers.
        for (const watch of [...collector.watches]) if (watch.filter) loseWatch(collector, watch);
      }
    }
  })();
}

/**
 * Hands each ObjectUpdate to the watch whose filter reported it; an update from a filter whose CreateFilter answer has
 * not arrived yet goes to the one watch of that object still waiting for its filter. An object the filter reports
 * missing reaches its watch as a `leave`.
 */
function dispatch(collector: CollectorState, updates: UpdateSet): void {
  collector.version = updates.version;
  for (const filterUpdate of updates.filterSet ?? []) {
    const missing: ObjectUpdate[] = (filterUpdate.missingSet ?? []).map((entry) => ({ kind: "leave", obj: entry.obj }));
    for (const update of [...(filterUpdate.objectSet ?? []), ...missing]) {
      const watch = watchOf(collector, filterUpdate.filter, update.obj);
      if (watch) watch.onUpdate(update);
    }
  }
}

function watchOf(collector: CollectorState, filter: { value: string }, obj: { type: string; value: string }): CollectorWatch | undefined {
  const sameObject = [...collector.watches].filter((watch) => !watch.ended && watch.obj.type === obj.type && watch.obj.value === obj.value);
  const byFilter = sameObject.find((watch) => watch.filter?.value === filter.value);
  if (byFilter) return byFilter;
  const pending = sameObject.filter((watch) => watch.filter === undefined);
  return pending.length === 1 ? pending[0] : undefined;
}

async function cancelPendingWait(connection: connections.VsphereConnection, collector: CollectorState): Promise<void> {
  if (!collector.ref) return;
  await invokeMethod(connection, collector.ref, "CancelWaitForUpdates", undefined, { idempotent: true, deadline: Date.now() + COLLECTOR_CALL_MS }).catch(() => undefined);
}
