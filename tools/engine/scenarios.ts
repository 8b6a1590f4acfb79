import type { OfflineTwin } from "../../simulator";
import { UNKNOWN } from "./engine";
import { addVm, protectedVm, snapshotOf } from "./twinFixtures";

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

export const ftSecondaryScenario: LifecycleScenario = {
  type: "vsphere:FtSecondary",
  providerExport: "ftSecondaryProvider",
  setup: async (twin) => ({ first: addVm(twin, "ft-engine-a"), second: addVm(twin, "ft-engine-b"), third: addVm(twin, "ft-engine-c") }),
  previewWithUnknowns: () => ({ vmId: UNKNOWN, enabled: true }),
  create: (f) => ({ vmId: f["first"], timeoutSeconds: 60 }),
  update: (f) => ({ vmId: f["first"], enabled: false, timeoutSeconds: 60 }),
  replace: (f) => ({ vmId: f["second"], enabled: true, timeoutSeconds: 60 }),
  outOfBand: async (twin, f) => {
    twin.vsphere.world.turnOffFtOutOfBand(f["second"]!);
  },
  refreshShows: "refresh-delete",
  // The secondary is made, then disabling it (enabled: false) fails: the secondary exists and must be recorded.
  partialFailure: {
    arrange: async (twin, f) => {
      twin.vsphere.world.failNextTask("InvalidState", { vmId: f["third"], method: "DisableSecondaryVM_Task" });
    },
    inputs: (f) => ({ vmId: f["third"], enabled: false, timeoutSeconds: 60 }),
  },
};

export const vmSnapshotScenario: LifecycleScenario = {
  type: "vsphere:VmSnapshot",
  providerExport: "vmSnapshotProvider",
  setup: async (twin) => ({ vm: addVm(twin, "snap-engine") }),
  previewWithUnknowns: (f) => ({ vmId: f["vm"], name: UNKNOWN }),
  create: (f) => ({ vmId: f["vm"], name: "pre-change 100%", description: "before the kernel upgrade" }),
  update: (f) => ({ vmId: f["vm"], name: "pre-change 100%", description: "before the kernel upgrade (CHG-1234)" }),
  replace: (f) => ({ vmId: f["vm"], name: "pre-change 100%", description: "before the kernel upgrade (CHG-1234)", memory: true }),
  outOfBand: async (twin, _f, outputs) => {
    twin.vsphere.world.deleteSnapshotOutOfBand(String(outputs["snapshotId"]));
  },
  refreshShows: "refresh-delete",
};

export const vmPowerStateScenario: LifecycleScenario = {
  type: "vsphere:VmPowerState",
  providerExport: "vmPowerStateProvider",
  setup: async (twin) => ({ first: addVm(twin, "power-engine-a"), second: addVm(twin, "power-engine-b", "poweredOff") }),
  previewWithUnknowns: () => ({ vmId: UNKNOWN, state: "poweredOff" }),
  create: (f) => ({ vmId: f["first"], state: "poweredOff", guestShutdownTimeoutSeconds: 30 }),
  update: (f) => ({ vmId: f["first"], state: "poweredOn", guestShutdownTimeoutSeconds: 30 }),
  replace: (f) => ({ vmId: f["second"], state: "poweredOn", guestShutdownTimeoutSeconds: 30 }),
  outOfBand: async (twin, f) => {
    twin.vsphere.world.setPowerState(f["second"]!, "poweredOff");
  },
  refreshShows: "refresh-update",
};

