import { ConfigurationError } from "../errors";
import * as config from "../config";
import type { Endpoint } from "../http/transport";
import { forget, memo } from "../runtime";
import * as token from "./token";

/** "v2": Veeam Availability Orchestrator REST v2 (`/v2/...`). "vro": Veeam Recovery Orchestrator (`/api/<version>/...`). */
export type ApiGeneration = "v2" | "vro";

export interface VeeamConnection {
  endpoint: Endpoint;
  username: string;
  password: string;
  generation: ApiGeneration;
  /** "v2", or the VRO path version such as "v7.21", "v13", "v13.1". */
  apiVersion: string;
}

/** The VRO API version used when the server is detected as VRO: supported by VRO 7.2.1 and by 13.x (see README). */
export function defaultVroVersion(): string {
  return "v7.21";
}

export function endpointOf(settings: config.VeeamSettings): Endpoint {
  return {
    origin: settings.origin,
    settingKey: "veeam:server",
    namespace: "veeam",
    allowUnverifiedSsl: settings.allowUnverifiedSsl,
    caCertificate: settings.caCertificate,
  };
}

/** Maps a configured `veeam:apiVersion` to the API generation; v1 (VAO 1.0) is not supported. */
export function generationOf(apiVersion: string): ApiGeneration {
  if (apiVersion === "v2") return "v2";
  if (apiVersion === "v1") {
    throw new ConfigurationError(
      "veeam:apiVersion v1 (Availability Orchestrator 1.0) is not supported: use v2 (Availability Orchestrator 2.x/3.x) or a Recovery Orchestrator version such as v7.21.",
      "veeam:apiVersion",
    );
  }
  return "vro";
}

/**
 * The connection for the configured server. With `veeam:apiVersion` set it is used as given; otherwise the API is
 * detected once per server with the token grant we need anyway: VRO answers `POST /api/token`, VAO v2 answers
 * `POST /v2/Token`. The grant obtained during detection is kept as the session's token.
 */
export async function veeamConnection(): Promise<VeeamConnection> {
  const settings = config.veeamSettings();
  const endpoint = endpointOf(settings);
  const base = { endpoint, username: settings.username, password: settings.password };
  if (settings.apiVersion !== undefined) {
    return { ...base, generation: generationOf(settings.apiVersion), apiVersion: settings.apiVersion };
  }
  const key = `veeam.detected:${settings.origin}:${settings.username}`;
  const detection = memo(key, () => detect(base));
  try {
    const generation = await detection;
    return { ...base, generation, apiVersion: generation === "v2" ? "v2" : defaultVroVersion() };
  } catch (error) {
    forget(key);
    throw error;
  }
}

async function detect(base: Omit<VeeamConnection, "generation" | "apiVersion">): Promise<ApiGeneration> {
  const statuses: string[] = [];
  for (const generation of ["vro", "v2"] as const) {
    const conn: VeeamConnection = { ...base, generation, apiVersion: generation === "v2" ? "v2" : defaultVroVersion() };
    const outcome = await token.tryPasswordGrant(conn);
    if (outcome === "no-endpoint") {
      statuses.push(`${token.tokenPath(generation)} does not exist`);
      continue;
    }
    return generation;
  }
  throw new ConfigurationError(
    `Cannot tell which Veeam Orchestrator API ${base.endpoint.origin} speaks (${statuses.join("; ")}): set veeam:apiVersion (VEEAM_API_VERSION) to v2 for Availability Orchestrator or to v7.21 / v13 for Recovery Orchestrator, and check veeam:server.`,
    "veeam:apiVersion",
  );
}
