import type { OfflineTwin } from "../../simulator";
import { EngineSimulation, type DeclaredResource, type Step } from "../../tools/engine/engine";
import type { HostProcess } from "../../tools/engine/host";
import { addVm } from "../../tools/engine/twinFixtures";
import { stackConfigFor, useInstalledHost } from "./support";

/**
 * The drills in stacks, through the real dynamic-provider host: an FT-protected VM with a failover test of it (the
 * FtSecondary stays quiet after the test), FtSecondary's waitForProtection failing as a partial failure, and a
 * rollback (VmSnapshot, VmSnapshotRevert, VmPowerState with dependsOn) whose power drift shows at the next refresh.
 */
const installed = useInstalledHost();
let twin: OfflineTwin;
let host: HostProcess;
let providers: Record<string, string>;
beforeAll(() => {
  ({ twin, host, providers } = installed);
});

async function newEngine(project: string): Promise<EngineSimulation> {
  const engine = new EngineSimulation(host, { project, stack: "dev" });
  await engine.configure(stackConfigFor(twin.environment));
  return engine;
}

function opsOf(steps: Step[]): Record<string, string> {
  return Object.fromEntries(steps.map((step) => [step.resource, step.op]));
}

function vmState(vmId: string) {
  return twin.vsphere.world.inventory().vms.find((vm) => vm.id === vmId);
}

describe("an FT-protected VM with a monthly failover test", () => {
  /** The FtSecondary, and a test whose vmId is the FtSecondary's vmId output (unknown while it is being created). */
  const stack = (vmId: string, month: string): DeclaredResource[] => [
    { name: "tier", type: "vsphere:FtSecondary", provider: providers["ftSecondaryProvider"]!, inputs: { vmId, timeoutSeconds: 60 } },
    { name: "drill", type: "vsphere:FtFailoverTest", provider: providers["ftFailoverTestProvider"]!, inputs: (output) => ({ vmId: output("tier", "vmId"), triggers: [month], timeoutSeconds: 60 }) },
  ];

  it("previews, runs, and stays quiet afterwards: the FtSecondary is neither replaced nor changed, and follows the new roles", async () => {
    const engine = await newEngine("ft-drill");
    const vmId = addVm(twin, "drill-stack");
    // First preview: the FtSecondary is new, so the test's vmId is unknown and its checks wait for create.
    expect(opsOf(await engine.preview(stack(vmId, "2026-11")))).toEqual({ tier: "create", drill: "create" });
    expect(opsOf(await engine.up(stack(vmId, "2026-11")))).toEqual({ tier: "create", drill: "create" });
    const tier = engine.state.get("tier")!;
    const drill = engine.state.get("drill")!;
    expect(tier.outputs).toMatchObject({ faultToleranceState: "running", primaryVmId: vmId });
    const secondaryVmId = tier.outputs["secondaryVmId"] as string;
    expect(drill.outputs).toMatchObject({ vmId, primaryVmIdBefore: vmId, primaryVmIdAfter: secondaryVmId, result: "protected", faultToleranceState: "running" });
    expect(drill.outputs["secondsUnprotected"]).toEqual(expect.any(Number));
    expect(vmState(secondaryVmId)?.ftRole).toBe("primary");

    // A preview right after the test: no change for either (and no vCenter call for the unchanged test).
    const requests = twin.vsphere.server.stats.requests;
    expect(opsOf(await engine.preview(stack(vmId, "2026-11")))).toEqual({ tier: "same", drill: "same" });
    expect(twin.vsphere.server.stats.requests).toBe(requests);
    // Refresh: the FtSecondary reports the new primary and secondary; the test keeps its record.
    const refreshed = opsOf(await engine.refresh());
    expect(refreshed).toEqual({ tier: "refresh-update", drill: "refresh-same" });
    expect(engine.state.get("tier")!.outputs).toMatchObject({ vmId, primaryVmId: secondaryVmId, secondaryVmId: vmId, faultToleranceState: "running" });
    expect(engine.state.get("tier")!.id).toBe(vmId);
    expect(opsOf(await engine.preview(stack(vmId, "2026-11")))).toEqual({ tier: "same", drill: "same" });

    // Next month: only the test runs again (replace), through the same vmId, now the group's secondary.
    const next = await engine.preview(stack(vmId, "2026-12"));
    expect(opsOf(next)).toEqual({ tier: "same", drill: "replace" });
    expect(next.find((step) => step.resource === "drill")?.replaces).toEqual(["triggers"]);
    expect(opsOf(await engine.up(stack(vmId, "2026-12")))).toEqual({ tier: "same", drill: "replace" });
    expect(engine.state.get("drill")!.outputs).toMatchObject({ primaryVmIdBefore: secondaryVmId, primaryVmIdAfter: vmId, result: "protected" });

    // Destroy: the test changes nothing, the FtSecondary turns FT off through the current primary.
    expect(opsOf(await engine.destroy())).toEqual({ drill: "delete", tier: "delete" });
    expect(vmState(vmId)?.ftRole).toBe("none");
  });

  it("refuses at preview a test of a group that is not running, naming the state", async () => {
    const engine = await newEngine("ft-drill-refused");
    const vmId = addVm(twin, "drill-off", "poweredOff");
    expect(opsOf(await engine.up(stack(vmId, "2026-11")))).toEqual({ tier: "create", drill: "failed" });
    const preview = await engine.preview(stack(vmId, "2026-11"));
    expect(preview.find((step) => step.resource === "drill")?.error).toMatch(/^vmId: VM "drill-off" \(vm-\d+\) is in a Fault Tolerance group whose state is enabled, not running/);
    await engine.destroy();
  });
});

