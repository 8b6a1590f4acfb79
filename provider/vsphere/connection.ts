import { createHash } from "node:crypto";
import * as config from "../config";
import { deadlineAfter, PREVIEW_READ_SECONDS } from "../deadline";
import { AuthenticationError, TimeoutError } from "../errors";
import { memo, runtimeState } from "../runtime";
import { send, type Endpoint } from "../http/transport";
import { newConnectionState, type ConnectionState, type SessionState } from "./connectionState";
import { issuedSessionId, sendRetrying } from "./sessionless";
import { negotiateRelease, serviceContent } from "./release";
import type { ServiceContent } from "./schemas";

/**
 * A logged-in VI/JSON session, shared by every call of the provider process to one vCenter as one user (whatever
 * namespace named it), with everything that belongs to that vCenter: task collector, batched reads, capabilities.
 */
export interface VsphereConnection extends ConnectionState {
  /** The stack-config namespace that opened the connection (named in messages). */
  namespace: string;
  endpoint: Endpoint;
  /** The server as scheme://host:port: what caches and locks are keyed by. */
  endpointKey: string;
  release: string;
  content: ServiceContent;
  user: string;
  session: SessionState;
  password: () => string;
}

const SESSION_HEADER = "vmware-api-session-id";
/** A moment past the deadline, so that a login bounded by the same deadline reports its own, more precise, error. */
const LOGIN_JOIN_GRACE_MS = 250;

/**
 * The connection for the settings of `namespace`, logging in on first use. Concurrent first calls share one login;
 * `deadline` bounds the login of the call that opens it, and how long any other call waits for that login.
 */
export async function connect(namespace = "vsphere", deadline = deadlineAfter(PREVIEW_READ_SECONDS)): Promise<VsphereConnection> {
  const settings = config.vsphereSettings(namespace);
  const fingerprint = createHash("sha256")
    .update([settings.endpoint, settings.user, settings.password, settings.apiRelease ?? "", settings.caCertificate ?? "", String(settings.allowUnverifiedSsl)].join("\u0000"))
    .digest("hex")
    .slice(0, 16);
  const key = `vsphere.connection:${fingerprint}`;
  const pending = memo(key, () => open(settings, deadline));
  pending.catch(() => {
    if (runtimeState().cache.get(key) === pending) runtimeState().cache.delete(key);
  });
  return joinLogin(pending, deadline, settings);
}

/** A login already under way (opened by another operation, with its own deadline) is awaited until this one's deadline only. */
function joinLogin(pending: Promise<VsphereConnection>, deadline: number, settings: config.VsphereSettings): Promise<VsphereConnection> {
  return new Promise((resolve, reject) => {
    const lastState = "Login sent for an earlier operation, no answer yet";
    const timer = setTimeout(() => {
      reject(
        new TimeoutError(`${settings.origin} (${config.serverSource("vsphere", settings.namespace).configKey}) did not complete the login before the operation's deadline; last state: ${lastState}.`, lastState, {
          operation: "Login",
          object: `vCenter ${settings.origin}`,
          delivery: "notSent",
          transient: false,
        }),
      );
    }, Math.max(0, deadline - Date.now()) + LOGIN_JOIN_GRACE_MS);
    pending.then(
      (connection) => {
        clearTimeout(timer);
        resolve(connection);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function open(settings: config.VsphereSettings, deadline: number): Promise<VsphereConnection> {
  const namespace = settings.namespace;
  const endpoint: Endpoint = {
    origin: settings.origin,
    settingKey: config.serverSource("vsphere", namespace).configKey,
    namespace,
    allowUnverifiedSsl: settings.allowUnverifiedSsl,
    caCertificate: settings.caCertificate,
  };
  const release = await negotiateRelease(endpoint, settings.apiRelease, deadline);
  const content = await serviceContent(endpoint, release, deadline);
  const password = (): string => config.vsphereSettings(namespace).password;
  const sessionId = await login(endpoint, release, content, settings.user, password(), deadline);
  const connection: VsphereConnection = {
    namespace,
    endpoint,
    endpointKey: settings.endpoint,
    release,
    content,
    user: settings.user,
    session: { id: sessionId, generation: 1 },
    password,
    ...newConnectionState(),
  };
  logoutAtExit(connection);
  return connection;
}

function sessionManagerId(content: ServiceContent): string {
  return content.sessionManager?.value ?? "SessionManager";
}

async function login(endpoint: Endpoint, release: string, content: ServiceContent, user: string, password: string, deadline: number): Promise<string> {
  const operation = "Login";
  const object = `vCenter ${endpoint.origin}`;
  let response;
  try {
    response = await sendRetrying(
      endpoint,
      {
        method: "POST",
        path: `/sdk/vim25/${release}/SessionManager/${encodeURIComponent(sessionManagerId(content))}/Login`,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ userName: user, password }),
        operation,
        object,
        deadline,
      },
      { idempotent: true, accepted: (status) => status === 200 },
    );
  } catch (error) {
    if (error instanceof AuthenticationError && error.fault?.type === "InvalidLogin") {
      const namespace = endpoint.namespace;
      const userSource = config.sourceOf("vsphere", "user", namespace);
      const passwordSource = config.sourceOf("vsphere", "password", namespace);
      throw new AuthenticationError(
        `vCenter ${endpoint.origin} rejected the login of ${user} (InvalidLogin): check ${userSource.configKey} and ${passwordSource.configKey} (or ${userSource.envVar} / ${passwordSource.envVar}).`,
        { operation, object, fault: error.fault, cause: error, delivery: "refused" },
      );
    }
    throw error;
  }
  return issuedSessionId(response, endpoint, object);
}

/**
 * Logs in again after the server said NotAuthenticated, once for all concurrent callers: a caller whose failed request
 * used an older session generation just replays with the current one.
 */
export async function relogin(connection: VsphereConnection, failedGeneration: number, deadline: number): Promise<void> {
  if (connection.session.generation !== failedGeneration) return;
  if (!connection.session.relogin) {
    connection.session.relogin = (async () => {
      try {
        const id = await login(connection.endpoint, connection.release, connection.content, connection.user, connection.password(), deadline);
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
