/**
 * vSphere faults as the VI/JSON API sends them: HTTP 500, `application/json`, body
 * `{"_typeName":"<FaultType>","faultMessage":[LocalizableMessage], ...fault fields}`. Handlers throw `VimFaultError`;
 * the router turns it into the 500 reply, the task runner into `TaskInfo.error`.
 * Field names follow the fault schemas of the VI/JSON specification.
 */
import type { MoRef } from "./wire";

export interface LocalizableMessage {
  _typeName: "LocalizableMessage";
  key: string;
  message?: string;
}

export interface FaultBody {
  _typeName: string;
  faultCause?: FaultBody;
  faultMessage?: LocalizableMessage[];
  [field: string]: unknown;
}

export class VimFaultError extends Error {
  constructor(readonly body: FaultBody) {
    super(`${body._typeName}: ${body.faultMessage?.map((m) => m.message).join("; ") ?? ""}`);
    this.name = "VimFaultError";
  }
}

/** Builds a fault body; `message` becomes one faultMessage entry (optional in the spec, helpful to humans). */
export function faultBody(typeName: string, fields: Record<string, unknown> = {}, message?: string): FaultBody {
  const body: FaultBody = { _typeName: typeName, ...fields };
  if (message !== undefined) body.faultMessage = [{ _typeName: "LocalizableMessage", key: `com.vmware.simulator.${typeName}`, message }];
  return body;
}

export function vimFault(typeName: string, fields: Record<string, unknown> = {}, message?: string): VimFaultError {
  return new VimFaultError(faultBody(typeName, fields, message));
}

export type PowerState = "poweredOn" | "poweredOff" | "suspended";

export const faults = {
  invalidPowerState: (requestedState: PowerState | undefined, existingState: PowerState, message?: string) =>
    vimFault("InvalidPowerState", { ...(requestedState ? { requestedState } : {}), existingState }, message ?? `The attempted operation cannot be performed in the current state (${existingState}).`),
  taskInProgress: (task: MoRef) => vimFault("TaskInProgress", { task }, "The operation is not allowed in the current state: another task is in progress."),
  managedObjectNotFound: (obj: MoRef) => vimFault("ManagedObjectNotFound", { obj }, `The object '${obj.type}:${obj.value}' has already been deleted or has not been completely created`),
  notAuthenticated: (object: MoRef, privilegeId: string) => vimFault("NotAuthenticated", { object, privilegeId }, "The session is not authenticated."),
  invalidLogin: () => vimFault("InvalidLogin", {}, "Cannot complete login due to an incorrect user name or password."),
  invalidRequest: (message: string) => vimFault("InvalidRequest", {}, message),
  invalidArgument: (invalidProperty: string | undefined, message: string) => vimFault("InvalidArgument", invalidProperty ? { invalidProperty } : {}, message),
  invalidProperty: (name: string) => vimFault("InvalidProperty", { name }, `Invalid property path '${name}'.`),
  invalidName: (name: string, entity?: MoRef) => vimFault("InvalidName", { name, ...(entity ? { entity } : {}) }, `The name '${name}' is invalid.`),
  invalidState: (message: string) => vimFault("InvalidState", {}, message),
  notSupported: (message: string) => vimFault("NotSupported", {}, message),
  toolsUnavailable: (message = "VMware Tools is not running in the guest.") => vimFault("ToolsUnavailable", {}, message),
  requestCanceled: (message = "The task was canceled by a user.") => vimFault("RequestCanceled", {}, message),
  invalidCollectorVersion: () => vimFault("InvalidCollectorVersion", {}, "The version is not valid for this property collector."),
  notFound: (message: string) => vimFault("NotFound", {}, message),
};
