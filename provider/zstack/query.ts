import { deadlineAfter, PREVIEW_READ_SECONDS } from "../deadline";
import type { ZstackSettings } from "../config";
import { send, type HttpRequest } from "../http/transport";
import { withRetry } from "../http/retry";
import { httpFailure } from "./faults";
import { parseJson } from "./schemas";
import { apiPath, withSession, zstackEndpoint } from "./session";

/**
 * Synchronous ZStack calls (queries, GET): 200 with the result, 503 with `{"error":…}` on failure (including an
 * expired session, ID.1001, which `withSession` answers with one re-login). Transient failures are retried: a GET
 * changes nothing.
 */
export interface QueryCall {
  /** Path below `/zstack/v1`, already encoded; may carry a query string. */
  path: string;
  operation: string;
  object?: string;
  deadline?: number;
  signal?: AbortSignal;
}

export async function getJson(settings: ZstackSettings, call: QueryCall): Promise<unknown> {
  return withSession(settings, (sessionUuid) =>
    withRetry(
      async () => {
        const request: HttpRequest = {
          method: "GET",
          path: apiPath(call.path),
          headers: { Authorization: `OAuth ${sessionUuid}`, Accept: "application/json" },
          operation: call.operation,
          object: call.object,
          signal: call.signal,
        };
        const response = await send(zstackEndpoint(settings), request);
        if (response.status !== 200) throw httpFailure(response, request);
        return parseJson(response.text);
      },
      { idempotent: true, deadline: call.deadline ?? deadlineAfter(PREVIEW_READ_SECONDS), signal: call.signal },
    ),
  );
}
