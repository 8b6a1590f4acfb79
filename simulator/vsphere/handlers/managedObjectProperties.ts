/**
 * Managed object properties: what `GET /{MoType}/{moId}/{property}` and the PropertyCollector read. Each property has a
 * declared type (the spec's, used to validate nested paths like `runtime.powerState` and to box values in `Any` slots)
 * and a reader that builds the wire data object from the state. Unset values are `undefined` (GET answers null, the
 * property collector leaves them out).
 */
import { faults } from "../faults";
import { escapeEntityName } from "../model/entityNames";
import { ftStateOf, needSecondaryReasonOf } from "../model/faultTolerance";
import { folderChildren, folderChildTypes, parentOf, vmsOnHost } from "../model/inventoryTree";
import type { ContainerViewState, EntityRef, FolderState, SnapshotState, TaskState, VmState } from "../model/stateTypes";
import type { VsphereWorld } from "../model/world";
import { SPEC_TYPES } from "../specSchemas";
import { isRecord, isoTime, moRef, type MoRef } from "../wire";

export interface PropertyDefinition {
  /** Declared type (specSchemas notation). */
  type: string;
  read(world: VsphereWorld, moId: string): unknown;
}

/**
 * Fields of schemas the subset stubs (GuestInfo, VirtualHardware), from the full vSphere API reference, so paths like
 * `guest.toolsRunningStatus` validate.
 */
const STUB_FIELDS: Record<string, Record<string, string>> = {
  GuestInfo: {
    toolsStatus: "enum:VirtualMachineToolsStatus",
    toolsVersionStatus: "string",
    toolsVersionStatus2: "string",
    toolsRunningStatus: "string",
    toolsVersion: "string",
    guestId: "string",
    guestFamily: "string",
    guestFullName: "string",
    hostName: "string",
    ipAddress: "string",
    guestState: "string",
    appHeartbeatStatus: "string",
    appState: "string",
    guestOperationsReady: "boolean",
    interactiveGuestOperationsReady: "boolean",
    guestStateChangeSupported: "boolean",
  },
  VirtualHardware: { numCPU: "int", numCoresPerSocket: "int", memoryMB: "int" },
};

/** Fields of a data object type including its ancestors' and, for polymorphic slots, its subtypes'. */
export function fieldsOf(typeName: string): Record<string, string> | undefined {
  if (STUB_FIELDS[typeName]) return STUB_FIELDS[typeName];
  const spec = SPEC_TYPES[typeName];
  if (!spec || spec.stub) return undefined;
  const fields: Record<string, string> = {};
  for (let current: string | undefined = typeName; current; current = SPEC_TYPES[current]?.parent) Object.assign(fields, SPEC_TYPES[current]?.fields ?? {});
  for (const [name, candidate] of Object.entries(SPEC_TYPES)) {
    if (candidate.parent === typeName) Object.assign(fields, fieldsOf(name) ?? {}, fields);
  }
  return fields;
}

const vmProperty = (type: string, read: (world: VsphereWorld, vm: VmState) => unknown): PropertyDefinition => ({
  type,
  read: (world, moId) => read(world, world.requireVm(moId)),
});

const snapshotProperty = (type: string, read: (world: VsphereWorld, snapshot: SnapshotState) => unknown): PropertyDefinition => ({
  type,
  read: (world, moId) => read(world, world.requireSnapshot(moId)),
});

const refOf = (entity: EntityRef): MoRef => moRef(entity.type, entity.id);
const refsOrUnset = (entities: EntityRef[]): MoRef[] | undefined => (entities.length ? entities.map(refOf) : undefined);
const nameOrUnset = (name: string | undefined): string | undefined => (name === undefined ? undefined : escapeEntityName(name));

/** ManagedEntity.parent of any entity the simulator models (unset for the root folder). */
const parentProperty = (moType: string): PropertyDefinition => ({
  type: "ManagedObjectReference",
  read: (world, moId) => {
    const parent = parentOf(world, { type: moType, id: moId });
    return parent ? refOf(parent) : undefined;
  },
});

const folderProperty = (type: string, read: (world: VsphereWorld, folder: FolderState) => unknown): PropertyDefinition => ({
  type,
  read: (world, moId) => read(world, world.requireFolder(moId)),
});

