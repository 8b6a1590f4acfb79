import { CancelledError, TimeoutError } from "../errors";
import { backoffDelay, sleep } from "../http/backoff";
import { mayRepeat } from "../http/failure";
import { parseAnswer } from "../http/parseAnswer";
import { waitFor } from "../http/waiter";
import type * as connections from "./connection";
import type { TaskCollectorState, TaskHandle, TaskListener } from "./connectionState";
import { errorForFault, isFault, parseMethodFault } from "./faults";
import { getProperty, invokeMethod } from "./invoke";
import { describeMoRef, moRef, unbox, type MoRef } from "./moref";
import { vimSchemas, type TaskInfo } from "./schemas";

export type { TaskHandle } from "./connectionState";

export interface TaskWaitOptions {
  /** Epoch ms. */
  deadline: number;
  signal?: AbortSignal;
  /**
   * Called with Task.info.progress (0–100) each time the server reports a new value. Through the PropertyCollector it
   * adds `info.progress` to the task's filter, so every step wakes the long poll: only a caller that asks pays for it.
   */
  onProgress?: (percent: number) => void;
}

/**
 * How a wait ended: the task succeeded (its TaskInfo and unboxed result), or the deadline came first (the last TaskInfo
 * seen, if any). A task that failed is thrown as the typed error of its fault. What to do about a task still running at
 * the deadline (cancel it, report it) is the caller's decision: this module only waits.
 */
export type TaskWait = { status: "success"; info: TaskInfo; result: unknown } | { status: "deadline"; handle: TaskHandle; lastInfo?: TaskInfo };

const MAX_WAIT_SECONDS = 30;
/** A collector call gets this long beyond its own long-poll before the request counts as lost. */
const LONG_POLL_SLACK_MS = 30_000;
const COLLECTOR_CALL_MS = 60_000;
/** How long a new wait may go without hearing its task's state from the collector before it polls Task.info instead. */
const COLLECTOR_STALL_MS = 3_000;
/** What a task's filter watches: enough to see it end and take its result or fault. */
const TASK_PATHS = ["info.state", "info.error", "info.result"];

/**
 * Waits for a task: through the connection's PropertyCollector (completion is seen as soon as vSphere reports it, and
 * concurrent waits share one WaitForUpdatesEx long poll), or by polling Task.info where the server cannot do that.
 */
export async function waitForTask(connection: connections.VsphereConnection, handle: TaskHandle, options: TaskWaitOptions): Promise<TaskWait> {
  const seen = await watch(connection, handle, options);
  if ("deadline" in seen) return { status: "deadline", handle, lastInfo: seen.lastInfo };
  const info = seen.info;
  if (info.state === "error") {
    const fault = parseMethodFault(info.error) ?? { type: "TaskError", message: "the task failed without a fault" };
    throw errorForFault(fault, { operation: handle.operation, object: handle.object });
  }
  return { status: "success", info, result: unbox(info.result) };
}

/** Reads Task.info once (for a caller deciding what to do about a task at its deadline). */
export async function readTaskInfo(connection: connections.VsphereConnection, task: MoRef, deadline: number): Promise<TaskInfo> {
  return parseAnswer(vimSchemas().TaskInfo, await getProperty(connection, task, "info", { deadline }), { operation: "read Task.info", object: describeMoRef(task) });
}

/** CancelTask: vSphere ends a cancelable task in state error with RequestCanceled. */
export async function cancelTask(connection: connections.VsphereConnection, task: MoRef, deadline: number): Promise<void> {
  await invokeMethod(connection, task, "CancelTask", undefined, { idempotent: true, deadline });
}

type Seen = { info: TaskInfo } | { deadline: true; lastInfo?: TaskInfo };

async function watch(connection: connections.VsphereConnection, handle: TaskHandle, options: TaskWaitOptions): Promise<Seen> {
  const collector = connection.taskCollector;
  if (!collector.unsupported) {
    try {
      return await watchWithCollector(connection, collector, handle, options);
    } catch (error) {
      if (!isCollectorUnusable(error)) throw error;
      collector.unsupported = true;
    }
  }
  return pollTaskInfo(connection, handle, options);
}

function isCollectorUnusable(error: unknown): boolean {
  return isFault(error, "NotSupported", "HTTP404", "MethodNotFound", "NotImplemented");
}

