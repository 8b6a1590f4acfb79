/**
 * pulumi-vm-availability: Pulumi dynamic resources that make VM availability declarative.
 *
 * Every resource class comes with the provider object it uses (for tests and custom wiring). Providers read their
 * connection settings from the stack config given to `configure`, or from environment variables when called directly.
 */
import "./nodeVersion";

export {
  ValidationError,
  ConfigurationError,
  AuthenticationError,
  NotFoundError,
  ConflictError,
  ServerError,
  ConnectionError,
  TimeoutError,
  CancelledError,
  VendorFaultError,
  PartialFailureError,
  VmAvailabilityError,
} from "./errors";
export type { ErrorKind, VendorFault } from "./errors";
export { vsphereSettings, veeamSettings, zstackSettings } from "./config";
export type { VsphereSettings, VeeamSettings, ZstackSettings } from "./config";
export { lookupVirtualMachine } from "./lookup/lookupVirtualMachine";
export type { LookupVirtualMachineArgs, LookupVirtualMachineResult } from "./lookup/lookupVirtualMachine";

export { VmInstanceRecovery, vmInstanceRecoveryProvider } from "./resources/zstack/vmInstanceRecovery/resource";
export type { VmInstanceRecoveryArgs, VmInstanceRecoveryOutputs, VmInstanceRecoveryInputs } from "./resources/zstack/vmInstanceRecovery/args";

export { FtSecondary, ftSecondaryProvider } from "./resources/vsphere/ftSecondary/resource";
export type { FtSecondaryArgs, FtSecondaryInputs, FtSecondaryOutputs, PowerOnOutcome } from "./resources/vsphere/ftSecondary/args";
export { FtFailoverTest, ftFailoverTestProvider } from "./resources/vsphere/ftFailoverTest/resource";
export type { FtFailoverTestArgs, FtFailoverTestInputs, FtFailoverTestOutputs, FtTestMode, FtTestResult } from "./resources/vsphere/ftFailoverTest/args";

export { VmPowerState, vmPowerStateProvider } from "./resources/vsphere/vmPowerState/resource";
export type { VmPowerStateArgs, VmPowerStateInputs, VmPowerStateOutputs, DeclaredPowerState } from "./resources/vsphere/vmPowerState/args";
export { VmSnapshot, vmSnapshotProvider } from "./resources/vsphere/vmSnapshot/resource";
export type { VmSnapshotArgs, VmSnapshotInputs, VmSnapshotOutputs } from "./resources/vsphere/vmSnapshot/args";
export { VmSnapshotRevert, vmSnapshotRevertProvider } from "./resources/vsphere/vmSnapshotRevert/resource";
export type { VmSnapshotRevertArgs, VmSnapshotRevertInputs, VmSnapshotRevertOutputs } from "./resources/vsphere/vmSnapshotRevert/args";

export { FailoverPlanRun, failoverPlanRunProvider } from "./resources/veeam/failoverPlanRun/resource";
export type { FailoverPlanRunArgs, FailoverPlanRunOutputs, RunResult as FailoverRunResult } from "./resources/veeam/failoverPlanRun/args";
