/**
 * Shared by the fault-matrix tests: runs a list of cells against a fresh offline twin and turns the results into
 * assertions that name every lost cell and why (an orphan, a mismatch after refresh, an unclear error, a leak, a hang).
 */
import { runCells, type CellSpec } from "../../tools/reliability/matrix";
import type { CellResult, Operation, ResourceAdapter } from "../../tools/reliability/model";
import type { Scenario } from "../../tools/reliability/scenarios";
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
 * The scenarios, each reporting its fault as exercised only when it was consumed: besides the scenario's own notion
 * (armed after the call, a task plan taken, requests made), a transport fault put on the injector (503s, dropped
 * connections) must have been injected at least once. A fault armed after an operation's last call hits nothing.
 */
export function consumingScenarios(scenarios: Scenario[]): Scenario[] {
  return scenarios.map((scenario) => ({
    ...scenario,
    arm: (context) => {
      const faults = context.twin.server(context.adapter.vendor).faults;
      const injectedBefore = faults.injected;
      const armed = scenario.arm(context);
      return {
        exercised: () => {
          const plan = faults.describe();
          const armedTransportFault = (plan.fail503 ?? 0) + (plan.drop ?? 0) + (plan.dropAfter ?? 0) > 0;
          const injected = faults.injected > injectedBefore;
          return armed.exercised() && (injected || !armedTransportFault);
        },
        disarm: () => armed.disarm(),
      };
    },
  }));
}

/** Faults that act on a task, job or run: an operation that starts none cannot meet them. */
const TASK_FAULTS = new Set(["task fails", "never ends"]);
/** Faults armed once the operation's first call has been answered: a read, which makes no further call, cannot meet them. */
const AFTER_CALL_FAULTS = new Set(["drop mid-wait", "session expiry", "restart"]);

/** A task, job or run: vSphere names every method that starts a task `*_Task`; ZStack actions and Veeam runs all start one. */
function startsWork(adapter: ResourceAdapter, op: Operation): boolean {
  const path = adapter.mutatingPath(op);
  return op !== "read" && path !== undefined && (adapter.vendor !== "vsphere" || path.endsWith("_Task"));
}

/** Why a cell's fault has nothing to hit, or undefined when it must hit the operation. */
export function faultOutOfReach(cell: CellSpec): string | undefined {
  if (cell.op !== "read" && cell.adapter.mutatingPath(cell.op) === undefined) return "the operation makes no call";
  if (TASK_FAULTS.has(cell.scenario.short) && !startsWork(cell.adapter, cell.op)) return "the operation starts no task, job or run";
  if (AFTER_CALL_FAULTS.has(cell.scenario.short) && cell.op === "read") return "a read makes no call after its first";
  return undefined;
}

/** One line per cell whose fault should have hit the operation and was not consumed. */
export function missedFaults(cells: CellSpec[], results: CellResult[]): string[] {
  return results
    .filter((result, index) => !result.exercised && faultOutOfReach(cells[index] as CellSpec) === undefined)
    .map((result) => `${result.resource} / ${result.scenario} / ${result.operation}: the fault was armed and never consumed`);
}

