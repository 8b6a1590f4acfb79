/**
 * Admin API of the Veeam simulator (header `x-simulator-admin-token` required, like every `/_sim/` route; the common
 * `/_sim/faults` and `/_sim/stats` routes are served by simulator/common/httpServer.ts).
 *
 *   GET    /_sim/veeam/state                      inventory dump: settings, plans (with their v2 and VRO views), tokens, grants
 *   POST   /_sim/veeam/plans                      add a plan: {id?, name?, description?, enabled?, verified?, phase?, result?,
 *                                                 warnings?, errors?, editing?, runDurationMs?, nextOutcome?} → the plan
 *   POST   /_sim/veeam/plans/{id}                 modify a plan out of band (same fields; `phase` sets a stable state:
 *                                                 ready | failover | undoFailover | halted | permanentFailover)
 *   DELETE /_sim/veeam/plans/{id}                 remove a plan
 *   POST   /_sim/veeam/plans/{id}/undo            undo by hand, as an operator in the UI would: {durationMs?} (default 0 = at once)
 *   POST   /_sim/veeam/plans/{id}/outcome         how the next run/undo of the plan ends: {outcome: success|warning|error|halt}
 *   POST   /_sim/veeam/outcome                    the same for every plan: {outcome}
 *   POST   /_sim/veeam/tokens/expire              expire every access token now ({refreshTokens: true} expires those too)
 *   POST   /_sim/veeam/settings                   {runDurationMs?, tokenLifetimeSeconds?, refreshTokenLifetimeSeconds?}
 *   GET    /_sim/veeam/api-versions               the API versions served
 *   POST   /_sim/veeam/api-versions               serve only these: {apiVersions: ["v13", "v13.1", …]} or {release: "vro-13.1"}
 *   GET    /_sim/veeam/requests                   the last 500 API requests (method, path, content type, body)
 *   DELETE /_sim/veeam/requests                   clear that log
 */
import type { SimReply, SimRequest } from "../common/httpServer";
import { v2Plan, vroPlan, vroRuntime } from "./views";
import type { Outcome, PlanSpec, StablePhase, VeeamWorld } from "./world";
import { parseApiVersions, RELEASE_API_VERSIONS } from "./versions";
import { segments } from "./wire";

const OUTCOMES: Outcome[] = ["success", "warning", "error", "halt"];
const PHASES: StablePhase[] = ["ready", "failover", "undoFailover", "halted", "permanentFailover"];

function body(request: SimRequest): Record<string, unknown> {
  if (!request.bodyText.trim()) return {};
  const parsed: unknown = JSON.parse(request.bodyText);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("admin body must be a JSON object");
  return parsed as Record<string, unknown>;
}

function planSpec(input: Record<string, unknown>): PlanSpec | string {
  const spec: PlanSpec = {};
  for (const key of ["id", "name", "description"] as const) {
    if (input[key] !== undefined) {
      if (typeof input[key] !== "string") return `${key} must be a string`;
      spec[key] = input[key] as string;
    }
  }
  for (const key of ["enabled", "verified", "editing"] as const) {
    if (input[key] !== undefined) {
      if (typeof input[key] !== "boolean") return `${key} must be a boolean`;
      spec[key] = input[key] as boolean;
    }
  }
  for (const key of ["warnings", "errors", "runDurationMs"] as const) {
    if (input[key] !== undefined) {
      if (typeof input[key] !== "number" || (input[key] as number) < 0) return `${key} must be a non-negative number`;
      spec[key] = input[key] as number;
    }
  }
  if (input["phase"] !== undefined) {
    if (!PHASES.includes(input["phase"] as StablePhase)) return `phase must be one of ${PHASES.join(", ")}`;
    spec.phase = input["phase"] as StablePhase;
  }
  if (input["result"] !== undefined) {
    if (!["none", "success", "warning", "error"].includes(input["result"] as string)) return "result must be none, success, warning or error";
    spec.result = input["result"] as PlanSpec["result"];
  }
  if (input["nextOutcome"] !== undefined) {
    if (!OUTCOMES.includes(input["nextOutcome"] as Outcome)) return `nextOutcome must be one of ${OUTCOMES.join(", ")}`;
    spec.nextOutcome = input["nextOutcome"] as Outcome;
  }
  return spec;
}

export function dumpWorld(world: VeeamWorld): Record<string, unknown> {
  const now = Date.now();
  return {
    settings: { ...world.settings, password: "[redacted]" },
    plans: world.allPlans().map((plan) => ({
      id: plan.id,
      name: plan.name,
      enabled: plan.enabled,
      phase: plan.phase,
      result: plan.result,
      editing: plan.editing,
      operation: plan.operation ?? null,
      nextOutcomes: plan.nextOutcomes,
      launches: plan.launches,
      undos: plan.undos,
      v2: v2Plan(world, plan),
      vro: vroPlan(world, plan, "v7.21"),
      runtime: vroRuntime(world, plan),
    })),
    tokens: {
      active: [...world.accessTokens.values()].filter((token) => token.expiresAt > now).length,
      refresh: [...world.refreshTokens.values()].filter((token) => token.expiresAt > now).length,
    },
    grants: world.grants,
  };
}

