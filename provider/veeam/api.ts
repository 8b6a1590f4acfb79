import type { z } from "zod";
import { ServerError, errorMessage, type VmAvailabilityError } from "../errors";
import { outcomeUnknown } from "../http/failure";
import { withRetry } from "../http/retry";
import { send, type HttpRequest, type HttpResponse } from "../http/transport";
import { vendorExcerpt } from "../http/vendorText";
import type { CallOptions, VeeamConnection } from "./connectionTypes";
import { restated, statusError } from "./failures";
import { camelCaseKeys } from "./schemas";
import * as token from "./token";

export interface ApiRequest extends CallOptions {
  method: "GET" | "POST";
  /** Path, already encoded. */
  path: string;
  /** JSON body; POSTs without one send no body. */
  body?: unknown;
  operation: string;
  object?: string;
}

/** What a read-back after a lost answer found: the work started (or is done), or it did not, as `seen` describes. */
export interface Reconciliation {
  started: boolean;
  seen: string;
}

/** Options of a call that starts work: `reconcile` says, after a lost answer, whether it took effect. */
export interface StartOptions extends CallOptions {
  reconcile?: () => Promise<Reconciliation>;
}

/**
 * A read (GET): `Authorization: Bearer <token>`, JSON in and out, repeated after any transient failure within the
 * deadline (shared policy).
 */
export async function apiRequest(conn: VeeamConnection, request: ApiRequest): Promise<HttpResponse> {
  return withRetry(() => callOnce(conn, request), { idempotent: true, deadline: request.deadline, signal: request.signal });
}

/**
 * A call that starts work (Run, Failover, Undo answer 200 and return no task). It is repeated only when the server
 * provably did not act: a failure that leaves that open goes to `reconcile`, which reads the state back. Started: the
 * call took effect. Not started: the failure counts as a refusal, which the shared policy may repeat (Veeam refuses a
 * second run of a busy plan, so a late first call cannot make two runs). Unreadable: the failure stands.
 */
export async function startWork(conn: VeeamConnection, request: ApiRequest, reconcile: StartOptions["reconcile"]): Promise<void> {
  await withRetry(
    async () => {
      try {
        await callOnce(conn, request);
      } catch (error) {
        if (!reconcile || !outcomeUnknown(error)) throw error;
        const lost = error as VmAvailabilityError;
        let found: Reconciliation;
        try {
          found = await reconcile();
        } catch (readError) {
          const what = request.object ?? "the object";
          throw restated(lost, `${lost.message} Whether ${request.operation} took effect is unknown: the state of ${what} could not be read back (${errorMessage(readError)}).`);
        }
        if (found.started) return;
        throw restated(lost, `${lost.message} It did not start (${found.seen}).`, { delivery: "refused" });
      }
    },
    { idempotent: false, deadline: request.deadline, signal: request.signal },
  );
}

/**
 * One try. A 401 means the server did not execute the call, so the token is renewed once and the call repeated; a
 * second 401 with a token the server has just issued is a refusal.
 */
async function callOnce(conn: VeeamConnection, request: ApiRequest): Promise<HttpResponse> {
  const options = { deadline: request.deadline, signal: request.signal };
  let bearer = await token.accessToken(conn, options);
  let response = await send(conn.endpoint, httpRequest(request, bearer));
  if (response.status === 401) {
    bearer = await token.accessToken(conn, { ...options, rejected: bearer });
    response = await send(conn.endpoint, httpRequest(request, bearer));
  }
  if (response.status >= 200 && response.status < 300) return response;
  throw statusError(conn, response, request);
}

function httpRequest(request: ApiRequest, bearer: string): HttpRequest {
  const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: "application/json" };
  let body: string | undefined;
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.body);
  }
  return {
    method: request.method,
    path: request.path,
    headers,
    body,
    operation: request.operation,
    object: request.object,
    deadline: request.deadline,
    signal: request.signal,
  };
}

/**
 * Parses a JSON answer with a schema. A body that is not JSON, or a member of the wrong type (however deep or odd the
 * value), is a ServerError naming the operation and the member.
 */
export function parseBody<S extends z.ZodType>(schema: S, response: HttpResponse, request: Pick<ApiRequest, "operation" | "object">): z.infer<S> {
  const context = { operation: request.operation, object: request.object };
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    throw new ServerError(`${request.operation} answered HTTP ${response.status} with a body that is not JSON: ${vendorExcerpt(response.text, 200)}`, response.status, context);
  }
  const parsed = schema.safeParse(camelCaseKeys(json));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join(".")}` : "";
    throw new ServerError(
      `${request.operation}${request.object ? ` on ${request.object}` : ""} answered with an unexpected body${where}: ${vendorExcerpt(issue?.message ?? "invalid", 200)}.`,
      response.status,
      context,
    );
  }
  return parsed.data;
}
