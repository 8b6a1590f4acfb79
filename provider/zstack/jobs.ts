import * as crypto from "node:crypto";
import type { ZstackSettings } from "../config";
import * as errors from "../errors";
import { send, type HttpRequest, type HttpResponse } from "../http/transport";
import { backoffDelay, sleep } from "../http/backoff";
import { waitFor } from "../http/waiter";
import { httpFailure, isSessionExpired, malformedReply } from "./faults";
import { parseJson, zstackSchemas } from "./schemas";
import { apiPath, invalidateSession, withSession, zstackEndpoint } from "./session";

/**
 * ZStack's asynchronous API (every non-GET call except login): the call answers 202 `{"location":…/v1/api-jobs/<id>,
 * "apiTimeout":<ms>}`; GET on the location answers 202 (running), 200 (done, body = result), 503 (failed, body =
 * `{"error":…}`) or 404 (expired or never registered).
 *
 * - The location's scheme, host and port are replaced by the configured endpoint (ZStack may advertise an internal
 *   address), as the official Java and Go SDKs do.
 * - `X-Job-UUID` (a v4 UUID without hyphens) is generated once per logical call and sent again when that same call is
 *   repeated after an ambiguous failure (connection reset after the request went out, gateway 502/503/504). Before
 *   repeating, the job is looked up: if ZStack knows it, it is followed instead of submitting again, so the action is
 *   never executed twice.
 * - A job that fails with "Session expired" (ID.1001) did not run: `runJob` logs in again and submits once more, with a
 *   NEW job uuid (the failed job keeps the old one).
 */

export interface JobHandle {
  jobUuid: string;
  /** Path of the job on the configured endpoint: `/zstack/v1/api-jobs/<id>`. */
  path: string;
  /** The location as ZStack advertised it. */
  advertisedLocation: string;
  /** ZStack's `apiTimeout` in ms, when given. */
  apiTimeoutMs?: number;
  sessionUuid: string;
  operation: string;
  object?: string;
  /** Set when the server answered the call synchronously (200) instead of 202. */
  immediateResult?: unknown;
}

export interface ActionCall {
  /** Path below `/zstack/v1`, already encoded, e.g. `/vm-instances/<uuid>/actions`. */
  path: string;
  method?: "PUT" | "POST" | "DELETE";
  body?: Record<string, unknown>;
  operation: string;
  object?: string;
  /** Epoch ms: no new attempt starts after it. */
  deadline: number;
  signal?: AbortSignal;
}