export function handleVeeamAdmin(world: VeeamWorld, request: SimRequest): SimReply {
  const parts = segments(request.path).slice(2); // after "_sim", "veeam"
  if (segments(request.path)[1] !== "veeam") return { status: 404, body: { error: `no admin route ${request.method} ${request.path}` } };
  let input: Record<string, unknown>;
  try {
    input = body(request);
  } catch (error) {
    return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
  }
  const [first, second, third] = parts;
  if (first === "state" && request.method === "GET") return { status: 200, body: dumpWorld(world) };
  if (first === "requests" && parts.length === 1) {
    if (request.method === "GET") return { status: 200, body: world.requests };
    if (request.method === "DELETE") {
      world.requests.length = 0;
      return { status: 204 };
    }
  }
  if (first === "settings" && request.method === "POST") {
    for (const key of ["runDurationMs", "tokenLifetimeSeconds", "refreshTokenLifetimeSeconds"] as const) {
      if (input[key] === undefined) continue;
      if (typeof input[key] !== "number" || (input[key] as number) < 0) return { status: 400, body: { error: `${key} must be a non-negative number` } };
      world.settings[key] = input[key] as number;
    }
    return { status: 200, body: { ...world.settings, password: "[redacted]" } };
  }
  if (first === "api-versions" && parts.length === 1) return apiVersionsRoute(world, request, input);
  if (first === "tokens" && second === "expire" && request.method === "POST") {
    return { status: 200, body: { expired: world.expireTokens({ refreshTokens: input["refreshTokens"] === true }) } };
  }
  if (first === "outcome" && request.method === "POST") {
    if (!OUTCOMES.includes(input["outcome"] as Outcome)) return { status: 400, body: { error: `outcome must be one of ${OUTCOMES.join(", ")}` } };
    for (const plan of world.allPlans()) plan.nextOutcomes.push(input["outcome"] as Outcome);
    return { status: 200, body: { plans: world.plans.size } };
  }
  if (first === "plans") {
    if (parts.length === 1 && request.method === "POST") {
      const spec = planSpec(input);
      if (typeof spec === "string") return { status: 400, body: { error: spec } };
      try {
        return { status: 201, body: v2Plan(world, world.addPlan(spec)) };
      } catch (error) {
        return { status: 409, body: { error: error instanceof Error ? error.message : String(error) } };
      }
    }
    const plan = second === undefined ? undefined : world.plan(second);
    if (!plan) return { status: 404, body: { error: `no plan ${second}` } };
    if (parts.length === 2 && request.method === "POST") {
      const spec = planSpec(input);
      if (typeof spec === "string") return { status: 400, body: { error: spec } };
      world.modifyPlan(plan.id, spec);
      return { status: 200, body: v2Plan(world, plan) };
    }
    if (parts.length === 2 && request.method === "DELETE") {
      world.removePlan(plan.id);
      return { status: 204 };
    }
    if (third === "undo" && request.method === "POST") {
      const duration = typeof input["durationMs"] === "number" ? input["durationMs"] : 0;
      const refusal = world.startUndo(plan, duration);
      return refusal ? { status: 409, body: { error: refusal } } : { status: 200, body: v2Plan(world, plan) };
    }
    if (third === "outcome" && request.method === "POST") {
      if (!OUTCOMES.includes(input["outcome"] as Outcome)) return { status: 400, body: { error: `outcome must be one of ${OUTCOMES.join(", ")}` } };
      plan.nextOutcomes.push(input["outcome"] as Outcome);
      return { status: 200, body: { nextOutcomes: plan.nextOutcomes } };
    }
  }
  return { status: 404, body: { error: `no admin route ${request.method} ${request.path}` } };
}

function apiVersionsRoute(world: VeeamWorld, request: SimRequest, input: Record<string, unknown>): SimReply {
  if (request.method === "GET") return { status: 200, body: { apiVersions: world.settings.apiVersions } };
  if (request.method !== "POST") return { status: 405, body: { error: "GET or POST" } };
  const release = input["release"];
  if (release !== undefined && (typeof release !== "string" || !Object.hasOwn(RELEASE_API_VERSIONS, release))) {
    return { status: 400, body: { error: `release must be one of ${Object.keys(RELEASE_API_VERSIONS).join(", ")}` } };
  }
  const versions = parseApiVersions(release !== undefined ? RELEASE_API_VERSIONS[release as string] : input["apiVersions"]);
  if (typeof versions === "string") return { status: 400, body: { error: versions } };
  world.settings.apiVersions = versions;
  return { status: 200, body: { apiVersions: versions } };
}
