import { ConfigurationError } from "../errors";
import * as config from "../config";
import type { Endpoint } from "../http/transport";
import { forget, memo } from "../runtime";
import * as token from "./token";
import * as versions from "./versions";
import * as vro from "./vro";

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

export function endpointOf(settings: config.VeeamSettings): Endpoint {
  return {
    origin: settings.origin,
    settingKey: "veeam:server",
    namespace: "veeam",
    allowUnverifiedSsl: settings.allowUnverifiedSsl,
    caCertificate: settings.caCertificate,
  };
}

/** Maps a validated API version to its generation. */
export function generationOf(apiVersion: string): ApiGeneration {
  return versions.isAvailabilityOrchestratorV2(apiVersion) ? "v2" : "vro";
}

type Credentials = Omit<VeeamConnection, "generation" | "apiVersion">;

function connectionFor(base: Credentials, apiVersion: string): VeeamConnection {
  return { ...base, generation: generationOf(apiVersion), apiVersion };
}

/**
 * The connection for the configured server. With `veeam:apiVersion` set it is validated and used as given; otherwise
 * the newest version the server offers is detected once per server and user (see detect).
 */
export async function veeamConnection(): Promise<VeeamConnection> {
  const settings = config.veeamSettings();
  const base: Credentials = { endpoint: endpointOf(settings), username: settings.username, password: settings.password };
  if (settings.apiVersion !== undefined) return connectionFor(base, versions.validateApiVersion(settings.apiVersion));
  const key = `veeam.detected:${settings.origin}:${settings.username}`;
  try {
    return connectionFor(base, await memo(key, () => detect(base)));
  } catch (error) {
    forget(key);
    throw error;
  }
}

/**
 * Neither API documents a list of the versions a server offers (no versions resource, no version header), so the
 * detection asks:
 * 1. `POST /api/token`, the password grant needed anyway: a server that has it is Recovery Orchestrator. Then
 *    `GET /api/<v>/Plans?limit=1` for v13.2, v13.1, v13, v7.21 in that order; the first one the server does not refuse
 *    as unknown (404 or 400) is spoken. At most five requests, once per server and user.
 * 2. Otherwise `POST /v2/Token`: Availability Orchestrator REST v2.
 * The grant made here is kept as the session's token.
 */
async function detect(base: Credentials): Promise<string> {
  const probed = versions.probedVroVersions();
  const recoveryOrchestrator = connectionFor(base, probed[0]!);
  if ((await token.tryPasswordGrant(recoveryOrchestrator)) === "ok") {
    for (const apiVersion of probed) {
      const conn = connectionFor(base, apiVersion);
      if (await vro.offersApiVersion(conn)) return apiVersion;
    }
    throw new ConfigurationError(
      `${base.endpoint.origin} answers POST /api/token but none of ${probed.map((v) => `/api/${v}/`).join(", ")}: set veeam:apiVersion (VEEAM_API_VERSION) to the version it serves (supported: ${versions.supportedApiVersions().join(", ")}).`,
      "veeam:apiVersion",
    );
  }
  if ((await token.tryPasswordGrant(connectionFor(base, "v2"))) === "ok") return "v2";
  throw new ConfigurationError(
    `Cannot tell which Veeam Orchestrator API ${base.endpoint.origin} speaks (neither ${token.tokenPath("vro")} nor ${token.tokenPath("v2")} exists): set veeam:apiVersion (VEEAM_API_VERSION) to one of ${versions.supportedApiVersions().join(", ")}, and check veeam:server.`,
    "veeam:apiVersion",
  );
}
