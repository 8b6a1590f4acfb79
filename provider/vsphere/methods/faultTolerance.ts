import type { VendorFault } from "../../errors";
import type * as connections from "../connection";
import { parseMethodFault } from "../faults";
import { invokeMethod } from "../invoke";
import { describeMoRef, moRef } from "../moref";
import type { TaskHandle } from "../taskWaiter";
import { startTask, vmRef } from "./startTask";

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
export function createSecondaryVmEx(connection: connections.VsphereConnection, primaryVmId: string, placement: SecondaryPlacement = {}): Promise<TaskHandle> {
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
  return startTask(connection, vmRef(primaryVmId), "CreateSecondaryVMEx_Task", Object.keys(body).length > 0 ? body : undefined);
}

export function enableSecondaryVm(connection: connections.VsphereConnection, primaryVmId: string, secondaryVmId: string, hostId?: string): Promise<TaskHandle> {
  return startTask(connection, vmRef(primaryVmId), "EnableSecondaryVM_Task", {
    vm: vmRef(secondaryVmId),
    ...(hostId ? { host: moRef("HostSystem", hostId) } : {}),
  });
}

export function disableSecondaryVm(connection: connections.VsphereConnection, primaryVmId: string, secondaryVmId: string): Promise<TaskHandle> {
  return startTask(connection, vmRef(primaryVmId), "DisableSecondaryVM_Task", { vm: vmRef(secondaryVmId) });
}

/** Removes every secondary of the primary and turns FT off. */
export function turnOffFaultToleranceForVm(connection: connections.VsphereConnection, primaryVmId: string): Promise<TaskHandle> {
  return startTask(connection, vmRef(primaryVmId), "TurnOffFaultToleranceForVM_Task", undefined);
}

export function terminateFaultTolerantVm(connection: connections.VsphereConnection, primaryVmId: string, secondaryVmId?: string): Promise<TaskHandle> {
  return startTask(connection, vmRef(primaryVmId), "TerminateFaultTolerantVM_Task", secondaryVmId ? { vm: vmRef(secondaryVmId) } : undefined);
}

/** QueryFaultToleranceCompatibilityEx: the reasons FT cannot be turned on for the VM; empty when it can. */
export async function queryFaultToleranceCompatibilityEx(connection: connections.VsphereConnection, vmId: string, forLegacyFt = false): Promise<VendorFault[]> {
  const raw = await invokeMethod(connection, vmRef(vmId), "QueryFaultToleranceCompatibilityEx", { forLegacyFt }, { idempotent: true, object: describeMoRef(vmRef(vmId)) });
  if (!Array.isArray(raw)) return [];
  return raw.map((item) => parseMethodFault(item) ?? { type: "MethodFault" });
}
