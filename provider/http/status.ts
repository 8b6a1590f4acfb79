import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  ServerError,
  VendorFaultError,
  type ErrorContext,
  type VmAvailabilityError,
} from "../errors";
import { statusFailure } from "./failure";
import type { HttpResponse } from "./transport";
import { vendorExcerpt } from "./vendorText";

/**
 * The one mapping of an HTTP status (without a vendor fault the client understands) to this package's error classes,
 * for every vendor. The server's text is kept as a bounded, cleaned excerpt; the fault type is `HTTP<status>`.
 */
export function errorForStatus(response: Pick<HttpResponse, "status" | "text" | "retryAfterMs">, context: ErrorContext): VmAvailabilityError {
  const status = response.status;
  const excerpt = vendorExcerpt(response.text);
  const where = context.object ? ` on ${context.object}` : "";
  const failure = statusFailure(status);
  const full: ErrorContext = {
    ...context,
    ...failure,
    fault: context.fault ?? { type: `HTTP${status}`, ...(excerpt ? { message: excerpt } : {}) },
    ...(response.retryAfterMs === undefined ? {} : { retryAfterMs: response.retryAfterMs }),
  };
  const message = `${context.operation}${where} failed: HTTP ${status} (${statusMeaning(status)})${excerpt ? `: ${excerpt}` : ""}`;
  if (status === 401 || status === 403) return new AuthenticationError(message, full);
  if (status === 404) return new NotFoundError(message, full);
  if (status === 409) return new ConflictError(message, full);
  if (status === 400 || status === 422) return new VendorFaultError(message, full);
  return new ServerError(message, status, full);
}

function statusMeaning(status: number): string {
  switch (status) {
    case 400:
      return "bad request";
    case 401:
      return "not authenticated";
    case 403:
      return "not permitted";
    case 404:
      return "not found";
    case 409:
      return "conflict";
    case 422:
      return "not processable";
    case 429:
      return "too many requests";
    case 502:
      return "bad gateway";
    case 503:
      return "service unavailable";
    case 504:
      return "gateway timeout";
    default:
      return status >= 500 ? "server error" : "unexpected status";
  }
}
