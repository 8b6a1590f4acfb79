import type { SimReply, SimRequest } from "../common/httpServer";
import { authorized, handleTokenGrant } from "./auth";
import { servedVroVersion, servesVro } from "./versions";
import { vroPlan, vroRuntime } from "./views";
import type { VeeamWorld } from "./world";
import { badRequest, dateMember, jsonBody, member, notFound, segments, unauthorized } from "./wire";

/**
 * Veeam Recovery Orchestrator: `POST /api/token` (one endpoint for every path version); under `/api/{version}/`, for each
 * version the twin serves (world.settings.apiVersions): `GET Plans` (`{data, pagination}`), `GET Plans/{planId}`, `POST
 * Plans/{planId}/Failover` (`{executeChainedPlans, restorePointDate}`; null = latest), `POST Plans/{planId}/Undo`, `POST
 * Plans/{planId}/Enable|Disable`, `GET RuntimeDetails/Plans/{planId}`. The operations and shapes are the same in every
 * version (as far as the references show); a version not served has no routes: 404, before authorization.
 */
export function handleVro(world: VeeamWorld, request: SimRequest): SimReply {
  const parts = segments(request.path);
  const served = world.settings.apiVersions;
  if (!servesVro(served)) return notFound(`No resource matches '${request.path}'.`);
  if (parts.length === 2 && parts[1]?.toLowerCase() === "token") return handleTokenGrant(world, request);
  const version = servedVroVersion(served, parts[1] ?? "");
  if (version === undefined) return notFound(`No resource matches '${request.path}'.`);
  if (!authorized(world, request)) return unauthorized();
  const collection = parts[2]?.toLowerCase();
  if (collection === "plans") return plans(world, request, parts.slice(3), version);
  if (collection === "runtimedetails" && parts[3]?.toLowerCase() === "plans" && parts.length === 5) {
    if (request.method !== "GET") return { status: 405, body: { message: "Method not allowed." } };
    const plan = world.plan(parts[4] ?? "");
    return plan ? { status: 200, body: vroRuntime(world, plan) } : notFound(`Plan '${parts[4]}' was not found.`);
  }
  return notFound(`No resource matches '${request.path}'.`);
}

function plans(world: VeeamWorld, request: SimRequest, rest: string[], version: string): SimReply {
  if (rest.length === 0) {
    if (request.method !== "GET") return { status: 405, body: { message: "Method not allowed." } };
    const onlyEnabled = request.query.get("onlyEnabled") === "true";
    const start = Number(request.query.get("start") ?? 0) || 0;
    const limit = Number(request.query.get("limit") ?? 0) || undefined;
    const all = world.allPlans().filter((plan) => !onlyEnabled || plan.enabled);
    const page = all.slice(start, limit === undefined ? undefined : start + limit);
    return { status: 200, body: { data: page.map((plan) => vroPlan(world, plan, version)), pagination: { total: all.length, count: page.length, skip: start, limit: limit ?? all.length } } };
  }
  const plan = world.plan(rest[0] ?? "");
  if (!plan) return notFound(`Plan '${rest[0]}' was not found.`);
  if (rest.length === 1) {
    if (request.method !== "GET") return { status: 405, body: { message: "Method not allowed." } };
    return { status: 200, body: vroPlan(world, plan, version) };
  }
  const action = rest[1]?.toLowerCase();
  if (request.method !== "POST" || rest.length > 2) return notFound(`No resource matches '${request.path}'.`);
  if (action === "failover") {
    const parsed = jsonBody(request, true);
    if (!parsed.ok) return parsed.reply;
    const chained = member(parsed.value, "executeChainedPlans");
    if (chained !== undefined && chained !== null && typeof chained !== "boolean") return badRequest("executeChainedPlans must be a boolean.");
    const date = dateMember(member(parsed.value, "restorePointDate"));
    if (date === "invalid") return badRequest("restorePointDate is not a valid date.");
    const refusal = world.startFailover(plan, { api: "vro", apiVersion: version, executeChainedPlans: chained === true, restorePointDate: date });
    return refusal ? badRequest(refusal) : { status: 200 };
  }
  if (action === "undo") {
    const refusal = world.startUndo(plan);
    return refusal ? badRequest(refusal) : { status: 200 };
  }
  if (action === "enable" || action === "disable") {
    world.modifyPlan(plan.id, { enabled: action === "enable" });
    return { status: 200 };
  }
  return notFound(`No resource matches '${request.path}'.`);
}
