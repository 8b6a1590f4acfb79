import type { SimReply, SimRequest } from "../common/httpServer";
import { authorized, handleTokenGrant } from "./auth";
import { v2Plan } from "./views";
import type { VeeamWorld } from "./world";
import { badRequest, dateMember, jsonBody, member, notFound, segments, unauthorized } from "./wire";

/**
 * VAO REST v2: `POST /v2/Token`, `GET /v2/FailoverPlans`, `GET /v2/FailoverPlans/{id}`, `POST /v2/FailoverPlans/{id}/Run`
 * (`{"mode":"FailoverNow","planLaunchOptions":{"restorePointRule":{"date":…},"executeChainedPlans":…}}`, member names
 * bound case-insensitively so the docs' `planlaunchOptions` and the Swagger's `planLaunchOptions` both work), `POST
 * /v2/FailoverPlans/{id}/Undo`, `POST /v2/FailoverPlans/{id}/Enable|Disable`. Run and Undo answer 200 with no body.
 */
export function handleV2(world: VeeamWorld, request: SimRequest): SimReply {
  const parts = segments(request.path);
  if (parts[1]?.toLowerCase() === "token" && parts.length === 2) return handleTokenGrant(world, request);
  if (!authorized(world, request)) return unauthorized();
  if (parts[1]?.toLowerCase() !== "failoverplans") return notFound(`No HTTP resource was found that matches the request URI '${request.path}'.`);
  if (parts.length === 2) {
    if (request.method !== "GET") return { status: 405, body: { message: "Method not allowed." } };
    return { status: 200, body: world.allPlans().map((plan) => v2Plan(world, plan)) };
  }
  const plan = world.plan(parts[2] ?? "");
  if (!plan) return notFound(`Failover plan '${parts[2]}' was not found.`);
  const action = parts[3]?.toLowerCase();
  if (parts.length === 3) {
    if (request.method !== "GET") return { status: 405, body: { message: "Method not allowed." } };
    return { status: 200, body: v2Plan(world, plan) };
  }
  if (request.method !== "POST" || parts.length > 4) return notFound(`No HTTP resource was found that matches the request URI '${request.path}'.`);
  if (action === "run") {
    const parsed = jsonBody(request, true);
    if (!parsed.ok) return parsed.reply;
    const mode = member(parsed.value, "mode");
    if (typeof mode !== "string" || mode.toLowerCase() !== "failovernow") {
      return badRequest(`mode must be FailoverNow (PermanentFailoverNow, Failback and CommitFailBack are not simulated); got ${JSON.stringify(mode)}.`);
    }
    const options = member(parsed.value, "planLaunchOptions");
    const rule = member(options, "restorePointRule");
    const date = dateMember(member(rule, "date"));
    if (date === "invalid") return badRequest("planLaunchOptions.restorePointRule.date is not a valid date.");
    const chained = member(options, "executeChainedPlans");
    if (chained !== undefined && chained !== null && typeof chained !== "boolean") return badRequest("planLaunchOptions.executeChainedPlans must be a boolean.");
    const refusal = world.startFailover(plan, { api: "v2", apiVersion: "v2", executeChainedPlans: chained === true, restorePointDate: date });
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
  return notFound(`No HTTP resource was found that matches the request URI '${request.path}'.`);
}
