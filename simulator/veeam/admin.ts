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
import { z } from "zod";
import { noBodySchema, parseAdminBody, type AdminBodyResult } from "../common/adminBody";
import type { SimReply, SimRequest } from "../common/httpServer";
import { v2Plan, vroPlan, vroRuntime } from "./views";
import type { Outcome, PlanSpec, StablePhase, VeeamWorld } from "./world";
import { parseApiVersions, RELEASE_API_VERSIONS } from "./versions";
import { segments } from "./wire";

const OUTCOMES = ["success", "warning", "error", "halt"] as const satisfies readonly Outcome[];
const PHASES = ["ready", "failover", "undoFailover", "halted", "permanentFailover"] as const satisfies readonly StablePhase[];

const count = z.number().int().nonnegative();
const planSchema: z.ZodType<PlanSpec> = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  verified: z.boolean().optional(),
  editing: z.boolean().optional(),
  warnings: count.optional(),
  errors: count.optional(),
  runDurationMs: z.number().nonnegative().optional(),
  phase: z.enum(PHASES).optional(),
  result: z.enum(["none", "success", "warning", "error"]).optional(),
  nextOutcome: z.enum(OUTCOMES).optional(),
});
const outcomeSchema = z.strictObject({ outcome: z.enum(OUTCOMES) });
const undoSchema = z.strictObject({ durationMs: z.number().nonnegative().optional() });
const expireTokensSchema = z.strictObject({ refreshTokens: z.boolean().optional() });
const apiVersionsSchema = z.strictObject({
  release: z.enum(Object.keys(RELEASE_API_VERSIONS) as [string, ...string[]]).optional(),
  apiVersions: z.array(z.unknown()).optional(),
});
const settingsSchema = z.strictObject({
  runDurationMs: z.number().nonnegative().optional(),
  tokenLifetimeSeconds: z.number().nonnegative().optional(),
  refreshTokenLifetimeSeconds: z.number().nonnegative().optional(),
});

const badBody = (parsed: { error: string }): SimReply => ({ status: 400, body: { error: parsed.error } });

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
  const body = <T>(schema: z.ZodType<T>): AdminBodyResult<T> => parseAdminBody(schema, request.bodyText);
  const [first, second, third] = parts;
  if (first === "state" && parts.length === 1 && request.method === "GET") {
    const empty = body(noBodySchema);
    return empty.ok ? { status: 200, body: dumpWorld(world) } : badBody(empty);
  }
  if (first === "requests" && parts.length === 1 && (request.method === "GET" || request.method === "DELETE")) {
    const empty = body(noBodySchema);
    if (!empty.ok) return badBody(empty);
    if (request.method === "GET") return { status: 200, body: world.requests };
    world.requests.length = 0;
    return { status: 204 };
  }
  if (first === "settings" && parts.length === 1 && request.method === "POST") {
    const settings = body(settingsSchema);
    if (!settings.ok) return badBody(settings);
    Object.assign(world.settings, settings.value);
    return { status: 200, body: { ...world.settings, password: "[redacted]" } };
  }
  if (first === "api-versions" && parts.length === 1) {
    if (request.method === "GET") {
      const empty = body(noBodySchema);
      return empty.ok ? { status: 200, body: { apiVersions: world.settings.apiVersions } } : badBody(empty);
    }
    if (request.method !== "POST") return { status: 405, body: { error: "GET or POST" } };
    const choice = body(apiVersionsSchema);
    return choice.ok ? setApiVersions(world, choice.value) : badBody(choice);
  }
  if (first === "tokens" && second === "expire" && parts.length === 2 && request.method === "POST") {
    const options = body(expireTokensSchema);
    if (!options.ok) return badBody(options);
    return { status: 200, body: { expired: world.expireTokens({ refreshTokens: options.value.refreshTokens === true }) } };
  }
  if (first === "outcome" && parts.length === 1 && request.method === "POST") {
    const outcome = body(outcomeSchema);
    if (!outcome.ok) return badBody(outcome);
    for (const plan of world.allPlans()) plan.nextOutcomes.push(outcome.value.outcome);
    return { status: 200, body: { plans: world.plans.size } };
  }
  if (first === "plans") {
    if (parts.length === 1 && request.method === "POST") {
      const spec = body(planSchema);
      if (!spec.ok) return badBody(spec);
      try {
        return { status: 201, body: v2Plan(world, world.addPlan(spec.value)) };
      } catch (error) {
        return { status: 409, body: { error: error instanceof Error ? error.message : String(error) } };
      }
    }
    const plan = second === undefined ? undefined : world.plan(second);
    if (!plan) return { status: 404, body: { error: `no plan ${second}` } };
    if (parts.length === 2 && request.method === "POST") {
      const spec = body(planSchema);
      if (!spec.ok) return badBody(spec);
      world.modifyPlan(plan.id, spec.value);
      return { status: 200, body: v2Plan(world, plan) };
    }
    if (parts.length === 2 && request.method === "DELETE") {
      const empty = body(noBodySchema);
      if (!empty.ok) return badBody(empty);
      world.removePlan(plan.id);
      return { status: 204 };
    }
    if (third === "undo" && parts.length === 3 && request.method === "POST") {
      const undo = body(undoSchema);
      if (!undo.ok) return badBody(undo);
      const refusal = world.startUndo(plan, undo.value.durationMs ?? 0);
      return refusal ? { status: 409, body: { error: refusal } } : { status: 200, body: v2Plan(world, plan) };
    }
    if (third === "outcome" && parts.length === 3 && request.method === "POST") {
      const outcome = body(outcomeSchema);
      if (!outcome.ok) return badBody(outcome);
      plan.nextOutcomes.push(outcome.value.outcome);
      return { status: 200, body: { nextOutcomes: plan.nextOutcomes } };
    }
  }
  return { status: 404, body: { error: `no admin route ${request.method} ${request.path}` } };
}

/** Serves one release's API versions (`{release}`), or a given list (`{apiVersions}`). */
function setApiVersions(world: VeeamWorld, choice: { release?: string; apiVersions?: unknown[] }): SimReply {
  if ((choice.release === undefined) === (choice.apiVersions === undefined)) return { status: 400, body: { error: "give either release or apiVersions" } };
  const versions = parseApiVersions(choice.release !== undefined ? RELEASE_API_VERSIONS[choice.release] : choice.apiVersions);
  if (typeof versions === "string") return { status: 400, body: { error: versions } };
  world.settings.apiVersions = versions;
  return { status: 200, body: { apiVersions: versions } };
}
