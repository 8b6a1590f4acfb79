import type { z } from "zod";
import * as config from "../config";
import * as errors from "../errors";
import { VENDOR_REFUSAL } from "../http/failure";
import { parseAnswer } from "../http/parseAnswer";
import { errorForStatus } from "../http/status";
import type { HttpRequest, HttpResponse } from "../http/transport";
import { VENDOR_TEXT_LIMIT, vendorExcerpt } from "../http/vendorText";
import { redact } from "../redact";
import { parseJson, zstackSchemas, type ZstackErrorLink } from "./schemas";

/**
 * ZStack error bodies (`{"error":{code, description, details, elaboration, cause}}`) → this package's error classes.
 * The ZStack error is kept in `fault` (type = ZStack code, details = the fields and the cause chain as data) and its
 * `cause` chain becomes the Error cause chain. Callers branch on the class or on `fault.type` (a ZStack code), never on
 * message text. Answers without a ZStack body fall back to the shared status mapping (`errorForStatus`).
 *
 * Everything the server wrote is treated as hostile: every string kept is redacted (a server may echo the password
 * digest or the session uuid), cleaned of escape and control characters and bounded, and the cause chain is walked to
 * a bounded depth.
 *
 * Codes (zstackio/zstack IdentityErrors, SysErrors, VmErrors):
 *   ID.1000 authentication error (wrong account or password), ID.1001 invalid session ("Session expired"),
 *   ID.1002 permission denied, SYS.1003 resource not found, SYS.1007 invalid argument (also: an API parameter names a
 *   resource that does not exist), VM.1010 VM not in a state that allows the operation.
 */

const SESSION_EXPIRED = "ID.1001";
const WRONG_CREDENTIALS = "ID.1000";
/** Fault types of `errorForStatus` for a session refused without a ZStack body. */
const SESSION_REFUSED_BY_STATUS = ["HTTP401", "HTTP403"];

/** Causes kept in `fault.details.causes` and in the Error cause chain. */
export const MAX_CAUSE_DEPTH = 10;
/** Causes named in the message itself (the rest are counted). */
const CAUSES_IN_MESSAGE = 3;
const CAUSE_TEXT_LIMIT = 200;
const CODE_LIMIT = 64;

export interface CallContext {
  operation: string;
  object?: string;
  /** The stack-config namespace of the settings in use, named by hints (`zstack-east:accountName`). */
  namespace: string;
}

/** One ZStack error link as it is kept: every field redacted, cleaned and bounded. */
interface KeptLink {
  code: string | null;
  description: string | null;
  details: string | null;
  elaboration: string | null;
}

/** Server text as an error keeps it: secrets the server echoed redacted, escape and control characters removed, bounded. */
export function serverText(text: string, limit = VENDOR_TEXT_LIMIT): string {
  // Redacted before cleaning (a secret cut by the excerpt would no longer match) and after (folding white space may
  // rebuild one).
  return redact(vendorExcerpt(redact(text), limit));
}

function kept(value: string | null | undefined, limit = VENDOR_TEXT_LIMIT): string | null {
  if (value === null || value === undefined) return null;
  const text = serverText(value, limit);
  return text === "" ? null : text;
}

function keepLink(link: ZstackErrorLink): KeptLink {
  return {
    code: kept(link.code, CODE_LIMIT),
    description: kept(link.description),
    details: kept(link.details),
    elaboration: kept(link.elaboration),
  };
}

/** The ZStack ErrorCode carried by a response body, if any (its cause left raw: see `causeChain`). */
export function zstackErrorOf(text: string): ZstackErrorLink | undefined {
  const parsed = zstackSchemas().errorBody.safeParse(parseJson(text));
  return parsed.success ? parsed.data.error : undefined;
}

/** The causes of an error, outermost first, at most MAX_CAUSE_DEPTH; a cause that is not an ErrorCode ends the chain. */
function causeChain(error: ZstackErrorLink): ZstackErrorLink[] {
  const chain: ZstackErrorLink[] = [];
  let next: unknown = error.cause;
  while (chain.length < MAX_CAUSE_DEPTH && next !== null && next !== undefined) {
    const parsed = zstackSchemas().errorLink.safeParse(next);
    if (!parsed.success) break;
    chain.push(parsed.data);
    next = parsed.data.cause;
  }
  return chain;
}

function describeLink(link: KeptLink, limit?: number): string {
  const parts = [link.code ?? "(no code)", link.description, link.details].filter((part): part is string => typeof part === "string" && part.length > 0);
  const text = parts.join(": ");
  return limit !== undefined && text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** The cause chain as nested Errors (innermost last), so `error.cause.cause…` reads like ZStack's own chain. */
function causeErrors(chain: KeptLink[]): Error | undefined {
  let inner: Error | undefined;
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const link = chain[index] as KeptLink;
    const error: Error = new Error(`ZStack ${describeLink(link)}`, inner === undefined ? undefined : { cause: inner });
    error.name = "ZstackErrorCode";
    Object.assign(error, { code: link.code });
    inner = error;
  }
  return inner;
}

