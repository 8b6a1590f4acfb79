import { apiRequest, parseBody, startWork, type ApiRequest, type StartOptions } from "./api";
import type { CallOptions, VeeamConnection } from "./connectionTypes";
import { describePlan, planPathSegment } from "./ids";
import { veeamSchemas, type V2Plan } from "./schemas";

/**
 * Veeam Availability Orchestrator REST API v2 (https://helpcenter.veeam.com/archive/vao/20/restapi/):
 * `GET /v2/FailoverPlans/{id}`, `POST /v2/FailoverPlans/{id}/Run`, `POST /v2/FailoverPlans/{id}/Undo`. Run and Undo answer
 * 200 with no body and no task: progress is watched on the plan (`planInUse`, `planState`, `planStateDetails`).
 */

export interface FailoverOptions extends StartOptions {
  /** ISO 8601; undefined = the latest restore point. */
  restorePointDate?: string;
  executeChainedPlans: boolean;
}

function planPath(planId: string, action?: string): string {
  return `/v2/FailoverPlans/${planPathSegment(planId)}${action ? `/${action}` : ""}`;
}

export async function getFailoverPlan(conn: VeeamConnection, planId: string, options: CallOptions): Promise<V2Plan> {
  const request: ApiRequest = { method: "GET", path: planPath(planId), operation: "GET FailoverPlans", object: describePlan(planId), ...options };
  return parseBody(veeamSchemas().v2Plan, await apiRequest(conn, request), request);
}

/**
 * The Run body. The v2 "Run Failover" page writes the member as `planlaunchOptions`, the v2 Swagger schema (and the v2
 * RestorePlans "Run" example) as `planLaunchOptions`. We send the Swagger spelling because the Swagger is the contract the
 * server is generated from; ASP.NET/Json.NET binds JSON members case-insensitively, so a server built from either
 * document accepts it (the simulator binds case-insensitively too).
 *
 * v2 documents no "latest" value for `restorePointRule.date` (v3+ documents `null` = latest). Without a date we send the
 * current time: the restore point located for "now" is the newest one.
 */
export function runFailoverBody(options: Pick<FailoverOptions, "restorePointDate" | "executeChainedPlans">, now: Date = new Date()): Record<string, unknown> {
  return {
    mode: "FailoverNow",
    planLaunchOptions: {
      restorePointRule: { date: options.restorePointDate ?? now.toISOString() },
      executeChainedPlans: options.executeChainedPlans,
    },
  };
}

/** POST Run (mode FailoverNow). */
export async function runFailoverPlan(conn: VeeamConnection, planId: string, options: FailoverOptions): Promise<void> {
  const request: ApiRequest = {
    method: "POST",
    path: planPath(planId, "Run"),
    body: runFailoverBody(options),
    operation: "POST FailoverPlans/Run",
    object: describePlan(planId),
    deadline: options.deadline,
    signal: options.signal,
  };
  await startWork(conn, request, options.reconcile);
}

/** POST Undo: allowed in the FAILOVER state (it powers off the replicas and rolls them back). */
export async function undoFailoverPlan(conn: VeeamConnection, planId: string, options: StartOptions): Promise<void> {
  const request: ApiRequest = {
    method: "POST",
    path: planPath(planId, "Undo"),
    operation: "POST FailoverPlans/Undo",
    object: describePlan(planId),
    deadline: options.deadline,
    signal: options.signal,
  };
  await startWork(conn, request, options.reconcile);
}
