/** Prints the fault matrix as Markdown: one table per resource (scenario × operation), totals, and every lost cell. */
import type { CellResult, Operation, Verdict } from "./model";
import { OPERATIONS } from "./model";

const MARK: Record<Verdict, string> = { survived: "survived", "failed-clean": "failed-clean", lost: "**LOST**" };

export interface Totals {
  cells: number;
  survived: number;
  failedClean: number;
  lost: number;
  /** Cells where the fault never hit the operation (it makes no such call); their verdict still counts. */
  notExercised: number;
}

export function totals(results: CellResult[]): Totals {
  return {
    cells: results.length,
    survived: results.filter((result) => result.verdict === "survived").length,
    failedClean: results.filter((result) => result.verdict === "failed-clean").length,
    lost: results.filter((result) => result.verdict === "lost").length,
    notExercised: results.filter((result) => !result.exercised).length,
  };
}

function cell(result: CellResult | undefined): string {
  if (!result) return "";
  return `${MARK[result.verdict]}${result.exercised ? "" : " (n/a)"}`;
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)];
}

export function renderMatrix(results: CellResult[], scenarioNames: Array<{ short: string; name: string }>): string {
  const out: string[] = [];
  const resources = [...new Set(results.map((result) => result.resource))];
  const operations = OPERATIONS.filter((op) => results.some((result) => result.operation === op));
  for (const resource of resources) {
    out.push(`### ${resource}`, "");
    const rows = scenarioNames
      .filter((scenario) => results.some((result) => result.resource === resource && result.scenario === scenario.short))
      .map((scenario) => [scenario.short, ...operations.map((op: Operation) => cell(results.find((result) => result.resource === resource && result.scenario === scenario.short && result.operation === op)))]);
    out.push(...table(["scenario", ...operations], rows), "");
  }
  out.push("### Totals", "");
  const rows = resources.map((resource) => {
    const t = totals(results.filter((result) => result.resource === resource));
    return [resource, String(t.cells), String(t.survived), String(t.failedClean), String(t.lost), String(t.notExercised)];
  });
  const all = totals(results);
  rows.push(["**all**", String(all.cells), String(all.survived), String(all.failedClean), `**${all.lost}**`, String(all.notExercised)]);
  out.push(...table(["resource", "cells", "survived", "failed-clean", "lost", "(n/a: fault never hit)"], rows), "");
  out.push("Scenarios:", "", ...scenarioNames.map((scenario) => `- **${scenario.short}**: ${scenario.name}`), "");
  const lost = results.filter((result) => result.verdict === "lost");
  if (lost.length > 0) {
    out.push("### Lost cells", "");
    for (const result of lost) {
      out.push(`- ${result.resource} / ${result.scenario} / ${result.operation}:`);
      for (const problem of result.problems) out.push(`  - ${problem}`);
      for (const error of result.errors) out.push(`  - error: ${error}`);
    }
    out.push("");
  }
  return out.join("\n");
}

/** A few of the errors users saw in failed-clean cells, to show what "clear" means. */
export function renderErrorSamples(results: CellResult[], limit = 12): string {
  const samples = results.filter((result) => result.verdict === "failed-clean" && result.errors.length > 0).slice(0, 200);
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const result of samples) {
    const key = `${result.resource}/${result.scenario}`;
    if (seen.has(key) || lines.length >= limit) continue;
    seen.add(key);
    const error = result.errors[0] as string;
    lines.push(`- ${result.resource} / ${result.scenario} / ${result.operation}: \`${error.length > 300 ? `${error.slice(0, 300)}…` : error}\``);
  }
  return lines.length === 0 ? "" : ["### Sample errors (failed-clean cells)", "", ...lines, ""].join("\n");
}

/** The two-site cells: which site suffered the fault, how its operation ended, and whether the other site noticed. */
export function renderTwoSites(results: Array<CellResult & { faultedSite: string; faultedVerdict: Verdict; otherSite: string[] }>): string {
  if (results.length === 0) return "";
  const rows = results.map((result) => [
    result.resource,
    result.scenario,
    result.operation,
    result.faultedSite,
    cell({ ...result, verdict: result.faultedVerdict }),
    result.otherSite.length > 0 ? `**DISTURBED**: ${result.otherSite.join("; ")}` : "undisturbed",
  ]);
  const t = totals(results);
  return [
    "### Two sites: a fault on one site, the same operation at once on the other",
    "",
    ...table(["resource", "scenario", "operation", "faulted site", "faulted site's operation", "other site"], rows),
    "",
    `${t.cells} two-site cells: ${t.survived} survived, ${t.failedClean} failed-clean, ${t.lost} lost; other site disturbed in ${results.filter((result) => result.otherSite.length > 0).length}.`,
    "",
    ...results
      .filter((result) => result.verdict === "lost")
      .flatMap((result) => [`- ${result.resource} / ${result.scenario} / ${result.operation} (fault on ${result.faultedSite}):`, ...result.problems.map((problem) => `  - ${problem}`)]),
    "",
  ].join("\n");
}
