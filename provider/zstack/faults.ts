import * as errors from "../errors";
import type { HttpRequest, HttpResponse } from "../http/transport";
import { errorForStatus } from "../http/status";
import { parseJson, zstackSchemas, type ZstackErrorCode } from "./schemas";

/**
 * ZStack error bodies (`{"error":{code, description, details, elaboration, cause}}`) → this package's error classes.
 * The ZStack error is kept whole in `fault` (type = ZStack code) and its `cause` chain becomes the Error cause chain.
 * Callers branch on the class or on `fault.type` (a ZStack code), never on message text.
 *
 * Codes (zstackio/zstack IdentityErrors, SysErrors, VmErrors):
 *   ID.1000 authentication error (wrong account or password), ID.1001 invalid session ("Session expired"),
 *   ID.1002 permission denied, SYS.1003 resource not found, SYS.1007 invalid argument (also: an API parameter names a
 *   resource that does not exist), VM.1010 VM not in a state that allows the operation.
 */

const SESSION_EXPIRED = "ID.1001";
/** Fault type used when the server refused the request with HTTP 401/403 instead of a ZStack body. */
const HTTP_UNAUTHORIZED = "HTTP.401";

export interface CallContext {
  operation: string;
  object?: string;
}

/** The ZStack ErrorCode carried by a response body, if any. */
export function zstackErrorOf(text: string): ZstackErrorCode | undefined {
  const parsed = zstackSchemas().errorBody.safeParse(parseJson(text));
  return parsed.success ? parsed.data.error : undefined;
}

function describeCode(error: ZstackErrorCode): string {
  const parts = [error.code ?? "(no code)", error.description ?? undefined, error.details ?? undefined].filter(
    (part): part is string => typeof part === "string" && part.length > 0,
  );
  return parts.join(": ");
}

function causeChain(error: ZstackErrorCode): ZstackErrorCode[] {
  const chain: ZstackErrorCode[] = [];
  let current = error.cause ?? undefined;
  for (let depth = 0; current && depth < 10; depth += 1) {
    chain.push(current);
    current = current.cause ?? undefined;
  }
  return chain;
}

/** The cause chain as nested Errors (innermost last), so `error.cause.cause…` reads like ZStack's own chain. */
function causeErrors(chain: ZstackErrorCode[]): Error | undefined {
  let inner: Error | undefined;
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const link = chain[index] as ZstackErrorCode;
    const error: Error = new Error(`ZStack ${describeCode(link)}`, inner === undefined ? undefined : { cause: inner });
    error.name = "ZstackErrorCode";
    Object.assign(error, { code: link.code });
    inner = error;
  }
  return inner;
}

/** A ZStack ErrorCode as the matching error class. */
export function fromZstackError(error: ZstackErrorCode, context: CallContext, httpStatus?: number): errors.VmAvailabilityError {
  const code = error.code ?? "UNKNOWN";
  const chain = causeChain(error);
  const fault: errors.VendorFault = {
    type: code,
    message: error.description ?? undefined,
    details: {
      code,
      description: error.description ?? null,
      details: error.details ?? null,
      elaboration: error.elaboration ?? null,
      causes: chain.map((link) => ({ code: link.code ?? null, description: link.description ?? null, details: link.details ?? null })),
      ...(httpStatus === undefined ? {} : { httpStatus }),
    },
  };
  const innermost = chain.length > 0 ? ` (cause: ${chain.map(describeCode).join(" ← ")})` : "";
  const message = `${context.operation}${context.object ? ` on ${context.object}` : ""} failed: ZStack ${describeCode(error)}${innermost}`;
  const base = { operation: context.operation, object: context.object, fault, cause: causeErrors(chain) };
  if (code.startsWith("ID.")) {
    const hint =
      code === "ID.1000" ? " Check zstack:accountName and zstack:accountPassword (or ZSTACK_ACCOUNT_NAME / ZSTACK_ACCOUNT_PASSWORD)." : "";
    return new errors.AuthenticationError(`${message}${hint}`, base);
  }
  if (code === "SYS.1003") return new errors.NotFoundError(message, base);
  if (code === "VM.1010") return new errors.ConflictError(message, base);
  if (code === "SYS.1012" || code === "SYS.1010") return new errors.VendorFaultError(message, { ...base, transient: true });
  return new errors.VendorFaultError(message, base);
}

/** Any non-success HTTP answer: a ZStack error body when there is one, else a status error (transient for 502/503/504). */
export function httpFailure(response: HttpResponse, request: HttpRequest): errors.VmAvailabilityError {
  const context = { operation: request.operation, object: request.object };
  const zstackError = zstackErrorOf(response.text);
  if (zstackError) return fromZstackError(zstackError, context, response.status);
  if (response.status === 401 || response.status === 403) {
    return new errors.AuthenticationError(
      `${request.operation}${request.object ? ` on ${request.object}` : ""} was refused with HTTP ${response.status}: the ZStack session is not valid.`,
      { ...context, fault: { type: HTTP_UNAUTHORIZED, message: response.text.slice(0, 300) } },
    );
  }
  return errorForStatus(response, { operation: request.operation, object: request.object });
}

/** The session was rejected as expired or unknown (ZStack ID.1001, or HTTP 401/403): log in again and replay once. */
export function isSessionExpired(error: unknown): boolean {
  return (
    error instanceof errors.AuthenticationError && (error.fault?.type === SESSION_EXPIRED || error.fault?.type === HTTP_UNAUTHORIZED)
  );
}

/** A response body that is not what the API documents. */
export function malformedReply(response: HttpResponse, request: HttpRequest, expected: string): errors.ServerError {
  const snippet = response.text.length > 200 ? `${response.text.slice(0, 200)}…` : response.text;
  return new errors.ServerError(
    `${request.operation}${request.object ? ` on ${request.object}` : ""}: ZStack answered HTTP ${response.status} without ${expected}: ${snippet || "(empty body)"}`,
    response.status,
    { operation: request.operation, object: request.object },
  );
}
