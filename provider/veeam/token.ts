import * as config from "../config";
import { AuthenticationError, ConfigurationError, ServerError, type VmAvailabilityError } from "../errors";
import { statusFailure } from "../http/failure";
import { issuedCredentialProblem } from "../http/issuedCredential";
import { withRetry } from "../http/retry";
import { send, type HttpRequest, type HttpResponse } from "../http/transport";
import { vendorExcerpt } from "../http/vendorText";
import { registerSecret } from "../redact";
import { memo } from "../runtime";
import type { ApiGeneration, CallOptions, VeeamConnection } from "./connectionTypes";
import { statusError } from "./failures";
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
 * - Tokens the server issues are checked before use: one that cannot travel in an Authorization header is refused.
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

const ACQUIRE = "acquire Veeam token";
const REFRESH = "refresh Veeam token";

export function tokenPath(generation: ApiGeneration): string {
  return generation === "v2" ? "/v2/Token" : "/api/token";
}

function sessionOf(conn: VeeamConnection): Session {
  return memo(`veeam.token:${conn.endpointKey}:${conn.generation}:${conn.username}`, (): Session => ({ expiresAt: 0, lifetimeMs: 0, grants: 0 }));
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
export async function accessToken(conn: VeeamConnection, options: CallOptions & { rejected?: string }): Promise<string> {
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
    const pending = renew(conn, session, options);
    session.pending = pending;
    try {
      return await pending;
    } finally {
      if (session.pending === pending) session.pending = undefined;
    }
  }
}

async function renew(conn: VeeamConnection, session: Session, options: CallOptions): Promise<string> {
  if (session.refreshToken) {
    const response = await grant(conn, { grant_type: "refresh_token", refresh_token: session.refreshToken }, REFRESH, options);
    if (response.status === 200) return store(session, parseToken(response, conn, REFRESH));
    if (response.status !== 400 && response.status !== 401) throw grantFailure(response, conn, REFRESH);
    session.refreshToken = undefined;
  }
  const response = await grant(conn, passwordForm(conn), ACQUIRE, options);
  if (response.status === 200) return store(session, parseToken(response, conn, ACQUIRE));
  throw grantFailure(response, conn, ACQUIRE);
}

/**
 * One password grant used to detect the API generation: "no-endpoint" when the token path does not exist (404/405),
 * "ok" (token stored) on success, otherwise the error.
 */
export async function tryPasswordGrant(conn: VeeamConnection, options: CallOptions): Promise<"ok" | "no-endpoint"> {
  const response = await grant(conn, passwordForm(conn), ACQUIRE, options);
  if (response.status === 404 || response.status === 405) return "no-endpoint";
  if (response.status !== 200) throw grantFailure(response, conn, ACQUIRE);
  store(sessionOf(conn), parseToken(response, conn, ACQUIRE));
  return "ok";
}

function passwordForm(conn: VeeamConnection): Record<string, string> {
  registerEchoedForms(conn.password);
  return { grant_type: "password", username: conn.username, password: conn.password };
}

/** A server that echoes the password does so as it received it (form-encoded) or inside JSON (escaped): redact those too. */
function registerEchoedForms(password: string): void {
  registerSecret(new URLSearchParams({ p: password }).toString().slice(2));
  registerSecret(JSON.stringify(password).slice(1, -1));
}

function orchestrator(conn: VeeamConnection): string {
  return `VeeamOrchestrator:${conn.endpoint.origin}`;
}