function describeCauses(chain: KeptLink[]): string {
  if (chain.length === 0) return "";
  const shown = chain.slice(0, CAUSES_IN_MESSAGE).map((link) => describeLink(link, CAUSE_TEXT_LIMIT));
  const more = chain.length > CAUSES_IN_MESSAGE ? ` ← … ${chain.length - CAUSES_IN_MESSAGE} more` : "";
  return ` (cause: ${shown.join(" ← ")}${more})`;
}

/** `text` followed by `next` as a new sentence. */
function thenSentence(text: string, next: string): string {
  return `${text}${/[.!?]$/.test(text) ? "" : "."} ${next}`;
}

function credentialsHint(namespace: string): string {
  const name = config.sourceOf("zstack", "accountName", namespace);
  const password = config.sourceOf("zstack", "accountPassword", namespace);
  return `Check ${name.configKey} and ${password.configKey} (or ${name.envVar} / ${password.envVar}).`;
}

/** A ZStack ErrorCode as the matching error class. */
export function fromZstackError(error: ZstackErrorLink, context: CallContext, httpStatus?: number): errors.VmAvailabilityError {
  const top = keepLink(error);
  const chain = causeChain(error).map(keepLink);
  const code = top.code ?? "UNKNOWN";
  const fault: errors.VendorFault = {
    type: code,
    ...(top.description === null ? {} : { message: top.description }),
    details: {
      ...top,
      code,
      causes: chain.map((link) => ({ code: link.code, description: link.description, details: link.details })),
      ...(httpStatus === undefined ? {} : { httpStatus }),
    },
  };
  const message = `${context.operation}${context.object ? ` on ${context.object}` : ""} failed: ZStack ${describeLink(top)}${describeCauses(chain)}`;
  const base = { operation: context.operation, object: context.object, fault, cause: causeErrors(chain), ...VENDOR_REFUSAL };
  if (code.startsWith("ID.")) {
    return new errors.AuthenticationError(code === WRONG_CREDENTIALS ? thenSentence(message, credentialsHint(context.namespace)) : message, base);
  }
  if (code === "SYS.1003") return new errors.NotFoundError(message, base);
  if (code === "VM.1010") return new errors.ConflictError(message, base);
  if (code === "SYS.1012" || code === "SYS.1010") return new errors.VendorFaultError(message, { ...base, transient: true });
  return new errors.VendorFaultError(message, base);
}

/** Any non-success HTTP answer: a ZStack error body when there is one, else the shared status mapping. */
export function httpFailure(response: HttpResponse, request: HttpRequest, namespace: string): errors.VmAvailabilityError {
  const context = { operation: request.operation, object: request.object };
  const zstackError = zstackErrorOf(response.text);
  if (zstackError) return fromZstackError(zstackError, { ...context, namespace }, response.status);
  return errorForStatus({ ...response, text: redact(response.text) }, context);
}

/** The session was rejected as expired or unknown (ZStack ID.1001, or HTTP 401/403 without a body): log in again and replay once. */
export function isSessionExpired(error: unknown): boolean {
  if (!(error instanceof errors.AuthenticationError)) return false;
  const type = error.fault?.type;
  return type === SESSION_EXPIRED || (type !== undefined && SESSION_REFUSED_BY_STATUS.includes(type));
}

/**
 * A job that ZStack failed with "Session expired" (ID.1001 as the job's result): it did nothing, so it may be submitted
 * again after a new login. A bare 401/403 on a poll is not the job's result and does not count.
 */
export function jobFailedForSession(error: unknown): boolean {
  return error instanceof errors.AuthenticationError && error.fault?.type === SESSION_EXPIRED;
}

/**
 * Parses a success answer: text that is not JSON, or JSON of another shape, is a ServerError that names what is wrong
 * (the first field that does not match).
 */
export function parseReply<T>(schema: z.ZodType<T>, response: HttpResponse, request: HttpRequest): T {
  const context = { operation: request.operation, object: request.object };
  const raw = parseJson(response.text);
  if (raw === undefined) {
    const body = response.text.trim() === "" ? "an empty body" : `a body that is not JSON: ${serverText(response.text, CAUSE_TEXT_LIMIT)}`;
    throw new errors.ServerError(`${request.operation}${request.object ? ` on ${request.object}` : ""}: ZStack answered HTTP ${response.status} with ${body}.`, response.status, context);
  }
  return parseAnswer(schema, raw, context);
}
