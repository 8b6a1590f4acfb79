import * as crypto from "node:crypto";
import type { ZstackSettings } from "../config";
import * as errors from "../errors";
import { outcomeUnknown } from "../http/failure";
import { withRetry } from "../http/retry";
import { send, type HttpRequest, type HttpResponse } from "../http/transport";
import { httpFailure, jobFailedForSession, parseReply, serverText, zstackErrorOf } from "./faults";
import { waitFor } from "../http/waiter";
import { parseJson, zstackSchemas } from "./schemas";
import { apiPath, invalidateSession, sessionHeaders, withSession, zstackEndpoint } from "./session";

/**
 * ZStack's asynchronous API (every non-GET call except login): the call answers 202 `{"location":…/v1/api-jobs/<id>,
 * "apiTimeout":<ms>}`; GET on the location answers 202 (running), 200 (done, body = result), 503 (failed, body =
 * `{"error":…}`) or 404 (expired or never registered).
 *
 * - The location's scheme, host and port are replaced by the configured endpoint (ZStack may advertise an internal
 *   address), as the official Java and Go SDKs do.
 * - `X-Job-UUID` (a v4 UUID without hyphens) is generated once per logical call and sent again when that same call is
 *   repeated. After a failure that leaves open whether ZStack got the call (`outcomeUnknown`), the job is looked up
 *   first: if ZStack knows it, it is followed instead of submitting again, so the action is never executed twice.
 *   That lookup is what makes the submission safe to repeat; the repeating itself is `withRetry`'s.
 * - A job that fails with "Session expired" (ID.1001) did not run: `runJob` logs in again and submits once more, with a
 *   NEW job uuid (the failed job keeps the old one).
 */

/** True when the server may have acted on a call that failed (its answer was lost): read the state back before deciding. */
export { outcomeUnknown };

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
  /** Epoch ms: the operation's deadline, which bounds the login, every request and every wait between tries. */
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

function jobRequest(path: string, sessionUuid: string, call: Pick<ActionCall, "operation" | "object" | "deadline" | "signal">): HttpRequest {
  return { method: "GET", path, headers: sessionHeaders(sessionUuid), operation: call.operation, object: call.object, deadline: call.deadline, signal: call.signal };
}

function handleFromAccepted(response: HttpResponse, request: HttpRequest, jobUuid: string, sessionUuid: string, call: ActionCall): JobHandle {
  const accepted = parseReply(zstackSchemas().jobAccepted, response, request);
  const path = jobPathFromLocation(accepted.location);
  if (path === undefined) {
    throw new errors.ServerError(
      `${call.operation}${call.object ? ` on ${call.object}` : ""}: ZStack answered HTTP 202 with a location that is not …/v1/api-jobs/<uuid>: ${serverText(accepted.location, 200)}`,
      response.status,
      { operation: call.operation, object: call.object },
    );
  }
  return { jobUuid, path, advertisedLocation: accepted.location, apiTimeoutMs: accepted.apiTimeout, sessionUuid, operation: call.operation, object: call.object };
}

/** One submission of the call with `jobUuid`; any answer but 202/200/204 is thrown as its error. */
async function sendAction(settings: ZstackSettings, call: ActionCall, jobUuid: string, sessionUuid: string): Promise<JobHandle> {
  const request: HttpRequest = {
    method: call.method ?? "PUT",
    path: apiPath(call.path),
    headers: { ...sessionHeaders(sessionUuid), "X-Job-UUID": jobUuid, "Content-Type": "application/json" },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    operation: call.operation,
    object: call.object,
    deadline: call.deadline,
    signal: call.signal,
  };
  const response = await send(zstackEndpoint(settings), request);
  if (response.status === 202) return handleFromAccepted(response, request, jobUuid, sessionUuid, call);
  if (response.status === 200 || response.status === 204) {
    const immediateResult = parseJson(response.text) ?? {};
    return { jobUuid, path: apiPath(`/api-jobs/${jobUuid}`), advertisedLocation: "", sessionUuid, operation: call.operation, object: call.object, immediateResult };
  }
  throw httpFailure(response, request, settings.namespace);
}

/** The job if ZStack registered it, undefined if it answers 404; throws when the answer does not tell. */
async function lookUpJob(settings: ZstackSettings, jobUuid: string, sessionUuid: string, call: ActionCall): Promise<JobHandle | undefined> {
  const path = apiPath(`/api-jobs/${jobUuid}`);
  const request = jobRequest(path, sessionUuid, call);
  const response = await send(zstackEndpoint(settings), request);
  if (response.status === 404) return undefined;
  const known = response.status === 200 || response.status === 202 || (response.status === 503 && zstackErrorOf(response.text) !== undefined);
  if (!known) throw httpFailure(response, request, settings.namespace);
  return { jobUuid, path, advertisedLocation: `${settings.origin}${path}`, sessionUuid, operation: call.operation, object: call.object };
}

/**
 * Submits an asynchronous call and returns its job handle (without waiting). A failed submission is repeated with the
 * same X-Job-UUID when `withRetry` allows it; after a lost answer, only once ZStack says it has no such job.
 */
export async function submitJob(settings: ZstackSettings, call: ActionCall): Promise<JobHandle> {
  const jobUuid = newJobUuid();
  return withSession(settings, call.deadline, (sessionUuid) => {
    let lostAnswer: unknown;
    return withRetry(
      async () => {
        if (lostAnswer !== undefined) {
          // A lookup that cannot tell leaves the outcome as unknown as the lost answer did.
          const registered = await lookUpJob(settings, jobUuid, sessionUuid, call).catch(() => {
            throw lostAnswer;
          });
          if (registered) return registered;
        }
        try {
          return await sendAction(settings, call, jobUuid, sessionUuid);
        } catch (error) {
          if (outcomeUnknown(error)) lostAnswer = error;
          throw error;
        }
      },
      { idempotent: true, deadline: call.deadline, signal: call.signal },
    );
  });
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
  const where = `${handle.operation}${handle.object ? ` on ${handle.object}` : ""}`;
  return waitFor<unknown>({
    what: options.what,
    operation: handle.operation,
    object: handle.object,
    deadline: options.deadline,
    signal: options.signal,
    initialDelayMs: 100,
    maxDelayMs: 3_000,
    observe: async () => {
      const request = jobRequest(handle.path, handle.sessionUuid, { ...handle, deadline: options.deadline, signal: options.signal });
      const response = await send(zstackEndpoint(settings), request);
      if (response.status === 202) return { done: false, state: `job ${handle.jobUuid} running` };
      if (response.status === 200) return { done: true, value: parseJson(response.text) ?? {} };
      if (response.status === 404) {
        throw new errors.ServerError(`${where}: ZStack no longer knows job ${handle.jobUuid} (expired); its outcome must be read from the object.`, 404, {
          operation: handle.operation,
          object: handle.object,
          fault: { type: "JobExpired", message: serverText(response.text, 200) },
          delivery: "unknown",
          transient: false,
        });
      }
      throw httpFailure(response, request, settings.namespace);
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
    if (!jobFailedForSession(error)) throw error;
    invalidateSession(settings, handle.sessionUuid);
    return waitForJob(settings, await submit(), options);
  }
}
