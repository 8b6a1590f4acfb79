import { ConnectionError, TimeoutError, VmAvailabilityError } from "../errors";
import { waitFor } from "../http/waiter";
import type { VeeamConnection } from "./connection";
import { describePlan } from "./ids";
import * as state from "./state";
import * as v2 from "./v2";
import * as vro from "./vro";

/**
 * The generation-neutral operations the resource uses: read a plan's status, start a failover, start an undo, and
 * (separately) wait for the plan to be stable again. Run/Failover and Undo return no task, so waiting means watching
 * the plan with the shared waiter's deadline and backoff.
 */

export interface StartFailoverOptions {
  restorePointDate?: string;
  executeChainedPlans: boolean;
  signal?: AbortSignal;
  deadline?: number;
}

/** The plan's full status (VRO: plan + runtime details; v2: the plan). NotFoundError when the plan does not exist. */
export async function readPlanStatus(conn: VeeamConnection, planId: string, signal?: AbortSignal): Promise<state.PlanStatus> {
  if (conn.generation === "v2") return state.statusFromV2(planId, await v2.getFailoverPlan(conn, planId, signal));
  const plan = await vro.getPlan(conn, planId, signal);
  const runtime = await vro.getPlanRuntimeDetails(conn, planId, signal);
  return state.statusFromVro(planId, plan, runtime);
}

/** A cheaper look for polling: VRO runtime details only (the plan itself when the server has no runtime details). */
async function observePlan(conn: VeeamConnection, planId: string, previous: state.PlanStatus | undefined, signal?: AbortSignal): Promise<state.PlanStatus> {
  if (conn.generation === "v2" || previous === undefined) return readPlanStatus(conn, planId, signal);
  const runtime = await vro.getPlanRuntimeDetails(conn, planId, signal);
  if (runtime === undefined) return readPlanStatus(conn, planId, signal);
  return state.statusFromVro(planId, undefined, runtime, previous);
}

/**
 * Starts the failover. When the request fails in a way that leaves it unknown whether the server acted (connection lost
 * after sending), the plan is read back: a plan that is now running or failed over means the run started.
 */
export async function startFailover(conn: VeeamConnection, planId: string, options: StartFailoverOptions): Promise<void> {
  const start = async (): Promise<void> => {
    if (conn.generation === "v2") await v2.runFailoverPlan(conn, planId, options);
    else await vro.failoverPlan(conn, planId, options);
  };
  await startReconciled(conn, planId, "the failover", start, ["failingOver", "failedOver", "halted"]);
}

/** Starts the undo, reconciling an ambiguous failure the same way. */
export async function startUndo(conn: VeeamConnection, planId: string, signal?: AbortSignal): Promise<void> {
  const start = async (): Promise<void> => {
    if (conn.generation === "v2") await v2.undoFailoverPlan(conn, planId, signal);
    else await vro.undoPlan(conn, planId, signal);
  };
  await startReconciled(conn, planId, "the undo", start, ["undoingFailover", "undone"]);
}

function isAmbiguous(error: unknown): boolean {
  return (error instanceof ConnectionError && error.requestSent) || (error instanceof TimeoutError && error.lastState === undefined);
}

/**
 * Starts a run or undo. After an ambiguous failure the plan is read back: in one of `startedPhases` the call took
 * effect; still where it was, it provably did not, and it is sent again, at most 3 tries in all (Veeam refuses a second run of a busy plan,
 * so a late first call cannot make two). A failure that remains names the plan.
 */
async function startReconciled(conn: VeeamConnection, planId: string, what: string, start: () => Promise<void>, startedPhases: state.PlanPhase[]): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await start();
      return;
    } catch (error) {
      if (!isAmbiguous(error)) throw error;
      const phase = await readPlanStatus(conn, planId).then(
        (status) => status.phase,
        () => undefined,
      );
      if (phase !== undefined && startedPhases.includes(phase)) return;
      if (attempt < 2 && phase !== undefined) continue;
      throw namingThePlan(error, planId, what, phase);
    }
  }
}

function namingThePlan(error: unknown, planId: string, what: string, phase: state.PlanPhase | undefined): unknown {
  if (!(error instanceof ConnectionError)) return error;
  const seen = phase === undefined ? "its state could not be read back" : `the plan is ${phase}`;
  return new ConnectionError(`Starting ${what} of ${describePlan(planId)} failed: ${error.message} (${seen}).`, error.requestSent, {
    operation: error.operation,
    object: describePlan(planId),
    cause: error,
    transient: error.transient,
  });
}

export interface WaitOptions {
  /** What was started: decides when a stable plan counts as finished. */
  operation: "failover" | "undo";
  deadline: number;
  signal?: AbortSignal;
  /** The status read before the operation started (VRO: carries the plan's name). */
  before?: state.PlanStatus;
  /** For tests: the waiter's backoff ceiling. */
  maxDelayMs?: number;
}

/**
 * Waits until the plan is stable again after `operation`. A stable plan still showing the state from before the call
 * (the server may not have switched yet) does not count until the plan has been seen running or has reached the
 * operation's end state. Throws TimeoutError naming the last state seen.
 */
export async function waitUntilStable(conn: VeeamConnection, planId: string, options: WaitOptions): Promise<state.PlanStatus> {
  let seenRunning = false;
  let previous = options.before;
  const endPhases: state.PlanPhase[] = options.operation === "failover" ? ["failedOver", "halted", "permanentFailover"] : ["undone", "ready"];
  return waitFor<state.PlanStatus>({
    what: `${describePlan(planId)} to finish its ${options.operation === "failover" ? "failover" : "undo"}`,
    operation: options.operation === "failover" ? "wait for failover" : "wait for undo",
    object: describePlan(planId),
    deadline: options.deadline,
    signal: options.signal,
    initialDelayMs: 250,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    observe: async () => {
      const status = await observePlan(conn, planId, previous, options.signal);
      previous = status;
      if (status.running || !status.stable) {
        seenRunning = true;
        return { done: false, state: state.describeStatus(status) };
      }
      if (seenRunning || endPhases.includes(status.phase)) return { done: true, value: status };
      return { done: false, state: `${state.describeStatus(status)} (not started yet)` };
    },
  });
}

/** True for errors that say the request reached a plan that refused it (state, permissions), not a transport problem. */
export function isRefusal(error: unknown): boolean {
  return error instanceof VmAvailabilityError && (error.kind === "vendor-fault" || error.kind === "conflict");
}
