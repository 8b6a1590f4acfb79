import * as crypto from "node:crypto";
import type { ZstackSettings } from "../config";
import { AuthenticationError } from "../errors";
import { deadlineAfter, PREVIEW_READ_SECONDS } from "../deadline";
import { registerSecret } from "../redact";
import { memo, runtimeState } from "../runtime";
import { send, type Endpoint, type HttpRequest } from "../http/transport";
import { withRetry } from "../http/retry";
import { httpFailure, isSessionExpired, malformedReply } from "./faults";
import { parseJson, zstackSchemas } from "./schemas";

/**
 * ZStack sessions: `PUT /zstack/v1/accounts/login` with `{"logInByAccount":{"accountName","password":<SHA-512 hex>}}`
 * answers 200 `{"inventory":{"uuid":<session>,…}}`; every other call sends `Authorization: OAuth <session uuid>`.
 *
 * One session per endpoint and account is shared by all concurrent calls: the first caller logs in, the others await
 * the same promise. When ZStack says the session is gone (ID.1001 "Session expired", or HTTP 401), the session is dropped
 * (only if no one replaced it already) and the call is replayed once with a fresh login.
 */

export interface ZstackSession {
  uuid: string;
  accountUuid?: string;
  expiredDate?: string;
}

interface SessionSlot {
  settings: ZstackSettings;
  current?: ZstackSession;
  pending?: Promise<ZstackSession>;
  logins: number;
}

/** The base path of every ZStack REST call. */
export function apiPath(path: string): string {
  return `/zstack/v1${path}`;
}

export function zstackEndpoint(settings: ZstackSettings): Endpoint {
  return {
    origin: settings.origin,
    settingKey: "zstack:endpoint",
    namespace: "zstack",
    allowUnverifiedSsl: settings.allowUnverifiedSsl,
    caCertificate: settings.caCertificate,
  };
}

/** ZStack stores and compares the SHA-512 hex digest of the password; the clear text never goes on the wire. */
export function sha512Hex(password: string): string {
  return crypto.createHash("sha512").update(password, "utf8").digest("hex");
}

function slotFor(settings: ZstackSettings): SessionSlot {
  const slot = memo<SessionSlot>(`zstack.session:${settings.origin}|${settings.accountName}`, () => ({ settings, logins: 0 }));
  slot.settings = settings;
  return slot;
}

/** Logs in (no sharing, no cache): the raw LogInByAccount call. */
export async function logInByAccount(settings: ZstackSettings, signal?: AbortSignal): Promise<ZstackSession> {
  const passwordHash = sha512Hex(settings.accountPassword);
  registerSecret(passwordHash);
  const request: HttpRequest = {
    method: "PUT",
    path: apiPath("/accounts/login"),
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ logInByAccount: { accountName: settings.accountName, password: passwordHash } }),
    operation: "LogInByAccount",
    object: `account:${settings.accountName}`,
    signal,
  };
  // Logging in twice only makes a second session, so a transient failure may be retried.
  const response = await withRetry(async () => {
    const answer = await send(zstackEndpoint(settings), request);
    if (answer.status !== 200) throw httpFailure(answer, request);
    return answer;
  }, { idempotent: true, signal, deadline: deadlineAfter(PREVIEW_READ_SECONDS) });
  const parsed = zstackSchemas().loginReply.safeParse(parseJson(response.text));
  if (!parsed.success) throw malformedReply(response, request, "a session inventory");
  const inventory = parsed.data.inventory;
  registerSecret(inventory.uuid);
  return { uuid: inventory.uuid, accountUuid: inventory.accountUuid, expiredDate: inventory.expiredDate };
}

/** The shared session, logging in when there is none. Concurrent callers share one login. */
export async function currentSession(settings: ZstackSettings): Promise<ZstackSession> {
  const slot = slotFor(settings);
  if (slot.current) return slot.current;
  if (!slot.pending) {
    registerLogoutAtExit();
    slot.pending = logInByAccount(settings)
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
export function invalidateSession(settings: ZstackSettings, sessionUuid: string): void {
  const slot = slotFor(settings);
  if (slot.current?.uuid === sessionUuid) slot.current = undefined;
}

/** How many logins this process made for the endpoint and account (tests, benchmarks). */
export function loginCount(settings: ZstackSettings): number {
  return slotFor(settings).logins;
}

/** Runs `call` with the shared session; on a session-expired answer, logs in again and replays `call` once. */
export async function withSession<T>(settings: ZstackSettings, call: (sessionUuid: string) => Promise<T>): Promise<T> {
  const session = await currentSession(settings);
  try {
    return await call(session.uuid);
  } catch (error) {
    if (!isSessionExpired(error)) throw error;
    invalidateSession(settings, session.uuid);
    const fresh = await currentSession(settings);
    try {
      return await call(fresh.uuid);
    } catch (second) {
      if (!isSessionExpired(second)) throw second;
      throw new AuthenticationError(
        `ZStack rejected a fresh session of account "${settings.accountName}" right after login; check the account's permissions and the management node clock.`,
        { operation: (second as AuthenticationError).operation, object: (second as AuthenticationError).object, cause: second, fault: (second as AuthenticationError).fault },
      );
    }
  }
}

/** `DELETE /zstack/v1/accounts/sessions/{uuid}`; failures are ignored (the session expires on its own). */
export async function logOut(settings: ZstackSettings): Promise<void> {
  const slot = slotFor(settings);
  const session = slot.current;
  if (!session) return;
  slot.current = undefined;
  try {
    await send(zstackEndpoint(settings), {
      method: "DELETE",
      path: apiPath(`/accounts/sessions/${encodeURIComponent(session.uuid)}`),
      headers: { Authorization: `OAuth ${session.uuid}`, Accept: "application/json" },
      operation: "LogOut",
      timeoutMs: 5_000,
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
      const slots = [...cache.entries()].filter(([key]) => key.startsWith("zstack.session:")).map(([, value]) => value as SessionSlot);
      void Promise.all(slots.map((slot) => logOut(slot.settings)));
    });
    return true;
  });
}