const containerViewProperty = (type: string, read: (world: VsphereWorld, view: ContainerViewState) => unknown): PropertyDefinition => ({
  type,
  read: (world, moId) => {
    const view = world.views.get(moId);
    if (!view) throw faults.managedObjectNotFound(moRef("ContainerView", moId));
    return read(world, view);
  },
});

/** The properties each managed object type exposes, by name. */
export const MANAGED_OBJECT_PROPERTIES: Record<string, Record<string, PropertyDefinition>> = {
  VirtualMachine: {
    name: vmProperty("string", (_world, vm) => escapeEntityName(vm.name)),
    parent: parentProperty("VirtualMachine"),
    config: vmProperty("VirtualMachineConfigInfo", (world, vm) => vmConfigInfo(world, vm)),
    runtime: vmProperty("VirtualMachineRuntimeInfo", (world, vm) => vmRuntimeInfo(world, vm)),
    guest: vmProperty("GuestInfo", (_world, vm) => vmGuestInfo(vm)),
    guestHeartbeatStatus: vmProperty("enum:ManagedEntityStatus", (_world, vm) => (vm.toolsRunning ? "green" : "gray")),
    snapshot: vmProperty("VirtualMachineSnapshotInfo", (world, vm) => vmSnapshotInfo(world, vm)),
    rootSnapshot: vmProperty("ManagedObjectReference[]", (_world, vm) => (vm.rootSnapshotIds.length ? vm.rootSnapshotIds.map((id) => moRef("VirtualMachineSnapshot", id)) : undefined)),
    summary: vmProperty("VirtualMachineSummary", (world, vm) => vmSummary(world, vm)),
  },
  VirtualMachineSnapshot: {
    vm: snapshotProperty("ManagedObjectReference", (_world, snapshot) => moRef("VirtualMachine", snapshot.vmId)),
    childSnapshot: snapshotProperty("ManagedObjectReference[]", (_world, snapshot) =>
      snapshot.childIds.length ? snapshot.childIds.map((id) => moRef("VirtualMachineSnapshot", id)) : undefined,
    ),
    config: snapshotProperty("VirtualMachineConfigInfo", (world, snapshot) => vmConfigInfo(world, world.requireVm(snapshot.vmId))),
  },
  Task: {
    info: {
      type: "TaskInfo",
      read: (world, moId) => {
        const task = world.taskRunner.tasks.get(moId);
        if (!task) throw faults.managedObjectNotFound(moRef("Task", moId));
        return taskInfoData(task);
      },
    },
  },
  HostSystem: {
    name: { type: "string", read: (world, moId) => world.requireHost(moId).name },
    parent: parentProperty("HostSystem"),
    vm: { type: "ManagedObjectReference[]", read: (world, moId) => refsOrUnset(vmsOnHost(world, world.requireHost(moId).id).map((vm) => ({ type: "VirtualMachine", id: vm.id }))) },
  },
  ClusterComputeResource: {
    name: { type: "string", read: (world, moId) => nameOrUnset(world.clusters.get(moId)?.name) },
    parent: parentProperty("ClusterComputeResource"),
    host: {
      type: "ManagedObjectReference[]",
      read: (world, moId) => world.clusters.get(moId)?.hostIds.map((id) => moRef("HostSystem", id)),
    },
  },
  Datastore: {
    name: { type: "string", read: (world, moId) => nameOrUnset(world.datastores.get(moId)?.name) },
    parent: parentProperty("Datastore"),
  },
  Datacenter: {
    name: { type: "string", read: (world) => escapeEntityName(world.datacenter.name) },
    parent: parentProperty("Datacenter"),
    vmFolder: { type: "ManagedObjectReference", read: (world) => moRef("Folder", world.datacenter.vmFolderId) },
    hostFolder: { type: "ManagedObjectReference", read: (world) => moRef("Folder", world.datacenter.hostFolderId) },
    datastoreFolder: { type: "ManagedObjectReference", read: (world) => moRef("Folder", world.datacenter.datastoreFolderId) },
    networkFolder: { type: "ManagedObjectReference", read: (world) => moRef("Folder", world.datacenter.networkFolderId) },
  },
  Folder: {
    name: folderProperty("string", (_world, folder) => escapeEntityName(folder.name)),
    parent: parentProperty("Folder"),
    childEntity: folderProperty("ManagedObjectReference[]", (world, folder) => refsOrUnset(folderChildren(world, folder))),
    childType: folderProperty("string[]", (_world, folder) => folderChildTypes(folder.kind)),
  },
  ContainerView: {
    view: containerViewProperty("ManagedObjectReference[]", (world, view) => refsOrUnset(world.views.contents(view))),
    container: containerViewProperty("ManagedObjectReference", (_world, view) => refOf(view.container)),
    type: containerViewProperty("string[]", (_world, view) => (view.types.length ? [...view.types] : undefined)),
    recursive: containerViewProperty("boolean", (_world, view) => view.recursive),
  },
  ServiceInstance: { content: { type: "ServiceContent", read: (world) => serviceContent(world) } },
};

