/**
 * `npm run reliability`: the fault matrix (scenario × operation → survived / failed-clean / lost) for every resource,
 * driven in this process through each resource's provider.ts against the offline twin's fault injection. Prints
 * Markdown (stdout) and progress (stderr); exits 1 when any cell is lost.
 *
 *   node dist/tools/reliability/run.js [--resource VmSnapshot] [--scenario restart] [--operation create] [--json file]
 *   RELIABILITY_VEEAM_API_VERSION=v13 (or v7.21, v13.1, v13.2, "detect"; default v2) runs FailoverPlanRun against
 *   Recovery Orchestrator instead.
 */
import { writeFileSync } from "node:fs";
import type { Operation } from "./model";
import { OPERATIONS } from "./model";
import { runMatrix } from "./matrix";
import { renderErrorSamples, renderMatrix, totals } from "./report";
import { failoverPlanRunPublished, matrixResources } from "./resources";
import { SCENARIOS } from "./scenarios";
import { startReliabilityTwin, veeamApiVersion } from "./twin";

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const resourceFilter = argument("resource");
  const scenarioFilter = argument("scenario");
  const operationFilter = argument("operation") as Operation | undefined;
  const resources = matrixResources().filter((adapter) => !resourceFilter || adapter.type.includes(resourceFilter));
  const scenarios = SCENARIOS.filter((scenario) => !scenarioFilter || scenario.short.includes(scenarioFilter));
  const operations = OPERATIONS.filter((op) => !operationFilter || op === operationFilter);
  const started = Date.now();
  const twin = await startReliabilityTwin();
  let done = 0;
  const total = resources.length * scenarios.length * operations.length;
  try {
    const results = await runMatrix(twin, {
      resources,
      scenarios,
      operations,
      onCell: (result) => {
        done += 1;
        const extra = result.verdict === "lost" ? `  ${result.problems.join(" | ")}` : "";
        process.stderr.write(`[${done}/${total}] ${result.resource} ${result.scenario} ${result.operation}: ${result.verdict}${result.exercised ? "" : " (n/a)"} op ${result.opMs} ms, cell ${result.ms} ms${extra}\n`);
      },
    });
    const t = totals(results);
    const seconds = Math.round((Date.now() - started) / 1000);
    const out: string[] = [
      `## Fault matrix (${new Date().toISOString()}, ${seconds} s)`,
      "",
      "Each cell: a fresh object on the offline twin, the operation run in-process through the resource's provider.ts with the fault armed, then an audit of the simulator's inventory against what state records, a refresh, and (after a failure) the operation run again with the fault gone.",
      failoverPlanRunPublished()
        ? `\n\`veeam:FailoverPlanRun\` speaks Veeam Orchestrator API ${veeamApiVersion() === "detect" ? "(detected: the newest the twin serves)" : veeamApiVersion()} (RELIABILITY_VEEAM_API_VERSION).\n`
        : "\n`veeam:FailoverPlanRun` is not in the matrix: the package does not export it yet (provider/index.ts).\n",
      renderMatrix(results, SCENARIOS),
      renderErrorSamples(results),
      `**Totals: ${t.cells} cells: ${t.survived} survived, ${t.failedClean} failed-clean, ${t.lost} lost** (${t.notExercised} cells where the fault never hit the operation).`,
      "",
    ];
    process.stdout.write(out.join("\n"));
    const json = argument("json");
    if (json) writeFileSync(json, JSON.stringify({ totals: t, results }, null, 2));
    process.exitCode = t.lost > 0 ? 1 : 0;
  } finally {
    await twin.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
