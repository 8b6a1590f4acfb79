import { NotFoundError, VendorFaultError } from "../errors";
import type { VeeamConnection } from "./connection";
import { apiRequest, parseBody, type ApiRequest } from "./api";
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

export async function getPlan(conn: VeeamConnection, planId: string, signal?: AbortSignal): Promise<VroPlan> {
  const request: ApiRequest = {
    method: "GET",
    path: `/api/${versionSegment(conn)}/Plans/${planPathSegment(planId)}`,
    operation: "GET Plans",
    object: describePlan(planId),
    idempotent: true,
    signal,
  };
  return parseBody(veeamSchemas().vroPlan, await apiRequest(conn, request), request);
}

/**
 * Runtime details, or undefined when the server has none for the plan: "Reboot of the Orchestrator server resets the
 * /RuntimeDetails resource collection", so a 404 here does not mean the plan is gone.
 */
export async function getPlanRuntimeDetails(conn: VeeamConnection, planId: string, signal?: AbortSignal): Promise<VroRuntime | undefined> {
  const request: ApiRequest = {
    method: "GET",
    path: `/api/${versionSegment(conn)}/RuntimeDetails/Plans/${planPathSegment(planId)}`,
    operation: "GET RuntimeDetails/Plans",
    object: describePlan(planId),
    idempotent: true,
    signal,
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
export async function offersApiVersion(conn: VeeamConnection, signal?: AbortSignal): Promise<boolean> {
  const request: ApiRequest = {
    method: "GET",
    path: `/api/${versionSegment(conn)}/Plans?limit=1`,
    operation: "GET Plans",
    object: `VeeamOrchestrator:${conn.endpoint.origin}`,
    idempotent: true,
    signal,
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
  await apiRequest(conn, {
    method: "POST",
    path: `/api/${versionSegment(conn)}/Plans/${planPathSegment(planId)}/Failover`,
    body: failoverBody(options),
    operation: "POST Plans/Failover",
    object: describePlan(planId),
    idempotent: false,
    signal: options.signal,
    deadline: options.deadline,
  });
}

/** Undo: allowed for replica plans in the FAILOVER, FAILBACK and HALTED states. */
export async function undoPlan(conn: VeeamConnection, planId: string, signal?: AbortSignal): Promise<void> {
  await apiRequest(conn, {
    method: "POST",
    path: `/api/${versionSegment(conn)}/Plans/${planPathSegment(planId)}/Undo`,
    operation: "POST Plans/Undo",
    object: describePlan(planId),
    idempotent: false,
    signal,
  });
}
