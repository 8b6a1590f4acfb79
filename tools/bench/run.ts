/**
 * `npm run bench`: how long the provider makes users wait, how many calls it makes, how a refresh scales and what
 * each resource adds to state, measured against the offline twin on loopback. Prints Markdown tables (stdout) and
 * progress (stderr). `--quick` runs a short version (fewer repeats, no 10 s tasks).
 */
import { startVsphereSimulator } from "../../simulator/vsphere";
import { callsPerOperation } from "./callsPerOperation";
import { describeMachine, formatMachine } from "./machine";
import { startInProcessTwin, warmUp } from "./inProcess";
import { drillOverhead, type DrillMode } from "./drillOverhead";
import { callsTable, drillTable, overheadTable, scaleTable, sizeTable } from "./report";
import { addScaleVms, scaleRefresh } from "./scaleRefresh";
import { hostStartup, providerSizes } from "./sizes";
import { stageStack } from "./stack";
import { renderTable } from "./table";
import { waitOverhead } from "./waitOverhead";

interface Plan {
  name: string;
  wait: { taskMs: number; runs: number }[];
  callRuns: number;
  scaleRuns: number;
  scaleSizes: number[];
  startupRuns: number;
  drills: { mode: DrillMode; syncMs: number; runs: number }[];
}

const FULL: Plan = {
  name: "full",
  wait: [
    { taskMs: 200, runs: 3 },
    { taskMs: 2_000, runs: 3 },
    { taskMs: 10_000, runs: 3 },
  ],
  callRuns: 3,
  scaleRuns: 3,
  scaleSizes: [100, 1_000],
  startupRuns: 5,
  drills: [
    { mode: "failover", syncMs: 200, runs: 3 },
    { mode: "failover", syncMs: 2_000, runs: 3 },
    { mode: "restartSecondary", syncMs: 200, runs: 3 },
    { mode: "restartSecondary", syncMs: 2_000, runs: 3 },
  ],
};

const QUICK: Plan = {
  name: "quick",
  wait: [
    { taskMs: 200, runs: 2 },
    { taskMs: 2_000, runs: 1 },
  ],
  callRuns: 1,
  scaleRuns: 1,
  scaleSizes: [100, 1_000],
  startupRuns: 3,
  drills: [{ mode: "failover", syncMs: 200, runs: 2 }],
};

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const plan = process.argv.includes("--quick") ? QUICK : FULL;
  const started = Date.now();
  const machine = describeMachine();
  const out: string[] = [];
  out.push(`## Benchmark (${plan.name} run, ${new Date().toISOString()})`, "", `Machine: ${formatMachine(machine)}`, "");
  out.push(
    `Plan: wait overhead ${plan.wait.map((step) => `${step.taskMs / 1000} s × ${step.runs}`).join(", ")} runs per resource; calls ${plan.callRuns} runs; refresh ${plan.scaleRuns} runs per size; host start ${plan.startupRuns} runs; FT tests ${plan.drills.map((step) => `${step.mode} ${step.syncMs} ms × ${step.runs}`).join(", ")}. Figures: median [min–max].`,
    "",
  );

  const tables: { wait?: string; calls?: string; scale?: string; sizes?: string; drills?: string } = {};
  progress("staging the installed package and serializing the providers…");
  const stack = stageStack();
  try {
    progress("sizes and host start-up…");
    const sizes = providerSizes(stack);
    const startup = await hostStartup(stack, plan.startupRuns);
    tables.sizes = renderTable(sizeTable(sizes, startup));

    progress("refresh through one host…");
    const scaleSim = await startVsphereSimulator({ taskDurationMs: 50 });
    try {
      const vmIds = addScaleVms(scaleSim, Math.max(...plan.scaleSizes));
      const figures = [];
      for (const size of plan.scaleSizes) {
        figures.push(await scaleRefresh(scaleSim, stack, vmIds.slice(0, size), plan.scaleRuns));
        progress(`  ${size} reads: ${figures[figures.length - 1]!.wallMs.median.toFixed(0)} ms, ${figures[figures.length - 1]!.requests.median} requests`);
      }
      tables.scale = renderTable(scaleTable(figures));
    } finally {
      await scaleSim.close();
    }
  } finally {
    stack.remove();
  }

  const sim = await startInProcessTwin(50);
  try {
    const connection = await warmUp(sim);
    progress("calls per operation…");
    tables.calls = renderTable(callsTable(await callsPerOperation(sim, plan.callRuns)));
    progress("wait overhead (the long part)…");
    tables.wait = renderTable(overheadTable(await waitOverhead(sim, connection, plan.wait, progress)));
    progress("FtFailoverTest: secondsUnprotected against the twin's recovery…");
    tables.drills = renderTable(drillTable(await drillOverhead(sim, plan.drills, progress)));
  } finally {
    await sim.close();
  }
  for (const table of [tables.wait, tables.calls, tables.scale, tables.sizes, tables.drills]) if (table) out.push(table, "");
  out.push(`Total bench time: ${((Date.now() - started) / 1000).toFixed(0)} s. Reproduce: \`npm run bench\` (or \`npm run bench -- --quick\`).`);
  process.stdout.write(`${out.join("\n")}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
