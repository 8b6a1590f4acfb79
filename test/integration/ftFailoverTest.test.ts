import { ConflictError, NotFoundError, PartialFailureError } from "../../provider/errors";
import * as drill from "../../provider/resources/vsphere/ftFailoverTest/provider";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import { useVsphereTwin } from "./support/vsphereTwin";

const twin = useVsphereTwin({ taskDurationMs: 40, ftSyncMs: 60 });

beforeEach(() => {
  twin.sim.server.faults.reset();
});

let counter = 0;
function newVm(powerState: "poweredOn" | "poweredOff" = "poweredOn"): string {
  counter += 1;
  return twin.sim.world.addVm({ name: `drill-${counter}`, powerState }).id;
}

const vmState = twin.vm;
const tasksOn = twin.tasksOn;
const requests = twin.requests;

/** An FT-protected VM, created through FtSecondary as a stack would; its recorded outputs. */
async function protectedVm(powerState: "poweredOn" | "poweredOff" = "poweredOn"): Promise<{ vmId: string; secondaryVmId: string; outs: Record<string, unknown> }> {
  const vmId = newVm(powerState);
  const checked = await ftSecondary.check({}, { vmId });
  const created = await ftSecondary.create(checked.inputs as Record<string, unknown>);
  return { vmId, secondaryVmId: created.outs!["secondaryVmId"] as string, outs: created.outs! };
}

/** What the engine does for a new resource: check, then create with the checked inputs. */
async function run(news: Record<string, unknown>) {
  const checked = await drill.check({}, news);
  expect(checked.failures).toEqual([]);
  return drill.create(checked.inputs as Record<string, unknown>);
}

/** `pulumi preview` of an FtSecondary whose inputs did not change: check and diff against what refresh recorded. */
async function previewFtSecondary(vmId: string, recorded: Record<string, unknown>) {
  const checked = await ftSecondary.check(recorded, { vmId });
  expect(checked.failures).toEqual([]);
  return ftSecondary.diff(vmId, recorded, checked.inputs as Record<string, unknown>);
}

