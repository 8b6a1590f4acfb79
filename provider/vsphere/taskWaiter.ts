import { CancelledError, TimeoutError } from "../errors";
import { mayRepeat } from "../http/failure";
import { parseAnswer } from "../http/parseAnswer";
import { waitFor } from "../http/waiter";
import type * as connections from "./connection";
import { collectorAvailable, endWatch, ensureCollector, isCollectorUnusable, startWatch } from "./collector";
import type { CollectorWatch, TaskHandle } from "./connectionState";
import { errorForFault, parseMethodFault } from "./faults";
import { getProperty, invokeMethod } from "./invoke";
import { describeMoRef, unbox, type MoRef } from "./moref";
import { vimSchemas, type ObjectUpdate, type TaskInfo } from "./schemas";

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
  if (!collectorAvailable(connection)) return pollTaskInfo(connection, handle, options);
  let ref: MoRef;
  try {
    ref = await ensureCollector(connection, options.deadline);
  } catch (error) {
    // No collector this time (connection cut, 503, restart): the task runs on regardless, so this wait polls Task.info.
    if (!isCollectorUnusable(error) && !mayRepeat(error, true)) throw error;
    return pollTaskInfo(connection, handle, options);
  }
  return watchWithCollector(connection, ref, handle, options);
}

function watchWithCollector(connection: connections.VsphereConnection, ref: MoRef, handle: TaskHandle, options: TaskWaitOptions): Promise<Seen> {
  return new Promise<Seen>((resolve, reject) => {
    // Every binding is declared before the closures that use it: Pulumi's closure serializer treats a name used before
    // its `const` declaration as a free variable and refuses to serialize the provider ("missing variable in closure").
    const state: { settled: boolean; polling: boolean; info?: TaskInfo; watch?: CollectorWatch; timer?: NodeJS.Timeout; stall?: NodeJS.Timeout; onAbort?: () => void } = {
      settled: false,
      polling: false,
    };
    const stopPolling = new AbortController();
    const finish = (outcome: { info: TaskInfo } | { error: unknown } | { deadline: true; lastInfo?: TaskInfo }): void => {
      if (state.settled) return;
      state.settled = true;
      if (state.timer) clearTimeout(state.timer);
      if (state.stall) clearTimeout(state.stall);
      if (state.onAbort) options.signal?.removeEventListener("abort", state.onAbort);
      stopPolling.abort();
      if ("info" in outcome) resolve(outcome);
      else if ("deadline" in outcome) resolve({ deadline: true, lastInfo: outcome.lastInfo ?? state.info });
      else reject(outcome.error);
      // Off the critical path: the answer is already on its way to the caller.
      if (state.watch) endWatch(connection, state.watch);
    };
    const pollInstead = (): void => {
      if (state.settled || state.polling) return;
      state.polling = true;
      pollTaskInfo(connection, handle, { deadline: options.deadline, onProgress: options.onProgress, signal: stopPolling.signal }).then(
        (seen) => finish(seen),
        (error: unknown) => finish({ error }),
      );
    };
    const onUpdate = (update: ObjectUpdate): void => {
      // key and task come from the handle, so a server that reports only some info.* paths still yields a TaskInfo.
      const merged: Record<string, unknown> = { key: handle.task.value, task: handle.task, ...(state.info ?? {}) };
      for (const change of update.changeSet ?? []) {
        const value = unbox(change.val);
        if (change.name === "info") Object.assign(merged, value && typeof value === "object" ? value : {});
        else if (change.name.startsWith("info.")) merged[change.name.slice(5)] = value;
      }
      const parsed = vimSchemas().TaskInfo.safeParse(merged);
      if (!parsed.success || state.settled) return;
      const progress = parsed.data.progress;
      if (typeof progress === "number" && progress !== state.info?.progress) options.onProgress?.(progress);
      state.info = parsed.data;
      if (parsed.data.state === "success" || parsed.data.state === "error") finish({ info: parsed.data });
    };
    const onAbort = (): void =>
      finish({ error: new CancelledError(`Stopped waiting for ${handle.operation} on ${handle.object}: cancelled.`, { operation: handle.operation, object: handle.object }) });
    state.onAbort = onAbort;
    options.signal?.addEventListener("abort", onAbort, { once: true });
    state.timer = setTimeout(() => finish({ deadline: true }), Math.max(0, options.deadline - Date.now()));
    // A working collector reports the task's state within moments of CreateFilter (a new filter answers the pending long
    // poll at once). Nothing by then: the collector, or something before it, is not answering; Task.info is polled instead.
    state.stall = setTimeout(() => {
      if (state.info === undefined) pollInstead();
    }, COLLECTOR_STALL_MS);
    state.watch = startWatch(connection, ref, {
      obj: handle.task,
      pathSet: options.onProgress ? [...TASK_PATHS, "info.progress"] : TASK_PATHS,
      object: handle.object,
      deadline: options.deadline,
      onUpdate,
      onLost: pollInstead,
    });
  });
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
