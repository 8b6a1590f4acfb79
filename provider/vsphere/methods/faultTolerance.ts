import type { VendorFault } from "../../errors";
import type * as connections from "../connection";
import { parseMethodFault } from "../faults";
import { invokeMethod } from "../invoke";
import { describeMoRef, moRef, vmRef } from "../moref";
import { startTask, type StartOptions, type TaskStart } from "../tasks";

/** Placement of a secondary: FaultToleranceConfigSpec as the spec defines it (disks carry the primary's VirtualDisk devices). */
export interface SecondaryPlacement {
  hostId?: string;
  /** Datastore for the secondary's configuration files (secondaryVmSpec.vmConfig). */
  datastoreId?: string;
  /** Disks of the primary (VirtualDevice objects as read from config.hardware.device) to place on `datastoreId`. */
  disks?: Record<string, unknown>[];
  metaDataDatastoreId?: string;
}

/** CreateSecondaryVMEx_Task on the primary; the task result is a FaultToleranceSecondaryOpResult. */
export function createSecondaryVmEx(connection: connections.VsphereConnection, primaryVmId: string, placement: SecondaryPlacement, options: StartOptions): Promise<TaskStart> {
  const spec: Record<string, unknown> = {};
  if (placement.metaDataDatastoreId) {
    spec["metaDataPath"] = { _typeName: "FaultToleranceMetaSpec", metaDataDatastore: moRef("Datastore", placement.metaDataDatastoreId) };
  }
  if (placement.datastoreId) {
    const datastore = moRef("Datastore", placement.datastoreId);
    spec["secondaryVmSpec"] = {
      _typeName: "FaultToleranceVMConfigSpec",
      vmConfig: datastore,
      ...(placement.disks && placement.disks.length > 0
        ? { disks: placement.disks.map((disk) => ({ _typeName: "FaultToleranceDiskSpec", disk, datastore })) }
        : {}),
    };
  }
  const body: Record<string, unknown> = {};
  if (placement.hostId) body["host"] = moRef("HostSystem", placement.hostId);
  if (Object.keys(spec).length > 0) body["spec"] = { _typeName: "FaultToleranceConfigSpec", ...spec };
  return startTask(connection, vmRef(primaryVmId), "CreateSecondaryVMEx_Task", Object.keys(body).length > 0 ? body : undefined, options);
}

export function enableSecondaryVm(
  connection: connections.VsphereConnection,
  primaryVmId: string,
  secondaryVmId: string,
  options: StartOptions & { hostId?: string },
): Promise<TaskStart> {
  return startTask(
    connection,
    vmRef(primaryVmId),
    "EnableSecondaryVM_Task",
    { vm: vmRef(secondaryVmId), ...(options.hostId ? { host: moRef("HostSystem", options.hostId) } : {}) },
    options,
  );
}

export function disableSecondaryVm(connection: connections.VsphereConnection, primaryVmId: string, secondaryVmId: string, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, vmRef(primaryVmId), "DisableSecondaryVM_Task", { vm: vmRef(secondaryVmId) }, options);
}

/** Removes every secondary of the primary and turns FT off. */
export function turnOffFaultToleranceForVm(connection: connections.VsphereConnection, primaryVmId: string, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, vmRef(primaryVmId), "TurnOffFaultToleranceForVM_Task", undefined, options);
}

/** "Test Restart Secondary" when invoked on the primary with its secondary: vSphere kills the secondary and starts a new one. */
export function terminateFaultTolerantVm(connection: connections.VsphereConnection, primaryVmId: string, secondaryVmId: string | undefined, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, vmRef(primaryVmId), "TerminateFaultTolerantVM_Task", secondaryVmId ? { vm: vmRef(secondaryVmId) } : undefined, options);
}

/** "Test Failover" when invoked on the primary with its secondary: the secondary becomes the primary. */
export function makePrimaryVm(connection: connections.VsphereConnection, primaryVmId: string, secondaryVmId: string, options: StartOptions): Promise<TaskStart> {
  return startTask(connection, vmRef(primaryVmId), "MakePrimaryVM_Task", { vm: vmRef(secondaryVmId) }, options);
}

/** QueryFaultToleranceCompatibilityEx: the reasons FT cannot be turned on for the VM; empty when it can. */
export async function queryFaultToleranceCompatibilityEx(connection: connections.VsphereConnection, vmId: string, options: { deadline: number; forLegacyFt?: boolean }): Promise<VendorFault[]> {
  const raw = await invokeMethod(connection, vmRef(vmId), "QueryFaultToleranceCompatibilityEx", { forLegacyFt: options.forLegacyFt ?? false }, {
    idempotent: true,
    object: describeMoRef(vmRef(vmId)),
    deadline: options.deadline,
  });
  if (!Array.isArray(raw)) return [];
  return raw.map((item) => parseMethodFault(item) ?? { type: "MethodFault" });
}
