import { CancelledError, TimeoutError, type VmAvailabilityError } from "../errors";
import { parseAnswer } from "../http/parseAnswer";
import { waitFor } from "../http/waiter";
import { backoffDelay, sleep } from "../http/backoff";
import { isRetryable } from "../http/retry";
import type * as connections from "./connection";
import { errorForFault, isFault, parseMethodFault } from "./faults";
import { getProperty, invokeMethod } from "./invoke";
import { describeMoRef, moRef, unbox, type MoRef } from "./moref";
import { vimSchemas, type TaskInfo } from "./schemas";

/** A started vSphere task: what `*_Task` methods return. */
export interface TaskHandle {
  task: MoRef;
  operation: string;
  /** The object the task works on, for messages. */
  object: string;
}

export interface TaskWaitOptions {
  /** Epoch ms. */
  deadline: number;
  signal?: AbortSignal;
  onProgress?: (percent: number) => void;
}

/** The outcome of a successful task: its TaskInfo and the unboxed result. */
export interface TaskOutcome {
  info: TaskInfo;
  result: unknown;
}

interface Listener {
  handle: TaskHandle;
  deadline: number;
  info?: TaskInfo;
  settle: (outcome: { info: TaskInfo } | { error: unknown }) => void;
}

/**
 * One PropertyCollector per connection, one filter per awaited task, one WaitForUpdatesEx long-poll loop for all of
 * them: completion is seen as soon as vSphere reports it, and concurrent waits share the same call.
 */
interface Collector {
  ref?: MoRef;
  creating?: Promise<MoRef>;
  version: string;
  listeners: Map<string, Listener>;
  filterCount: number;
  looping: boolean;
  /** True while a WaitForUpdatesEx call is on the wire: only then is there a pending wait worth cancelling. */
  inFlight?: boolean;
  /** Set when the server cannot do PropertyCollector waits: every wait polls Task.info instead. */
  unsupported?: boolean;
}

const MAX_WAIT_SECONDS = 30;
const RECYCLE_AFTER_FILTERS = 200;

export async function waitForTask(connection: connections.VsphereConnection, handle: TaskHandle, options: TaskWaitOptions): Promise<TaskOutcome> {
  let info: TaskInfo;
  try {
    info = await watch(connection, handle, options);
  } catch (error) {
    if (!(error instanceof TimeoutError && error.operation === "wait")) throw error;
    const late = await atDeadline(connection, handle, error.lastState);
    if (late instanceof Error) throw late;
    info = late;
  }
  if (info.state === "error") {
    const fault = parseMethodFault(info.error) ?? { type: "TaskError", message: "the task failed without a fault" };
    throw errorForFault(fault, { operation: handle.operation, object: handle.object });
  }
  return { info, result: unbox(info.result) };
}

async function watch(connection: connections.VsphereConnection, handle: TaskHandle, options: TaskWaitOptions): Promise<TaskInfo> {
  const collector = collectorOf(connection);
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

function collectorOf(connection: connections.VsphereConnection): Collector {
  const holder = connection as connections.VsphereConnection & { taskCollector?: Collector };
  return (holder.taskCollector ??= { version: "", listeners: new Map(), filterCount: 0, looping: false });
}

function isCollectorUnusable(error: unknown): boolean {
  return isFault(error, "NotSupported", "HTTP404", "MethodNotFound", "NotImplemented");
}

async function watchWithCollector(
  connection: connections.VsphereConnection,
  collector: Collector,
  handle: TaskHandle,
  options: TaskWaitOptions,
): Promise<TaskInfo> {
  let ref: MoRef;
  try {
    ref = await ensureCollector(connection, collector);
  } catch (error) {
    // No collector this time (connection cut, 503, restart): the task runs on regardless, so this wait polls Task.info.
    if (isCollectorUnusable(error) || !isRetryable(error, true)) throw error;
    return pollTaskInfo(connection, handle, options);
  }
  return new Promise<TaskInfo>((resolve, reject) => {
    // Every binding is declared before the closures that use it: Pulumi's closure serializer treats a name used before
    // its `const` declaration as a free variable and refuses to serialize the provider ("missing variable in closure").
    let timer: NodeJS.Timeout | undefined;
    const state: { listener?: Listener; onAbort?: () => void } = {};
    const finish = (outcome: { info: TaskInfo } | { error: unknown }): void => {
      if (collector.listeners.get(handle.task.value) !== state.listener) return;
      collector.listeners.delete(handle.task.value);
      if (timer) clearTimeout(timer);
      if (state.onAbort) options.signal?.removeEventListener("abort", state.onAbort);
      if ("info" in outcome) resolve(outcome.info);
      else reject(outcome.error);
      // Only a long poll still on the wire needs cancelling; when the last task finished through an answer, the loop ends by itself.
      if (collector.listeners.size === 0 && collector.looping && collector.inFlight) void cancelPendingWait(connection, collector);
    };
    const listener: Listener = {
      handle,
      deadline: options.deadline,
      settle: (outcome) => {
        if ("info" in outcome && options.onProgress && typeof outcome.info.progress === "number") options.onProgress(outcome.info.progress);
        finish(outcome);
      },
    };
    state.listener = listener;
    const onAbort = (): void =>
      finish({ error: new CancelledError(`Stopped waiting for ${handle.operation} on ${handle.object}: cancelled.`, { operation: handle.operation, object: handle.object }) });
    state.onAbort = onAbort;
    options.signal?.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(
      () => finish({ error: new TimeoutError("deadline", listener.info?.state, { operation: "wait", object: handle.object }) }),
      Math.max(0, options.deadline - Date.now()),
    );
    collector.listeners.set(handle.task.value, listener);
    invokeMethod(
      connection,
      ref,
      "CreateFilter",
      {
        spec: {
          _typeName: "PropertyFilterSpec",
          propSet: [{ _typeName: "PropertySpec", type: "Task", pathSet: ["info.state", "info.error", "info.result"] }],
          objectSet: [{ _typeName: "ObjectSpec", obj: handle.task, skip: false }],
        },
        partialUpdates: false,
      },
      { idempotent: false, object: handle.object },
    ).then(
      () => {
        collector.filterCount += 1;
        runLoop(connection, collector);
      },
      (error) => {
        // A collector that vanished (session replaced) or a server without filters must not fail a running task's wait.
        if (isCollectorUnusable(error)) collector.unsupported = true;
        else collector.ref = undefined;
        handOverToPolling(connection, listener);
      },
    );
  });
}

async function ensureCollector(connection: connections.VsphereConnection, collector: Collector): Promise<MoRef> {
  if (collector.ref) return collector.ref;
  collector.creating ??= (async () => {
    try {
      const raw = await invokeMethod(connection, connection.content.propertyCollector, "CreatePropertyCollector", undefined, { idempotent: false });
      const ref = parseAnswer(vimSchemas().MoRef, unbox(raw), { operation: "CreatePropertyCollector" });
      collector.ref = moRef(ref.type, ref.value);
      collector.version = "";
      collector.filterCount = 0;
      return collector.ref;
    } finally {
      collector.creating = undefined;
    }
  })();
  return collector.creating;
}

function runLoop(connection: connections.VsphereConnection, collector: Collector): void {
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
            { idempotent: true, timeoutMs: (MAX_WAIT_SECONDS + 30) * 1000 },
          ).finally(() => {
            collector.inFlight = false;
          });
          failures = 0;
          if (raw !== undefined && raw !== null) dispatch(collector, parseAnswer(vimSchemas().UpdateSet, raw, { operation: "WaitForUpdatesEx" }));
        } catch (error) {
          if (isFault(error, "RequestCanceled")) continue;
          failures += 1;
          if (isRetryable(error, true) && failures < 5) {
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
      if (collector.listeners.size === 0 && collector.ref && collector.filterCount >= RECYCLE_AFTER_FILTERS) {
        const ref = collector.ref;
        collector.ref = undefined;
        void invokeMethod(connection, ref, "DestroyPropertyCollector", undefined, { idempotent: true }).catch(() => undefined);
      } else if (collector.listeners.size > 0 && collector.ref) {
        runLoop(connection, collector);
      }
    }
  })();
}

