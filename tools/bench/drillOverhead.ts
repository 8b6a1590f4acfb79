import * as ftFailoverTest from "../../provider/resources/vsphere/ftFailoverTest/provider";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import type { VsphereSimulator } from "../../simulator/vsphere";
import { summarize, type Summary } from "./statistics";

/**
 * FtFailoverTest's `secondsUnprotected` overhead: what the resource reports minus the twin's own recovery, i.e. the time
 * the provider adds to the window it measures (the test method's way to the twin before its task is queued, and the
 * lag between the group running again in the twin and the provider's wait seeing it).
 * Twin recovery: from the test task's queueTime to the instant the twin's group state becomes `running` again, seen
 * in this process through the twin's change notifications (no polling, no request).
 */

export type DrillMode = "failover" | "restartSecondary";

export interface DrillOverheadRow {
  mode: DrillMode;
  /** The twin's time to start and synchronize a secondary (each of re-spawn and sync), ms. */
  syncMs: number;
  runs: number;
  twinRecoveryMs: Summary;
  reportedMs: Summary;
  overheadMs: Summary;
}

/**
 * Watches a VM's FT state and keeps the first instant it is `running` again after having left it (the state before a
 * test is running too: only a return counts).
 */
export class RecoveryClock {
  private left = false;
  runningAgainAt?: number;

  observe(state: string | undefined, at: number): void {
    if (this.runningAgainAt !== undefined) return;
    if (state !== "running") this.left = true;
    else if (this.left) this.runningAgainAt = at;
  }
}

function addVm(sim: VsphereSimulator, name: string): string {
  return sim.world.addVm({ name, clusterId: "domain-c7", powerState: "poweredOn", toolsInstalled: true, toolsRunning: true }).id;
}

/** When the twin queued the latest `method` task on `vmId` (epoch ms). */
function queuedAt(sim: VsphereSimulator, vmId: string, method: string): number {
  let found: number | undefined;
  for (const task of sim.world.taskRunner.tasks.values()) if (task.name === method && task.entityId === vmId) found = task.queueTime;
  if (found === undefined) throw new Error(`no ${method} task on ${vmId} in the twin`);
  return found;
}

async function once(sim: VsphereSimulator, mode: DrillMode, label: string): Promise<{ twinRecoveryMs: number; reportedMs: number }> {
  const vmId = addVm(sim, label);
  const ft = await ftSecondary.create({ vmId, timeoutSeconds: 120 });
  const secondaryVmId = ft.outs!["secondaryVmId"] as string;
  // The group's primary after the test: the former secondary after a failover.
  const watched = mode === "failover" ? secondaryVmId : vmId;
  const clock = new RecoveryClock();
  const stop = sim.world.onChange((type, id) => {
    if (type !== "VirtualMachine" || (id !== watched && id !== vmId && id !== secondaryVmId)) return;
    clock.observe(sim.world.inventory().vms.find((vm) => vm.id === watched)?.faultToleranceState, Date.now());
  });
  try {
    const run = await ftFailoverTest.create({ vmId, mode, timeoutSeconds: 120 });
    const reported = run.outs!["secondsUnprotected"];
    if (typeof reported !== "number" || clock.runningAgainAt === undefined) throw new Error(`the ${mode} test of ${vmId} did not end protected`);
    const method = mode === "failover" ? "MakePrimaryVM_Task" : "TerminateFaultTolerantVM_Task";
    return { twinRecoveryMs: clock.runningAgainAt - queuedAt(sim, vmId, method), reportedMs: reported * 1000 };
  } finally {
    stop();
    await ftSecondary.delete(vmId, (await ftSecondary.read(vmId, ft.outs!)).props ?? ft.outs!);
  }
}

/** `plan`: per mode and twin sync time, the number of tests; run one after another on fresh FT groups. */
export async function drillOverhead(
  sim: VsphereSimulator,
  plan: { mode: DrillMode; syncMs: number; runs: number }[],
  progress: (line: string) => void = () => undefined,
): Promise<DrillOverheadRow[]> {
  const usual = sim.world.ftSyncMs;
  const rows: DrillOverheadRow[] = [];
  try {
    for (const { mode, syncMs, runs } of plan) {
      sim.world.ftSyncMs = syncMs;
      const samples: { twinRecoveryMs: number; reportedMs: number }[] = [];
      for (let run = 0; run < runs; run += 1) samples.push(await once(sim, mode, `drill-${mode}-${syncMs}-${run}`));
      const row: DrillOverheadRow = {
        mode,
        syncMs,
        runs,
        twinRecoveryMs: summarize(samples.map((sample) => sample.twinRecoveryMs)),
        reportedMs: summarize(samples.map((sample) => sample.reportedMs)),
        overheadMs: summarize(samples.map((sample) => sample.reportedMs - sample.twinRecoveryMs)),
      };
      rows.push(row);
      progress(`  ${mode} with ${syncMs} ms sync × ${runs}: overhead ${row.overheadMs.median.toFixed(0)} ms`);
    }
  } finally {
    sim.world.ftSyncMs = usual;
  }
  return rows;
}
