import * as crypto from "node:crypto";
import * as config from "../config";
import { AuthenticationError } from "../errors";
import { deadlineAfter } from "../deadline";
import { registerSecret } from "../redact";
import { memo, runtimeState } from "../runtime";
import { send, type Endpoint, type HttpRequest } from "../http/transport";
import { withRetry } from "../http/retry";
import { httpFailure, isSessionExpired, parseReply } from "./faults";
import { zstackSchemas } from "./schemas";

/**
 * ZStack sessions: `PUT /zstack/v1/accounts/login` with `{"logInByAccount":{"accountName","password":<SHA-512 hex>}}`
 * answers 200 `{"inventory":{"uuid":<session>,…}}`; every other call sends `Authorization: OAuth <session uuid>`.
 *
 * One session per endpoint (scheme://host:port) and account is shared by all concurrent calls, whatever namespace
 * named the endpoint and account: the first caller logs in (its deadline bounds the login), the others await the same promise. When
 * ZStack says the session is gone (ID.1001 "Session expired", or HTTP 401/403), the session is dropped (only if no one
 * replaced it already) and the call is replayed once with a fresh login.
 */

export interface ZstackSession {
  uuid: string;
  accountUuid?: string;
  expiredDate?: string;
}

interface SessionSlot {
  settings: config.ZstackSettings;
  current?: ZstackSession;
  pending?: Promise<ZstackSession>;
  logins: number;
}

const SESSION_SLOT = "zstack.session:";
/** How long a logout at exit may take. */
const LOGOUT_SECONDS = 5;

/** The base path of every ZStack REST call. */
export function apiPath(path: string): string {
  return `/zstack/v1${path}`;
}

export function zstackEndpoint(settings: config.ZstackSettings): Endpoint {
  return {
    origin: settings.origin,
    settingKey: config.serverSource("zstack", settings.namespace).configKey,
    namespace: settings.namespace,
    allowUnverifiedSsl: settings.allowUnverifiedSsl,
    caCertificate: settings.caCertificate,
  };
}

/** The headers of a call made with a session. */
export function sessionHeaders(sessionUuid: string): Record<string, string> {
  return { Authorization: `OAuth ${sessionUuid}`, Accept: "application/json" };
}

/** ZStack stores and compares the SHA-512 hex digest of the password; the clear text never goes on the wire. */
export function sha512Hex(password: string): string {
  return crypto.createHash("sha512").update(password, "utf8").digest("hex");
}

/**
 * The session slot of an endpoint and account. The password's fingerprint is part of the key: two namespaces naming the
 * same account with different passwords do not share a session (a wrong password must fail, not ride on a good login).
 */
function slotFor(settings: config.ZstackSettings): SessionSlot {
  const password = crypto.createHash("sha256").update(settings.accountPassword, "utf8").digest("hex").slice(0, 16);
  const slot = memo<SessionSlot>(`${SESSION_SLOT}${settings.endpoint}|${settings.accountName}|${password}`, () => ({ settings, logins: 0 }));
  slot.settings = settings;
  return slot;
}

/**
 * What is wrong with a session uuid the server issued (ZStack's are 32 hex characters), or undefined when it is usable.
 * A value that is refused never goes into a header (a line break there would split the request).
 */
export function sessionUuidProblem(uuid: string): string | undefined {
  if (/^[0-9a-fA-F]{32}$/.test(uuid)) return undefined;
  if (uuid === "") return "it is empty";
  if (/[\r\n]/.test(uuid)) return "it contains a line break";
  if (/\s/.test(uuid)) return "it contains white space";
  if (/[^0-9a-fA-F]/.test(uuid)) return "it contains characters other than 0-9 and a-f";
  return `it has ${uuid.length} characters`;
}

