import type { OfflineTwin } from "../../simulator";
import { UNKNOWN } from "./engine";

/**
 * One resource's trip through the engine lifecycle against the offline twin: the inputs for create, an in-place
 * update and a replace, an out-of-band change that refresh must show, and (where the resource can be caught half-done)
 * an arranged failure after the object was made.
 */
export interface LifecycleScenario {
  type: string;
  providerExport: string;
  /** Prepares the world (e.g. a destroyed VM to recover) and returns what the inputs refer to. */
  setup(twin: OfflineTwin): Promise<Record<string, string>>;
  previewWithUnknowns(fixture: Record<string, string>): Record<string, unknown>;
  create(fixture: Record<string, string>): Record<string, unknown>;
  update(fixture: Record<string, string>): Record<string, unknown>;
  replace(fixture: Record<string, string>): Record<string, unknown>;
  outOfBand(twin: OfflineTwin, fixture: Record<string, string>, outputs: Record<string, unknown>): Promise<void>;
  /** What refresh shows after the out-of-band change. */
  refreshShows: "refresh-update" | "refresh-delete";
  /** Arranges a create that fails after the object exists; the engine must record a partial failure with an id. */
  partialFailure?: {
    arrange(twin: OfflineTwin, fixture: Record<string, string>): Promise<void>;
    inputs(fixture: Record<string, string>): Record<string, unknown>;
    cleanup?(twin: OfflineTwin): Promise<void>;
  };
}

export const vmInstanceRecoveryScenario: LifecycleScenario = {
  type: "zstack:VmInstanceRecovery",
  providerExport: "vmInstanceRecoveryProvider",
  setup: async (twin) => {
    const first = twin.zstack.world.addVm({ name: "web-03", state: "Destroyed" });
    const second = twin.zstack.world.addVm({ name: "web-04", state: "Destroyed" });
    const third = twin.zstack.world.addVm({ name: "web-05", state: "Destroyed" });
    return { first: first.uuid, second: second.uuid, third: third.uuid };
  },
  previewWithUnknowns: () => ({ vmInstanceUuid: UNKNOWN, startAfterRecovery: true }),
  create: (f) => ({ vmInstanceUuid: f["first"], startAfterRecovery: false, userTags: ["recovered-by-pulumi"] }),
  update: (f) => ({ vmInstanceUuid: f["first"], startAfterRecovery: true, userTags: ["recovered-by-pulumi"] }),
  replace: (f) => ({ vmInstanceUuid: f["second"], startAfterRecovery: true, userTags: ["recovered-by-pulumi"] }),
  outOfBand: async (twin, f) => {
    twin.zstack.world.destroyVm(f["second"]!);
  },
  refreshShows: "refresh-update",
  partialFailure: {
    arrange: async (twin) => {
      twin.zstack.world.injectedFailures.push({
        action: "startVmInstance",
        error: { code: "VM.1010", description: "Unable to start the VM", details: "no host has enough capacity", elaboration: null, opaque: null, cause: null },
      });
    },
    inputs: (f) => ({ vmInstanceUuid: f["third"], startAfterRecovery: true }),
  },
};
