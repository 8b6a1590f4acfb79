/**
 * The simulated vCenter: the inventory (inventory.ts) with its rules, plus tasks, sessions, container views, and the
 * admin operations that change things out of band. Tests and the admin HTTP API (admin.ts) call the admin methods
 * directly; the VI handlers call the rule modules.
 */
import { randomUUID } from "node:crypto";
import type { PowerState } from "../faults";
import { SessionStore } from "../sessions";
import { ContainerViewStore } from "./containerViews";
import { ftStateOf, primaryOf, setSecondaryRespawn, turnOffFaultTolerance } from "./faultTolerance";
import { failHost, restoreHost } from "./hostFailure";
import { Inventory, type InventoryOptions } from "./inventory";
import { addVmFolder, entityExists, inventoryPathOf } from "./inventoryTree";
import { setPowerStateOutOfBand } from "./power";
import { seedInventory } from "./seedInventory";
import { removeSnapshotFromTree } from "./snapshots";
import type { ClusterState, DatacenterState, DatastoreState, EntityRef, FolderState, HostState, SnapshotState, VmState } from "./stateTypes";
import { TaskRunner, type TaskFailurePlan } from "./tasks";
import { addVm, removeVm, type AddVmSpec } from "./vms";

export const DEFAULT_RELEASES = ["8.0.3.0", "8.0.2.0", "8.0.1.0", "9.0.0.0"];

export interface VsphereWorldOptions extends InventoryOptions {
  username?: string;
  password?: string;
  releases?: string[];
  /** Seed the default inventory (default true). */
  seed?: boolean;
}

/** Many VMs at once: `count` VMs named `<namePrefix>-0001`, `-0002`, … (zero-padded to at least 4 digits). */
export interface AddVmsSpec extends Omit<AddVmSpec, "id" | "name"> {
  count: number;
  namePrefix: string;
}

/** How precondition faults of `*_Task` methods reach the client: as the HTTP 500 answer (the spec's documented
 * behaviour) or as the error of a task that is created anyway (what vCenter does for many checks). */
export type PreconditionFaultDelivery = "response" | "task";

/** Managed objects that exist once per vCenter, by type (their id is the type name). */
const SINGLETONS = new Set(["ServiceInstance", "SessionManager", "SearchIndex", "ViewManager"]);

export class VsphereWorld extends Inventory {
  readonly sessions = new SessionStore();
  readonly taskRunner: TaskRunner;
  readonly views: ContainerViewStore;
  readonly credentials: { username: string; password: string };
  readonly releases: string[];
  readonly instanceUuid = randomUUID();
  preconditionFaults: PreconditionFaultDelivery = "response";

  constructor(options: VsphereWorldOptions = {}) {
    super(options);
    this.credentials = { username: options.username ?? "administrator@vsphere.local", password: options.password ?? "sim-password" };
    this.releases = [...(options.releases ?? DEFAULT_RELEASES)];
    this.taskRunner = new TaskRunner(this);
    this.views = new ContainerViewStore(this);
    this.sessions.onEnd((session) => this.views.dropSession(session.token));
    if (options.seed !== false) seedInventory(this);
  }

  override dispose(): void {
    super.dispose();
    this.taskRunner.dispose();
  }

  /** Whether a managed object exists (types the simulator models). Views are session objects: only their session's exist. */
  exists(moType: string, moId: string, sessionToken?: string): boolean {
    if (SINGLETONS.has(moType)) return moId === moType;
    switch (moType) {
      case "VirtualMachineSnapshot":
        return this.snapshots.has(moId);
      case "Task":
        return this.taskRunner.tasks.has(moId);
      case "ContainerView":
      case "View":
        return sessionToken !== undefined && this.views.has(moId, sessionToken);
      default:
        return entityExists(this, { type: moType, id: moId });
    }
  }

  // ---- inventory changes --------------------------------------------------------------------------------------

  addVm(spec: AddVmSpec): VmState {
    return addVm(this, spec);
  }

