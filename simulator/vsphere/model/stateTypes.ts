/** The simulator's internal state records. Wire shapes are built from them in `handlers/managedObjectProperties.ts`. */
import type { FaultBody, PowerState } from "../faults";

/** A managed entity of the inventory tree, by managed object type and id. */
export interface EntityRef {
  type: string;
  id: string;
}

export interface DatacenterState {
  id: string;
  name: string;
  vmFolderId: string;
  hostFolderId: string;
  datastoreFolderId: string;
  networkFolderId: string;
}

/** What a folder holds: the root folder holds datacenters, a datacenter's folders hold VMs, clusters, datastores, networks. */
export type FolderKind = "root" | "vm" | "host" | "datastore" | "network";

export interface FolderState {
  id: string;
  name: string;
  kind: FolderKind;
  /** The parent folder, or the datacenter for its top folders; none for the root folder. */
  parent?: EntityRef;
}

export interface ClusterState {
  id: string;
  name: string;
  haEnabled: boolean;
  hostIds: string[];
}

export interface HostState {
  id: string;
  name: string;
  clusterId: string;
  /** Hardware (BIOS) uuid, what FindByUuid with vmSearch false matches. */
  uuid: string;
  /** A failed host is `notResponding`: nothing runs or is placed there. */
  failed: boolean;
}

export interface DatastoreState {
  id: string;
  name: string;
}

export interface SnapshotState {
  id: string;
  vmId: string;
  /** VirtualMachineSnapshotTree.id: unique per VM. */
  numericId: number;
  name: string;
  description: string;
  createTime: number;
  state: PowerState;
  quiesced: boolean;
  parentId?: string;
  childIds: string[];
}

/** VirtualMachineNeedSecondaryReason values. */
export type NeedSecondaryReason = "initializing" | "divergence" | "lostConnection" | "partialHardwareFailure" | "userAction" | "checkpointError" | "other";

export interface FtPrimaryState {
  role: "primary";
  secondaryIds: string[];
  /** false: a secondary that went down is not re-spawned (the group stays needSecondary). Default true. */
  respawnSecondaries?: boolean;
}

export interface FtSecondaryState {
  role: "secondary";
  primaryId: string;
  enabled: boolean;
  /** Synchronization of a powered-on secondary with its primary. */
  sync: "starting" | "running";
  /** Why an enabled secondary is down while its primary runs (reported as the primary's needSecondaryReason). */
  downReason?: NeedSecondaryReason;
}

export type GuestOperation = "shutdown" | "reboot" | "standby";

export interface VmState {
  id: string;
  name: string;
  uuid: string;
  instanceUuid: string;
  template: boolean;
  /** The VM folder the VM is in. */
  folderId: string;
  clusterId: string;
  hostId: string;
  datastoreId: string;
  guestId: string;
  guestFullName: string;
  powerState: PowerState;
  toolsInstalled: boolean;
  toolsRunning: boolean;
  bootTime?: number;
  suspendTime?: number;
  createdAt: number;
  changeVersion: number;
  rootSnapshotIds: string[];
  currentSnapshotId?: string;
  nextSnapshotNumericId: number;
  ft?: FtPrimaryState | FtSecondaryState;
  /** Time the guest takes to act on ShutdownGuest/StandbyGuest/RebootGuest; Infinity = a hung guest. */
  guestOperationMs?: number;
  pendingGuestOperation?: GuestOperation;
}

export type TaskStateName = "queued" | "running" | "success" | "error";

export interface TaskState {
  id: string;
  /** Method name, e.g. PowerOnVM_Task. */
  name: string;
  descriptionId: string;
  entityType: string;
  entityId: string;
  entityName: string;
  /** The VM whose task slot this task holds (one running task per VM). */
  lockedVmId?: string;
  state: TaskStateName;
  cancelled: boolean;
  cancelable: boolean;
  progress?: number;
  /** Already in wire form (a data object or a MoRef, which carry their `_typeName`). */
  result?: unknown;
  error?: FaultBody;
  queueTime: number;
  startTime?: number;
  completeTime?: number;
  eventChainId: number;
  userName: string;
}

/** A ContainerView of one session: the entities under `container` (of `types`, all when empty), computed when read. */
export interface ContainerViewState {
  id: string;
  /** The session token of the session that created it (views are session objects). */
  ownerToken: string;
  container: EntityRef;
  types: string[];
  recursive: boolean;
}