/**
 * The declared type at a property path (`runtime.powerState` → `enum:VirtualMachinePowerState`), or InvalidProperty.
 * Paths go through data object fields only (not into arrays), as in vSphere.
 */
export function propertyPathType(moType: string, path: string): string {
  const [head, ...rest] = path.split(".");
  const property = MANAGED_OBJECT_PROPERTIES[moType]?.[head];
  if (!property) throw faults.invalidProperty(path);
  let type = property.type;
  for (const segment of rest) {
    const fields = type.endsWith("[]") ? undefined : fieldsOf(type);
    const next = fields?.[segment];
    if (!next) throw faults.invalidProperty(path);
    type = next;
  }
  return type;
}

/** Reads a (possibly nested) property path; `undefined` when unset anywhere along the way. */
export function readPropertyPath(world: VsphereWorld, moType: string, moId: string, path: string): unknown {
  const [head, ...rest] = path.split(".");
  const property = MANAGED_OBJECT_PROPERTIES[moType]?.[head];
  if (!property) throw faults.invalidProperty(path);
  let value: unknown = property.read(world, moId);
  for (const segment of rest) {
    if (!isRecord(value)) return undefined;
    value = value[segment];
  }
  return value ?? undefined;
}

export function topLevelProperties(moType: string): string[] {
  return Object.keys(MANAGED_OBJECT_PROPERTIES[moType] ?? {});
}

// ---- data object builders ------------------------------------------------------------------------------------------

function vmxPath(world: VsphereWorld, vm: VmState): string {
  const datastore = world.datastores.get(vm.datastoreId)?.name ?? "datastore";
  return `[${datastore}] ${vm.name}/${vm.name}.vmx`;
}

export function ftInfoData(world: VsphereWorld, vm: VmState): Record<string, unknown> | undefined {
  if (!vm.ft) return undefined;
  const primary = vm.ft.role === "primary" ? vm : world.vms.get(vm.ft.primaryId);
  if (!primary || primary.ft?.role !== "primary") return undefined;
  const secondaries = primary.ft.secondaryIds.map((id) => world.vms.get(id)).filter((candidate): candidate is VmState => candidate !== undefined);
  const group = [primary, ...secondaries];
  const common = {
    role: group.indexOf(vm) + 1,
    instanceUuids: group.map((member) => member.instanceUuid),
    configPaths: group.map((member) => vmxPath(world, member)),
  };
  if (vm.ft.role === "primary") return { _typeName: "FaultTolerancePrimaryConfigInfo", ...common, secondaries: secondaries.map((member) => moRef("VirtualMachine", member.id)) };
  return { _typeName: "FaultToleranceSecondaryConfigInfo", ...common, primaryVM: moRef("VirtualMachine", primary.id) };
}

export function vmConfigInfo(world: VsphereWorld, vm: VmState): Record<string, unknown> {
  const datastore = world.datastores.get(vm.datastoreId)?.name ?? "datastore";
  const config: Record<string, unknown> = {
    _typeName: "VirtualMachineConfigInfo",
    changeVersion: String(vm.changeVersion),
    modified: isoTime(vm.createdAt),
    name: vm.name,
    guestFullName: vm.guestFullName,
    version: "vmx-21",
    uuid: vm.uuid,
    createDate: isoTime(vm.createdAt),
    instanceUuid: vm.instanceUuid,
    template: vm.template,
    guestId: vm.guestId,
    alternateGuestName: "",
    files: {
      _typeName: "VirtualMachineFileInfo",
      vmPathName: vmxPath(world, vm),
      snapshotDirectory: `[${datastore}] ${vm.name}/`,
      suspendDirectory: `[${datastore}] ${vm.name}/`,
      logDirectory: `[${datastore}] ${vm.name}/`,
    },
    flags: { _typeName: "VirtualMachineFlagInfo" },
    defaultPowerOps: { _typeName: "VirtualMachineDefaultPowerOpInfo" },
    hardware: { _typeName: "VirtualHardware", numCPU: 2, numCoresPerSocket: 1, memoryMB: 4096 },
  };
  const ftInfo = ftInfoData(world, vm);
  if (ftInfo) config.ftInfo = ftInfo;
  return config;
}

