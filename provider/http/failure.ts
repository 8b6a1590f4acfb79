import { CancelledError, ConnectionError, ServerError, TimeoutError, VmAvailabilityError, type Delivery } from "../errors";

/**
 * The one classification of a failed call, for every vendor: did the request reach the server and what did the server
 * do with it (`delivery`), and may the same call succeed later (`transient`). Every retry and reconcile decision is made
 * from it: an idempotent call is repeated on any transient failure; a call that starts work is repeated only when the
 * server provably did not act (`notSent` or `refused`); `unknown` means read the state back instead.
 */
export interface CallFailure {
  delivery: Delivery;
  transient: boolean;
  /** The server's Retry-After, in ms. */
  retryAfterMs?: number;
}

/** What a network-level error code says: the connection was never made, or it broke after the request went out. */
export function networkFailure(code: string): { delivery: Delivery; transient: boolean } {
  switch (code) {
    case "ECONNREFUSED":
    case "UND_ERR_CONNECT_TIMEOUT":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EAI_AGAIN":
      return { delivery: "notSent", transient: true };
    case "ENOTFOUND":
      return { delivery: "notSent", transient: false };
    default:
      // Reset or closed mid-request: the server may have acted on it.
      return { delivery: "unknown", transient: true };
  }
}

/** A TLS failure: the handshake failed, so no request was sent; it fails the same way until a setting changes. */
export const TLS_FAILURE = { delivery: "notSent", transient: false } as const;

/** A request that got no complete answer before its time ran out: the server may have acted. */
export const NO_ANSWER = { delivery: "unknown", transient: true } as const;

/**
 * What an HTTP status without a vendor fault body says. 429 and 503 are the server (or its proxy) refusing to take the
 * call now; 502 and 504 come from a gateway that may have passed the request on; a 4xx other than 429 is a refusal
 * that repeats itself; any other status leaves the outcome unknown.
 */
export function statusFailure(status: number): { delivery: Delivery; transient: boolean } {
  if (status === 429 || status === 503) return { delivery: "refused", transient: true };
  if (status === 502 || status === 504) return { delivery: "unknown", transient: true };
  if (status >= 400 && status < 500) return { delivery: "refused", transient: false };
  return { delivery: "unknown", transient: false };
}

/** A vendor's own fault in an answer (vSphere MethodFault, ZStack error body): the server looked at the call and refused it. */
export const VENDOR_REFUSAL = { delivery: "refused", transient: false } as const;

/**
 * The classification of any thrown value. Errors of the call layer carry their delivery; for the others it follows from
 * the class: a connection error from `requestSent`, a timeout or an unexpected error is `unknown`, and an error raised
 * after the server answered (a vendor fault, a refusal, a not-found) is `refused`.
 */
export function classify(error: unknown): CallFailure {
  if (!(error instanceof VmAvailabilityError)) return { delivery: "unknown", transient: false };
  const retryAfterMs = error.retryAfterMs;
  const withRetryAfter = (failure: { delivery: Delivery; transient: boolean }): CallFailure =>
    retryAfterMs === undefined ? failure : { ...failure, retryAfterMs };
  if (error.delivery !== undefined) return withRetryAfter({ delivery: error.delivery, transient: error.transient });
  if (error instanceof ConnectionError) return withRetryAfter({ delivery: error.requestSent ? "unknown" : "notSent", transient: error.transient });
  if (error instanceof TimeoutError || error instanceof CancelledError) return withRetryAfter({ delivery: "unknown", transient: error.transient });
  if (error instanceof ServerError) return withRetryAfter({ delivery: statusFailure(error.status).delivery, transient: error.transient });
  return withRetryAfter({ delivery: "refused", transient: error.transient });
}

/** True when the call may be made again: any transient failure of an idempotent call, or of one the server did not act on. */
export function mayRepeat(error: unknown, idempotent: boolean): boolean {
  const failure = classify(error);
  if (!failure.transient) return false;
  return idempotent || failure.delivery !== "unknown";
}

/**
 * True when a request failed in a way that leaves open whether the server acted on it: the caller reads the state back
 * before deciding. Only failures of a request count (a timeout of this package's own waiting is a verdict, not a lost
 * answer, and a programming error is not a reason to repeat anything).
 */
export function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof VmAvailabilityError) || classify(error).delivery !== "unknown") return false;
  return error.delivery !== undefined || error instanceof ConnectionError || error instanceof ServerError;
}

/** Parses a Retry-After header (delay-seconds or an HTTP-date) into ms from `now`; undefined when absent or malformed. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The error is ours and says the server answered with this HTTP status (used where a status is itself the answer). */
export function hasStatus(error: unknown, status: number): boolean {
  return error instanceof ServerError && error.status === status;
}
