/**
 * SearchIndex (`ServiceContent.searchIndex`, MoRef SearchIndex:SearchIndex), rules in model/inventoryTree.ts:
 *   FindByInventoryPath {inventoryPath}            → MoRef of the entity at the path (`dc-sim/vm/app/app-01`), or null
 *   FindChild {entity, name}                        → MoRef of the immediate child with that name, or null;
 *                                                     ManagedObjectNotFound when `entity` does not exist
 *   FindByUuid {datacenter?, uuid, vmSearch, instanceUuid?}    → MoRef of the first match, or null
 *   FindAllByUuid {datacenter?, uuid, vmSearch, instanceUuid?} → MoRef[] of every match ([] when none)
 * uuid searches: vmSearch true matches VMs by BIOS uuid (`config.uuid`, which an FT secondary shares with its
 * primary) or, with instanceUuid true, by `config.instanceUuid`; vmSearch false matches hosts by hardware uuid.
 * instanceUuid true with vmSearch false is InvalidArgument; a datacenter that does not exist is ManagedObjectNotFound.
 */
import { faults } from "../faults";
import { findAllByUuid, findByInventoryPath, findChild } from "../model/inventoryTree";
import type { EntityRef } from "../model/stateTypes";
import type { VsphereWorld } from "../model/world";
import { findAllByUuidBody, findByInventoryPathBody, findByUuidBody, findChildBody, requiredBody } from "../requestBodies";
import type { MoRefInput } from "../requestTypes";
import { moRef, type MoRef } from "../wire";
import { defineMethod } from "./defineMethod";
import { entityOf, expectMoRef, type RegisteredMethod } from "./methodRegistry";

const refOrNull = (entity: EntityRef | undefined): MoRef | null => (entity ? moRef(entity.type, entity.id) : null);

interface UuidQuery {
  datacenter?: MoRefInput;
  uuid: string;
  vmSearch: boolean;
  instanceUuid?: boolean;
}

function uuidMatches(world: VsphereWorld, query: UuidQuery): MoRef[] {
  if (query.datacenter) expectMoRef(world, query.datacenter, "Datacenter", "datacenter");
  if (query.instanceUuid === true && !query.vmSearch) throw faults.invalidArgument("instanceUuid", "instanceUuid may only be set when vmSearch is true.");
  return findAllByUuid(world, query.uuid, query.vmSearch, query.instanceUuid === true).map((entity) => moRef(entity.type, entity.id));
}

export const searchIndexMethods: RegisteredMethod[] = [
  defineMethod("SearchIndex", "FindByInventoryPath", { body: requiredBody(findByInventoryPathBody), privilege: "System.View" }, (call) =>
    refOrNull(findByInventoryPath(call.world, call.body.inventoryPath)),
  ),
  defineMethod("SearchIndex", "FindChild", { body: requiredBody(findChildBody), privilege: "System.View" }, (call) => refOrNull(findChild(call.world, entityOf(call.body.entity), call.body.name))),
  defineMethod("SearchIndex", "FindByUuid", { body: requiredBody(findByUuidBody), privilege: "System.View" }, (call) => uuidMatches(call.world, call.body)[0] ?? null),
  defineMethod("SearchIndex", "FindAllByUuid", { body: requiredBody(findAllByUuidBody), privilege: "System.View" }, (call) => uuidMatches(call.world, call.body)),
];
