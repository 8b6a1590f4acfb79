/**
 * The inventory as a tree of managed entities: root folder → datacenter → its vm / host / datastore / network folders
 * → sub-folders, VMs (FT secondaries beside their primary), clusters → hosts, datastores. Names, parents, children,
 * inventory paths (`dc-sim/vm/app/app-01`) and the uuid searches of the SearchIndex.
 */
import { faults } from "../faults";
import { moRef } from "../wire";
import { escapeEntityName, nameMatches } from "./entityNames";
import type { Inventory } from "./inventory";
import type { EntityRef, FolderKind, FolderState, VmState } from "./stateTypes";

const ref = (type: string, id: string): EntityRef => ({ type, id });

export function entityExists(inventory: Inventory, entity: EntityRef): boolean {
  switch (entity.type) {
    case "Folder":
      return inventory.folders.has(entity.id);
    case "Datacenter":
      return entity.id === inventory.datacenter.id;
    case "ClusterComputeResource":
      return inventory.clusters.has(entity.id);
    case "HostSystem":
      return inventory.hosts.has(entity.id);
    case "Datastore":
      return inventory.datastores.has(entity.id);
    case "VirtualMachine":
      return inventory.vms.has(entity.id);
    default:
      return false;
  }
}

/** An argument naming an entity must be of the expected type (InvalidArgument) and exist (ManagedObjectNotFound). */
export function requireEntity(inventory: Inventory, entity: EntityRef, expectedType: string | string[], argument: string): string {
  const expected = Array.isArray(expectedType) ? expectedType : [expectedType];
  if (!expected.includes(entity.type)) throw faults.invalidArgument(argument, `${argument} must refer to a ${expected.join(" or ")}, not a ${entity.type}.`);
  if (!entityExists(inventory, entity)) throw faults.managedObjectNotFound(moRef(entity.type, entity.id));
  return entity.id;
}

/** The stored (unescaped) name of an entity. */
export function entityName(inventory: Inventory, entity: EntityRef): string | undefined {
  switch (entity.type) {
    case "Folder":
      return inventory.folders.get(entity.id)?.name;
    case "Datacenter":
      return entity.id === inventory.datacenter.id ? inventory.datacenter.name : undefined;
    case "ClusterComputeResource":
      return inventory.clusters.get(entity.id)?.name;
    case "HostSystem":
      return inventory.hosts.get(entity.id)?.name;
    case "Datastore":
      return inventory.datastores.get(entity.id)?.name;
    case "VirtualMachine":
      return inventory.vms.get(entity.id)?.name;
    default:
      return undefined;
  }
}

export function parentOf(inventory: Inventory, entity: EntityRef): EntityRef | undefined {
  switch (entity.type) {
    case "Folder":
      return inventory.folders.get(entity.id)?.parent;
    case "Datacenter":
      return ref("Folder", inventory.rootFolderId);
    case "ClusterComputeResource":
      return ref("Folder", inventory.datacenter.hostFolderId);
    case "HostSystem": {
      const host = inventory.hosts.get(entity.id);
      return host ? ref("ClusterComputeResource", host.clusterId) : undefined;
    }
    case "Datastore":
      return ref("Folder", inventory.datacenter.datastoreFolderId);
    case "VirtualMachine": {
      const vm = inventory.vms.get(entity.id);
      return vm ? ref("Folder", vm.folderId) : undefined;
    }
    default:
      return undefined;
  }
}

/** Folder.childType: what a folder of this kind may hold. */
export function folderChildTypes(kind: FolderKind): string[] {
  switch (kind) {
    case "root":
      return ["Folder", "Datacenter"];
    case "vm":
      return ["Folder", "VirtualMachine", "VirtualApp"];
    case "host":
      return ["Folder", "ComputeResource"];
    case "datastore":
      return ["Folder", "Datastore", "StoragePod"];
    case "network":
      return ["Folder", "Network", "DistributedVirtualSwitch"];
  }
}

/** Folder.childEntity: sub-folders, then what the folder holds, in creation order. */
export function folderChildren(inventory: Inventory, folder: FolderState): EntityRef[] {
  const children: EntityRef[] = [];
  for (const candidate of inventory.folders.values()) {
    if (candidate.parent?.type === "Folder" && candidate.parent.id === folder.id) children.push(ref("Folder", candidate.id));
  }
  const dc = inventory.datacenter;
  if (folder.kind === "root") children.push(ref("Datacenter", dc.id));
  if (folder.kind === "vm") for (const vm of inventory.vms.values()) if (vm.folderId === folder.id) children.push(ref("VirtualMachine", vm.id));
  if (folder.id === dc.hostFolderId) for (const cluster of inventory.clusters.keys()) children.push(ref("ClusterComputeResource", cluster));
  if (folder.id === dc.datastoreFolderId) for (const datastore of inventory.datastores.keys()) children.push(ref("Datastore", datastore));
  return children;
}

