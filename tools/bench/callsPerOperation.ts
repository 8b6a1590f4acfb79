import type { VsphereSimulator } from "../../simulator/vsphere";
import { BENCH_RESOURCES, requestsSince, type BenchResource } from "./inProcess";
import { summarize, type Summary } from "./statistics";

/**
 * Requests the simulator answers for each CRUD operation of each vSphere resource in steady state (logged in,
 * PropertyCollector made), counted at the server, with the fewest the API allows beside it.
 *
 * A lag-free task wait costs at least 3 requests: CreateFilter on the task, one WaitForUpdatesEx that reports its
 * state when the filter is made, one that reports its end (a GET Task.info poll can take 1 request only by sleeping
 * exactly as long as the task, which no client knows).
 */
export const WAIT_MINIMUM = 3;

export type Operation = "create" | "read" | "update" | "delete";

export interface OperationCalls {
  type: string;
  operation: Operation;
  label: string;
  requests: Summary;
  /** Requests by route of the last run, e.g. "POST PropertyCollector/WaitForUpdatesEx": 5. */
  byRoute: Record<string, number>;
  minimum: number;
  minimumReason: string;
  /** The target: the method call, one wait and one read-back (reads: one call; deletes: no read-back). */
  target: number;
}

interface Expectation {
  label?: string;
  minimum: number;
  reason: string;
  target: number;
}

/** The fewest requests each operation needs, and why. `wait` = WAIT_MINIMUM. */
const EXPECTED: Record<string, Record<Operation, Expectation>> = {
  "vsphere:VmPowerState": {
    create: { minimum: 1 + 1 + WAIT_MINIMUM + 1, reason: "read runtime.powerState first (it decides the method, and refuses templates and FT secondaries) + PowerOnVM_Task + wait + read-back", target: 1 + WAIT_MINIMUM + 1 },
    read: { minimum: 1, reason: "one RetrievePropertiesEx", target: 1 },
    update: { minimum: 1 + 1 + WAIT_MINIMUM + 1, reason: "read the current state + PowerOffVM_Task + wait + read-back", target: 1 + WAIT_MINIMUM + 1 },
    delete: { minimum: 0, reason: "leaves the VM as it is", target: 0 },
  },
  "vsphere:VmSnapshot": {
    create: { minimum: 1 + WAIT_MINIMUM + 1, reason: "CreateSnapshotEx_Task + wait + read-back of the snapshot tree", target: 1 + WAIT_MINIMUM + 1 },
    read: { minimum: 1, reason: "snapshot tree and VM facts in one RetrievePropertiesEx", target: 1 },
    update: { minimum: 1 + 1, reason: "RenameSnapshot (204, no task) + read-back", target: 1 + 1 },
    delete: { minimum: 1 + WAIT_MINIMUM, reason: "RemoveSnapshot_Task + wait (success means gone)", target: 1 + WAIT_MINIMUM },
  },
  "vsphere:FtSecondary": {
    create: { minimum: 1 + WAIT_MINIMUM + 1, reason: "CreateSecondaryVMEx_Task + wait + read-back of config.ftInfo (an already-FT VM faults the call itself)", target: 1 + WAIT_MINIMUM + 1 },
    read: { minimum: 1, reason: "primary's config.ftInfo + faultToleranceState, and the recorded secondary, in one RetrievePropertiesEx", target: 1 },
    update: { minimum: 1 + WAIT_MINIMUM + 1, reason: "DisableSecondaryVM_Task + wait + read-back", target: 1 + WAIT_MINIMUM + 1 },
    delete: { minimum: 1 + WAIT_MINIMUM, reason: "TurnOffFaultToleranceForVM_Task + wait", target: 1 + WAIT_MINIMUM },
  },
};

async function settle(): Promise<void> {
  // Lets fire-and-forget requests of the operation (a CancelWaitForUpdates) reach the server before counting.
  await new Promise((resolve) => setTimeout(resolve, 30));
}

async function counted(sim: VsphereSimulator, work: () => Promise<unknown>): Promise<Record<string, number>> {
  await settle();
  const before = { ...sim.server.stats.byRoute };
  await work();
  await settle();
  return requestsSince(sim, before);
}

function total(byRoute: Record<string, number>): number {
  return Object.values(byRoute).reduce((sum, count) => sum + count, 0);
}

async function lifecycle(sim: VsphereSimulator, resource: BenchResource, run: number): Promise<Record<Operation, Record<string, number>>> {
  const vmId = resource.prepareVm(sim, `calls-${resource.type.split(":")[1]}-${run}`);
  let created: { id: string; outs: Record<string, unknown> } | undefined;
  const create = await counted(sim, async () => {
    created = await resource.create(vmId);
  });
  const { id, outs } = created!;
  const read = await counted(sim, () => resource.read(id, outs));
  let updatedOuts = outs;
  const update = await counted(sim, async () => {
    const result = (await resource.update(id, outs)) as { outs?: Record<string, unknown> };
    updatedOuts = result.outs ?? outs;
  });
  const del = await counted(sim, () => resource.delete(id, updatedOuts));
  return { create, read, update, delete: del };
}

export async function callsPerOperation(sim: VsphereSimulator, runs: number): Promise<OperationCalls[]> {
  const results: OperationCalls[] = [];
  for (const resource of BENCH_RESOURCES) {
    const byRun: Record<Operation, Record<string, number>>[] = [];
    for (let run = 0; run < runs; run += 1) byRun.push(await lifecycle(sim, resource, run));
    for (const operation of ["create", "read", "update", "delete"] as const) {
      const expected = EXPECTED[resource.type]![operation];
      results.push({
        type: resource.type,
        operation,
        label: operation === "update" ? resource.updateLabel : operation,
        requests: summarize(byRun.map((counts) => total(counts[operation]))),
        byRoute: byRun[byRun.length - 1]![operation],
        minimum: expected.minimum,
        minimumReason: expected.reason,
        target: expected.target,
      });
    }
  }
  return results;
}

/** "RetrievePropertiesEx 2, PowerOnVM_Task 1, …" with the HTTP method and managed object type dropped. */
export function describeRoutes(byRoute: Record<string, number>): string {
  return Object.entries(byRoute)
    .map(([route, count]) => [route.replace(/^\w+ /, "").replace(/^[^/]+\//, ""), count] as const)
    .reduce<[string, number][]>((merged, [name, count]) => {
      const existing = merged.find(([known]) => known === name);
      if (existing) existing[1] += count;
      else merged.push([name, count]);
      return merged;
    }, [])
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");
}
