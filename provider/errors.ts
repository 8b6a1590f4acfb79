import { describeVendorValue, printable, vendorData, vendorExcerpt } from "./http/vendorText";
import { redact, redactData } from "./redact";

/** What went wrong, independent of the vendor. Callers branch on the class (or `kind`), never on message text. */
export type ErrorKind =
  | "validation"
  | "configuration"
  | "authentication"
  | "not-found"
  | "conflict"
  | "server"
  | "connection"
  | "timeout"
  | "cancelled"
  | "vendor-fault"
  | "partial";

/** A vendor's own fault, kept as it came: vSphere `_typeName`, Veeam HTTP status, ZStack error code. */
export interface VendorFault {
  type: string;
  message?: string;
  details?: Record<string, unknown>;
}

/**
 * Whether a failed call reached the server and what the server did with it: `notSent` (it never left this process or
 * the connection was never made), `refused` (the server answered that it did not act), `unknown` (it may have acted).
 * Set by the call layer (see http/failure.ts); errors raised by this package's own checks carry none.
 */
export type Delivery = "notSent" | "refused" | "unknown";

export interface ErrorContext {
  /** The operation that failed, e.g. "CreateSnapshotEx_Task" or "create VmSnapshot". */
  operation: string;
  /** The object it was applied to, e.g. "VirtualMachine:vm-42". */
  object?: string;
  cause?: unknown;
  fault?: VendorFault;
  /** The same call may succeed if made again later (a gateway status, a dropped connection, a busy server). */
  transient?: boolean;
  delivery?: Delivery;
  /** How long the server asked the client to wait before calling again (Retry-After), in ms. */
  retryAfterMs?: number;
}

/** Longest message an error keeps (a longer one is cut and says so). */
export const MESSAGE_LIMIT = 4_000;

/**
 * Errors are made safe when they are built, not when they are printed. Whatever reaches an error (a message built
 * around a vendor's text, a fault with the server's own fields, the cause a library threw) is redacted, cleaned of
 * escape sequences and control characters and bounded in the constructor, so every consumer sees the same safe data:
 * the engine reading `message`, JSON.stringify, util.inspect at any depth, a logger walking the properties or the
 * `cause` chain, structuredClone. Output-time hooks (toJSON, util.inspect.custom) would protect only the consumers that
 * call them and leave the raw values in memory for every other one. Secrets are registered before the calls that could
 * echo them (passwords when the configuration is read, tokens and session ids as soon as they are issued).
 */
export abstract class VmAvailabilityError extends Error {
  abstract readonly kind: ErrorKind;
  readonly operation: string;
  readonly object?: string;
  readonly fault?: VendorFault;
  readonly transient: boolean;
  readonly delivery?: Delivery;
  readonly retryAfterMs?: number;

  constructor(message: string, context: ErrorContext) {
    const text = safeText(message);
    const cause = context.cause === undefined ? undefined : safeCause(context.cause);
    super(text, cause === undefined ? undefined : { cause });
    // Pulumi's closure serializer turns classes into functions and calls `Error` as a plain function, which initializes
    // nothing on `this`: set message, cause and stack explicitly so errors keep them in a by-value serialized provider.
    this.message = text;
    if (cause !== undefined) this.cause = cause;
    if (!this.stack || !this.stack.includes(this.message)) Error.captureStackTrace?.(this, VmAvailabilityError);
    this.operation = context.operation;
    this.object = context.object === undefined ? undefined : safeText(context.object, 300);
    this.fault = context.fault === undefined ? undefined : safeFault(context.fault);
    this.transient = context.transient ?? false;
    if (context.delivery !== undefined) this.delivery = context.delivery;
    if (context.retryAfterMs !== undefined) this.retryAfterMs = context.retryAfterMs;
  }

  override toString(): string {
    return `${this.name}: ${this.message}`;
  }
}

/** Text an error keeps: redacted first (a secret cut in half would no longer be recognized), then cleaned and bounded. */
export function safeText(text: string, limit = MESSAGE_LIMIT): string {
  const clean = printable(redact(text));
  return clean.length <= limit ? clean : `${clean.slice(0, limit)}… (cut: ${clean.length - limit} more characters)`;
}

function safeFault(fault: VendorFault): VendorFault {
  return {
    type: vendorExcerpt(fault.type, 200),
    ...(fault.message === undefined ? {} : { message: vendorExcerpt(fault.message, 2_000) }),
    ...(fault.details === undefined ? {} : { details: redactData(vendorData(fault.details)) as Record<string, unknown> }),
  };
}

const MAX_CAUSE_DEPTH = 8;

/**
 * The cause an error keeps: one of this package's errors as it is (it was made safe when built); anything else as a
 * copy with the same name, message, code and other plain fields, redacted and cleaned, its own cause copied the same way.
 */