/**
 * The immediate children SearchIndex.FindChild searches: a folder's childEntity, a datacenter's four folders, a
 * cluster's hosts (the simulator models no resource pools). Anything else has none.
 */
export function childEntities(inventory: Inventory, entity: EntityRef): EntityRef[] {
  switch (entity.type) {
    case "Folder": {
      const folder = inventory.folders.get(entity.id);
      return folder ? folderChildren(inventory, folder) : [];
    }
    case "Datacenter": {
      const dc = inventory.datacenter;
      return [dc.vmFolderId, dc.hostFolderId, dc.datastoreFolderId, dc.networkFolderId].map((id) => ref("Folder", id));
    }
    case "ClusterComputeResource":
      return (inventory.clusters.get(entity.id)?.hostIds ?? []).map((id) => ref("HostSystem", id));
    default:
      return [];
  }
}

/** What a container view walks from an entity: its child entities, and for a host the VMs running there. */
export function containedEntities(inventory: Inventory, entity: EntityRef): EntityRef[] {
  if (entity.type === "HostSystem") return vmsOnHost(inventory, entity.id).map((vm) => ref("VirtualMachine", vm.id));
  return childEntities(inventory, entity);
}

export function vmsOnHost(inventory: Inventory, hostId: string): VmState[] {
  return [...inventory.vms.values()].filter((vm) => vm.hostId === hostId);
}

/** SearchIndex.FindChild: ManagedObjectNotFound for an entity that does not exist; undefined when no child has the name. */
export function findChild(inventory: Inventory, entity: EntityRef, name: string): EntityRef | undefined {
  if (!entityExists(inventory, entity)) throw faults.managedObjectNotFound(moRef(entity.type, entity.id));
  return childEntities(inventory, entity).find((child) => {
    const childName = entityName(inventory, child);
    return childName !== undefined && nameMatches(childName, name);
  });
}

/**
 * SearchIndex.FindByInventoryPath: slash-separated names from the root folder (`dc-sim/vm/app/app-01`); leading and
 * trailing slashes are ignored, `/` alone is the root folder, a `/` inside a name is `%2f`.
 */
export function findByInventoryPath(inventory: Inventory, path: string): EntityRef | undefined {
  const root = ref("Folder", inventory.rootFolderId);
  const segments = path.split("/").filter((segment) => segment !== "");
  if (segments.length === 0) return path.includes("/") ? root : undefined;
  let current: EntityRef | undefined = root;
  for (const segment of segments) {
    current = findChild(inventory, current, segment);
    if (!current) return undefined;
  }
  return current;
}

/** The inventory path of an entity (what FindByInventoryPath takes), names escaped. */
export function inventoryPathOf(inventory: Inventory, entity: EntityRef): string | undefined {
  const names: string[] = [];
  for (let current: EntityRef | undefined = entity; current && !(current.type === "Folder" && current.id === inventory.rootFolderId); current = parentOf(inventory, current)) {
    const name = entityName(inventory, current);
    if (name === undefined) return undefined;
    names.unshift(escapeEntityName(name));
  }
  return names.join("/");
}

/**
 * SearchIndex.FindAllByUuid: VMs by BIOS uuid (`config.uuid`, shared by an FT primary and its secondary) or, with
 * `instanceUuid`, by instance uuid; hosts by hardware uuid. Exact matches, in inventory order.
 */
export function findAllByUuid(inventory: Inventory, uuid: string, vmSearch: boolean, instanceUuid: boolean): EntityRef[] {
  if (!vmSearch) return [...inventory.hosts.values()].filter((host) => host.uuid === uuid).map((host) => ref("HostSystem", host.id));
  return [...inventory.vms.values()].filter((vm) => (instanceUuid ? vm.instanceUuid : vm.uuid) === uuid).map((vm) => ref("VirtualMachine", vm.id));
}

/** Adds a VM folder under another VM folder (default: the datacenter's `vm` folder). */
export function addVmFolder(inventory: Inventory, name: string, parentId?: string): FolderState {
  const parent = inventory.requireFolder(parentId ?? inventory.datacenter.vmFolderId);
  if (parent.kind !== "vm") throw new Error(`${parent.id} is not a VM folder`);
  if (name.trim() === "") throw new Error("a folder needs a name");
  const siblings = folderChildren(inventory, parent).filter((child) => child.type === "Folder");
  if (siblings.some((sibling) => entityName(inventory, sibling) === name)) throw new Error(`${parent.id} already has a folder named ${name}`);
  const folder: FolderState = { id: inventory.newFolderId(), name, kind: "vm", parent: ref("Folder", parent.id) };
  inventory.folders.set(folder.id, folder);
  inventory.notify("Folder", folder.id);
  inventory.notify("Folder", parent.id);
  return folder;
}