describe("FtFailoverTest against the twin", () => {
  it("failover: the secondary takes over, the group runs protected again, and the run is recorded with its timings", async () => {
    const { vmId, secondaryVmId, outs: ftOuts } = await protectedVm();
    const secondaryHost = ftOuts["secondaryHost"];
    const created = await run({ vmId, triggers: ["2026-11"], timeoutSeconds: 60 });
    expect(tasksOn(vmId)).toEqual(["CreateSecondaryVMEx_Task", "MakePrimaryVM_Task"]);
    expect(vmState(secondaryVmId)).toMatchObject({ ftRole: "primary", faultToleranceState: "running" });
    expect(vmState(vmId)).toMatchObject({ ftRole: "secondary", primaryId: secondaryVmId });
    const outs = created.outs!;
    expect(created.id).toBe(`${vmId}:failover:${outs["startedAt"] as string}`);
    expect(outs).toMatchObject({
      vmId,
      mode: "failover",
      triggers: ["2026-11"],
      waitForProtection: true,
      primaryVmIdBefore: vmId,
      secondaryVmIdBefore: secondaryVmId,
      secondaryHostBefore: secondaryHost,
      primaryVmIdAfter: secondaryVmId,
      secondaryVmIdAfter: vmId,
      secondaryHostAfter: vmState(vmId)!.hostId,
      faultToleranceState: "running",
      result: "protected",
    });
    // Unprotected from the method call until running was seen: at least the twin's own re-spawn and sync times.
    expect(outs["secondsUnprotected"]).toBeGreaterThanOrEqual(0.06);
    expect(Date.parse(outs["finishedAt"] as string)).toBeGreaterThanOrEqual(Date.parse(outs["startedAt"] as string));

    // Refresh keeps the record (a run is history) as long as the VM exists.
    expect(await drill.read(created.id, outs)).toEqual({ id: created.id, props: outs });
  });

  it("the group's FtSecondary keeps working after a failover: refresh shows the new roles, preview shows no change", async () => {
    const { vmId, secondaryVmId, outs: ftOuts } = await protectedVm();
    await run({ vmId, timeoutSeconds: 60 });
    // A preview right after the test (state as created): no change, no call.
    const before = requests();
    expect(await previewFtSecondary(vmId, ftOuts)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(requests()).toBe(before);
    // Refresh: same resource (id = vmId), the new primary and secondary.
    const refreshed = await ftSecondary.read(vmId, ftOuts);
    expect(refreshed.id).toBe(vmId);
    expect(refreshed.props).toMatchObject({ vmId, primaryVmId: secondaryVmId, secondaryVmId: vmId, faultToleranceState: "running" });
    expect(await previewFtSecondary(vmId, refreshed.props!)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    // A second test through the same vmId acts on the current primary: roles swap back.
    await run({ vmId, triggers: ["again"], timeoutSeconds: 60 });
    expect(tasksOn(secondaryVmId)).toContain("MakePrimaryVM_Task");
    expect(vmState(vmId)?.ftRole).toBe("primary");
    // Destroy of the FtSecondary turns FT off through whichever VM is the primary.
    await ftSecondary.delete(vmId, (await ftSecondary.read(vmId, refreshed.props!)).props!);
    expect(vmState(vmId)?.ftRole).toBe("none");
  });

  it("restartSecondary: the secondary is killed and re-spawned, the primary stays; the FtSecondary needs nothing", async () => {
    const { vmId, secondaryVmId, outs: ftOuts } = await protectedVm();
    const created = await run({ vmId, mode: "restartSecondary", timeoutSeconds: 60 });
    expect(tasksOn(vmId).slice(-1)).toEqual(["TerminateFaultTolerantVM_Task"]);
    expect(created.outs).toMatchObject({ mode: "restartSecondary", primaryVmIdBefore: vmId, primaryVmIdAfter: vmId, secondaryVmIdAfter: secondaryVmId, result: "protected" });
    expect(vmState(vmId)).toMatchObject({ ftRole: "primary", faultToleranceState: "running" });
    const refreshed = await ftSecondary.read(vmId, ftOuts);
    expect(await previewFtSecondary(vmId, refreshed.props!)).toMatchObject({ changes: false, replaces: [] });
  });

  it("waitForProtection false records the run without waiting: notWaited, secondsUnprotected null", async () => {
    const { vmId } = await protectedVm();
    const created = await run({ vmId, waitForProtection: false, timeoutSeconds: 60 });
    expect(created.outs).toMatchObject({ result: "notWaited", secondsUnprotected: null });
    expect(created.outs!["faultToleranceState"]).not.toBe("running");
  });

  it("a secondary that never comes back is a partial failure that records what was seen", async () => {
    const { vmId, secondaryVmId } = await protectedVm();
    twin.sim.world.setFtSecondaryRespawn(vmId, false);
    const error = (await run({ vmId, timeoutSeconds: 1 }).catch((caught: unknown) => caught)) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.id).toMatch(new RegExp(`^${vmId}:failover:`));
    expect(error.message).toMatch(
      new RegExp(
        `^The failover test of VM "drill-\\d+" \\(${vmId}\\) ran \\(MakePrimaryVM_Task\\), but the group was not running again within timeoutSeconds \\(1\\)\\. vSphere reports faultToleranceState needSecondary \\(needSecondaryReason userAction\\), primary poweredOn; the secondary ${vmId} is poweredOff\\.`,
      ),
    );
    expect(error.properties).toMatchObject({ vmId, primaryVmIdAfter: secondaryVmId, faultToleranceState: "needSecondary", result: "notProtected", secondsUnprotected: null });
    twin.sim.world.setFtSecondaryRespawn(vmId, true);
  });
});

describe("FtFailoverTest preview and refusals", () => {
  async function reasons(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<string[]> {
    return ((await drill.check(olds, news)).failures ?? []).map((failure) => `${failure.property}: ${failure.reason}`);
  }

  it("refuses a VM that is not fault tolerant, and one whose group is not running, naming the VM and the state", async () => {
    const plain = newVm();
    expect(await reasons({ vmId: plain })).toEqual([
      `vmId: VM "${vmState(plain)!.name}" (${plain}) is not in a Fault Tolerance group (faultToleranceState notConfigured), so there is nothing to test: protect it with an FtSecondary first.`,
    ]);
    const { vmId } = await protectedVm("poweredOff");
    expect(await reasons({ vmId })).toEqual([expect.stringMatching(/group whose state is enabled, not running: a failover test on an unprotected group would take the workload down/)]);
    // The same refusals at create (vmId unknown at preview): nothing runs.
    await expect(drill.create({ vmId: plain })).rejects.toThrow(ConflictError);
    await expect(drill.create({ vmId: "vm-99999" })).rejects.toThrow(NotFoundError);
    expect(tasksOn(plain)).toEqual([]);
  });

  it("consults vCenter only when a run would happen: an unchanged test previews with no call, even with vmId now the secondary", async () => {
    const { vmId } = await protectedVm();
    const created = await run({ vmId, triggers: ["2026-11"], timeoutSeconds: 60 });
    expect(vmState(vmId)?.ftRole).toBe("secondary");
    const before = requests();
    expect(await reasons({ vmId, triggers: ["2026-11"], timeoutSeconds: 60 }, created.outs!)).toEqual([]);
    expect(await reasons({ vmId, triggers: ["2026-11"], timeoutSeconds: 120, waitForProtection: false }, created.outs!)).toEqual([]);
    expect(requests()).toBe(before);
    // A new month: the test will run again, so the group is checked (it is running: no refusal).
    expect(await reasons({ vmId, triggers: ["2026-12"] }, created.outs!)).toEqual([]);
    expect(requests()).toBeGreaterThan(before);
  });

  it("refresh keeps the record while the VM exists, FT or not, and drops it when the VM is gone", async () => {
    const { vmId } = await protectedVm();
    const created = await run({ vmId, mode: "restartSecondary", timeoutSeconds: 60 });
    twin.sim.world.turnOffFtOutOfBand(vmId);
    expect((await drill.read(created.id, created.outs!)).id).toBe(created.id);
    twin.sim.world.removeVm(vmId);
    expect(await drill.read(created.id, created.outs!)).toEqual({ id: "", props: {} });
    await expect(drill.delete(created.id, created.outs!)).resolves.toBeUndefined();
  });
});
