import * as config from "../config";
import { ConfigurationError } from "../errors";

/**
 * The Orchestrator REST API versions this client speaks (docs/veeam-orchestrator-api.md has the sources).
 *
 * - "v2": Veeam Availability Orchestrator REST v2, under `/v2/...` with its own token endpoint `/v2/Token`.
 * - Recovery Orchestrator versions live in the path, `/api/<version>/...`, behind one unversioned token endpoint,
 *   `/api/token`. VRO 13.0 serves v7.2, v7.21 and v13; VRO 13.1 serves v7.21, v13 and v13.1 (the references' Overview).
 *   The Plans, Failover, Undo and RuntimeDetails shapes used here are the same in all of them as far as the references
 *   show, so a version changes the path segment only.
 *
 * Lists are built by functions, not held at module level, like every other value the serialized provider reaches.
 */

/** Every accepted `veeam:apiVersion`, oldest first. */
export function supportedApiVersions(): string[] {
  return ["v2", "v7.2", "v7.21", "v13", "v13.1", "v13.2"];
}

/**
 * The Recovery Orchestrator versions detection tries, newest first. v7.2 is not probed: VRO 7.2.1 and 13.0 serve v7.21
 * beside it, so only a VRO 7.2.0 server needs it, and there it is set explicitly.
 */
export function probedVroVersions(): string[] {
  return ["v13.2", "v13.1", "v13", "v7.21"];
}

export function isAvailabilityOrchestratorV2(apiVersion: string): boolean {
  return apiVersion === "v2";
}

/**
 * Checks a configured `<namespace>:apiVersion` before anything is sent: the format (`v` and a number, optionally
 * `.minor`), then membership. The error names the setting, its environment variable and the accepted values.
 */
export function validateApiVersion(value: string, namespace = "veeam"): string {
  const supported = supportedApiVersions();
  if (supported.includes(value)) return value;
  const wellFormed = /^v\d+(?:\.\d+)?$/.test(value);
  const reason = wellFormed
    ? value === "v1"
      ? "v1 (Availability Orchestrator 1.0) is not supported"
      : `${value} is not a version this provider speaks`
    : `"${value}" is not an API version (expected v<major> or v<major>.<minor>)`;
  const source = config.sourceOf("veeam", "apiVersion", namespace);
  throw new ConfigurationError(
    `${source.configKey} (${source.envVar}): ${reason}. Supported: ${supported.join(", ")} (v2 = Availability Orchestrator REST v2; the others are Recovery Orchestrator path versions). Leave it unset to use the newest one the server offers.`,
    source.configKey,
  );
}
