/** The inventory's managed entities: which exist, and arguments that must name one of a given type. */
import { faults } from "../faults";
import { moRef } from "../wire";
import type { Inventory } from "./inventory";
import type { EntityRef } from "./stateTypes";

export function entityExists(inventory: Inventory, entity: EntityRef): boolean {
  switch (entity.type) {
    case "Folder":
      return entity.id === inventory.rootFolderId;
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
