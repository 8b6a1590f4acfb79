import { waitFor } from "../http/waiter";
import type { Reconciliation } from "./api";
import type { CallOptions, VeeamConnection } from "./connectionTypes";
import { describePlan } from "./ids";
import * as state from "./state";
import * as v2 from "./v2";
import * as vro from "./vro";

/**
 * The generation-neutral operations the resource uses: read a plan's status, start a failover, start an undo, and
 * (separately) wait for the plan to be stable again. Run/Failover and Undo return no task, so waiting means watching
 * the plan with the shared waiter's deadline and backoff.
 */

export interface StartFailoverOptions extends CallOptions {
  restorePointDate?: string;
  executeChainedPlans: boolean;
}

/** The plan's full status (VRO: plan + runtime details; v2: the plan). NotFoundError when the plan does not exist. */
export async function readPlanStatus(conn: VeeamConnection, planId: string, options: CallOptions): Promise<state.PlanStatus> {
  if (conn.generation === "v2") return state.statusFromV2(planId, await v2.getFailoverPlan(conn, planId, options));
  const plan = await vro.getPlan(conn, planId, options);
  const runtime = await vro.getPlanRuntimeDetails(conn, planId, options);
  return state.statusFromVro(planId, plan, runtime);
}

/** A cheaper look for polling: VRO runtime details only (the plan itself when the server has no runtime details). */
async function observePlan(conn: VeeamConnection, planId: string, previous: state.PlanStatus | undefined, options: CallOptions): Promise<state.PlanStatus> {
  if (conn.generation === "v2" || previous === undefined) return readPlanStatus(conn, planId, options);
  const runtime = await vro.getPlanRuntimeDetails(conn, planId, options);
  if (runtime === undefined) return readPlanStatus(conn, planId, options);
  return state.statusFromVro(planId, undefined, runtime, previous);
}

/**
 * What a start whose answer was lost did: the plan is read back, and one of `startedPhases` means the call took
 * effect; any other phase means it did not (a run or undo leaves its phase at once).
 */
function readBack(conn: VeeamConnection, planId: string, options: CallOptions, startedPhases: state.PlanPhase[]): () => Promise<Reconciliation> {
  return async () => {
    const status = await readPlanStatus(conn, planId, options);
    return { started: startedPhases.includes(status.phase), seen: `${describePlan(planId)} is ${state.describeStatus(status)}` };
  };
}

/** Starts the failover; a lost answer is reconciled by reading the plan back (see api.ts startWork). */
export async function startFailover(conn: VeeamConnection, planId: string, options: StartFailoverOptions): Promise<void> {
  const start = { ...options, reconcile: readBack(conn, planId, options, ["failingOver", "failedOver", "halted"]) };
  if (conn.generation === "v2") await v2.runFailoverPlan(conn, planId, start);
  else await vro.failoverPlan(conn, planId, start);
}

/** Starts the undo, reconciling a lost answer the same way. */
export async function startUndo(conn: VeeamConnection, planId: string, options: CallOptions): Promise<void> {
  const start = { ...options, reconcile: readBack(conn, planId, options, ["undoingFailover", "undone"]) };
  if (conn.generation === "v2") await v2.undoFailoverPlan(conn, planId, start);
  else await vro.undoPlan(conn, planId, start);
}

export interface WaitOptions extends CallOptions {
  /** What was started: decides when a stable plan counts as finished. */
  operation: "failover" | "undo";
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
  const calls: CallOptions = { deadline: options.deadline, signal: options.signal };
  return waitFor<state.PlanStatus>({
    what: `${describePlan(planId)} to finish its ${options.operation === "failover" ? "failover" : "undo"}`,
    operation: options.operation === "failover" ? "wait for failover" : "wait for undo",
    object: describePlan(planId),
    deadline: options.deadline,
    signal: options.signal,
    initialDelayMs: 250,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    observe: async () => {
      const status = await observePlan(conn, planId, previous, calls);
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
