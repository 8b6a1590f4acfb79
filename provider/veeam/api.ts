import type { z } from "zod";
import { AuthenticationError, ConflictError, NotFoundError, ServerError, VendorFaultError } from "../errors";
import { deadlineAfter, PREVIEW_READ_SECONDS } from "../deadline";
import { errorForStatus } from "../http/status";
import { send, type HttpRequest, type HttpResponse } from "../http/transport";
import { withRetry } from "../http/retry";
import type { VeeamConnection } from "./connection";
import * as token from "./token";
import { camelCaseKeys } from "./schemas";

export interface ApiRequest {
  method: "GET" | "POST";
  /** Path, already encoded. */
  path: string;
  /** JSON body; POSTs without one send no body. */
  body?: unknown;
  operation: string;
  object?: string;
  /** GETs are; Run/Failover/Undo are not (they are repeated only when they provably did not reach the server). */
  idempotent: boolean;
  signal?: AbortSignal;
  deadline?: number;
}

/**
 * One authenticated API call: `Authorization: Bearer <token>`, JSON in and out, transient failures retried per the
 * shared policy, and one renewal of the token on 401 (a 401 means the call was not executed, so repeating it is safe).
 */
export async function apiRequest(conn: VeeamConnection, request: ApiRequest): Promise<HttpResponse> {
  return withRetry(async () => {
    let bearer = await token.accessToken(conn, { signal: request.signal });
    let response = await send(conn.endpoint, httpRequest(request, bearer));
    if (response.status === 401) {
      bearer = await token.accessToken(conn, { rejected: bearer, signal: request.signal });
      response = await send(conn.endpoint, httpRequest(request, bearer));
      if (response.status === 401) {
        throw new AuthenticationError(
          `${conn.endpoint.origin} answered 401 to ${request.operation} even with a fresh token: check the role of veeam:username "${conn.username}".`,
          { operation: request.operation, object: request.object, fault: { type: "HTTP 401" } },
        );
      }
    }
    if (response.status >= 200 && response.status < 300) return response;
    throw statusError(response, request);
  }, { idempotent: request.idempotent, signal: request.signal, deadline: request.deadline ?? deadlineAfter(PREVIEW_READ_SECONDS) });
}

function httpRequest(request: ApiRequest, bearer: string): HttpRequest {
  const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: "application/json" };
  let body: string | undefined;
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.body);
  }
  return { method: request.method, path: request.path, headers, body, operation: request.operation, object: request.object, signal: request.signal };
}

function snippet(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
}

/** The error for a non-2xx answer. The Orchestrator's error body is not documented: it is kept as opaque text. */
export function statusError(response: HttpResponse, request: ApiRequest): Error {
  const context = { operation: request.operation, object: request.object };
  const text = snippet(response.text);
  const fault = { type: `HTTP ${response.status}`, message: text || undefined };
  if (response.status === 404) return new NotFoundError(`${request.object ?? request.path} was not found (HTTP 404 from ${request.operation}).`, { ...context, fault });
  if (response.status === 403) return new AuthenticationError(`${request.operation} on ${request.object ?? request.path} is not permitted (HTTP 403)${text ? `: ${text}` : ""}.`, { ...context, fault });
  if (response.status === 409) return new ConflictError(`${request.operation} on ${request.object ?? request.path} was refused (HTTP 409)${text ? `: ${text}` : ""}.`, { ...context, fault });
  if (response.status === 400 || response.status === 422) {
    return new VendorFaultError(`The Orchestrator refused ${request.operation} on ${request.object ?? request.path} (HTTP ${response.status})${text ? `: ${text}` : ""}.`, { ...context, fault });
  }
  return errorForStatus(response, { operation: request.operation, object: request.object });
}

/** Parses a JSON answer with a schema; a body that does not fit is a ServerError naming the operation. */
export function parseBody<S extends z.ZodType>(schema: S, response: HttpResponse, request: ApiRequest): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    throw new ServerError(`${request.operation} answered HTTP ${response.status} with a body that is not JSON: ${snippet(response.text).slice(0, 200)}`, response.status, {
      operation: request.operation,
      object: request.object,
    });
  }
  const parsed = schema.safeParse(camelCaseKeys(json));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ServerError(`${request.operation} answered with an unexpected body (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}).`, response.status, {
      operation: request.operation,
      object: request.object,
    });
  }
  return parsed.data;
}
