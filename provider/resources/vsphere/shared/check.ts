import { deadlineAfter, PREVIEW_READ_SECONDS } from "../../../deadline";
import * as errors from "../../../errors";
import * as connections from "../../../vsphere/connection";

/**
 * The vCenter connection for a live check at preview time. An unconfigured or unreachable vCenter is an error that
 * says which input needed it, instead of a bare connection failure.
 */
export async function connectForCheck(resource: string, property: string, namespace: string): Promise<connections.VsphereConnection> {
  const operation = `check ${resource}`;
  try {
    return await connections.connect(namespace, previewDeadline());
  } catch (error) {
    const prefix = `Checking ${property} of ${resource} needs vCenter: `;
    const message = prefix + errors.errorMessage(error);
    if (error instanceof errors.ConfigurationError) throw new errors.ConfigurationError(message, error.setting, { operation, cause: error });
    if (error instanceof errors.ConnectionError) throw new errors.ConnectionError(message, error.requestSent, { operation, cause: error, object: error.object });
    if (error instanceof errors.AuthenticationError) throw new errors.AuthenticationError(message, { operation, cause: error, fault: error.fault });
    if (error instanceof errors.ServerError) throw new errors.ServerError(message, error.status, { operation, cause: error, fault: error.fault });
    throw error;
  }
}

/** True when the value is a known input that is new or differs from the one recorded in the old state. */
export function knownAndChanged(olds: Record<string, unknown>, news: Record<string, unknown>, key: string, isUnknown: (value: unknown) => boolean): boolean {
  const value = news[key];
  if (value === undefined || isUnknown(value)) return false;
  return !(key in olds) || olds[key] !== value;
}

/** The deadline of the reads one check makes at preview (no timeoutSeconds applies there). */
export function previewDeadline(): number {
  return deadlineAfter(PREVIEW_READ_SECONDS);
}
