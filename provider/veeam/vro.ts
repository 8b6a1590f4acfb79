import { NotFoundError, VendorFaultError } from "../errors";
import { apiRequest, parseBody, startWork, type ApiRequest, type StartOptions } from "./api";
import type { CallOptions, VeeamConnection } from "./connectionTypes";
import { describePlan, planPathSegment } from "./ids";
import { veeamSchemas, type VroPlan, type VroRuntime } from "./schemas";
import type { FailoverOptions } from "./v2";

/**
 * Veeam Recovery Orchestrator REST API, every path version (v7.2, v7.21, v13, v13.1, v13.2): `GET
 * /api/{v}/Plans/{planId}`, `POST /api/{v}/Plans/{planId}/Failover` `{executeChainedPlans, restorePointDate}` (null =
 * latest restore point), `POST /api/{v}/Plans/{planId}/Undo`, and `GET /api/{v}/RuntimeDetails/Plans/{planId}`
 * (isRunningState, isStableState, currentRunResult, totalProgress, isUndoPossible). Failover and Undo return no task.
 * The references for 7.2.1, 13, 13.1 and 13.2 list these operations under the same paths; the request bodies and codes
 * used here are the ones the VAO 3 reference documents for v3, assumed unchanged since (docs/veeam-orchestrator-api.md).
 */

function versionSegment(conn: VeeamConnection): string {
  return encodeURIComponent(conn.apiVersion);
}

function planPath(conn: VeeamConnection, planId: string, action?: string): string {
  return `/api/${versionSegment(conn)}/Plans/${planPathSegment(planId)}${action ? `/${action}` : ""}`;
}

export async function getPlan(conn: VeeamConnection, planId: string, options: CallOptions): Promise<VroPlan> {
  const request: ApiRequest = { method: "GET", path: planPath(conn, planId), operation: "GET Plans", object: describePlan(planId), ...options };
  return parseBody(veeamSchemas().vroPlan, await apiRequest(conn, request), request);
}

/**
 * Runtime details, or undefined when the server has none for the plan: "Reboot of the Orchestrator server resets the
 * /RuntimeDetails resource collection", so a 404 here does not mean the plan is gone.
 */
export async function getPlanRuntimeDetails(conn: VeeamConnection, planId: string, options: CallOptions): Promise<VroRuntime | undefined> {
  const request: ApiRequest = {
    method: "GET",
    path: `/api/${versionSegment(conn)}/RuntimeDetails/Plans/${planPathSegment(planId)}`,
    operation: "GET RuntimeDetails/Plans",
    object: describePlan(planId),
    ...options,
  };
  try {
    return parseBody(veeamSchemas().vroRuntime, await apiRequest(conn, request), request);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * Whether the server serves this path version: `GET /api/{v}/Plans?limit=1`, the cheapest documented read. A version the
 * server does not know has no route there: 404 (or 400, as ASP.NET API versioning answers an unsupported version).
 */
export async function offersApiVersion(conn: VeeamConnection, options: CallOptions): Promise<boolean> {
  const request: ApiRequest = {
    method: "GET",
    path: `/api/${versionSegment(conn)}/Plans?limit=1`,
    operation: "GET Plans",
    object: `VeeamOrchestrator:${conn.endpoint.origin}`,
    ...options,
  };
  try {
    await apiRequest(conn, request);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof VendorFaultError) return false;
    throw error;
  }
}

export function failoverBody(options: Pick<FailoverOptions, "restorePointDate" | "executeChainedPlans">): Record<string, unknown> {
  return { executeChainedPlans: options.executeChainedPlans, restorePointDate: options.restorePointDate ?? null };
}

export async function failoverPlan(conn: VeeamConnection, planId: string, options: FailoverOptions): Promise<void> {
  const request: ApiRequest = {
    method: "POST",
    path: planPath(conn, planId, "Failover"),
    body: failoverBody(options),
    operation: "POST Plans/Failover",
    object: describePlan(planId),
    deadline: options.deadline,
    signal: options.signal,
  };
  await startWork(conn, request, options.reconcile);
}

/** Undo: allowed for replica plans in the FAILOVER, FAILBACK and HALTED states. */
export async function undoPlan(conn: VeeamConnection, planId: string, options: StartOptions): Promise<void> {
  const request: ApiRequest = {
    method: "POST",
    path: planPath(conn, planId, "Undo"),
    operation: "POST Plans/Undo",
    object: describePlan(planId),
    deadline: options.deadline,
    signal: options.signal,
  };
  await startWork(conn, request, options.reconcile);
}
