import * as config from "../config";
import { ConfigurationError } from "../errors";
import type { Endpoint } from "../http/transport";
import { memo, runtimeState } from "../runtime";
import type { ApiGeneration, VeeamConnection } from "./connectionTypes";
import * as token from "./token";
import * as versions from "./versions";
import * as vro from "./vro";

export type { ApiGeneration, VeeamConnection } from "./connectionTypes";

function endpointOf(settings: config.VeeamSettings): Endpoint {
  return {
    origin: settings.origin,
    settingKey: config.serverSource("veeam", settings.namespace).configKey,
    namespace: settings.namespace,
    allowUnverifiedSsl: settings.allowUnverifiedSsl,
    caCertificate: settings.caCertificate,
  };
}

/** Maps a validated API version to its generation. */
export function generationOf(apiVersion: string): ApiGeneration {
  return versions.isAvailabilityOrchestratorV2(apiVersion) ? "v2" : "vro";
}

type Site = Omit<VeeamConnection, "generation" | "apiVersion">;

function connectionFor(site: Site, apiVersion: string): VeeamConnection {
  return { ...site, generation: generationOf(apiVersion), apiVersion };
}

/**
 * The connection for the settings of `namespace`. With `<namespace>:apiVersion` set it is validated and used as
 * given; otherwise the newest version the server offers is detected once per endpoint and user (see detect), within
 * `deadline` for the call that detects.
 */
export async function veeamConnection(namespace: string, deadline: number): Promise<VeeamConnection> {
  const settings = config.veeamSettings(namespace);
  const site: Site = { namespace, endpoint: endpointOf(settings), endpointKey: settings.endpoint, username: settings.username, password: settings.password };
  if (settings.apiVersion !== undefined) return connectionFor(site, versions.validateApiVersion(settings.apiVersion, namespace));
  const key = `veeam.detected:${settings.endpoint}:${settings.username}`;
  try {
    return connectionFor(site, await memo(key, () => detect(site, deadline)));
  } catch (error) {
    runtimeState().cache.delete(key);
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
async function detect(site: Site, deadline: number): Promise<string> {
  const apiVersion = config.sourceOf("veeam", "apiVersion", site.namespace);
  const setIt = `set ${apiVersion.configKey} (${apiVersion.envVar})`;
  const probed = versions.probedVroVersions();
  const recoveryOrchestrator = connectionFor(site, probed[0]!);
  if ((await token.tryPasswordGrant(recoveryOrchestrator, { deadline })) === "ok") {
    for (const version of probed) {
      if (await vro.offersApiVersion(connectionFor(site, version), { deadline })) return version;
    }
    throw new ConfigurationError(
      `${site.endpoint.origin} answers POST /api/token but none of ${probed.map((v) => `/api/${v}/`).join(", ")}: ${setIt} to the version it serves (supported: ${versions.supportedApiVersions().join(", ")}).`,
      apiVersion.configKey,
    );
  }
  if ((await token.tryPasswordGrant(connectionFor(site, "v2"), { deadline })) === "ok") return "v2";
  throw new ConfigurationError(
    `Cannot tell which Veeam Orchestrator API ${site.endpoint.origin} speaks (neither ${token.tokenPath("vro")} nor ${token.tokenPath("v2")} exists): ${setIt} to one of ${versions.supportedApiVersions().join(", ")}, and check ${site.endpoint.settingKey}.`,
    apiVersion.configKey,
  );
}
