import type { z } from "zod";
import type { ZstackSettings } from "../config";
import { send, type HttpRequest } from "../http/transport";
import { withRetry } from "../http/retry";
import { httpFailure, parseReply } from "./faults";
import { apiPath, sessionHeaders, withSession, zstackEndpoint } from "./session";

/**
 * Synchronous ZStack calls (queries, GET): 200 with the result, 503 with `{"error":…}` on failure (including an
 * expired session, ID.1001, which `withSession` answers with one re-login). A GET changes nothing, so every transient
 * failure is repeated, within the operation's deadline.
 */
export interface QueryCall<T> {
  /** Path below `/zstack/v1`, already encoded; may carry a query string. */
  path: string;
  /** The answer's shape; a mismatch is an error naming the first field that differs. */
  schema: z.ZodType<T>;
  operation: string;
  object?: string;
  /** Epoch ms: the operation's deadline, which bounds the login, every request and every wait between tries. */
  deadline: number;
  signal?: AbortSignal;
}

export async function query<T>(settings: ZstackSettings, call: QueryCall<T>): Promise<T> {
  return withSession(settings, call.deadline, (sessionUuid) =>
    withRetry(
      async () => {
        const request: HttpRequest = {
          method: "GET",
          path: apiPath(call.path),
          headers: sessionHeaders(sessionUuid),
          operation: call.operation,
          object: call.object,
          deadline: call.deadline,
          signal: call.signal,
        };
        const response = await send(zstackEndpoint(settings), request);
        if (response.status !== 200) throw httpFailure(response, request, settings.namespace);
        return parseReply(call.schema, response, request);
      },
      { idempotent: true, deadline: call.deadline, signal: call.signal },
    ),
  );
}