describe("FtSecondary waitForProtection through the engine", () => {
  it("a group not protected in time is a partial failure: recorded with the primary's id, and destroy turns FT off", async () => {
    const engine = await newEngine("ft-slow");
    const vmId = addVm(twin, "slow-secondary");
    const usual = twin.vsphere.world.ftSyncMs;
    twin.vsphere.world.ftSyncMs = 60_000;
    let steps: Step[];
    try {
      steps = await engine.up([{ name: "tier", type: "vsphere:FtSecondary", provider: providers["ftSecondaryProvider"]!, inputs: { vmId, timeoutSeconds: 1 } }]);
    } finally {
      twin.vsphere.world.ftSyncMs = usual;
    }
    expect(steps).toMatchObject([{ op: "failed", partialId: vmId }]);
    expect(steps[0]!.error).toMatch(/was not protected within timeoutSeconds \(1\)\. vSphere reports faultToleranceState starting/);
    expect(engine.state.get("tier")!.outputs).toMatchObject({ vmId, faultToleranceState: "starting", secondaryVmId: expect.any(String) });
    expect(opsOf(await engine.destroy())).toEqual({ tier: "delete" });
    expect(vmState(vmId)?.ftRole).toBe("none");
  });
});

describe("a rollback: snapshot, revert to it, then the declared power state (dependsOn)", () => {
  const stack = (vmId: string, rollback: string): DeclaredResource[] => [
    { name: "pre-change", type: "vsphere:VmSnapshot", provider: providers["vmSnapshotProvider"]!, inputs: { vmId, name: "pre-change" } },
    {
      name: "rollback",
      type: "vsphere:VmSnapshotRevert",
      provider: providers["vmSnapshotRevertProvider"]!,
      inputs: (output) => ({ vmId, snapshotId: output("pre-change", "snapshotId"), triggers: [rollback] }),
    },
    { name: "running", type: "vsphere:VmPowerState", provider: providers["vmPowerStateProvider"]!, inputs: { vmId, state: "poweredOn" } },
  ];

  it("reverts in order, previews quiet, and shows the power drift of a re-run revert at the next refresh", async () => {
    const engine = await newEngine("rollback");
    const vmId = addVm(twin, "rollback-vm");
    // The snapshot is new: the revert's snapshotId is unknown at preview, its snapshot checks wait for create.
    expect(opsOf(await engine.preview(stack(vmId, "r1")))).toEqual({ "pre-change": "create", rollback: "create", running: "create" });
    expect(opsOf(await engine.up(stack(vmId, "r1")))).toEqual({ "pre-change": "create", rollback: "create", running: "create" });
    const snapshotId = engine.state.get("pre-change")!.id;
    expect(engine.state.get("rollback")!.outputs).toMatchObject({ snapshotId, revertedToSnapshotId: snapshotId, powerStateAfter: "poweredOff" });
    // The power state came after the revert (dependsOn order): the VM runs.
    expect(engine.state.get("running")!.outputs).toMatchObject({ powerState: "poweredOn", lastAction: "powerOn" });
    expect(vmState(vmId)?.powerState).toBe("poweredOn");
    expect(opsOf(await engine.preview(stack(vmId, "r1")))).toEqual({ "pre-change": "same", rollback: "same", running: "same" });

    // Rolling back again: only the revert runs; it leaves the VM off, which the next refresh shows as drift.
    expect(opsOf(await engine.up(stack(vmId, "r2")))).toEqual({ "pre-change": "same", rollback: "replace", running: "same" });
    expect(vmState(vmId)?.powerState).toBe("poweredOff");
    expect(opsOf(await engine.refresh())).toEqual({ "pre-change": "refresh-same", rollback: "refresh-same", running: "refresh-update" });
    expect(opsOf(await engine.up(stack(vmId, "r2")))).toEqual({ "pre-change": "same", rollback: "same", running: "update" });
    expect(vmState(vmId)?.powerState).toBe("poweredOn");

    expect(opsOf(await engine.destroy())).toEqual({ running: "delete", rollback: "delete", "pre-change": "delete" });
    expect(vmState(vmId)?.rootSnapshotIds).toEqual([]);
  });

  it("a snapshot id of another VM is refused at preview, naming both", async () => {
    const engine = await newEngine("rollback-refused");
    const vmId = addVm(twin, "rollback-other");
    const steps = await engine.preview([
      { name: "rollback", type: "vsphere:VmSnapshotRevert", provider: providers["vmSnapshotRevertProvider"]!, inputs: { vmId, snapshotId: "snapshot-99999", triggers: ["r1"] } },
    ]);
    expect(steps[0]).toMatchObject({ op: "failed", error: expect.stringMatching(/^snapshotId: snapshot snapshot-99999 is not in the snapshot tree of VM "rollback-other"/) });
  });
});