/** Logs in (no sharing, no cache): the raw LogInByAccount call, bounded by `deadline`. */
export async function logInByAccount(settings: config.ZstackSettings, deadline: number, signal?: AbortSignal): Promise<ZstackSession> {
  const passwordHash = sha512Hex(settings.accountPassword);
  registerSecret(passwordHash);
  const endpoint = zstackEndpoint(settings);
  const request: HttpRequest = {
    method: "PUT",
    path: apiPath("/accounts/login"),
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ logInByAccount: { accountName: settings.accountName, password: passwordHash } }),
    operation: "LogInByAccount",
    object: `account:${settings.accountName}`,
    deadline,
    signal,
  };
  // Logging in twice only makes a second session, so a transient failure may be repeated.
  const response = await withRetry(
    async () => {
      const answer = await send(endpoint, request);
      if (answer.status !== 200) throw httpFailure(answer, request, settings.namespace);
      return answer;
    },
    { idempotent: true, deadline, signal },
  );
  const inventory = parseReply(zstackSchemas().loginReply, response, request).inventory;
  const problem = sessionUuidProblem(inventory.uuid);
  if (problem !== undefined) {
    throw new AuthenticationError(
      `${endpoint.origin} (${endpoint.settingKey}) answered LogInByAccount for account "${settings.accountName}" with a session uuid that is not 32 hex characters (${problem}); it was not used.`,
      { operation: request.operation, object: request.object, fault: { type: "InvalidSessionUuid", message: problem }, delivery: "refused", transient: false },
    );
  }
  registerSecret(inventory.uuid);
  return { uuid: inventory.uuid, accountUuid: inventory.accountUuid, expiredDate: inventory.expiredDate };
}

/** The shared session, logging in when there is none. Concurrent callers share one login. */
export async function currentSession(settings: config.ZstackSettings, deadline: number): Promise<ZstackSession> {
  const slot = slotFor(settings);
  if (slot.current) return slot.current;
  if (!slot.pending) {
    registerLogoutAtExit();
    slot.pending = logInByAccount(settings, deadline)
      .then((session) => {
        slot.current = session;
        slot.logins += 1;
        return session;
      })
      .finally(() => {
        slot.pending = undefined;
      });
  }
  return slot.pending;
}

/** Drops `sessionUuid` if it is still the shared session (a concurrent caller may have replaced it already). */
export function invalidateSession(settings: config.ZstackSettings, sessionUuid: string): void {
  const slot = slotFor(settings);
  if (slot.current?.uuid === sessionUuid) slot.current = undefined;
}

/** How many logins this process made for the endpoint and account (tests, benchmarks). */
export function loginCount(settings: config.ZstackSettings): number {
  return slotFor(settings).logins;
}

/** Runs `call` with the shared session; on a session-expired answer, logs in again and replays `call` once. */
export async function withSession<T>(settings: config.ZstackSettings, deadline: number, call: (sessionUuid: string) => Promise<T>): Promise<T> {
  const session = await currentSession(settings, deadline);
  try {
    return await call(session.uuid);
  } catch (error) {
    if (!isSessionExpired(error)) throw error;
    invalidateSession(settings, session.uuid);
    const fresh = await currentSession(settings, deadline);
    try {
      return await call(fresh.uuid);
    } catch (second) {
      if (!(second instanceof AuthenticationError) || !isSessionExpired(second)) throw second;
      throw new AuthenticationError(
        `ZStack rejected a fresh session of account "${settings.accountName}" right after login; check the account's permissions and the management node clock.`,
        { operation: second.operation, object: second.object, cause: second, fault: second.fault, delivery: second.delivery },
      );
    }
  }
}

/** `DELETE /zstack/v1/accounts/sessions/{uuid}`; failures are ignored (the session expires on its own). */
export async function logOut(settings: config.ZstackSettings): Promise<void> {
  const slot = slotFor(settings);
  const session = slot.current;
  if (!session) return;
  slot.current = undefined;
  try {
    await send(zstackEndpoint(settings), {
      method: "DELETE",
      path: apiPath(`/accounts/sessions/${encodeURIComponent(session.uuid)}`),
      headers: sessionHeaders(session.uuid),
      operation: "LogOut",
      deadline: deadlineAfter(LOGOUT_SECONDS),
    });
  } catch {
    // best effort
  }
}

/** Logs every shared session out once, when the process is about to exit on its own (best effort). */
function registerLogoutAtExit(): void {
  memo("hooks.zstackLogoutAtExit", () => {
    process.once("beforeExit", () => {
      const cache = runtimeState().cache;
      const slots = [...cache.entries()].filter(([key]) => key.startsWith(SESSION_SLOT)).map(([, value]) => value as SessionSlot);
      void Promise.all(slots.map((slot) => logOut(slot.settings)));
    });
    return true;
  });
}
