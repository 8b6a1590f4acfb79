import * as errors from "../../../errors";

/** A hint per fault type vSphere gives when FT cannot be turned on. */
function ftHint(faultType: string | undefined): string {
  switch (faultType) {
    case "NoHostSuitableForFtSecondary":
      return "vSphere found no host for the secondary: it needs another connected host of the cluster with FT logging and vMotion networking.";
    case "NotSupported":
      return "vSphere answers NotSupported for a template or a VM that is not in a vSphere HA-enabled cluster.";
    case "SecondaryVmAlreadyRegistered":
      return "The VM is already fault tolerant: one secondary per VM.";
    case "InvalidOperationOnSecondaryVm":
      return "The VM is an FT secondary: set vmId to its primary.";
    case "VmConfigIncompatibleForFaultTolerance":
      return "Remove the VM's snapshots and unsupported devices first.";
    case "FaultToleranceNotLicensed":
      return "The hosts need a license that includes Fault Tolerance.";
    case "ManagedObjectNotFound":
      return "Check the host, datastore and metaDataDatastore inputs.";
    case "InvalidArgument":
      return "Check the placement inputs: the secondary's host must be another host of the primary's cluster.";
    default:
      return "";
  }
}

/** One sentence from a message that may or may not end with a full stop. */
function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

/** The same kind of error, saying which VM, what failed and what to do (`hintFor`: a hint per vSphere fault type). */
export function explain(error: unknown, what: string, vm: string, hintFor: (faultType: string | undefined) => string = ftHint): unknown {
  if (!(error instanceof errors.VmAvailabilityError)) return error;
  const hint = hintFor(error.fault?.type);
  const message = `${what} for ${vm} failed: ${sentence(error.message)}${hint ? ` ${hint}` : ""}`;
  const context = { operation: error.operation, object: error.object, fault: error.fault, cause: error, transient: error.transient, delivery: error.delivery };
  if (error instanceof errors.VendorFaultError) return new errors.VendorFaultError(message, context);
  if (error instanceof errors.NotFoundError) return new errors.NotFoundError(message, context);
  if (error instanceof errors.ConflictError) return new errors.ConflictError(message, context);
  if (error instanceof errors.ConnectionError) return new errors.ConnectionError(message, error.requestSent, context);
  if (error instanceof errors.TimeoutError) return new errors.TimeoutError(message, error.lastState, context);
  if (error instanceof errors.ServerError) return new errors.ServerError(message, error.status, context);
  if (error instanceof errors.AuthenticationError) return new errors.AuthenticationError(message, context);
  return error;
}