export const failoverPlanRunScenario: LifecycleScenario = {
  type: "veeam:FailoverPlanRun",
  providerExport: "failoverPlanRunProvider",
  setup: async (twin) => {
    const drill = twin.veeam.world.addPlan({ name: "Engine-Drill", runDurationMs: 50 });
    const failing = twin.veeam.world.addPlan({ name: "Engine-Failing", runDurationMs: 50, nextOutcome: "error" });
    return { plan: drill.id, failing: failing.id };
  },
  previewWithUnknowns: () => ({ planId: UNKNOWN }),
  create: (f) => ({ planId: f["plan"], triggers: { drill: "2026-11" } }),
  update: (f) => ({ planId: f["plan"], triggers: { drill: "2026-11" }, undoOnDelete: true, timeoutSeconds: 900 }),
  replace: (f) => ({ planId: f["plan"], triggers: { drill: "2026-12" }, undoOnDelete: true, timeoutSeconds: 900 }),
  outOfBand: async (twin, f) => {
    const plan = twin.veeam.world.plan(f["plan"]!);
    if (!plan) throw new Error("the drill plan vanished from the twin");
    twin.veeam.world.startUndo(plan, 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
  },
  refreshShows: "refresh-delete",
  partialFailure: {
    arrange: async () => undefined,
    inputs: (f) => ({ planId: f["failing"] }),
  },
};

let runs = 0;

/**
 * FtFailoverTest: a failover test of an FT group; a new trigger runs it again (replace). Refresh drops a run only when
 * its VM is gone: the out-of-band change removes the VM, and names a fresh protected VM for the next `up`.
 */
export const ftFailoverTestScenario: LifecycleScenario = {
  type: "vsphere:FtFailoverTest",
  providerExport: "ftFailoverTestProvider",
  setup: async (twin) => {
    runs += 1;
    return { vm: await protectedVm(twin, `drill-engine-${runs}-a`), third: await protectedVm(twin, `drill-engine-${runs}-c`) };
  },
  previewWithUnknowns: () => ({ vmId: UNKNOWN, triggers: ["2026-11"] }),
  create: (f) => ({ vmId: f["vm"], triggers: ["2026-11"], timeoutSeconds: 60 }),
  update: (f) => ({ vmId: f["vm"], triggers: ["2026-11"], timeoutSeconds: 120 }),
  replace: (f) => ({ vmId: f["vm"], triggers: ["2026-12"], timeoutSeconds: 120 }),
  outOfBand: async (twin, f) => {
    const gone = f["vm"]!;
    twin.vsphere.world.turnOffFtOutOfBand(gone);
    twin.vsphere.world.removeVm(gone);
    f["vm"] = await protectedVm(twin, `${gone}-successor`);
  },
  refreshShows: "refresh-delete",
  // The former primary never comes back as the secondary (the twin's re-spawn is off): the run is recorded.
  partialFailure: {
    arrange: async (twin, f) => twin.vsphere.world.setFtSecondaryRespawn(f["third"]!, false),
    inputs: (f) => ({ vmId: f["third"], timeoutSeconds: 2 }),
  },
};

/**
 * VmSnapshotRevert: a revert to a snapshot; another snapshot reverts again (replace). Refresh drops a revert only when
 * its VM is gone: the out-of-band change removes the VM, and names a fresh VM with a snapshot for the next `up`.
 */
export const vmSnapshotRevertScenario: LifecycleScenario = {
  type: "vsphere:VmSnapshotRevert",
  providerExport: "vmSnapshotRevertProvider",
  setup: async (twin) => {
    runs += 1;
    const vm = addVm(twin, `revert-engine-${runs}`);
    return { vm, first: await snapshotOf(twin, vm, "pre-change"), second: await snapshotOf(twin, vm, "after step 1") };
  },
  previewWithUnknowns: (f) => ({ vmId: f["vm"], snapshotId: UNKNOWN }),
  create: (f) => ({ vmId: f["vm"], snapshotId: f["first"], triggers: ["CHG-1"] }),
  update: (f) => ({ vmId: f["vm"], snapshotId: f["first"], triggers: ["CHG-1"], timeoutSeconds: 600 }),
  replace: (f) => ({ vmId: f["vm"], snapshotId: f["second"], triggers: ["CHG-1"], timeoutSeconds: 600 }),
  outOfBand: async (twin, f) => {
    const gone = f["vm"]!;
    twin.vsphere.world.removeVm(gone);
    f["vm"] = addVm(twin, `${gone}-successor`);
    f["first"] = await snapshotOf(twin, f["vm"], "pre-change");
    f["second"] = await snapshotOf(twin, f["vm"], "after step 1");
  },
  refreshShows: "refresh-delete",
};