export function vmRuntimeInfo(world: VsphereWorld, vm: VmState): Record<string, unknown> {
  const state = ftStateOf(world, vm);
  const runtime: Record<string, unknown> = {
    _typeName: "VirtualMachineRuntimeInfo",
    host: moRef("HostSystem", vm.hostId),
    connectionState: "connected",
    powerState: vm.powerState,
    faultToleranceState: state,
    toolsInstallerMounted: false,
    numMksConnections: 0,
    recordReplayState: "inactive",
    onlineStandby: false,
    consolidationNeeded: false,
  };
  if (vm.bootTime !== undefined && vm.powerState === "poweredOn") runtime.bootTime = isoTime(vm.bootTime);
  if (vm.suspendTime !== undefined && vm.powerState === "suspended") runtime.suspendTime = isoTime(vm.suspendTime);
  const needSecondaryReason = needSecondaryReasonOf(world, vm);
  if (needSecondaryReason) runtime.needSecondaryReason = needSecondaryReason;
  if (vm.powerState === "poweredOn") {
    runtime.maxCpuUsage = 4600;
    runtime.maxMemoryUsage = 4096;
  }
  return runtime;
}

function toolsRunningStatus(vm: VmState): string {
  return vm.toolsRunning ? "guestToolsRunning" : "guestToolsNotRunning";
}

export function vmGuestInfo(vm: VmState): Record<string, unknown> {
  const guest: Record<string, unknown> = {
    _typeName: "GuestInfo",
    toolsStatus: !vm.toolsInstalled ? "toolsNotInstalled" : vm.toolsRunning ? "toolsOk" : "toolsNotRunning",
    toolsVersionStatus: vm.toolsInstalled ? "guestToolsCurrent" : "guestToolsNotInstalled",
    toolsVersionStatus2: vm.toolsInstalled ? "guestToolsCurrent" : "guestToolsNotInstalled",
    toolsRunningStatus: toolsRunningStatus(vm),
    toolsVersion: vm.toolsInstalled ? "12389" : "0",
    guestId: vm.guestId,
    guestFamily: "linuxGuest",
    guestFullName: vm.guestFullName,
    guestState: vm.powerState === "poweredOn" && vm.toolsRunning ? "running" : "notRunning",
    appHeartbeatStatus: "appStatusGray",
    guestOperationsReady: vm.toolsRunning,
    interactiveGuestOperationsReady: false,
    guestStateChangeSupported: vm.toolsRunning,
  };
  if (vm.toolsRunning) {
    guest.hostName = vm.name;
    guest.ipAddress = `10.0.0.${Number(vm.id.replace(/\D/g, "")) % 250}`;
  }
  return guest;
}

function snapshotTree(world: VsphereWorld, snapshot: SnapshotState): Record<string, unknown> {
  const tree: Record<string, unknown> = {
    _typeName: "VirtualMachineSnapshotTree",
    snapshot: moRef("VirtualMachineSnapshot", snapshot.id),
    vm: moRef("VirtualMachine", snapshot.vmId),
    name: snapshot.name,
    description: snapshot.description,
    id: snapshot.numericId,
    createTime: isoTime(snapshot.createTime),
    state: snapshot.state,
    quiesced: snapshot.quiesced,
  };
  const children = snapshot.childIds.map((id) => world.snapshots.get(id)).filter((child): child is SnapshotState => child !== undefined);
  if (children.length) tree.childSnapshotList = children.map((child) => snapshotTree(world, child));
  return tree;
}

export function vmSnapshotInfo(world: VsphereWorld, vm: VmState): Record<string, unknown> | undefined {
  if (vm.rootSnapshotIds.length === 0) return undefined;
  const info: Record<string, unknown> = {
    _typeName: "VirtualMachineSnapshotInfo",
    rootSnapshotList: vm.rootSnapshotIds.map((id) => world.snapshots.get(id)).filter((root): root is SnapshotState => root !== undefined).map((root) => snapshotTree(world, root)),
  };
  if (vm.currentSnapshotId) info.currentSnapshot = moRef("VirtualMachineSnapshot", vm.currentSnapshotId);
  return info;
}

