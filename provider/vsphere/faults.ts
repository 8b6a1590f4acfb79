import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  ServerError,
  VendorFaultError,
  type ErrorContext,
  type VendorFault,
  type VmAvailabilityError,
} from "../errors";
import type { HttpResponse } from "../http/transport";
import { vimSchemas, type MethodFaultBody } from "./schemas";

/** Fault types that mean "the session is gone": log in again once and replay. */
export const RELOGIN_FAULTS = ["NotAuthenticated"];

/** Reads a MethodFault (or a SOAP-era LocalizedMethodFault {fault, localizedMessage}) into type, message and fields. */
export function parseMethodFault(raw: unknown): VendorFault | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const wrapper = raw as { _typeName?: unknown; fault?: unknown; localizedMessage?: unknown };
  // Only a LocalizedMethodFault wraps its fault: MethodFaults such as VmConfigIncompatibleForFaultTolerance carry a
  // `fault` field of their own (the specific issue) and must keep their own _typeName.
  const isWrapper = wrapper._typeName === undefined || wrapper._typeName === "LocalizedMethodFault";
  if (isWrapper && wrapper.fault && typeof wrapper.fault === "object") {
    const inner = parseMethodFault(wrapper.fault);
    if (inner && typeof wrapper.localizedMessage === "string" && wrapper.localizedMessage) return { ...inner, message: wrapper.localizedMessage };
    return inner;
  }
  const parsed = vimSchemas().MethodFault.safeParse(raw);
  if (!parsed.success || !parsed.data._typeName) return undefined;
  const body: MethodFaultBody = parsed.data;
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== "_typeName" && key !== "faultMessage" && key !== "faultCause") details[key] = value;
  }
  const cause = parseMethodFault(body.faultCause);
  if (cause) details["faultCause"] = cause.type;
  const nested = parseMethodFault(body["fault"]);
  const messages = (body.faultMessage ?? []).map((m) => m.message).filter((m): m is string => !!m);
  return {
    type: body._typeName ?? "MethodFault",
    message: messages.join(" ") || describeFields(body._typeName ?? "", details) || nested?.message || cause?.message,
    details,
  };
}

function describeFields(type: string, details: Record<string, unknown>): string | undefined {
  const ref = (value: unknown): string =>
    value && typeof value === "object" && "value" in value ? `${(value as { type?: string }).type ?? ""}:${String((value as { value: unknown }).value)}` : String(value);
  switch (type) {
    case "InvalidPowerState":
      return `the VM is ${String(details["existingState"] ?? "in another power state")}${details["requestedState"] ? `, the operation needs ${String(details["requestedState"])}` : ""}`;
    case "TaskInProgress":
      return `another task is in progress${details["task"] ? ` (${ref(details["task"])})` : ""}`;
    case "ManagedObjectNotFound":
      return `${details["obj"] ? ref(details["obj"]) : "the object"} does not exist`;
    case "InvalidArgument":
      return details["invalidProperty"] ? `invalid argument ${String(details["invalidProperty"])}` : undefined;
    case "NotAuthenticated":
      return "the session is not authenticated";
    case "InvalidLogin":
      return "the user name or password was rejected";
    default:
      return undefined;
  }
}

/** Builds the typed error for a vSphere fault, keeping its `_typeName`, message and fields. */
export function errorForFault(fault: VendorFault, context: ErrorContext): VmAvailabilityError {
  const where = context.object ? ` on ${context.object}` : "";
  const message = `${context.operation}${where} failed: ${fault.type}${fault.message ? `: ${fault.message}` : ""}`;
  const withFault = { ...context, fault };
  switch (fault.type) {
    case "InvalidLogin":
      return new AuthenticationError(`${message}. Check vsphere:user and vsphere:password (or VSPHERE_USER / VSPHERE_PASSWORD).`, withFault);
    case "NotAuthenticated":
    case "NoPermission":
      return new AuthenticationError(message, withFault);
    case "ManagedObjectNotFound":
      return new NotFoundError(message, withFault);
    case "TaskInProgress":
      return new ConflictError(message, { ...withFault, transient: true });
    default:
      return new VendorFaultError(message, withFault);
  }
}

/** Turns a non-2xx VI/JSON answer into a typed error: a JSON body with `_typeName` is a fault, anything else a ServerError. */
export function errorForResponse(response: HttpResponse, context: ErrorContext): VmAvailabilityError {
  let body: unknown;
  try {
    body = response.text ? JSON.parse(response.text) : undefined;
  } catch {
    body = undefined;
  }
  const fault = parseMethodFault(body);
  if (fault) return errorForFault(fault, context);
  const where = context.object ? ` on ${context.object}` : "";
  const snippet = response.text.length > 200 ? `${response.text.slice(0, 200)}…` : response.text;
  if (response.status === 404) {
    return new NotFoundError(`${context.operation}${where} failed: HTTP 404 (the server does not serve this path)${snippet ? `: ${snippet}` : ""}`, {
      ...context,
      fault: { type: "HTTP404" },
    });
  }
  if (response.status === 401 || response.status === 403) {
    return new AuthenticationError(`${context.operation}${where} failed: HTTP ${response.status}`, { ...context, fault: { type: `HTTP${response.status}` } });
  }
  const transient = [429, 502, 503, 504].includes(response.status);
  return new ServerError(`${context.operation}${where} failed: HTTP ${response.status}${snippet ? `: ${snippet}` : ""}`, response.status, { ...context, transient });
}

export function isFault(error: unknown, ...types: string[]): boolean {
  return !!error && typeof error === "object" && "fault" in error && types.includes(((error as { fault?: VendorFault }).fault?.type) ?? "");
}
