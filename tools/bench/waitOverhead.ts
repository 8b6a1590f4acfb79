import type * as connections from "../../provider/vsphere/connection";
import { waitForTask } from "../../provider/vsphere/taskWaiter";
import type { VsphereSimulator } from "../../simulator/vsphere";
import { ansibleDelayMs, fixedDelayMs, pollTask } from "./baselines";
import { BENCH_RESOURCES, simulatedTaskMs, type BenchResource } from "./inProcess";
import { summarize, type Summary } from "./statistics";

/**
 * Wait overhead = wall time of the operation minus the time the simulated task took (queued → complete, as the
 * simulator recorded it). Four ways of doing the same create, run side by side on four VMs with the same task length:
 * - provider create: the resource's whole create (reads before and after, the task, the PropertyCollector wait);
 * - provider wait: the same task started with provider/vsphere/methods, waited for with waitForTask;
 * - fixed 1 s: the same task, GET Task.info every second;
 * - Ansible: the same task, GET Task.info after min(2^n + jitter, 64) s.
 */
export const STRATEGIES = ["provider create", "provider wait", "fixed 1 s poll", "Ansible backoff"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface OverheadRow {
  type: string;
  taskMs: number;
  runs: number;
  overheadMs: Record<Strategy, Summary>;
}

async function timed(sim: VsphereSimulator, vmId: string, method: string, work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  const elapsed = performance.now() - started;
  const taskMs = simulatedTaskMs(sim, vmId, method);
  if (taskMs === undefined) throw new Error(`no finished ${method} task on ${vmId} in the simulator`);
  return elapsed - taskMs;
}

async function once(sim: VsphereSimulator, connection: connections.VsphereConnection, resource: BenchResource, taskMs: number, run: number): Promise<Record<Strategy, number>> {
  const vms = STRATEGIES.map((strategy, index) => {
    const vmId = resource.prepareVm(sim, `wait-${resource.type.split(":")[1]}-${taskMs}-${run}-${index}`);
    sim.world.setVmTaskDuration(vmId, taskMs);
    return { strategy, vmId };
  });
  const method = resource.createMethod;
  const deadline = Date.now() + taskMs * 4 + 120_000;
  const measured = await Promise.all(
    vms.map(({ strategy, vmId }) => {
      switch (strategy) {
        case "provider create":
          return timed(sim, vmId, method, () => resource.create(vmId));
        case "provider wait":
          return timed(sim, vmId, method, async () => waitForTask(connection, await resource.startTask(connection, vmId), { deadline }));
        case "fixed 1 s poll":
          return timed(sim, vmId, method, async () => pollTask(connection, await resource.startTask(connection, vmId), fixedDelayMs));
        case "Ansible backoff":
          return timed(sim, vmId, method, async () => pollTask(connection, await resource.startTask(connection, vmId), (attempt) => ansibleDelayMs(attempt)));
      }
    }),
  );
  return Object.fromEntries(STRATEGIES.map((strategy, index) => [strategy, measured[index]!])) as Record<Strategy, number>;
}

/** `plan`: task length in ms → repeats. Resources run one after another; the four strategies of a run run together. */
export async function waitOverhead(
  sim: VsphereSimulator,
  connection: connections.VsphereConnection,
  plan: { taskMs: number; runs: number }[],
  progress: (line: string) => void = () => undefined,
): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  for (const resource of BENCH_RESOURCES) {
    for (const { taskMs, runs } of plan) {
      const samples: Record<Strategy, number>[] = [];
      for (let run = 0; run < runs; run += 1) samples.push(await once(sim, connection, resource, taskMs, run));
      const overheadMs = Object.fromEntries(STRATEGIES.map((strategy) => [strategy, summarize(samples.map((sample) => sample[strategy]))])) as Record<Strategy, Summary>;
      rows.push({ type: resource.type, taskMs, runs, overheadMs });
      progress(`  wait overhead ${resource.type} ${taskMs / 1000} s × ${runs}: provider create ${overheadMs["provider create"].median.toFixed(1)} ms`);
    }
  }
  return rows;
}