export function vmSummary(world: VsphereWorld, vm: VmState): Record<string, unknown> {
  const config: Record<string, unknown> = {
    _typeName: "VirtualMachineConfigSummary",
    name: vm.name,
    template: vm.template,
    vmPathName: vmxPath(world, vm),
    memorySizeMB: 4096,
    numCpu: 2,
    uuid: vm.uuid,
    instanceUuid: vm.instanceUuid,
    guestId: vm.guestId,
    guestFullName: vm.guestFullName,
    hwVersion: "vmx-21",
  };
  const ftInfo = ftInfoData(world, vm);
  if (ftInfo) config.ftInfo = ftInfo;
  return {
    _typeName: "VirtualMachineSummary",
    vm: moRef("VirtualMachine", vm.id),
    runtime: vmRuntimeInfo(world, vm),
    guest: {
      _typeName: "VirtualMachineGuestSummary",
      guestId: vm.guestId,
      guestFullName: vm.guestFullName,
      toolsStatus: !vm.toolsInstalled ? "toolsNotInstalled" : vm.toolsRunning ? "toolsOk" : "toolsNotRunning",
      toolsVersionStatus2: vm.toolsInstalled ? "guestToolsCurrent" : "guestToolsNotInstalled",
      toolsRunningStatus: toolsRunningStatus(vm),
    },
    config,
    quickStats: { _typeName: "VirtualMachineQuickStats" },
    overallStatus: "green",
  };
}

export function serviceContent(world: VsphereWorld): Record<string, unknown> {
  const releases = [...world.releases].sort(compareReleases);
  const apiVersion = releases[releases.length - 1] ?? "8.0.1.0";
  return {
    _typeName: "ServiceContent",
    rootFolder: moRef("Folder", world.rootFolderId),
    propertyCollector: moRef("PropertyCollector", "propertyCollector"),
    viewManager: moRef("ViewManager", "ViewManager"),
    about: {
      _typeName: "AboutInfo",
      name: "VMware vCenter Server",
      fullName: `VMware vCenter Server ${apiVersion.split(".").slice(0, 3).join(".")} build-24000000 (simulator)`,
      vendor: "VMware, Inc.",
      version: apiVersion.split(".").slice(0, 3).join("."),
      build: "24000000",
      localeVersion: "INTL",
      localeBuild: "000",
      osType: "linux-x64",
      productLineId: "vpx",
      apiType: "VirtualCenter",
      apiVersion,
      instanceUuid: world.instanceUuid,
      licenseProductName: "VMware VirtualCenter Server",
      licenseProductVersion: "8.0",
    },
    sessionManager: moRef("SessionManager", "SessionManager"),
    taskManager: moRef("TaskManager", "TaskManager"),
    searchIndex: moRef("SearchIndex", "SearchIndex"),
  };
}

/** TaskInfo data object (required fields of the schema plus the optional ones that are set). */
export function taskInfoData(task: TaskState): Record<string, unknown> {
  const info: Record<string, unknown> = {
    _typeName: "TaskInfo",
    key: task.id,
    task: moRef("Task", task.id),
    name: task.name,
    descriptionId: task.descriptionId,
    entity: moRef(task.entityType, task.entityId),
    entityName: task.entityName,
    state: task.state,
    cancelled: task.cancelled,
    cancelable: task.cancelable,
    reason: { _typeName: "TaskReasonUser", userName: task.userName },
    queueTime: isoTime(task.queueTime),
    eventChainId: task.eventChainId,
  };
  if (task.state === "running" && task.lockedVmId) info.locked = [moRef("VirtualMachine", task.lockedVmId)];
  if (task.error) info.error = task.error;
  if (task.result !== undefined) info.result = task.result;
  if (task.progress !== undefined) info.progress = task.progress;
  if (task.startTime !== undefined) info.startTime = isoTime(task.startTime);
  if (task.completeTime !== undefined) info.completeTime = isoTime(task.completeTime);
  return info;
}

/** Numeric order of `x.y.z.a` releases. */
export function compareReleases(left: string, right: string): number {
  const a = left.split(".").map(Number);
  const b = right.split(".").map(Number);
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
