import { z } from "zod";
import { memo } from "../runtime";

/**
 * Zod schemas for what the Orchestrator sends back. Built lazily and cached in the runtime slot (never at module level:
 * the provider is closure-serialized). Only the fields we use are declared; everything else is ignored. Fields are
 * optional and nullable because the two API generations and their versions fill them differently.
 */
export function veeamSchemas() {
  return memo("veeam.schemas", () => {
    const optionalString = z.string().nullish();
    const optionalBoolean = z.boolean().nullish();
    const token = z.object({
      // Checked by token.ts (empty, too long, characters a header cannot carry), which names what is wrong.
      access_token: z.string(),
      token_type: optionalString,
      // OWIN/ASP.NET send a number; tolerate a numeric string.
      expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish(),
      refresh_token: optionalString,
    });
    /**
     * VRO 7.21+ (`mfa_token`, `mfa_passcode` and grant type `mfa` on `/api/token`): an account with MFA gets a token to
     * answer with a passcode instead of an access token. Its exact answer is not in the reference: recognised by the member.
     */
    const mfaChallenge = z.object({ mfa_token: z.string().min(1) });
    /** VAO REST v2 `/v2/FailoverPlans/{id}` (https://helpcenter.veeam.com/archive/vao/20/restapi/failoverplans.html). */
    const v2Plan = z.object({
      id: optionalString,
      name: optionalString,
      description: optionalString,
      planState: optionalString,
      planStateDetails: optionalString,
      planInUse: optionalBoolean,
      enabled: optionalBoolean,
    });
    /** VRO `/api/{v}/Plans/{planId}` (RecoveryPlanInfo), v7.21 through v13.2. */
    const vroPlan = z.object({
      id: optionalString,
      name: optionalString,
      description: optionalString,
      planType: optionalString,
      state: optionalString,
      stateName: optionalString,
      resultName: optionalString,
      lastStableState: optionalString,
      lastStableStateName: optionalString,
      enabled: optionalBoolean,
      isEnabled: optionalBoolean,
    });
    /** VRO `/api/{v}/RuntimeDetails/Plans/{planId}` (PlanRuntimeDetails), v7.21 through v13.2. */
    const vroRuntime = z.object({
      id: optionalString,
      name: optionalString,
      state: optionalString,
      stateName: optionalString,
      resultName: optionalString,
      lastStableState: optionalString,
      lastStableStateName: optionalString,
      totalProgress: z.number().nullish(),
      isRunningState: optionalBoolean,
      isStableState: optionalBoolean,
      // The 7.2.1 reference shows "Warning"; the VAO 3 schema page says boolean. Accept both.
      currentRunResult: z.union([z.string(), z.boolean()]).nullish(),
      isUndoPossible: optionalBoolean,
      currentEditingUser: optionalString,
    });
    return { token, mfaChallenge, v2Plan, vroPlan, vroRuntime };
  });
}

export type VeeamSchemas = ReturnType<typeof veeamSchemas>;
export type TokenResponse = z.infer<VeeamSchemas["token"]>;
export type V2Plan = z.infer<VeeamSchemas["v2Plan"]>;
export type VroPlan = z.infer<VeeamSchemas["vroPlan"]>;
export type VroRuntime = z.infer<VeeamSchemas["vroRuntime"]>;

/** ASP.NET may be configured for PascalCase output: lower the first letter of top-level keys before parsing. */
export function camelCaseKeys(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    const camel = key.length > 0 ? key[0]!.toLowerCase() + key.slice(1) : key;
    if (!(camel in result)) result[camel] = member;
  }
  return result;
}
