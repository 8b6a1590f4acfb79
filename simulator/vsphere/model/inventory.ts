/**
 * The simulated vCenter's inventory and clock: datacenter, folders, clusters, hosts, datastores, VMs and snapshots;
 * change notification (the property collector listens); timers the world owns; the timing settings the rules use.
 * The rules (power.ts, snapshots.ts, faultTolerance.ts, …) act on an Inventory; world.ts adds tasks, sessions, views
 * and the admin operations on top.
 */
import { faults } from "../faults";
import { moRef } from "../wire";
import type { ClusterState, DatacenterState, DatastoreState, FolderState, HostState, SnapshotState, VmState } from "./stateTypes";

export type ChangeListener = (moType: string, moId: string) => void;

export interface InventoryOptions {
  /** Name of the datacenter (default "dc-sim"), so that several twins can be told apart. */
  datacenterName?: string;
  /** Default duration of every task (ms); Infinity = tasks never finish. Default 200. */
  taskDurationMs?: number;
  /** Default time a guest takes to act on ShutdownGuest/RebootGuest/StandbyGuest (ms). Default 300. */
  guestOperationMs?: number;
  /** Time an FT secondary spends in `starting` before `running`, and before a lost one is re-spawned (ms). Default 100. */
  ftSyncMs?: number;
}

export const ROOT_FOLDER_ID = "group-d1";

export class Inventory {
  readonly rootFolderId = ROOT_FOLDER_ID;
  readonly datacenter: DatacenterState;
  readonly folders = new Map<string, FolderState>();
  readonly clusters = new Map<string, ClusterState>();
  readonly hosts = new Map<string, HostState>();
  readonly datastores = new Map<string, DatastoreState>();
  readonly vms = new Map<string, VmState>();
  readonly snapshots = new Map<string, SnapshotState>();

  defaultTaskDurationMs: number;
  defaultGuestOperationMs: number;
  ftSyncMs: number;
  private readonly methodDurations = new Map<string, number>();
  private readonly vmDurations = new Map<string, number>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextVmNumber = 200;
  private nextSnapshotNumber = 201;
  private nextFolderNumber = 100;

  constructor(options: InventoryOptions = {}) {
    this.defaultTaskDurationMs = options.taskDurationMs ?? 200;
    this.defaultGuestOperationMs = options.guestOperationMs ?? 300;
    this.ftSyncMs = options.ftSyncMs ?? 100;
    const dc: DatacenterState = {
      id: "datacenter-1",
      name: options.datacenterName ?? "dc-sim",
      vmFolderId: "group-v3",
      hostFolderId: "group-h4",
      datastoreFolderId: "group-s5",
      networkFolderId: "group-n6",
    };
    this.datacenter = dc;
    const datacenterRef = { type: "Datacenter", id: dc.id };
    this.folders.set(ROOT_FOLDER_ID, { id: ROOT_FOLDER_ID, name: "Datacenters", kind: "root" });
    this.folders.set(dc.vmFolderId, { id: dc.vmFolderId, name: "vm", kind: "vm", parent: datacenterRef });
    this.folders.set(dc.hostFolderId, { id: dc.hostFolderId, name: "host", kind: "host", parent: datacenterRef });
    this.folders.set(dc.datastoreFolderId, { id: dc.datastoreFolderId, name: "datastore", kind: "datastore", parent: datacenterRef });
    this.folders.set(dc.networkFolderId, { id: dc.networkFolderId, name: "network", kind: "network", parent: datacenterRef });
  }

  // ---- change notification and timers -------------------------------------------------------------------------

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(moType: string, moId: string): void {
    for (const listener of this.listeners) listener(moType, moId);
  }

  /** A timer the inventory owns (cleared by dispose). Infinity never fires. */
  schedule(ms: number, action: () => void): NodeJS.Timeout | undefined {
    if (!Number.isFinite(ms)) return undefined;
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      action();
    }, Math.max(0, ms));
    this.timers.add(handle);
    return handle;
  }

  unschedule(handle: NodeJS.Timeout | undefined): void {
    if (!handle) return;
    clearTimeout(handle);
    this.timers.delete(handle);
  }

  dispose(): void {
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
    this.listeners.clear();
  }

  // ---- ids and lookups ----------------------------------------------------------------------------------------

  newVmId(): string {
    while (this.vms.has(`vm-${this.nextVmNumber}`)) this.nextVmNumber += 1;
    return `vm-${this.nextVmNumber++}`;
  }

  newSnapshotId(): string {
    return `snapshot-${this.nextSnapshotNumber++}`;
  }

  newFolderId(): string {
    while (this.folders.has(`group-v${this.nextFolderNumber}`)) this.nextFolderNumber += 1;
    return `group-v${this.nextFolderNumber++}`;
  }

  requireVm(vmId: string): VmState {
    const vm = this.vms.get(vmId);
    if (!vm) throw faults.managedObjectNotFound(moRef("VirtualMachine", vmId));
    return vm;
  }

  requireHost(hostId: string): HostState {
    const host = this.hosts.get(hostId);
    if (!host) throw faults.managedObjectNotFound(moRef("HostSystem", hostId));
    return host;
  }

  requireSnapshot(snapshotId: string): SnapshotState {
    const snapshot = this.snapshots.get(snapshotId);
    if (!snapshot) throw faults.managedObjectNotFound(moRef("VirtualMachineSnapshot", snapshotId));
    return snapshot;
  }

  requireFolder(folderId: string): FolderState {
    const folder = this.folders.get(folderId);
    if (!folder) throw faults.managedObjectNotFound(moRef("Folder", folderId));
    return folder;
  }

  clusterOf(vm: VmState): ClusterState {
    const cluster = this.clusters.get(vm.clusterId);
    if (!cluster) throw new Error(`VM ${vm.id} has no cluster ${vm.clusterId}`);
    return cluster;
  }

  // ---- durations ----------------------------------------------------------------------------------------------

  /** Sets the task duration: for one method (e.g. "PowerOnVM_Task") when given, else the default. Infinity = never finish. */
  setTaskDuration(ms: number, method?: string): void {
    if (method) this.methodDurations.set(method, ms);
    else this.defaultTaskDurationMs = ms;
  }

  /** Sets the duration of every task on one VM (overrides method and default durations); undefined clears it. */
  setVmTaskDuration(vmId: string, ms: number | undefined): void {
    if (ms === undefined) this.vmDurations.delete(vmId);
    else this.vmDurations.set(vmId, ms);
  }

  taskDurationFor(method: string, vmId: string | undefined): number {
    if (vmId !== undefined && this.vmDurations.has(vmId)) return this.vmDurations.get(vmId) as number;
    return this.methodDurations.get(method) ?? this.defaultTaskDurationMs;
  }

  /** Time the guest of a VM takes to shut down / reboot / enter standby; Infinity = a hung guest that never does. */
  setGuestShutdownMs(vmId: string, ms: number): void {
    this.requireVm(vmId).guestOperationMs = ms;
  }

  guestOperationMsFor(vm: VmState): number {
    return vm.guestOperationMs ?? this.defaultGuestOperationMs;
  }
}
