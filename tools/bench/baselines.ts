import { getProperty } from "../../provider/vsphere/invoke";
import type * as connections from "../../provider/vsphere/connection";
import type { TaskHandle } from "../../provider/vsphere/taskWaiter";

/**
 * The two wait strategies the provider is compared with. Both look at `GET Task/{id}/info` first, and sleep only while
 * the task is queued or running, as the tools they stand for do:
 * - fixed 1 s polling (the common hand-written loop; terraform-provider-vsphere's task helpers poll on an interval);
 * - Ansible's vmware module_utils `wait_for_task`: `sleep_time = min(2 ** failure_counter + randint(1, 1000) / 1000,
 *   max_backoff)` with max_backoff = 64 s, failure_counter starting at 0.
 */
export type Schedule = (attempt: number) => number;

export const FIXED_INTERVAL_MS = 1_000;
export const ANSIBLE_MAX_BACKOFF_MS = 64_000;

/** Fixed 1 s polling: the delay after the `attempt`-th look (0-based) that found the task unfinished. */
export function fixedDelayMs(_attempt: number): number {
  return FIXED_INTERVAL_MS;
}

/** Ansible's delay after the `attempt`-th unfinished look: min(2^attempt s + randint(1, 1000) ms, 64 s). */
export function ansibleDelayMs(attempt: number, random: () => number = Math.random): number {
  const jitterMs = 1 + Math.floor(random() * 1000); // randint(1, 1000) / 1000 s
  return Math.min(2 ** attempt * 1000 + jitterMs, ANSIBLE_MAX_BACKOFF_MS);
}

/** The instants (ms after the start) at which a strategy looks at the task: 0, then after each delay. */
export function lookInstants(schedule: Schedule, untilMs: number): number[] {
  const instants = [0];
  for (let attempt = 0; instants[instants.length - 1]! < untilMs; attempt += 1) instants.push(instants[instants.length - 1]! + schedule(attempt));
  return instants;
}

/** When a strategy first sees a task that ends `taskMs` after the start (ignoring request time): the first look at or after it. */
export function firstLookAfter(schedule: Schedule, taskMs: number): number {
  const instants = lookInstants(schedule, taskMs);
  return instants.find((instant) => instant >= taskMs) ?? instants[instants.length - 1]!;
}

export interface PollOutcome {
  state: string;
  looks: number;
}

/** Waits for a task by GET Task.info polling on `schedule`, with the provider's own client (same session, same transport). */
export async function pollTask(connection: connections.VsphereConnection, handle: TaskHandle, schedule: Schedule, deadlineMs = 120_000): Promise<PollOutcome> {
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    const info = (await getProperty(connection, handle.task, "info", { deadline: started + deadlineMs })) as { state?: string } | null;
    const state = info?.state ?? "unknown";
    if (state === "success" || state === "error") return { state, looks: attempt + 1 };
    if (Date.now() - started > deadlineMs) throw new Error(`baseline wait for ${handle.operation} gave up after ${deadlineMs} ms (state ${state})`);
    await new Promise((resolve) => setTimeout(resolve, schedule(attempt)));
  }
}
