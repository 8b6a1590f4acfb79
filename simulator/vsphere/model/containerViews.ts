/**
 * ContainerViews (ViewManager.CreateContainerView): session objects listing the entities under a container, of the
 * requested types (their subtypes included; all types when none are given), immediate children only or the whole
 * subtree. The list is computed when read, so it always reflects the inventory. A view dies with DestroyView or its
 * session. Faults: ManagedObjectNotFound (container), InvalidArgument {invalidProperty: container} for an entity that
 * holds nothing, {invalidProperty: type} for a name that is not a managed entity type.
 */
import { randomUUID } from "node:crypto";
import { faults } from "../faults";
import { moRef } from "../wire";
import type { Inventory } from "./inventory";
import { containedEntities, entityExists } from "./inventoryTree";
import type { ContainerViewState, EntityRef } from "./stateTypes";

/** Managed entity types a view may list, each with the types it includes (itself and its subtypes). */
const ENTITY_TYPES: Record<string, string[]> = {
  ManagedEntity: [
    "ManagedEntity",
    "Folder",
    "StoragePod",
    "Datacenter",
    "ComputeResource",
    "ClusterComputeResource",
    "HostSystem",
    "ResourcePool",
    "VirtualApp",
    "VirtualMachine",
    "Datastore",
    "Network",
    "OpaqueNetwork",
    "DistributedVirtualPortgroup",
    "DistributedVirtualSwitch",
    "VmwareDistributedVirtualSwitch",
  ],
  Folder: ["Folder", "StoragePod"],
  StoragePod: ["StoragePod"],
  Datacenter: ["Datacenter"],
  ComputeResource: ["ComputeResource", "ClusterComputeResource"],
  ClusterComputeResource: ["ClusterComputeResource"],
  HostSystem: ["HostSystem"],
  ResourcePool: ["ResourcePool", "VirtualApp"],
  VirtualApp: ["VirtualApp"],
  VirtualMachine: ["VirtualMachine"],
  Datastore: ["Datastore", "StoragePod"],
  Network: ["Network", "OpaqueNetwork", "DistributedVirtualPortgroup"],
  OpaqueNetwork: ["OpaqueNetwork"],
  DistributedVirtualPortgroup: ["DistributedVirtualPortgroup"],
  DistributedVirtualSwitch: ["DistributedVirtualSwitch", "VmwareDistributedVirtualSwitch"],
  VmwareDistributedVirtualSwitch: ["VmwareDistributedVirtualSwitch"],
};

/** View types: a ContainerView is a ManagedObjectView is a View. */
const VIEW_TYPES: Record<string, string[]> = { View: ["View", "ManagedObjectView", "ContainerView"], ManagedObjectView: ["ManagedObjectView", "ContainerView"], ContainerView: ["ContainerView"] };

/** Whether an object of `actualType` is a `declaredType` (the same type or a subtype of it). */
export function isKindOf(actualType: string, declaredType: string): boolean {
  return actualType === declaredType || (ENTITY_TYPES[declaredType] ?? VIEW_TYPES[declaredType] ?? []).includes(actualType);
}

/** Entity types that hold other entities (what CreateContainerView accepts as container). */
const CONTAINER_TYPES = new Set(["Folder", "StoragePod", "Datacenter", "ComputeResource", "ClusterComputeResource", "HostSystem", "ResourcePool", "VirtualApp"]);

export class ContainerViewStore {
  private readonly views = new Map<string, ContainerViewState>();

  constructor(private readonly inventory: Inventory) {}

  create(ownerToken: string, ownerKey: string, container: EntityRef, types: string[], recursive: boolean): ContainerViewState {
    if (!entityExists(this.inventory, container)) throw faults.managedObjectNotFound(moRef(container.type, container.id));
    if (!CONTAINER_TYPES.has(container.type)) throw faults.invalidArgument("container", `A ${container.type} does not contain other entities.`);
    const unknown = types.find((type) => ENTITY_TYPES[type] === undefined);
    if (unknown !== undefined) throw faults.invalidArgument("type", `${unknown} is not a managed entity type.`);
    const view: ContainerViewState = { id: `session[${ownerKey}]${randomUUID()}`, ownerToken, container, types: [...types], recursive };
    this.views.set(view.id, view);
    return view;
  }

  get(viewId: string): ContainerViewState | undefined {
    return this.views.get(viewId);
  }

  /** Whether the view exists and belongs to this session. */
  has(viewId: string, sessionToken: string): boolean {
    return this.views.get(viewId)?.ownerToken === sessionToken;
  }

  destroy(viewId: string): void {
    if (this.views.delete(viewId)) this.inventory.notify("ContainerView", viewId);
  }

  /** The session ended: its views go. */
  dropSession(sessionToken: string): void {
    for (const view of [...this.views.values()]) if (view.ownerToken === sessionToken) this.destroy(view.id);
  }

  get count(): number {
    return this.views.size;
  }

  /** ContainerView.view: the entities under the container, now, each once. */
  contents(view: ContainerViewState): EntityRef[] {
    const included = new Set(view.types.flatMap((type) => ENTITY_TYPES[type] ?? []));
    const seen = new Set<string>();
    const found: EntityRef[] = [];
    const walk = (entity: EntityRef) => {
      for (const child of containedEntities(this.inventory, entity)) {
        const key = `${child.type}:${child.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (included.size === 0 || included.has(child.type)) found.push(child);
        if (view.recursive) walk(child);
      }
    };
    walk(view.container);
    return found;
  }
}
