import { createHash } from "node:crypto";
import * as config from "../config";
import { AuthenticationError, ServerError } from "../errors";
import { registerSecret } from "../redact";
import { memo, runtimeState } from "../runtime";
import { send, type Endpoint } from "../http/transport";
import { withRetry } from "../http/retry";
import { errorForResponse } from "./faults";
import { negotiateRelease, serviceContent } from "./release";
import type { ServiceContent } from "./schemas";

/** A logged-in VI/JSON session, shared by every call of the provider process to one vCenter as one user. */
export interface VsphereConnection {
  endpoint: Endpoint;
  release: string;
  content: ServiceContent;
  user: string;
  /** Mutable: replaced by a re-login. `generation` tells concurrent callers whether someone already re-logged in. */
  session: { id: string; generation: number; relogin?: Promise<void> };
  password: () => string;
}

const SESSION_HEADER = "vmware-api-session-id";

/** The connection for the current settings, logging in on first use. Concurrent first calls share one login. */
export async function connect(): Promise<VsphereConnection> {
  const settings = config.vsphereSettings();
  const fingerprint = createHash("sha256")
    .update([settings.origin, settings.user, settings.password, settings.apiRelease ?? "", settings.caCertificate ?? "", String(settings.allowUnverifiedSsl)].join("\u0000"))
    .digest("hex")
    .slice(0, 16);
  const key = `vsphere.connection:${fingerprint}`;
  const pending = memo(key, () =>
    open({
      origin: settings.origin,
      settingKey: "vsphere:vsphereServer",
      namespace: "vsphere",
      allowUnverifiedSsl: settings.allowUnverifiedSsl,
      caCertificate: settings.caCertificate,
    }, settings.user, settings.apiRelease),
  );
  try {
    return await pending;
  } catch (error) {
    runtimeState().cache.delete(key);
    throw error;
  }
}

async function open(endpoint: Endpoint, user: string, configuredRelease: string | undefined): Promise<VsphereConnection> {
  const release = await negotiateRelease(endpoint, configuredRelease);
  const content = await serviceContent(endpoint, release);
  const password = (): string => config.vsphereSettings().password;
  const sessionId = await login(endpoint, release, content, user, password());
  const connection: VsphereConnection = { endpoint, release, content, user, session: { id: sessionId, generation: 1 }, password };
  logoutAtExit(connection);
  return connection;
}

function sessionManagerId(content: ServiceContent): string {
  return content.sessionManager?.value ?? "SessionManager";
}

async function login(endpoint: Endpoint, release: string, content: ServiceContent, user: string, password: string): Promise<string> {
  const operation = "Login";
  const response = await withRetry(
    () =>
      send(endpoint, {
        method: "POST",
        path: `/sdk/vim25/${release}/SessionManager/${encodeURIComponent(sessionManagerId(content))}/Login`,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ userName: user, password }),
        operation,
        object: `vCenter ${endpoint.origin}`,
      }),
    { idempotent: true },
  );
  if (response.status !== 200) throw errorForResponse(response, { operation, object: `vCenter ${endpoint.origin} as ${user}` });
  const sessionId = response.headers[SESSION_HEADER];
  if (!sessionId) {
    throw new ServerError(`Login to ${endpoint.origin} succeeded but the answer carries no ${SESSION_HEADER} header.`, response.status, { operation });
  }
  registerSecret(sessionId);
  return sessionId;
}

/**
 * Logs in again after the server said NotAuthenticated, once for all concurrent callers: a caller whose failed request
 * used an older session generation just replays with the current one.
 */
export async function relogin(connection: VsphereConnection, failedGeneration: number): Promise<void> {
  if (connection.session.generation !== failedGeneration) return;
  if (!connection.session.relogin) {
    connection.session.relogin = (async () => {
      try {
        const id = await login(connection.endpoint, connection.release, connection.content, connection.user, connection.password());
        connection.session.id = id;
        connection.session.generation += 1;
      } finally {
        connection.session.relogin = undefined;
      }
    })();
  }
  await connection.session.relogin;
}

/** One process-wide hook logs every open session out when the process ends on its own (the host may be killed first). */
function logoutAtExit(connection: VsphereConnection): void {
  const open = memo("process.vsphereOpenConnections", () => {
    const connections = new Set<VsphereConnection>();
    process.once("beforeExit", () => {
      for (const each of connections) {
        void send(each.endpoint, {
          method: "POST",
          path: `/sdk/vim25/${each.release}/SessionManager/${encodeURIComponent(sessionManagerId(each.content))}/Logout`,
          headers: { [SESSION_HEADER]: each.session.id },
          operation: "Logout",
          timeoutMs: 2_000,
        }).catch(() => undefined);
      }
      connections.clear();
    });
    return connections;
  });
  open.add(connection);
}

export function isSessionExpired(error: unknown): boolean {
  return error instanceof AuthenticationError && (error.fault?.type === "NotAuthenticated" || error.fault?.type === "HTTP401");
}
