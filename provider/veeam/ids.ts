import { ValidationError } from "../errors";

/**
 * Plan ids. Orchestrator ids are GUIDs ("System ID assigned to a plan", `string <uuid>` in the VRO reference); we also
 * accept a conservative token (letters, digits, `.`, `_`, `-`, `~`, starting with a letter or digit) so that a server
 * with other ids still works. Anything else (slashes, `..`, spaces, `?`) is refused before it can reach a URL.
 */
export function isValidPlanId(value: unknown): value is string {
  // Patterns live inside the function: module-level objects would be captured by value when the provider is serialized.
  const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
  const safeToken = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
  return typeof value === "string" && (guid.test(value) || safeToken.test(value));
}

/** Returns the id unchanged when valid; otherwise a ValidationError naming `planId`. */
export function validatePlanId(value: unknown): string {
  if (!isValidPlanId(value)) {
    throw new ValidationError(
      `planId must be an Orchestrator plan id (a GUID such as 5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11); got ${JSON.stringify(value)}.`,
      "planId",
    );
  }
  return value;
}

/** The id as one encoded URL path segment. */
export function planPathSegment(value: unknown): string {
  return encodeURIComponent(validatePlanId(value));
}

export function describePlan(planId: string): string {
  return `VeeamPlan:${planId}`;
}
