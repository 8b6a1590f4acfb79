import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import * as vmSnapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import { forget } from "../../provider/runtime";
import * as connections from "../../provider/vsphere/connection";
import * as ft from "../../provider/vsphere/methods/faultTolerance";
import * as power from "../../provider/vsphere/methods/power";
import * as snapshots from "../../provider/vsphere/methods/snapshots";
import type { TaskHandle } from "../../provider/vsphere/taskWaiter";
import { isReconciled, type TaskStart } from "../../provider/vsphere/tasks";
import { startVsphereSimulator, type VsphereSimulator } from "../../simulator/vsphere";

/**
 * The vSphere resources driven in this process (their provider.ts CRUD functions, the same code the host runs) against
 * a vSphere twin on loopback, plus what each resource's create starts as a bare task for the baselines.
 */
/** The task a start returned (the bench makes no start whose answer could be lost). */
async function handleOf(start: Promise<TaskStart>): Promise<TaskHandle> {
  const started = await start;
  if (isReconciled(started)) throw new Error("the bench's task start lost its answer");
  return started;
}

export interface BenchResource {
  type: string;
  /** The task method its create starts. */
  createMethod: string;
  /** A VM in the state the create needs. */
  prepareVm(sim: VsphereSimulator, name: string): string;
  create(vmId: string): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(id: string, outs: Record<string, unknown>): Promise<unknown>;
  update(id: string, outs: Record<string, unknown>): Promise<unknown>;
  delete(id: string, outs: Record<string, unknown>): Promise<void>;
  /** What the update does, for the table. */
  updateLabel: string;
  /** Starts the create's task directly with provider/vsphere/methods (for the baselines). */
  startTask(connection: connections.VsphereConnection, vmId: string): Promise<TaskHandle>;
}

function addVm(sim: VsphereSimulator, name: string, powerState: "poweredOn" | "poweredOff"): string {
  return sim.world.addVm({ name, clusterId: "domain-c7", powerState, toolsInstalled: true, toolsRunning: powerState === "poweredOn", guestOperationMs: 50 }).id;
}

function outsOf(result: { id: string; outs?: Record<string, unknown> }): { id: string; outs: Record<string, unknown> } {
  return { id: result.id, outs: result.outs ?? {} };
}

export const BENCH_RESOURCES: BenchResource[] = [
  {
    type: "vsphere:VmPowerState",
    createMethod: "PowerOnVM_Task",
    prepareVm: (sim, name) => addVm(sim, name, "poweredOff"),
    create: async (vmId) => outsOf(await vmPowerState.create({ vmId, state: "poweredOn" })),
    read: (id, outs) => vmPowerState.read(id, outs),
    update: (id, outs) => vmPowerState.update(id, outs, { vmId: id, state: "poweredOff", shutdownMode: "hard" }),
    updateLabel: "poweredOn → poweredOff (hard)",
    delete: (id, outs) => vmPowerState.delete(id, outs),
    startTask: (connection, vmId) => handleOf(power.powerOnVm(connection, vmId, { deadline: Date.now() + 120_000 })),
  },
  {
    type: "vsphere:VmSnapshot",
    createMethod: "CreateSnapshotEx_Task",
    prepareVm: (sim, name) => addVm(sim, name, "poweredOn"),
    create: async (vmId) => outsOf(await vmSnapshot.create({ vmId, name: "bench" })),
    read: (id, outs) => vmSnapshot.read(id, outs),
    update: (id, outs) => vmSnapshot.update(id, outs, { vmId: outs["vmId"], name: "bench", description: "renamed by the bench" }),
    updateLabel: "new description (RenameSnapshot)",
    delete: (id, outs) => vmSnapshot.delete(id, outs),
    startTask: (connection, vmId) => handleOf(snapshots.createSnapshot(connection, vmId, { name: "baseline", memory: false, quiesce: false }, { deadline: Date.now() + 120_000 })),
  },
  {
    type: "vsphere:FtSecondary",
    createMethod: "CreateSecondaryVMEx_Task",
    prepareVm: (sim, name) => addVm(sim, name, "poweredOn"),
    // The task and its read-back, as for the other resources: the wait for protection that follows by default is
    // vSphere synchronizing the secondary, not waiting overhead (section 5 measures the lag of such waits).
    create: async (vmId) => outsOf(await ftSecondary.create({ vmId, waitForProtection: false })),
    read: (id, outs) => ftSecondary.read(id, outs),
    update: (id, outs) => ftSecondary.update(id, outs, { vmId: id, enabled: false }),
    updateLabel: "enabled: false (DisableSecondaryVM_Task)",
    delete: (id, outs) => ftSecondary.delete(id, outs),
    startTask: (connection, vmId) => handleOf(ft.createSecondaryVmEx(connection, vmId, {}, { deadline: Date.now() + 120_000 })),
  },
];

/** A vSphere twin on loopback with the in-process provider pointed at it (environment settings, fresh session). */
export async function startInProcessTwin(taskDurationMs: number): Promise<VsphereSimulator> {
  const sim = await startVsphereSimulator({ taskDurationMs });
  process.env["VSPHERE_SERVER"] = sim.url;
  process.env["VSPHERE_USER"] = sim.username;
  process.env["VSPHERE_PASSWORD"] = sim.password;
  forget("vsphere.");
  return sim;
}

/** Logs in and runs one create so that sessions, agents, schemas and the PropertyCollector exist before measuring. */
export async function warmUp(sim: VsphereSimulator): Promise<connections.VsphereConnection> {
  const connection = await connections.connect();
  for (const resource of BENCH_RESOURCES) await resource.create(resource.prepareVm(sim, `warm-${resource.type}`));
  return connection;
}

/** How long the simulator's task of `method` on `vmId` took from queued to complete (the latest such task), in ms. */
export function simulatedTaskMs(sim: VsphereSimulator, vmId: string, method: string): number | undefined {
  let found: { queueTime: number; completeTime?: number } | undefined;
  for (const task of sim.world.taskRunner.tasks.values()) {
    if (task.name === method && (task.entityId === vmId || task.lockedVmId === vmId)) found = task;
  }
  return found?.completeTime === undefined ? undefined : found.completeTime - found.queueTime;
}

/** Requests the simulator answered, by route, since `before`. */
export function requestsSince(sim: VsphereSimulator, before: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [route, count] of Object.entries(sim.server.stats.byRoute)) {
    const added = count - (before[route] ?? 0);
    if (added > 0) delta[route] = added;
  }
  return delta;
}