async function watchWithCollector(connection: connections.VsphereConnection, collector: TaskCollectorState, handle: TaskHandle, options: TaskWaitOptions): Promise<Seen> {
  let ref: MoRef;
  try {
    ref = await ensureCollector(connection, collector, options.deadline);
  } catch (error) {
    // No collector this time (connection cut, 503, restart): the task runs on regardless, so this wait polls Task.info.
    if (isCollectorUnusable(error) || !mayRepeat(error, true)) throw error;
    return pollTaskInfo(connection, handle, options);
  }
  return new Promise<Seen>((resolve, reject) => {
    // Every binding is declared before the closures that use it: Pulumi's closure serializer treats a name used before
    // its `const` declaration as a free variable and refuses to serialize the provider ("missing variable in closure").
    let timer: NodeJS.Timeout | undefined;
    let stall: NodeJS.Timeout | undefined;
    const state: { listener?: TaskListener; onAbort?: () => void } = {};
    const finish = (outcome: { info: TaskInfo } | { error: unknown } | { deadline: true }): void => {
      const listener = state.listener;
      if (!listener || listener.settled) return;
      listener.settled = true;
      if (collector.listeners.get(handle.task.value) === listener) collector.listeners.delete(handle.task.value);
      if (timer) clearTimeout(timer);
      if (stall) clearTimeout(stall);
      if (state.onAbort) options.signal?.removeEventListener("abort", state.onAbort);
      if ("info" in outcome) resolve(outcome);
      else if ("deadline" in outcome) resolve({ deadline: true, lastInfo: listener.info });
      else reject(outcome.error);
      // Off the critical path: the answer is already on its way to the caller.
      if (listener.filter) destroyFilter(connection, listener.filter);
      // Only a long poll still on the wire needs cancelling; when the last task finished through an answer, the loop ends by itself.
      if (collector.listeners.size === 0 && collector.looping && collector.inFlight) void cancelPendingWait(connection, collector);
    };
    const listener: TaskListener = {
      handle,
      deadline: options.deadline,
      settled: false,
      onProgress: options.onProgress,
      settle: (outcome) => finish(outcome),
    };
    state.listener = listener;
    const onAbort = (): void =>
      finish({ error: new CancelledError(`Stopped waiting for ${handle.operation} on ${handle.object}: cancelled.`, { operation: handle.operation, object: handle.object }) });
    state.onAbort = onAbort;
    options.signal?.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(() => finish({ deadline: true }), Math.max(0, options.deadline - Date.now()));
    // A working collector reports the task's state within moments of CreateFilter (a new filter answers the pending long
    // poll at once). Nothing by then: the collector, or something before it, is not answering; Task.info is polled instead.
    stall = setTimeout(() => {
      if (!listener.settled && listener.info === undefined) handOverToPolling(connection, listener);
    }, COLLECTOR_STALL_MS);
    collector.listeners.set(handle.task.value, listener);
    invokeMethod(
      connection,
      ref,
      "CreateFilter",
      {
        spec: {
          _typeName: "PropertyFilterSpec",
          propSet: [{ _typeName: "PropertySpec", type: "Task", pathSet: options.onProgress ? [...TASK_PATHS, "info.progress"] : TASK_PATHS }],
          objectSet: [{ _typeName: "ObjectSpec", obj: handle.task, skip: false }],
        },
        partialUpdates: false,
      },
      // Bounded by the wait's own deadline: a collector that never answers cannot hold the request past it.
      { idempotent: false, object: handle.object, deadline: Math.min(options.deadline, Date.now() + COLLECTOR_CALL_MS) },
    ).then(
      (raw) => {
        const filter = vimSchemas().MoRef.safeParse(unbox(raw));
        if (filter.success) listener.filter = moRef(filter.data.type, filter.data.value);
        // The task may have settled (deadline, abort) while CreateFilter was on the wire: its filter goes at once.
        if (listener.settled) {
          if (listener.filter) destroyFilter(connection, listener.filter);
          return;
        }
        runLoop(connection, collector);
      },
      (error: unknown) => {
        // A collector that vanished (session replaced) or a server without filters must not fail a running task's wait.
        // Out of time for this wait says nothing about the collector, which other waits may be using.
        if (isCollectorUnusable(error)) collector.unsupported = true;
        else if (!(error instanceof TimeoutError)) collector.ref = undefined;
        if (!listener.settled) handOverToPolling(connection, listener);
      },
    );
  });
}

function destroyFilter(connection: connections.VsphereConnection, filter: MoRef): void {
  void invokeMethod(connection, filter, "DestroyPropertyFilter", undefined, { idempotent: true, deadline: Date.now() + COLLECTOR_CALL_MS }).catch(() => undefined);
}

async function ensureCollector(connection: connections.VsphereConnection, collector: TaskCollectorState, deadline: number): Promise<MoRef> {
  if (collector.ref) return collector.ref;
  collector.creating ??= (async () => {
    try {
      const raw = await invokeMethod(connection, connection.content.propertyCollector, "CreatePropertyCollector", undefined, { idempotent: false, deadline });
      const ref = parseAnswer(vimSchemas().MoRef, unbox(raw), { operation: "CreatePropertyCollector" });
      collector.ref = moRef(ref.type, ref.value);
      collector.version = "";
      return collector.ref;
    } finally {
      collector.creating = undefined;
    }
  })();
  return collector.creating;
}

