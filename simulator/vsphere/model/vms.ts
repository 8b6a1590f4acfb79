/** Registering and unregistering VMs: placement in a VM folder, cluster, host and datastore; ids and uuids. */
import { randomUUID } from "node:crypto";
import type { PowerState } from "../faults";
import type { Inventory } from "./inventory";
import { cancelGuestOperation } from "./powerState";
import type { VmState } from "./stateTypes";

export interface AddVmSpec {
  id?: string;
  name: string;
  /** VM folder id (default: the datacenter's `vm` folder). */
  folderId?: string;
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

export function addVm(inventory: Inventory, spec: AddVmSpec): VmState {
  const id = spec.id ?? inventory.newVmId();
  if (inventory.vms.has(id)) throw new Error(`VM ${id} already exists`);
  const folderId = spec.folderId ?? inventory.datacenter.vmFolderId;
  if (inventory.folders.get(folderId)?.kind !== "vm") throw new Error(`${folderId} is not a VM folder`);
  const clusterId = spec.clusterId ?? [...inventory.clusters.values()].find((cluster) => cluster.haEnabled)?.id ?? [...inventory.clusters.keys()][0];
  const cluster = inventory.clusters.get(clusterId);
  if (!cluster) throw new Error(`unknown cluster ${clusterId}`);
  const hostId = spec.hostId ?? cluster.hostIds.find((candidate) => !inventory.hosts.get(candidate)?.failed) ?? cluster.hostIds[0];
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
    folderId,
    clusterId,
    hostId,
    datastoreId: spec.datastoreId ?? [...inventory.datastores.keys()][0] ?? "datastore-11",
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
  inventory.vms.set(id, vm);
  inventory.notify("VirtualMachine", id);
  inventory.notify("Folder", folderId);
  return vm;
}

/** Unregisters a VM and its snapshots (property filters see them leave). */
export function removeVm(inventory: Inventory, vmId: string): void {
  const vm = inventory.vms.get(vmId);
  if (!vm) return;
  cancelGuestOperation(inventory, vm);
  for (const snapshotId of [...inventory.snapshots.keys()]) {
    if (inventory.snapshots.get(snapshotId)?.vmId === vmId) {
      inventory.snapshots.delete(snapshotId);
      inventory.notify("VirtualMachineSnapshot", snapshotId);
    }
  }
  inventory.vms.delete(vmId);
  inventory.notify("VirtualMachine", vmId);
  inventory.notify("Folder", vm.folderId);
}