function dispatch(collector: Collector, updates: { version: string; filterSet?: { objectSet?: { kind: string; obj: { value: string }; changeSet?: { name: string; val?: unknown }[] }[] }[] }): void {
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
      listener.info = parsed.data;
      if (parsed.data.state === "success" || parsed.data.state === "error") listener.settle({ info: parsed.data });
    }
  }
}

function handOverToPolling(connection: connections.VsphereConnection, listener: Listener): void {
  pollTaskInfo(connection, listener.handle, { deadline: listener.deadline }).then(
    (info) => listener.settle({ info }),
    (error) => listener.settle({ error }),
  );
}

async function cancelPendingWait(connection: connections.VsphereConnection, collector: Collector): Promise<void> {
  if (!collector.ref) return;
  await invokeMethod(connection, collector.ref, "CancelWaitForUpdates", undefined, { idempotent: true }).catch(() => undefined);
}

async function pollTaskInfo(connection: connections.VsphereConnection, handle: TaskHandle, options: TaskWaitOptions): Promise<TaskInfo> {
  return waitFor<TaskInfo>({
    what: `${handle.operation} on ${handle.object}`,
    operation: "wait",
    object: handle.object,
    deadline: options.deadline,
    signal: options.signal,
    initialDelayMs: 50,
    maxDelayMs: 2_000,
    observe: async () => {
      const info = parseAnswer(vimSchemas().TaskInfo, await getProperty(connection, handle.task, "info", { object: handle.object }), {
        operation: "read Task.info",
        object: describeMoRef(handle.task),
      });
      if (typeof info.progress === "number") options.onProgress?.(info.progress);
      if (info.state === "success" || info.state === "error") return { done: true, value: info };
      return { done: false, state: `${info.state}${typeof info.progress === "number" ? ` ${info.progress}%` : ""}` };
    },
  });
}

/**
 * At the deadline: a task that finished meanwhile counts as finished; otherwise cancel it where vSphere allows it and
 * say what became of it.
 */
async function atDeadline(connection: connections.VsphereConnection, handle: TaskHandle, lastState: string | undefined): Promise<TaskInfo | VmAvailabilityError> {
  let note = "";
  try {
    const info = parseAnswer(vimSchemas().TaskInfo, await getProperty(connection, handle.task, "info"), { operation: "read Task.info" });
    if (info.state === "success" || info.state === "error") return info;
    lastState = `${info.state}${typeof info.progress === "number" ? ` ${info.progress}%` : ""}`;
    if (info.cancelable) {
      await invokeMethod(connection, handle.task, "CancelTask", undefined, { idempotent: true });
      note = ` The task ${describeMoRef(handle.task)} was cancelled.`;
    } else note = ` The task ${describeMoRef(handle.task)} cannot be cancelled and may still finish: run \`pulumi refresh\` to see its outcome.`;
  } catch {
    note = ` The state of task ${describeMoRef(handle.task)} could not be read: run \`pulumi refresh\` to see its outcome.`;
  }
  return new TimeoutError(`${handle.operation} on ${handle.object} did not finish before the deadline; last state: ${lastState ?? "unknown"}.${note}`, lastState, {
    operation: handle.operation,
    object: handle.object,
  });
}