/** The long-poll loop: runs while tasks are awaited; a collector that fails for good hands its waiters to polling. */
function runLoop(connection: connections.VsphereConnection, collector: TaskCollectorState): void {
  if (collector.looping) return;
  collector.looping = true;
  void (async () => {
    let failures = 0;
    try {
      while (collector.listeners.size > 0 && collector.ref) {
        try {
          collector.inFlight = true;
          const raw = await invokeMethod(
            connection,
            collector.ref,
            "WaitForUpdatesEx",
            { version: collector.version, options: { _typeName: "WaitOptions", maxWaitSeconds: MAX_WAIT_SECONDS } },
            { idempotent: true, timeoutMs: MAX_WAIT_SECONDS * 1000 + LONG_POLL_SLACK_MS, deadline: Date.now() + MAX_WAIT_SECONDS * 1000 + LONG_POLL_SLACK_MS },
          ).finally(() => {
            collector.inFlight = false;
          });
          failures = 0;
          if (raw !== undefined && raw !== null) dispatch(collector, parseAnswer(vimSchemas().UpdateSet, raw, { operation: "WaitForUpdatesEx" }));
        } catch (error) {
          if (isFault(error, "RequestCanceled")) continue;
          failures += 1;
          // A long poll with no answer well past its own maxWaitSeconds is a collector (or a proxy) that stopped answering,
          // not a glitch: the waiters go to Task.info polling at once instead of waiting that long again.
          if (mayRepeat(error, true) && failures < 5 && !(error instanceof TimeoutError)) {
            await sleep(backoffDelay(failures, 200, 2_000));
            continue;
          }
          // The collector is gone (session replaced, server restarted): hand the waiters to Task.info polling.
          collector.ref = undefined;
          for (const listener of [...collector.listeners.values()]) handOverToPolling(connection, listener);
          return;
        }
      }
    } finally {
      collector.looping = false;
      if (collector.listeners.size > 0 && collector.ref) runLoop(connection, collector);
    }
  })();
}

function dispatch(collector: TaskCollectorState, updates: { version: string; filterSet?: { objectSet?: { kind: string; obj: { value: string }; changeSet?: { name: string; val?: unknown }[] }[] }[] }): void {
  collector.version = updates.version;
  for (const filter of updates.filterSet ?? []) {
    for (const update of filter.objectSet ?? []) {
      const listener = collector.listeners.get(update.obj.value);
      if (!listener) continue;
      // key and task come from the handle, so a server that reports only some info.* paths still yields a TaskInfo.
      const merged: Record<string, unknown> = { key: listener.handle.task.value, task: listener.handle.task, ...(listener.info ?? {}) };
      for (const change of update.changeSet ?? []) {
        const value = unbox(change.val);
        if (change.name === "info") Object.assign(merged, value && typeof value === "object" ? value : {});
        else if (change.name.startsWith("info.")) merged[change.name.slice(5)] = value;
      }
      const parsed = vimSchemas().TaskInfo.safeParse(merged);
      if (!parsed.success) continue;
      const progress = parsed.data.progress;
      if (typeof progress === "number" && progress !== listener.info?.progress) listener.onProgress?.(progress);
      listener.info = parsed.data;
      if (parsed.data.state === "success" || parsed.data.state === "error") listener.settle({ info: parsed.data });
    }
  }
}

function handOverToPolling(connection: connections.VsphereConnection, listener: TaskListener): void {
  pollTaskInfo(connection, listener.handle, { deadline: listener.deadline, onProgress: listener.onProgress }).then(
    (seen) => listener.settle(seen),
    (error: unknown) => listener.settle({ error }),
  );
}

async function cancelPendingWait(connection: connections.VsphereConnection, collector: TaskCollectorState): Promise<void> {
  if (!collector.ref) return;
  await invokeMethod(connection, collector.ref, "CancelWaitForUpdates", undefined, { idempotent: true, deadline: Date.now() + COLLECTOR_CALL_MS }).catch(() => undefined);
}

async function pollTaskInfo(connection: connections.VsphereConnection, handle: TaskHandle, options: TaskWaitOptions): Promise<Seen> {
  let lastInfo: TaskInfo | undefined;
  let reported: number | undefined;
  try {
    const info = await waitFor<TaskInfo>({
      what: `${handle.operation} on ${handle.object}`,
      operation: handle.operation,
      object: handle.object,
      deadline: options.deadline,
      signal: options.signal,
      initialDelayMs: 50,
      maxDelayMs: 2_000,
      observe: async () => {
        const info = await readTaskInfo(connection, handle.task, options.deadline);
        lastInfo = info;
        if (typeof info.progress === "number" && info.progress !== reported) {
          reported = info.progress;
          options.onProgress?.(info.progress);
        }
        if (info.state === "success" || info.state === "error") return { done: true, value: info };
        return { done: false, state: `${info.state}${typeof info.progress === "number" ? ` ${info.progress}%` : ""}` };
      },
    });
    return { info };
  } catch (error) {
    if (error instanceof TimeoutError) return { deadline: true, lastInfo };
    throw error;
  }
}