  addVms(spec: AddVmsSpec): VmState[] {
    const { count, namePrefix, ...placement } = spec;
    if (!Number.isInteger(count) || count < 1) throw new Error("count must be a positive integer");
    const width = Math.max(4, String(count).length);
    return Array.from({ length: count }, (_, index) => addVm(this, { ...placement, name: `${namePrefix}-${String(index + 1).padStart(width, "0")}` }));
  }

  /** Unregisters a VM (property filters see it leave). */
  removeVm(vmId: string): void {
    removeVm(this, vmId);
  }

  /** The inventory path of an entity, as FindByInventoryPath takes it (e.g. dc-sim/vm/app/app-01). */
  inventoryPathOf(entity: EntityRef): string | undefined {
    return inventoryPathOf(this, entity);
  }

  /** Adds a VM folder under another one (default: the datacenter's `vm` folder). */
  addFolder(name: string, parentId?: string): FolderState {
    return addVmFolder(this, name, parentId);
  }

  // ---- admin: out-of-band changes -------------------------------------------------------------------------------

  /** Sets a VM's power state directly (drift); tools and FT secondaries follow as they would. */
  setPowerState(vmId: string, state: PowerState): void {
    setPowerStateOutOfBand(this, this.requireVm(vmId), state);
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
    removeSnapshotFromTree(this, this.requireSnapshot(snapshotId), removeChildren);
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
    failHost(this, this.requireHost(hostId));
  }

  restoreHost(hostId: string): void {
    restoreHost(this, this.requireHost(hostId));
  }

  /** Someone turned FT off in the UI: the secondaries disappear, the primary is notConfigured. */
  turnOffFtOutOfBand(vmId: string): void {
    const vm = this.requireVm(vmId);
    turnOffFaultTolerance(this, primaryOf(this, vm) ?? vm);
  }

  /**
   * Whether vSphere re-spawns the secondary of this VM's FT group (vmId: primary or secondary) after it went down
   * (TerminateFaultTolerantVM, MakePrimaryVM, host failure). Off: the group stays needSecondary. Back on: a lost
   * secondary comes back. InvalidState when the VM is not fault tolerant.
   */
  setFtSecondaryRespawn(vmId: string, respawn: boolean): void {
    setSecondaryRespawn(this, this.requireVm(vmId), respawn);
  }

  setPreconditionFaultDelivery(delivery: PreconditionFaultDelivery): void {
    this.preconditionFaults = delivery;
  }

  /** Everything, as plain JSON, for audits. */
  inventory(): InventoryDump {
    return {
      datacenter: { ...this.datacenter },
      folders: [...this.folders.values()].map((folder) => ({ id: folder.id, name: folder.name, kind: folder.kind, parentId: folder.parent?.id })),
      clusters: [...this.clusters.values()].map((cluster) => ({ ...cluster, hostIds: [...cluster.hostIds] })),
      hosts: [...this.hosts.values()].map((host) => ({ ...host })),
      datastores: [...this.datastores.values()].map((datastore) => ({ ...datastore })),
      vms: [...this.vms.values()].map((vm) => ({
        id: vm.id,
        name: vm.name,
        template: vm.template,
        folderId: vm.folderId,
        inventoryPath: inventoryPathOf(this, { type: "VirtualMachine", id: vm.id }) ?? "",
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
      containerViews: this.views.count,
    };
  }
}

export interface InventoryDump {
  datacenter: DatacenterState;
  folders: Array<{ id: string; name: string; kind: FolderState["kind"]; parentId?: string }>;
  clusters: ClusterState[];
  hosts: HostState[];
  datastores: DatastoreState[];
  vms: Array<{
    id: string;
    name: string;
    template: boolean;
    folderId: string;
    /** What SearchIndex.FindByInventoryPath takes, e.g. dc-sim/vm/app/app-01. */
    inventoryPath: string;
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
  containerViews: number;
}