/** A v4 UUID with the hyphens stripped, as X-Job-UUID requires. */
export function newJobUuid(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

/**
 * The job's path on the configured endpoint. Accepts `http://10.0.0.5:8080/zstack/v1/api-jobs/<id>`, a location
 * without the `/zstack` context path (`localhost:8989/v1/api-jobs/<id>`, as in the docs' example) or a bare path.
 */
export function jobPathFromLocation(location: string): string | undefined {
  const match = /\/v1\/api-jobs\/([0-9A-Za-z]+)\/?(?:[?#].*)?$/.exec(location.trim());
  if (!match || !match[1]) return undefined;
  return apiPath(`/api-jobs/${encodeURIComponent(match[1])}`);
}

/** The location rewritten onto the configured origin (scheme, host and port from the endpoint setting). */
export function rewriteJobLocation(location: string, origin: string): string | undefined {
  const path = jobPathFromLocation(location);
  return path === undefined ? undefined : `${origin}${path}`;
}

function isAmbiguous(error: unknown): boolean {
  if (error instanceof errors.ConnectionError) return error.requestSent;
  if (error instanceof errors.TimeoutError) return true;
  return error instanceof errors.ServerError && error.transient;
}

function notSent(error: unknown): boolean {
  return error instanceof errors.ConnectionError && !error.requestSent && error.transient;
}

async function getJob(settings: ZstackSettings, path: string, sessionUuid: string, operation: string, object?: string, signal?: AbortSignal): Promise<{ request: HttpRequest; response: HttpResponse }> {
  const request: HttpRequest = {
    method: "GET",
    path,
    headers: { Authorization: `OAuth ${sessionUuid}`, Accept: "application/json" },
    operation,
    object,
    signal,
  };
  return { request, response: await send(zstackEndpoint(settings), request) };
}

function handleFromAccepted(response: HttpResponse, request: HttpRequest, jobUuid: string, sessionUuid: string, call: ActionCall): JobHandle {
  const parsed = zstackSchemas().jobAccepted.safeParse(parseJson(response.text));
  if (!parsed.success) throw malformedReply(response, request, "a job location");
  const path = jobPathFromLocation(parsed.data.location);
  if (path === undefined) throw malformedReply(response, request, "a job location of the form …/v1/api-jobs/<uuid>");
  return {
    jobUuid,
    path,
    advertisedLocation: parsed.data.location,
    apiTimeoutMs: parsed.data.apiTimeout,
    sessionUuid,
    operation: call.operation,
    object: call.object,
  };
}

/**
 * Submits an asynchronous call and returns its job handle (without waiting). Repeats the call only when it provably
 * did not take effect, with the same X-Job-UUID.
 */
export async function submitJob(settings: ZstackSettings, call: ActionCall): Promise<JobHandle> {
  const jobUuid = newJobUuid();
  return withSession(settings, async (sessionUuid) => {
    const request: HttpRequest = {
      method: call.method ?? "PUT",
      path: apiPath(call.path),
      headers: {
        Authorization: `OAuth ${sessionUuid}`,
        "X-Job-UUID": jobUuid,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      operation: call.operation,
      object: call.object,
      signal: call.signal,
    };
    for (let attempt = 0; ; attempt += 1) {
      let failure: unknown;
      try {
        const response = await send(zstackEndpoint(settings), request);
        if (response.status === 202) return handleFromAccepted(response, request, jobUuid, sessionUuid, call);
        if (response.status === 200 || response.status === 204) {
          return {
            jobUuid,
            path: apiPath(`/api-jobs/${jobUuid}`),
            advertisedLocation: "",
            sessionUuid,
            operation: call.operation,
            object: call.object,
            immediateResult: parseJson(response.text) ?? {},
          };
        }
        failure = httpFailure(response, request);
      } catch (error) {
        failure = error;
      }
      const lastTry = attempt >= 4 || Date.now() >= call.deadline;
      if (lastTry || !(isAmbiguous(failure) || notSent(failure))) throw failure;
      await sleep(Math.min(backoffDelay(attempt, 250, 4_000), Math.max(0, call.deadline - Date.now())), call.signal);
      if (isAmbiguous(failure)) {
        // The request may have reached ZStack: follow the job if it was registered, submit again only if it was not.
        const known = await probeJob(settings, jobUuid, sessionUuid, call);
        if (known === "unknown") throw failure;
        if (known) return known;
      }
    }
  });
}

/** The job if ZStack registered it, undefined if it answers 404, "unknown" if it cannot tell (after a few tries). */
async function probeJob(settings: ZstackSettings, jobUuid: string, sessionUuid: string, call: ActionCall): Promise<JobHandle | undefined | "unknown"> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await lookUpJob(settings, jobUuid, sessionUuid, call);
    } catch {
      if (Date.now() >= call.deadline) break;
      await sleep(backoffDelay(attempt, 250, 2_000), call.signal).catch(() => undefined);
    }
  }
  return "unknown";
}

async function lookUpJob(settings: ZstackSettings, jobUuid: string, sessionUuid: string, call: ActionCall): Promise<JobHandle | undefined> {
  const path = apiPath(`/api-jobs/${jobUuid}`);
  const { response } = await getJob(settings, path, sessionUuid, call.operation, call.object, call.signal);
  if (response.status === 404) return undefined;
  if (response.status === 200 || response.status === 202 || response.status === 503) {
    if (response.status === 503 && !parseJson(response.text)) throw new Error("gateway 503");
    return { jobUuid, path, advertisedLocation: `${settings.origin}${path}`, sessionUuid, operation: call.operation, object: call.object };
  }
  throw new Error(`job lookup answered ${response.status}`);
}

export interface WaitJobOptions {
  /** For messages: "VmInstance:<uuid> to be recovered". */
  what: string;
  deadline: number;
  signal?: AbortSignal;
}

/** Polls the job until it ends. Returns the 200 body; throws the ZStack error of a failed job (503). */
export async function waitForJob(settings: ZstackSettings, handle: JobHandle, options: WaitJobOptions): Promise<unknown> {
  if (handle.immediateResult !== undefined) return handle.immediateResult;
  return waitFor<unknown>({
    what: options.what,
    operation: handle.operation,
    object: handle.object,
    deadline: options.deadline,
    signal: options.signal,
    initialDelayMs: 100,
    maxDelayMs: 3_000,
    observe: async () => {
      const { request, response } = await getJob(settings, handle.path, handle.sessionUuid, handle.operation, handle.object, options.signal);
      if (response.status === 202) return { done: false, state: `job ${handle.jobUuid} running` };
      if (response.status === 200) return { done: true, value: parseJson(response.text) ?? {} };
      if (response.status === 404) {
        throw new errors.ServerError(
          `${handle.operation}${handle.object ? ` on ${handle.object}` : ""}: ZStack no longer knows job ${handle.jobUuid} (expired); its outcome must be read from the object.`,
          404,
          { operation: handle.operation, object: handle.object, fault: { type: "JobExpired", message: response.text.slice(0, 200) } },
        );
      }
      throw httpFailure(response, request);
    },
  });
}

/** True when `error` says a job's result is gone (HTTP 404 on its location). */
export function isJobExpired(error: unknown): boolean {
  return error instanceof errors.ServerError && error.fault?.type === "JobExpired";
}

/**
 * Submits and waits. When the job fails because the session expired (so it did nothing), logs in again and submits
 * once more with a new job uuid.
 */
export async function runJob(settings: ZstackSettings, submit: () => Promise<JobHandle>, options: WaitJobOptions): Promise<unknown> {
  const handle = await submit();
  try {
    return await waitForJob(settings, handle, options);
  } catch (error) {
    if (!isSessionExpired(error)) throw error;
    invalidateSession(settings, handle.sessionUuid);
    const again = await submit();
    return waitForJob(settings, again, options);
  }
}
