import { AuthenticationError, ConfigurationError, ServerError } from "../errors";
import { registerSecret } from "../redact";
import { memo } from "../runtime";
import { deadlineAfter, PREVIEW_READ_SECONDS } from "../deadline";
import { errorForStatus } from "../http/status";
import { send, type HttpRequest, type HttpResponse } from "../http/transport";
import { withRetry } from "../http/retry";
import type { ApiGeneration, VeeamConnection } from "./connection";
import { camelCaseKeys, veeamSchemas, type TokenResponse } from "./schemas";

/**
 * The OAuth2 session of one endpoint: one access token per (server, API generation, user), shared by every concurrent
 * call. A single in-flight grant (`pending`) acts as the mutex: callers that find it await it instead of asking for
 * their own token (Veeam warns that simultaneous sessions under one account interfere with each other).
 *
 * - VAO v2: `POST /v2/Token`; VRO: `POST /api/token`, one unversioned endpoint for every path version (v7.21 … v13.2).
 *   Both are OAuth2 password-flow token endpoints. The body is `application/x-www-form-urlencoded`
 *   (`grant_type=password&username=…&password=…`), as in the VAO examples and the v1 Swagger, and as RFC 6749 §4.3.2
 *   requires for the password flow that the VRO reference declares. The VRO reference lists the body as
 *   `multipart/form-data`: ASP.NET form binding reads both, and the urlencoded form is the one every OAuth2 server
 *   accepts (docs/veeam-orchestrator-api.md).
 * - Renewal: `grant_type=refresh_token&refresh_token=…` shortly before the access token expires; when the refresh token is
 *   refused (expired after 120 min by default), a new password grant.
 * - A 401 from an API call renews once (see api.ts).
 */
interface Session {
  accessToken?: string;
  refreshToken?: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
  lifetimeMs: number;
  pending?: Promise<string>;
  grants: number;
}

/** Lifetime assumed when the server does not say (VRO's default access token lifetime is 15 min). */
const DEFAULT_LIFETIME_SECONDS = 900;

export function tokenPath(generation: ApiGeneration): string {
  return generation === "v2" ? "/v2/Token" : "/api/token";
}

function sessionOf(conn: VeeamConnection): Session {
  return memo(`veeam.token:${conn.endpoint.origin}:${conn.generation}:${conn.username}`, (): Session => ({ expiresAt: 0, lifetimeMs: 0, grants: 0 }));
}

/** How many grants this session has made (tests of the shared-token rule). */
export function grantCount(conn: VeeamConnection): number {
  return sessionOf(conn).grants;
}

/** Renew this long before expiry: a quarter of the lifetime, at most a minute. */
function renewalMargin(session: Session): number {
  return Math.min(60_000, session.lifetimeMs / 4);
}

/**
 * A valid access token. `rejected` is the token a server just answered 401 to: it is renewed unless another caller has
 * already replaced it.
 */
export async function accessToken(conn: VeeamConnection, options: { rejected?: string; signal?: AbortSignal } = {}): Promise<string> {
  const session = sessionOf(conn);
  for (;;) {
    if (session.pending) {
      // Another caller is already fetching a token: share its result (or its failure).
      const shared = await session.pending;
      if (shared !== options.rejected) return shared;
      continue;
    }
    const current = session.accessToken;
    if (current !== undefined && current !== options.rejected && Date.now() < session.expiresAt - renewalMargin(session)) return current;
    const pending = renew(conn, session, options.signal);
    session.pending = pending;
    try {
      return await pending;
    } finally {
      if (session.pending === pending) session.pending = undefined;
    }
  }
}

/** Forgets the token (after a logout or a configuration change). */
export function dropToken(conn: VeeamConnection): void {
  const session = sessionOf(conn);
  session.accessToken = undefined;
  session.refreshToken = undefined;
  session.expiresAt = 0;
}

async function renew(conn: VeeamConnection, session: Session, signal?: AbortSignal): Promise<string> {
  if (session.refreshToken) {
    const response = await grant(conn, { grant_type: "refresh_token", refresh_token: session.refreshToken }, "refresh Veeam token", signal);
    if (response.status === 200) return store(session, parseToken(response, conn));
    if (response.status !== 400 && response.status !== 401) throw grantFailure(response, conn, "refresh Veeam token");
    session.refreshToken = undefined;
  }
  const response = await grant(conn, passwordForm(conn), "acquire Veeam token", signal);
  if (response.status === 200) return store(session, parseToken(response, conn));
  throw grantFailure(response, conn, "acquire Veeam token");
}

