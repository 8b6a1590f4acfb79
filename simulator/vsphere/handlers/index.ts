/** Every VI/JSON method the twin serves, as the router looks them up (`MoType/name`). */
import type { VsphereWorld } from "../model/world";
import { faultToleranceMethods } from "./faultTolerance";
import type { RegisteredMethod } from "./methodRegistry";
import { powerMethods } from "./power";
import { propertyCollectorMethods, type PropertyCollectorService } from "./propertyCollector";
import { searchIndexMethods } from "./searchIndex";
import { sessionMethods } from "./sessionMethods";
import { snapshotMethods } from "./snapshots";
import { viewManagerMethods } from "./viewManager";

export function viMethods(world: VsphereWorld, collectors: PropertyCollectorService): RegisteredMethod[] {
  return [
    ...sessionMethods(world),
    ...powerMethods,
    ...snapshotMethods,
    ...faultToleranceMethods,
    ...propertyCollectorMethods(collectors),
    ...searchIndexMethods,
    ...viewManagerMethods,
  ];
}
