/**
 * Shared by the fault-matrix tests: runs a list of cells against a fresh offline twin and turns the results into
 * assertions that name every lost cell and why (an orphan, a mismatch after refresh, an unclear error, a leak, a hang).
 */
import { runCells, type CellSpec } from "../../tools/reliability/matrix";
import type { CellResult } from "../../tools/reliability/model";
import { startReliabilityTwin } from "../../tools/reliability/twin";

export async function runMatrixCells(cells: CellSpec[]): Promise<CellResult[]> {
  const twin = await startReliabilityTwin();
  try {
    return await runCells(twin, cells);
  } finally {
    await twin.close();
  }
}

/** One line per lost cell, for a failure message that says what went wrong where. */
export function lostCells(results: CellResult[]): string[] {
  return results
    .filter((result) => result.verdict === "lost")
    .map((result) => `${result.resource} / ${result.scenario} / ${result.operation}: ${result.problems.join(" | ")}${result.errors.length > 0 ? ` (errors: ${result.errors.join(" | ")})` : ""}`);
}

/** Operations that ended in an error (any copy) must have produced errors, and a failed-clean cell must name them. */
export function verdictsConsistent(results: CellResult[]): string[] {
  return results
    .filter((result) => (result.verdict === "failed-clean") !== (result.errors.length > 0 && result.problems.length === 0))
    .map((result) => `${result.resource} / ${result.scenario} / ${result.operation}: verdict ${result.verdict} with ${result.errors.length} errors and ${result.problems.length} problems`);
}

/**
 * The cells CI runs. Cells behind an endpoint that never answers or trickles run there for the vSphere and ZStack
 * resources; the Veeam client does not yet bound every request by the operation's deadline (such a cell hangs until
 * the matrix's watchdog), so its cells of those scenarios run in `npm run reliability` only.
 */
export function boundedInCi(cell: CellSpec): boolean {
  return !cell.scenario.throughFront || cell.adapter.vendor !== "veeam";
}
