/**
 * Which REST API versions the twin serves. Neither Orchestrator API documents a way to list them (no versions resource,
 * no version header); each reference's Overview says which path versions its release supports, and a path version a
 * server does not serve has no route (404). Shares no code with provider/.
 */

/** Every version the twin can serve: "v2" (VAO REST v2, `/v2/...`) and the VRO path versions (`/api/<version>/...`). */
export const TWIN_API_VERSIONS = ["v2", "v7.2", "v7.21", "v13", "v13.1", "v13.2"] as const;

export type TwinApiVersion = (typeof TWIN_API_VERSIONS)[number];

/**
 * The versions each product release serves, to make the twin look like one of them (`apiVersions` option, admin route
 * `/_sim/veeam/api-versions`). VRO 13.0 and 13.1 are quoted from their references' Overview ("Only the v7.2, v7.21 and
 * v13 versions…", "Only the v7.21, v13 and v13.1 versions…"); VRO 7.2.1 adds v7.21 to 7.2's list (of which the twin
 * serves v7.2 only); VRO 13.2's list was not found and follows the pattern of the two before it (the current version
 * and the two previous ones).
 */
export const RELEASE_API_VERSIONS: Record<string, TwinApiVersion[]> = {
  "vao-2": ["v2"],
  "vro-7.2.1": ["v7.2", "v7.21"],
  "vro-13.0": ["v7.2", "v7.21", "v13"],
  "vro-13.1": ["v7.21", "v13", "v13.1"],
  "vro-13.2": ["v13", "v13.1", "v13.2"],
};

export function isTwinApiVersion(value: unknown): value is TwinApiVersion {
  return typeof value === "string" && (TWIN_API_VERSIONS as readonly string[]).includes(value);
}

/** A served path version, matched case-insensitively as ASP.NET routing does; undefined when not served. */
export function servedVroVersion(served: readonly string[], segment: string): string | undefined {
  const lower = segment.toLowerCase();
  return served.find((version) => version !== "v2" && version.toLowerCase() === lower);
}

export function servesVro(served: readonly string[]): boolean {
  return served.some((version) => version !== "v2");
}

export function servesV2(served: readonly string[]): boolean {
  return served.includes("v2");
}

/** Checks a requested list: known versions, at least one. Returns the error text or the list. */
export function parseApiVersions(value: unknown): TwinApiVersion[] | string {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isTwinApiVersion)) {
    return `apiVersions must be a non-empty array of ${TWIN_API_VERSIONS.join(", ")}`;
  }
  return [...new Set(value)];
}
