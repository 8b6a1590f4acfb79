import { randomBytes } from "node:crypto";
import { startHttpServer, type SimReply, type SimRequest, type SimulatorServer } from "../common/httpServer";
import { handleVeeamAdmin } from "./admin";
import { handleV2 } from "./v2Routes";
import { handleVro } from "./vroRoutes";
import { VeeamWorld } from "./world";
import { parseApiVersions, servesV2, TWIN_API_VERSIONS } from "./versions";
import { formFields } from "./wire";

export { VeeamWorld } from "./world";
export { RELEASE_API_VERSIONS, TWIN_API_VERSIONS } from "./versions";
export type { Outcome, PlanSpec, SimPlan, StablePhase } from "./world";

/**
 * The Veeam Orchestrator twin: VAO REST v2 under `/v2/...` and Veeam Recovery Orchestrator under `/api/token` and
 * `/api/{v7.2|v7.21|v13|v13.1|v13.2}/...`, over one plan inventory; `apiVersions` narrows what is served, to look like
 * one product release (RELEASE_API_VERSIONS). Admin routes: see admin.ts (`/_sim/veeam/...`).
 */
export interface VeeamSimulatorOptions {
  port?: number;
  host?: string;
  tls?: { key: string; cert: string };
  username?: string;
  password?: string;
  /** How long a failover or undo takes (default 2000 ms). */
  runDurationMs?: number;
  /** Access token lifetime (default 900 s, VRO's 15 minutes). */
  tokenLifetimeSeconds?: number;
  /** Refresh token lifetime (default 7200 s, VRO's 120 minutes). */
  refreshTokenLifetimeSeconds?: number;
  adminToken?: string;
  /** Start with the demo plans (default true). */
  seed?: boolean;
  /** The API versions served (default: all of TWIN_API_VERSIONS), e.g. RELEASE_API_VERSIONS["vro-13.1"]. */
  apiVersions?: readonly string[];
}

export interface VeeamSimulator {
  url: string;
  username: string;
  password: string;
  adminToken: string;
  world: VeeamWorld;
  server: SimulatorServer;
  close(): Promise<void>;
}

/** Demo plans with fixed ids, so examples and docs can name them. */
export function seedVeeamPlans(world: VeeamWorld): void {
  world.addPlan({ id: "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11", name: "Tier1-Apps", description: "Replica plan for the tier-1 application VMs" });
  world.addPlan({ id: "8d6f3a2b-1c4e-4f7a-9b2d-3e5f6a7b8c90", name: "Tier2-Web", description: "Replica plan for the web farm" });
  world.addPlan({ id: "c3b1e8f0-2d4a-4e6b-8c9d-0a1b2c3d4e5f", name: "Legacy-ERP", description: "Disabled until the ERP migration", enabled: false });
  world.addPlan({ id: "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b", name: "Finance-DB", description: "Being edited by the plan author", editing: true });
}

/** Token request bodies are logged with their secrets replaced: `grant_type=password&username=…&password=[redacted]`. */
function redactedTokenBody(request: SimRequest): string {
  const fields = formFields(request);
  if (!fields) return request.bodyText.trim() ? "[not a form body]" : "";
  const safe = Object.entries(fields).map(([key, value]) => [key, /password|token|secret/i.test(key) ? "[redacted]" : value]);
  return safe.map(([key, value]) => `${key}=${value}`).join("&");
}

function routeLabel(request: SimRequest): string {
  const path = request.path
    .replace(/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g, "{id}")
    .replace(/\/api\/v[\d.]+\//, "/api/{v}/");
  return `${request.method} ${path}`;
}

export async function startVeeamSimulator(options: VeeamSimulatorOptions = {}): Promise<VeeamSimulator> {
  const username = options.username ?? "VRO\\drautomation";
  const password = options.password ?? randomBytes(12).toString("base64url");
  const adminToken = options.adminToken ?? randomBytes(16).toString("hex");
  const apiVersions = parseApiVersions(options.apiVersions ?? [...TWIN_API_VERSIONS]);
  if (typeof apiVersions === "string") throw new Error(`startVeeamSimulator: ${apiVersions}`);
  const world = new VeeamWorld({
    username,
    password,
    runDurationMs: options.runDurationMs ?? 2000,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 900,
    refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? 7200,
    apiVersions,
  });
  if (options.seed ?? true) seedVeeamPlans(world);
  const handler = (request: SimRequest): SimReply => {
    world.record({
      method: request.method,
      path: request.path + (request.query.toString() ? `?${request.query.toString()}` : ""),
      contentType: request.headers["content-type"] ? String(request.headers["content-type"]) : undefined,
      authorization: request.headers["authorization"] ? String(request.headers["authorization"]).split(" ")[0] : undefined,
      body: /\/token$/i.test(request.path) ? redactedTokenBody(request) : request.bodyText,
    });
    if ((request.path === "/v2" || request.path.startsWith("/v2/")) && servesV2(world.settings.apiVersions)) return handleV2(world, request);
    if (request.path.startsWith("/api/")) return handleVro(world, request);
    return { status: 404, body: { message: `No resource matches '${request.path}'.` } };
  };
  const server = await startHttpServer({
    name: "veeam",
    host: options.host,
    port: options.port,
    tls: options.tls,
    adminToken,
    handler,
    adminHandler: (request) => handleVeeamAdmin(world, request),
    routeLabel,
  });
  return { url: server.url, username, password, adminToken, world, server, close: () => server.close() };
}