async function grant(conn: VeeamConnection, form: Record<string, string>, operation: string, options: CallOptions): Promise<HttpResponse> {
  const request: HttpRequest = {
    method: "POST",
    path: tokenPath(conn.generation),
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(form).toString(),
    operation,
    object: orchestrator(conn),
    deadline: options.deadline,
    signal: options.signal,
  };
  // A token grant changes nothing on the server: repeated after any transient failure (the status decides which).
  return withRetry(
    async () => {
      const response = await send(conn.endpoint, request);
      if (statusFailure(response.status).transient) throw statusError(conn, response, request);
      return response;
    },
    { idempotent: true, deadline: options.deadline, signal: options.signal },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseToken(response: HttpResponse, conn: VeeamConnection, operation: string): TokenResponse {
  const body = camelCaseKeys(parseJson(response.text));
  const object = orchestrator(conn);
  const parsed = veeamSchemas().token.safeParse(body);
  if (!parsed.success) {
    const username = config.sourceOf("veeam", "username", conn.namespace).configKey;
    if (veeamSchemas().mfaChallenge.safeParse(body).success) {
      throw new AuthenticationError(
        `${conn.endpoint.origin} asks ${username} "${conn.username}" for a multi-factor passcode (mfa_token): unattended runs cannot answer it. Use an Orchestrator account without MFA for unattended runs.`,
        { operation, object, fault: { type: "MfaRequired" } },
      );
    }
    const member = parsed.error.issues[0]?.path.map(String).join(".") || "access_token";
    throw new ServerError(
      `The token endpoint ${tokenPath(conn.generation)} of ${conn.endpoint.origin} answered 200 without a usable ${member}: ${vendorExcerpt(parsed.error.issues[0]?.message ?? "invalid", 200)}.`,
      response.status,
      { operation, object },
    );
  }
  for (const field of ["access_token", "refresh_token"] as const) {
    const value = parsed.data[field];
    if (typeof value !== "string") continue;
    const problem = issuedCredentialProblem(value);
    if (problem === undefined) continue;
    throw new AuthenticationError(
      `The token endpoint ${tokenPath(conn.generation)} of ${conn.endpoint.origin} issued an ${field} that ${problem}; it was not used. The server, or a proxy in front of it, is not answering as an Orchestrator does.`,
      { operation, object, fault: { type: "InvalidToken", message: `${field} ${problem}` } },
    );
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

/** OAuth2's `{"error", "error_description"}` (or the body as text), bounded and redacted. */
function grantRefusalReason(text: string): string {
  const body = parseJson(text);
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const { error, error_description: description } = body as Record<string, unknown>;
    const parts = [error, description].filter((part): part is string => typeof part === "string");
    if (parts.length > 0) return vendorExcerpt(parts.join(": "), 200);
  }
  return vendorExcerpt(text, 200);
}

function grantFailure(response: HttpResponse, conn: VeeamConnection, operation: string): VmAvailabilityError {
  const object = orchestrator(conn);
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    const username = config.sourceOf("veeam", "username", conn.namespace);
    const password = config.sourceOf("veeam", "password", conn.namespace);
    const reason = grantRefusalReason(response.text);
    return new AuthenticationError(
      `${conn.endpoint.origin} refused the credentials of ${username.configKey} "${conn.username}" (HTTP ${response.status}${reason ? `, ${reason}` : ""}): check ${username.configKey} / ${password.configKey} (${username.envVar} / ${password.envVar}); the account needs the Orchestrator Administrator, Plan Author or Plan Operator role.`,
      { operation, object, delivery: "refused", fault: { type: `HTTP${response.status}`, ...(reason ? { message: reason } : {}) } },
    );
  }
  if (response.status === 404 || response.status === 405) {
    const apiVersion = config.sourceOf("veeam", "apiVersion", conn.namespace);
    return new ConfigurationError(
      `${conn.endpoint.origin} has no token endpoint ${tokenPath(conn.generation)} (HTTP ${response.status}): ${apiVersion.configKey} ${conn.apiVersion} does not match the server; use v2 for Availability Orchestrator or a Recovery Orchestrator version (v7.21, v13, v13.1, v13.2), or leave it unset to detect it.`,
      apiVersion.configKey,
      { operation, object },
    );
  }
  return statusError(conn, response, { operation, object });
}