/**
 * One password grant used to detect the API generation: "no-endpoint" when the token path does not exist (404/405),
 * "ok" (token stored) on success, otherwise the error.
 */
export async function tryPasswordGrant(conn: VeeamConnection): Promise<"ok" | "no-endpoint"> {
  const response = await grant(conn, passwordForm(conn), "acquire Veeam token");
  if (response.status === 404 || response.status === 405) return "no-endpoint";
  if (response.status !== 200) throw grantFailure(response, conn, "acquire Veeam token");
  store(sessionOf(conn), parseToken(response, conn));
  return "ok";
}

function passwordForm(conn: VeeamConnection): Record<string, string> {
  return { grant_type: "password", username: conn.username, password: conn.password };
}

async function grant(conn: VeeamConnection, form: Record<string, string>, operation: string, signal?: AbortSignal): Promise<HttpResponse> {
  const request: HttpRequest = {
    method: "POST",
    path: tokenPath(conn.generation),
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(form).toString(),
    operation,
    object: `VeeamOrchestrator:${conn.endpoint.origin}`,
    signal,
  };
  // A token grant changes nothing on the server: safe to repeat after a transient failure.
  return withRetry(async () => {
    const response = await send(conn.endpoint, request);
    if (response.status === 502 || response.status === 503 || response.status === 504 || response.status === 429) throw errorForStatus(response, request);
    return response;
  }, { idempotent: true, signal, deadline: deadlineAfter(PREVIEW_READ_SECONDS) });
}

function parseToken(response: HttpResponse, conn: VeeamConnection): TokenResponse {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    body = undefined;
  }
  const parsed = veeamSchemas().token.safeParse(camelCaseKeys(body));
  if (!parsed.success) {
    if (veeamSchemas().mfaChallenge.safeParse(camelCaseKeys(body)).success) {
      throw new AuthenticationError(
        `${conn.endpoint.origin} asks veeam:username "${conn.username}" for a multi-factor passcode (mfa_token): unattended runs cannot answer it. Use an Orchestrator account without MFA for Pulumi.`,
        { operation: "acquire Veeam token", object: `VeeamOrchestrator:${conn.endpoint.origin}`, fault: { type: "MfaRequired" } },
      );
    }
    throw new ServerError(`The token endpoint ${tokenPath(conn.generation)} of ${conn.endpoint.origin} answered 200 without an access_token.`, response.status, {
      operation: "acquire Veeam token",
      object: `VeeamOrchestrator:${conn.endpoint.origin}`,
    });
  }
  return parsed.data;
}

function store(session: Session, token: TokenResponse): string {
  registerSecret(token.access_token);
  if (token.refresh_token) registerSecret(token.refresh_token);
  const lifetimeSeconds = typeof token.expires_in === "number" && token.expires_in > 0 ? token.expires_in : DEFAULT_LIFETIME_SECONDS;
  session.accessToken = token.access_token;
  session.refreshToken = token.refresh_token ?? session.refreshToken;
  session.lifetimeMs = lifetimeSeconds * 1000;
  session.expiresAt = Date.now() + session.lifetimeMs;
  session.grants += 1;
  return token.access_token;
}

function grantFailure(response: HttpResponse, conn: VeeamConnection, operation: string): Error {
  const object = `VeeamOrchestrator:${conn.endpoint.origin}`;
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    let reason = "";
    try {
      const body = JSON.parse(response.text) as { error?: unknown; error_description?: unknown };
      reason = [body.error, body.error_description].filter((part) => typeof part === "string").join(": ");
    } catch {
      reason = response.text.slice(0, 200);
    }
    return new AuthenticationError(
      `${conn.endpoint.origin} refused the credentials of veeam:username "${conn.username}" (HTTP ${response.status}${reason ? `, ${reason}` : ""}): check veeam:username / veeam:password (VEEAM_USERNAME / VEEAM_PASSWORD); the account needs the Orchestrator Administrator, Plan Author or Plan Operator role.`,
      { operation, object, fault: { type: `HTTP ${response.status}`, message: reason || undefined } },
    );
  }
  if (response.status === 404 || response.status === 405) {
    return new ConfigurationError(
      `${conn.endpoint.origin} has no token endpoint ${tokenPath(conn.generation)} (HTTP ${response.status}): veeam:apiVersion ${conn.apiVersion} does not match the server; use v2 for Availability Orchestrator or a Recovery Orchestrator version (v7.21, v13, v13.1, v13.2), or leave it unset to detect it.`,
      "veeam:apiVersion",
      { operation, object },
    );
  }
  return errorForStatus(response, { operation, object });
}