function safeCause(cause: unknown, depth = 0): unknown {
  if (typeof cause === "string") return safeText(cause);
  if (cause === null || typeof cause !== "object") return cause;
  if (isPackageError(cause)) return cause;
  if (depth >= MAX_CAUSE_DEPTH) return new Error("(further causes left out)");
  const source = cause as { message?: unknown; name?: unknown; stack?: unknown; cause?: unknown };
  if (typeof source.message !== "string") return redactData(vendorData(cause));
  const inner = source.cause === undefined ? undefined : safeCause(source.cause, depth + 1);
  const copy = new Error(safeText(source.message), inner === undefined ? undefined : { cause: inner });
  if (inner !== undefined) copy.cause = inner;
  copy.name = typeof source.name === "string" ? safeText(source.name, 100) : "Error";
  copy.stack = typeof source.stack === "string" ? safeText(source.stack) : `${copy.name}: ${copy.message}`;
  for (const [key, value] of Object.entries(cause)) {
    if (key === "message" || key === "name" || key === "stack" || key === "cause") continue;
    const kept = typeof value === "string" ? safeText(value, 500) : typeof value === "object" && value !== null ? redactData(vendorData(value)) : value;
    Object.defineProperty(copy, key, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

function isPackageError(value: object): boolean {
  const candidate = value as { kind?: unknown; operation?: unknown; transient?: unknown };
  return typeof candidate.kind === "string" && typeof candidate.operation === "string" && typeof candidate.transient === "boolean";
}

/** Input that can never work; raised before any API call. `property` names the offending input or setting. */
export class ValidationError extends VmAvailabilityError {
  readonly kind = "validation" as const;
  override readonly name = "ValidationError";
  constructor(
    message: string,
    readonly property: string,
    context: Partial<ErrorContext> = {},
  ) {
    super(message, { operation: "validate", ...context });
  }
}

/** A connection setting is missing or malformed; the message names the stack config key and environment variable. */
export class ConfigurationError extends VmAvailabilityError {
  readonly kind = "configuration" as const;
  override readonly name = "ConfigurationError";
  constructor(
    message: string,
    readonly setting: string,
    context: Partial<ErrorContext> = {},
  ) {
    super(message, { operation: "configure", ...context });
  }
}

export class AuthenticationError extends VmAvailabilityError {
  readonly kind = "authentication" as const;
  override readonly name = "AuthenticationError";
}

export class NotFoundError extends VmAvailabilityError {
  readonly kind = "not-found" as const;
  override readonly name = "NotFoundError";
}

/** The object is busy (another task in progress, plan in use) or in a state that forbids the operation. */
export class ConflictError extends VmAvailabilityError {
  readonly kind = "conflict" as const;
  override readonly name = "ConflictError";
}

/** The server answered with an error status that is not one of the kinds above. */
export class ServerError extends VmAvailabilityError {
  readonly kind = "server" as const;
  override readonly name = "ServerError";
  constructor(
    message: string,
    readonly status: number,
    context: ErrorContext,
  ) {
    super(message, context);
  }
}

/**
 * The request failed below HTTP: refused, reset, TLS, DNS, request timeout. `requestSent` tells whether the server may
 * have received it, which decides whether a non-idempotent call may be repeated.
 */
export class ConnectionError extends VmAvailabilityError {
  readonly kind = "connection" as const;
  override readonly name = "ConnectionError";
  constructor(
    message: string,
    readonly requestSent: boolean,
    context: ErrorContext,
  ) {
    super(message, context);
  }
}

/** A deadline passed. `lastState` is the last state observed before giving up. */
export class TimeoutError extends VmAvailabilityError {
  readonly kind = "timeout" as const;
  override readonly name = "TimeoutError";
  readonly lastState: string | undefined;
  constructor(message: string, lastState: string | undefined, context: ErrorContext) {
    super(message, context);
    this.lastState = lastState === undefined ? undefined : safeText(lastState, 1_000);
  }
}

export class CancelledError extends VmAvailabilityError {
  readonly kind = "cancelled" as const;
  override readonly name = "CancelledError";
}

/** The vendor refused or failed the operation with its own fault (see `fault`). */
export class VendorFaultError extends VmAvailabilityError {
  readonly kind = "vendor-fault" as const;
  override readonly name = "VendorFaultError";
}

/**
 * Pulumi's partial-failure shape: the object exists but the operation did not finish. The engine records `id` and
 * `properties` in state instead of forgetting the object.
 */
export class PartialFailureError extends VmAvailabilityError {
  readonly kind = "partial" as const;
  override readonly name = "PartialFailureError";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(message: string, id: string, properties: Record<string, unknown>, reasons: string[], context: ErrorContext) {
    super(message, context);
    this.id = id;
    this.properties = redactData(properties, 0, 64) as Record<string, unknown>;
    this.reasons = reasons.map((reason) => safeText(reason));
  }
}

export function describeObject(type: string, id: string): string {
  return `${type}:${id}`;
}

/** The vendor fault behind a thrown value, when it is one of ours: kept when an error is wrapped. */
export function faultOf(error: unknown): VendorFault | undefined {
  return error instanceof VmAvailabilityError ? error.fault : undefined;
}

/** The message of any thrown value, redacted. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") return redact((error as { message: string }).message);
  if (typeof error === "string") return redact(error);
  // String() of a thrown array nested without end, or of an object with a throwing toString, would throw itself.
  return error !== null && typeof error === "object" ? describeVendorValue(error) : String(error);
}

/**
 * Kind checks that do not rely on `instanceof`: a provider serialized by value rebuilds these classes as plain
 * functions whose prototypes do not reach `Error.prototype`.
 */
export function isPartialFailure(error: unknown): error is PartialFailureError {
  return hasKind(error, "partial");
}

export function hasKind(error: unknown, kind: ErrorKind): error is VmAvailabilityError {
  return !!error && typeof error === "object" && (error as { kind?: unknown }).kind === kind;
}
