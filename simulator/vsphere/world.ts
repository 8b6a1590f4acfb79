/**
 * The simulated vCenter: inventory (datacenter, clusters, hosts, datastores, VMs, snapshots), tasks, sessions, change
 * notifications for the property collector, and the admin operations that change things out of band.
 * Tests and the admin HTTP API (admin.ts) call the admin methods directly.
 */
import { randomUUID } from "node:crypto";
import { faults, type PowerState } from "./faults";
import { followPrimaryPower, hostFailed, turnOffFaultTolerance, ftStateOf } from "./faultTolerance";
import { applyPowerState, cancelGuestOperation } from "./power";
import { seedInventory } from "./seedInventory";
import { SessionStore } from "./sessions";
import { removeSnapshotFromTree } from "./snapshots";
import type { ClusterState, DatacenterState, DatastoreState, HostState, SnapshotState, VmState } from "./stateTypes";
import { TaskRunner, type TaskFailurePlan } from "./tasks";
import { moRef } from "./wire";

export const DEFAULT_RELEASES = ["8.0.3.0", "8.0.2.0", "8.0.1.0", "9.0.0.0"];

export interface VsphereWorldOptions {
  /** Default duration of every task (ms); Infinity = tasks never finish. Default 200. */
  taskDurationMs?: number;
  /** Default time a guest takes to act on ShutdownGuest/RebootGuest/StandbyGuest (ms). Default 300. */
  guestOperationMs?: number;
  /** Time an FT secondary spends in `starting` before `running` (ms). Default 100. */
  ftSyncMs?: number;
  username?: string;
  password?: string;
  releases?: string[];
  /** Seed the default inventory (default true). */
  seed?: boolean;
  /** Name of the datacenter (default "dc-sim"), so that several twins can be told apart. */
  datacenterName?: string;
}

export interface AddVmSpec {
  id?: string;
  name: string;
  /** Cluster id (default: the HA cluster). */
  clusterId?: string;
  /** Host id (default: the first live host of the cluster). */
  hostId?: string;
  datastoreId?: string;
  powerState?: PowerState;
  template?: boolean;
  /** VMware Tools installed (default true). */
  toolsInstalled?: boolean;
  /** Tools running (default: installed and powered on). */
  toolsRunning?: boolean;
  guestId?: string;
  guestFullName?: string;
  guestOperationMs?: number;
}

export type ChangeListener = (moType: string, moId: string) => void;

/** How precondition faults of `*_Task` methods reach the client: as the HTTP 500 answer (the spec's documented
 * behaviour) or as the error of a task that is created anyway (what vCenter does for many checks). */
export type PreconditionFaultDelivery = "response" | "task";

export class VsphereWorld {
  readonly datacenter: DatacenterState;
  readonly rootFolderId = "group-d1";
  readonly clusters = new Map<string, ClusterState>();
  readonly hosts = new Map<string, HostState>();
  readonly datastores = new Map<string, DatastoreState>();
  readonly vms = new Map<string, VmState>();
  readonly snapshots = new Map<string, SnapshotState>();
  readonly sessions = new SessionStore();
  readonly taskRunner: TaskRunner;
  readonly credentials: { username: string; password: string };
  readonly releases: string[];
  readonly instanceUuid = randomUUID();
  preconditionFaults: PreconditionFaultDelivery = "response";

  defaultTaskDurationMs: number;
  defaultGuestOperationMs: number;
  ftSyncMs: number;
  private readonly methodDurations = new Map<string, number>();
  private readonly vmDurations = new Map<string, number>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextVmNumber = 200;
  private nextSnapshotNumber = 201;

  constructor(options: VsphereWorldOptions = {}) {
    this.defaultTaskDurationMs = options.taskDurationMs ?? 200;
    this.defaultGuestOperationMs = options.guestOperationMs ?? 300;
    this.ftSyncMs = options.ftSyncMs ?? 100;
    this.credentials = { username: options.username ?? "administrator@vsphere.local", password: options.password ?? "sim-password" };
    this.releases = [...(options.releases ?? DEFAULT_RELEASES)];
    this.datacenter = { id: "datacenter-1", name: options.datacenterName ?? "dc-sim" };
    this.taskRunner = new TaskRunner(this);
    if (options.seed !== false) seedInventory(this);
  }

  // ---- change notification and timers -------------------------------------------------------------------------

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(moType: string, moId: string): void {
    for (const listener of this.listeners) listener(moType, moId);
  }

  /** A timer the world owns (cleared by dispose). Infinity never fires. */
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
    this.taskRunner.dispose();
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

