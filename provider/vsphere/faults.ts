import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  VendorFaultError,
  type ErrorContext,
  type VendorFault,
  type VmAvailabilityError,
} from "../errors";
import { VENDOR_REFUSAL } from "../http/failure";
import { errorForStatus } from "../http/status";
import type { HttpResponse } from "../http/transport";
import { describeVendorValue, vendorData, vendorExcerpt } from "../http/vendorText";
import { vimSchemas, type MethodFaultBody } from "./schemas";

const MAX_FAULT_DEPTH = 8;

/** A value the server sent, described for a message without serializing it (see http/vendorText.ts). */
export { describeVendorValue };

/** Reads a MethodFault (or a SOAP-era LocalizedMethodFault {fault, localizedMessage}) into type, message and fields. */
export function parseMethodFault(raw: unknown, depth = 0): VendorFault | undefined {
  // Causes nest; a server could nest them without end: a bounded walk keeps a hostile answer from exhausting the stack.
  if (!raw || typeof raw !== "object" || depth > MAX_FAULT_DEPTH) return undefined;
  const wrapper = raw as { _typeName?: unknown; fault?: unknown; localizedMessage?: unknown };
  // Only a LocalizedMethodFault wraps its fault: MethodFaults such as VmConfigIncompatibleForFaultTolerance carry a
  // `fault` field of their own (the specific issue) and must keep their own _typeName.
  const isWrapper = wrapper._typeName === undefined || wrapper._typeName === "LocalizedMethodFault";
  if (isWrapper && wrapper.fault && typeof wrapper.fault === "object") {
    const inner = parseMethodFault(wrapper.fault, depth + 1);
    if (inner && typeof wrapper.localizedMessage === "string" && wrapper.localizedMessage) return { ...inner, message: vendorExcerpt(wrapper.localizedMessage) };
    return inner;
  }
  const parsed = vimSchemas().MethodFault.safeParse(raw);
  if (!parsed.success || !parsed.data._typeName) return undefined;
  const body: MethodFaultBody = parsed.data;
  // The fault's own fields, as a bounded and cleaned copy: a server can put anything there (huge, nested, escape-laden).
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== "_typeName" && key !== "faultMessage" && key !== "faultCause") Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const details = vendorData(fields) as Record<string, unknown>;
  const cause = parseMethodFault(body.faultCause, depth + 1);
  if (cause) details["faultCause"] = cause.type;
  const nested = parseMethodFault(body["fault"], depth + 1);
  const messages = (body.faultMessage ?? []).map((m) => m.message).filter((m): m is string => !!m);
  const message = messages.join(" ") || describeFields(body._typeName ?? "", details) || nested?.message || cause?.message;
  return {
    type: vendorExcerpt(body._typeName ?? "MethodFault", 100),
    ...(message === undefined ? {} : { message: vendorExcerpt(message) }),
    details,
  };
}

function describeFields(type: string, details: Record<string, unknown>): string | undefined {
  const text = (value: unknown): string => (typeof value === "string" ? value : describeVendorValue(value));
  const ref = (value: unknown): string =>
    value && typeof value === "object" && "value" in value ? `${text((value as { type?: unknown }).type ?? "")}:${text((value as { value: unknown }).value)}` : text(value);
  switch (type) {
    case "InvalidPowerState":
      return `the VM is ${text(details["existingState"] ?? "in another power state")}${details["requestedState"] ? `, the operation needs ${text(details["requestedState"])}` : ""}`;
    case "TaskInProgress":
      return `another task is in progress${details["task"] ? ` (${ref(details["task"])})` : ""}`;
    case "ManagedObjectNotFound":
      return `${details["obj"] ? ref(details["obj"]) : "the object"} does not exist`;
    case "InvalidArgument":
      return details["invalidProperty"] ? `invalid argument ${text(details["invalidProperty"])}` : undefined;
    case "NotAuthenticated":
      return "the session is not authenticated";
    case "InvalidLogin":
      return "the user name or password was rejected";
    default:
      return undefined;
  }
}

/**
 * Builds the typed error for a vSphere fault, keeping its `_typeName`, message and fields. The server answered and did
 * not act: a refusal. TaskInProgress is a ConflictError: the task layer waits for the VM and tries again.
 */
export function errorForFault(fault: VendorFault, context: ErrorContext): VmAvailabilityError {
  const where = context.object ? ` on ${context.object}` : "";
  const message = `${context.operation}${where} failed: ${fault.type}${fault.message ? `: ${fault.message}` : ""}`;
  const withFault = { ...context, ...VENDOR_REFUSAL, fault };
  switch (fault.type) {
    case "InvalidLogin":
    case "NotAuthenticated":
    case "NoPermission":
      return new AuthenticationError(message, withFault);
    case "ManagedObjectNotFound":
      return new NotFoundError(message, withFault);
    case "TaskInProgress":
      return new ConflictError(message, withFault);
    default:
      return new VendorFaultError(message, withFault);
  }
}

/** Turns a non-2xx VI/JSON answer into a typed error: a JSON body with `_typeName` is a fault, anything else goes by its status. */
export function errorForResponse(response: HttpResponse, context: ErrorContext): VmAvailabilityError {
  let body: unknown;
  try {
    body = response.text ? JSON.parse(response.text) : undefined;
  } catch {
    body = undefined;
  }
  const fault = parseMethodFault(body);
  if (fault) return errorForFault(fault, context);
  return errorForStatus(response, context);
}

export function isFault(error: unknown, ...types: string[]): boolean {
  return !!error && typeof error === "object" && "fault" in error && types.includes(((error as { fault?: VendorFault }).fault?.type) ?? "");
}
