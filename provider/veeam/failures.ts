import * as config from "../config";
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  ServerError,
  TimeoutError,
  VendorFaultError,
  CancelledError,
  type ErrorContext,
  type VmAvailabilityError,
} from "../errors";
import { errorForStatus } from "../http/status";
import type { HttpResponse } from "../http/transport";
import type { VeeamConnection } from "./connectionTypes";

/**
 * Failed Orchestrator calls as errors. The status mapping is the shared one (http/status.ts); this module only adds
 * what Veeam users need to read on top of it (which setting or role to check). The Orchestrator's error body is not
 * documented: it is kept as opaque text (redacted, cleaned and cut by the shared mapping).
 */

export interface FailedCall {
  operation: string;
  object?: string;
}

/** The error for a non-2xx answer: the shared mapping, with Veeam's advice where there is some. */
export function statusError(conn: VeeamConnection, response: Pick<HttpResponse, "status" | "text" | "retryAfterMs">, call: FailedCall): VmAvailabilityError {
  const shared = errorForStatus(response, { operation: call.operation, object: call.object });
  const advice = adviceFor(conn, response.status);
  return advice === undefined ? shared : restated(shared, `${withoutFinalStop(shared.message)}. ${advice}`);
}

function adviceFor(conn: VeeamConnection, status: number): string | undefined {
  const username = config.sourceOf("veeam", "username", conn.namespace).configKey;
  if (status === 401) return `The Orchestrator refused a token it had just issued: check the role of ${username} "${conn.username}".`;
  if (status === 403) return `The account ${username} "${conn.username}" needs the Orchestrator Administrator, Plan Author or Plan Operator role for this plan.`;
  return undefined;
}

function withoutFinalStop(message: string): string {
  return message.endsWith(".") ? message.slice(0, -1) : message;
}

/**
 * The same failure told with another message (and context): same class and classification unless `context` says
 * otherwise; the original is kept as the cause.
 */
export function restated(error: VmAvailabilityError, message: string, context: Partial<ErrorContext> = {}): VmAvailabilityError {
  const full: ErrorContext = {
    operation: error.operation,
    object: error.object,
    fault: error.fault,
    transient: error.transient,
    ...(error.delivery === undefined ? {} : { delivery: error.delivery }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    cause: error,
    ...context,
  };
  if (error instanceof ServerError) return new ServerError(message, error.status, full);
  if (error instanceof ConnectionError) return new ConnectionError(message, error.requestSent, full);
  if (error instanceof TimeoutError) return new TimeoutError(message, error.lastState, full);
  if (error instanceof AuthenticationError) return new AuthenticationError(message, full);
  if (error instanceof NotFoundError) return new NotFoundError(message, full);
  if (error instanceof ConflictError) return new ConflictError(message, full);
  if (error instanceof CancelledError) return new CancelledError(message, full);
  if (error instanceof VendorFaultError) return new VendorFaultError(message, full);
  // Errors raised before any call (validation, configuration) are not failed calls: they stay as they are.
  return error;
}
