/**
 * What `vsphere:FtSecondary` reads from vSphere: the FT group of a VM, the facts preview needs before FT is turned on,
 * the primary's disks for placement, and placement targets. Reads only: nothing here changes vSphere.
 */
import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import { getProperty } from "../../../vsphere/invoke";
import * as ft from "../../../vsphere/methods/faultTolerance";
import { moRef } from "../../../vsphere/moref";
import { readProperties } from "../../../vsphere/properties";
import {
  faultToleranceTypeOf,
  moRefId,
  parseFtInfo,
  snapshotNamesOf,
  unescapeEntityName,
  virtualDisksOf,
  type FtGroupView,
  type FtPreconditions,
} from "./state";

function vmTarget(vmId: string) {
  return { type: "VirtualMachine", value: vmId };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function runtimeField(runtime: unknown, field: string): unknown {
  return runtime && typeof runtime === "object" ? (runtime as Record<string, unknown>)[field] : undefined;
}

/** Reads properties of a VM; undefined when vCenter does not know it (any other failure is thrown). */
async function readVm(connection: connections.VsphereConnection, vmId: string, paths: string[], deadline: number): Promise<Record<string, unknown> | undefined> {
  try {
    return await readProperties(connection, vmTarget(vmId), paths, { deadline });
  } catch (error) {
    if (error instanceof errors.NotFoundError) return undefined;
    throw error;
  }
}

/** How `readGroup` reads the other VMs of the group. */
export interface GroupReadOptions {
  /** Epoch ms: the operation's deadline. */
  deadline: number;
  /**
   * VMs expected in the group (the secondary recorded in state, or named by a task result): their runtime is read in
   * the same RetrievePropertiesEx as `vmId`. A VM the group does not name is ignored, one it names but not listed
   * here is read afterwards.
   */
  expected?: (string | undefined)[];
  /** false: the other VMs' runtime is not needed (role and primary are enough); secondary fields stay unset. */
  members?: boolean;
}

/**
 * The FT group of `vmId` as vSphere reports it now (config.ftInfo and runtime of the primary, runtime of the
 * secondary), or undefined when the VM no longer exists.
 */
export async function readGroup(connection: connections.VsphereConnection, vmId: string, options: GroupReadOptions): Promise<FtGroupView | undefined> {
  const deadline = options.deadline;
  // Reads issued together share one RetrievePropertiesEx: the expected members are asked alongside `vmId`. Each
  // outcome is kept (settled), so a read that turns out not to be needed cannot surface as an unhandled rejection.
  const early = new Map<string, Promise<{ values?: Record<string, unknown>; error?: unknown }>>();
  for (const other of options.expected ?? []) {
    if (other === undefined || other === vmId || early.has(other) || options.members === false) continue;
    early.set(
      other,
      readVm(connection, other, ["runtime"], deadline).then(
        (values) => ({ values }),
        (error: unknown) => ({ error }),
      ),
    );
  }
  const runtimeOf = async (other: string): Promise<unknown> => {
    const settled = early.get(other);
    if (!settled) return (await readVm(connection, other, ["runtime"], deadline))?.["runtime"];
    const outcome = await settled;
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.values?.["runtime"];
  };
  const own = await readVm(connection, vmId, ["name", "config.ftInfo", "runtime"], deadline);
  if (!own) return undefined;
  const vmName = text(own["name"]) ? unescapeEntityName(own["name"] as string) : undefined;
  const ftInfo = parseFtInfo(own["config.ftInfo"]);
  const runtime = own["runtime"];
  if (!ftInfo) {
    const state = text(runtimeField(runtime, "faultToleranceState")) ?? "notConfigured";
    return {
      vmId,
      vmName,
      role: "none",
      primaryVmId: vmId,
      primaryHost: moRefId(runtimeField(runtime, "host")),
      primaryPowerState: text(runtimeField(runtime, "powerState")),
      faultToleranceState: state,
      faultToleranceType: faultToleranceTypeOf(runtime, false),
      instanceUuids: [],
    };
  }
  // After a failover vSphere may have made the former secondary the primary: follow the group from its primary.
  let primaryVmId = vmId;
  let primaryRuntime = runtime;
  let secondaryVmId = ftInfo.secondaryVmIds[0];
  if (ftInfo.role === "secondary" && ftInfo.primaryVmId) {
    primaryVmId = ftInfo.primaryVmId;
    secondaryVmId = vmId;
    primaryRuntime = options.members === false ? undefined : await runtimeOf(primaryVmId);
  }
  let secondaryRuntime: unknown;
  if (secondaryVmId !== undefined && options.members !== false) {
    secondaryRuntime = secondaryVmId === vmId ? runtime : await runtimeOf(secondaryVmId);
  }
  return {
    vmId,
    vmName,
    role: ftInfo.role,
    primaryVmId,
    primaryHost: moRefId(runtimeField(primaryRuntime, "host")),
    primaryPowerState: text(runtimeField(primaryRuntime, "powerState")),
    secondaryVmId,
    secondaryHost: moRefId(runtimeField(secondaryRuntime, "host")),
    secondaryPowerState: text(runtimeField(secondaryRuntime, "powerState")),
    secondaryFaultToleranceState: text(runtimeField(secondaryRuntime, "faultToleranceState")),
    faultToleranceState: text(runtimeField(primaryRuntime, "faultToleranceState")) ?? "notConfigured",
    needSecondaryReason: text(runtimeField(primaryRuntime, "needSecondaryReason")),
    faultToleranceType: faultToleranceTypeOf(primaryRuntime, true),
    instanceUuids: ftInfo.instanceUuids,
  };
}

/**
 * The VirtualDisk devices of the primary (config.hardware.device), to place the secondary's disks. Empty when the
 * server does not report devices; `readable` says whether it could be asked at all.
 */
export async function readPrimaryDisks(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<{ disks: Record<string, unknown>[]; readable: boolean }> {
  try {
    const values = await readProperties(connection, vmTarget(vmId), ["config.hardware"], { deadline });
    return { disks: virtualDisksOf(values["config.hardware"]), readable: true };
  } catch (error) {
    if (error instanceof errors.NotFoundError || isFault(error, "InvalidProperty")) return { disks: [], readable: false };
    throw error;
  }
}

/** A property read through its own GET, so a server without it cannot fail a batched read of other resources. */
async function optionalProperty(connection: connections.VsphereConnection, type: string, id: string, property: string, deadline: number): Promise<unknown> {
  try {
    return await getProperty(connection, { type, value: id }, property, { deadline });
  } catch (error) {
    if (error instanceof errors.ConnectionError || error instanceof errors.AuthenticationError) throw error;
    return undefined;
  }
}

/** The compute resource a host belongs to: a cluster (with its HA setting when the server reports it) or a standalone host. */
export async function clusterOfHost(connection: connections.VsphereConnection, hostId: string, deadline: number): Promise<FtPreconditions["cluster"]> {
  const parent = await optionalProperty(connection, "HostSystem", hostId, "parent", deadline);
  const parentType = parent && typeof parent === "object" ? (parent as { type?: unknown }).type : undefined;
  const parentId = moRefId(parent);
  if (!parentId) return undefined;
  if (parentType === "ComputeResource") return { kind: "standalone", id: hostId };
  if (parentType !== "ClusterComputeResource") return undefined;
  const [name, configuration] = await Promise.all([
    optionalProperty(connection, "ClusterComputeResource", parentId, "name", deadline),
    optionalProperty(connection, "ClusterComputeResource", parentId, "configurationEx", deadline),
  ]);
  const das = configuration && typeof configuration === "object" ? (configuration as { dasConfig?: unknown }).dasConfig : undefined;
  const enabled = das && typeof das === "object" ? (das as { enabled?: unknown }).enabled : undefined;
  return { kind: "cluster", id: parentId, name: text(name), haEnabled: typeof enabled === "boolean" ? enabled : undefined };
}

/**
 * Everything preview needs to tell whether FT can be turned on for the VM: template flag, FT role, snapshots, the
 * cluster's HA setting (when the server exposes it) and QueryFaultToleranceCompatibilityEx. Undefined when the VM
 * does not exist.
 */
export async function readPreconditions(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<FtPreconditions | undefined> {
  const values = await readVm(connection, vmId, ["name", "config.template", "config.ftInfo", "runtime.host", "snapshot"], deadline);
  if (!values) return undefined;
  const facts: FtPreconditions = {
    vmId,
    vmName: text(values["name"]) ? unescapeEntityName(values["name"] as string) : undefined,
    template: values["config.template"] === true,
    ftInfo: parseFtInfo(values["config.ftInfo"]),
    snapshotNames: snapshotNamesOf(values["snapshot"]),
  };
  const hostId = moRefId(values["runtime.host"]);
  facts.host = hostId;
  const [cluster] = await Promise.all([
    hostId ? clusterOfHost(connection, hostId, deadline) : Promise.resolve(undefined),
    // A template or a VM already in an FT group: the compatibility query adds nothing to the reason already given.
    facts.template || facts.ftInfo ? Promise.resolve() : queryCompatibility(connection, vmId, facts, deadline),
  ]);
  facts.cluster = cluster;
  return facts;
}

async function queryCompatibility(connection: connections.VsphereConnection, vmId: string, facts: FtPreconditions, deadline: number): Promise<void> {
  try {
    facts.compatibility = await ft.queryFaultToleranceCompatibilityEx(connection, vmId, { deadline });
  } catch (error) {
    if (error instanceof errors.VendorFaultError && error.fault) facts.compatibilityRefusal = error.fault;
    else if (error instanceof errors.NotFoundError && isFault(error, "HTTP404")) facts.compatibility = undefined; // a server without the method
    else throw error;
  }
}

/** Whether a managed object exists: GET of its `name` (ManagedObjectNotFound: no). Undefined when the server cannot tell. */
export async function objectExists(connection: connections.VsphereConnection, type: string, id: string, deadline: number): Promise<boolean | undefined> {
  try {
    await getProperty(connection, moRef(type, id), "name", { deadline });
    return true;
  } catch (error) {
    if (isFault(error, "ManagedObjectNotFound")) return false;
    if (error instanceof errors.ConnectionError || error instanceof errors.AuthenticationError) throw error;
    return undefined;
  }
}

/** The group, or undefined when it cannot be read now (used where a failure is already being reported). */
export async function readGroupQuietly(connection: connections.VsphereConnection, vmId: string, options: GroupReadOptions): Promise<FtGroupView | undefined> {
  try {
    return await readGroup(connection, vmId, options);
  } catch {
    return undefined;
  }
}