  /** Whether a managed object exists (types the simulator models). */
  exists(moType: string, moId: string): boolean {
    switch (moType) {
      case "ServiceInstance":
        return moId === "ServiceInstance";
      case "SessionManager":
        return moId === "SessionManager";
      case "Folder":
        return moId === this.rootFolderId;
      case "Datacenter":
        return moId === this.datacenter.id;
      case "ClusterComputeResource":
        return this.clusters.has(moId);
      case "HostSystem":
        return this.hosts.has(moId);
      case "Datastore":
        return this.datastores.has(moId);
      case "VirtualMachine":
        return this.vms.has(moId);
      case "VirtualMachineSnapshot":
        return this.snapshots.has(moId);
      case "Task":
        return this.taskRunner.tasks.has(moId);
      default:
        return false;
    }
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

  // ---- inventory changes --------------------------------------------------------------------------------------

  addVm(spec: AddVmSpec): VmState {
    const id = spec.id ?? this.newVmId();
    if (this.vms.has(id)) throw new Error(`VM ${id} already exists`);
    const clusterId = spec.clusterId ?? [...this.clusters.values()].find((cluster) => cluster.haEnabled)?.id ?? [...this.clusters.keys()][0];
    const cluster = this.clusters.get(clusterId);
    if (!cluster) throw new Error(`unknown cluster ${clusterId}`);
    const hostId = spec.hostId ?? cluster.hostIds.find((hostIdCandidate) => !this.hosts.get(hostIdCandidate)?.failed) ?? cluster.hostIds[0];
    if (!cluster.hostIds.includes(hostId)) throw new Error(`host ${hostId} is not in cluster ${clusterId}`);
    const powerState = spec.template ? "poweredOff" : (spec.powerState ?? "poweredOff");
    const toolsInstalled = spec.toolsInstalled ?? true;
    const now = Date.now();
    const vm: VmState = {
      id,
      name: spec.name,
      uuid: randomUUID(),
      instanceUuid: randomUUID(),
      template: spec.template ?? false,
      clusterId,
      hostId,
      datastoreId: spec.datastoreId ?? [...this.datastores.keys()][0] ?? "datastore-11",
      guestId: spec.guestId ?? "rhel9_64Guest",
      guestFullName: spec.guestFullName ?? "Red Hat Enterprise Linux 9 (64-bit)",
      powerState,
      toolsInstalled,
      toolsRunning: spec.toolsRunning ?? (toolsInstalled && powerState === "poweredOn"),
      bootTime: powerState === "poweredOn" ? now : undefined,
      createdAt: now,
      changeVersion: 1,
      rootSnapshotIds: [],
      nextSnapshotNumericId: 1,
      guestOperationMs: spec.guestOperationMs,
    };
    this.vms.set(id, vm);
    this.notify("VirtualMachine", id);
    return vm;
  }

  /** Unregisters a VM (property filters see it leave). */
  removeVm(vmId: string): void {
    const vm = this.vms.get(vmId);
    if (!vm) return;
    cancelGuestOperation(this, vm);
    for (const snapshotId of [...this.snapshots.keys()]) {
      if (this.snapshots.get(snapshotId)?.vmId === vmId) {
        this.snapshots.delete(snapshotId);
        this.notify("VirtualMachineSnapshot", snapshotId);
      }
    }
    this.vms.delete(vmId);
    this.notify("VirtualMachine", vmId);
  }

  // ---- admin: out-of-band changes -------------------------------------------------------------------------------

  /** Sets a VM's power state directly (drift); tools and FT secondaries follow as they would. */
  setPowerState(vmId: string, state: PowerState): void {
    const vm = this.requireVm(vmId);
    applyPowerState(this, vm, state);
    if (vm.ft?.role === "primary") followPrimaryPower(this, vm);
  }

  setToolsRunning(vmId: string, running: boolean): void {
    const vm = this.requireVm(vmId);
    if (running) vm.toolsInstalled = true;
    vm.toolsRunning = running;
    this.notify("VirtualMachine", vmId);
  }

  setToolsInstalled(vmId: string, installed: boolean): void {
    const vm = this.requireVm(vmId);
    vm.toolsInstalled = installed;
    if (!installed) vm.toolsRunning = false;
    this.notify("VirtualMachine", vmId);
  }

  /** Deletes a snapshot as someone else would (its children move to its parent). */
  deleteSnapshotOutOfBand(snapshotId: string, removeChildren = false): void {
    const snapshot = this.requireSnapshot(snapshotId);
    removeSnapshotFromTree(this, snapshot, removeChildren);
  }

  /** The next task (on this VM / of this method, when given) never finishes by itself. */
  hangNextTask(vmId?: string, method?: string): void {
    this.taskRunner.hangPlans.push({ vmId, method });
  }

  /** The next task (matching the plan's vmId/method) ends in error with this fault instead of doing its work. */
  failNextTask(faultType: string, plan: Omit<TaskFailurePlan, "faultType"> = {}): void {
    this.taskRunner.failurePlans.push({ faultType, ...plan });
  }

  /** Lets hung tasks finish now. */
  finishHungTasks(): number {
    return this.taskRunner.finishHung();
  }

  /** Ends every session: the next call with an old session id answers NotAuthenticated. */
  expireAllSessions(): number {
    return this.sessions.expireAll();
  }

  /** A host stops responding: VMs there restart elsewhere in the cluster; FT secondaries there are re-spawned. */
  failHost(hostId: string): void {
    const host = this.requireHost(hostId);
    host.failed = true;
    this.notify("HostSystem", hostId);
    hostFailed(this, host);
  }

  restoreHost(hostId: string): void {
    const host = this.requireHost(hostId);
    host.failed = false;
    this.notify("HostSystem", hostId);
  }

  /** Someone turned FT off in the UI: the secondaries disappear, the primary is notConfigured. */
  turnOffFtOutOfBand(vmId: string): void {
    const vm = this.requireVm(vmId);
    const primary = vm.ft?.role === "secondary" ? this.requireVm(vm.ft.primaryId) : vm;
    turnOffFaultTolerance(this, primary);
  }

  setPreconditionFaultDelivery(delivery: PreconditionFaultDelivery): void {
    this.preconditionFaults = delivery;
  }

  /** Everything, as plain JSON, for audits. */
  inventory(): InventoryDump {
    return {
      datacenter: { ...this.datacenter },
      clusters: [...this.clusters.values()].map((cluster) => ({ ...cluster, hostIds: [...cluster.hostIds] })),
      hosts: [...this.hosts.values()].map((host) => ({ ...host })),
      datastores: [...this.datastores.values()].map((datastore) => ({ ...datastore })),
      vms: [...this.vms.values()].map((vm) => ({
        id: vm.id,
        name: vm.name,
        template: vm.template,
        clusterId: vm.clusterId,
        hostId: vm.hostId,
        powerState: vm.powerState,
        toolsInstalled: vm.toolsInstalled,
        toolsRunning: vm.toolsRunning,
        uuid: vm.uuid,
        instanceUuid: vm.instanceUuid,
        faultToleranceState: ftStateOf(this, vm),
        ftRole: vm.ft?.role ?? "none",
        secondaryIds: vm.ft?.role === "primary" ? [...vm.ft.secondaryIds] : [],
        primaryId: vm.ft?.role === "secondary" ? vm.ft.primaryId : undefined,
        currentSnapshotId: vm.currentSnapshotId,
        rootSnapshotIds: [...vm.rootSnapshotIds],
        pendingGuestOperation: vm.pendingGuestOperation,
        busyTaskId: this.taskRunner.busyTask(vm.id)?.id,
      })),
      snapshots: [...this.snapshots.values()].map((snapshot) => ({ ...snapshot, childIds: [...snapshot.childIds], createTime: new Date(snapshot.createTime).toISOString() })),
      runningTasks: this.taskRunner.running().map((task) => ({ id: task.id, name: task.name, entityId: task.entityId, state: task.state, progress: task.progress })),
      sessions: this.sessions.count,
    };
  }
}

export interface InventoryDump {
  datacenter: DatacenterState;
  clusters: ClusterState[];
  hosts: HostState[];
  datastores: DatastoreState[];
  vms: Array<{
    id: string;
    name: string;
    template: boolean;
    clusterId: string;
    hostId: string;
    powerState: PowerState;
    toolsInstalled: boolean;
    toolsRunning: boolean;
    uuid: string;
    instanceUuid: string;
    faultToleranceState: string;
    ftRole: "primary" | "secondary" | "none";
    secondaryIds: string[];
    primaryId?: string;
    currentSnapshotId?: string;
    rootSnapshotIds: string[];
    pendingGuestOperation?: string;
    busyTaskId?: string;
  }>;
  snapshots: Array<Omit<SnapshotState, "createTime"> & { createTime: string }>;
  runningTasks: Array<{ id: string; name: string; entityId: string; state: string; progress?: number }>;
  sessions: number;
}
