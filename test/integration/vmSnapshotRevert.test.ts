import { NotFoundError, ValidationError } from "../../provider/errors";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as revert from "../../provider/resources/vsphere/vmSnapshotRevert/provider";
import * as snapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import * as power from "../../provider/resources/vsphere/vmPowerState/provider";
import { useVsphereTwin } from "./support/vsphereTwin";

const twin = useVsphereTwin({ taskDurationMs: 40, ftSyncMs: 60 });

beforeEach(() => {
  twin.sim.server.faults.reset();
});

let counter = 0;
function newVm(powerState: "poweredOn" | "poweredOff" = "poweredOn"): string {
  counter += 1;
  return twin.sim.world.addVm({ name: `revert-${counter}`, powerState, toolsInstalled: true, toolsRunning: powerState === "poweredOn" }).id;
}

const vmState = twin.vm;
const tasksOn = twin.tasksOn;
const requests = twin.requests;

async function takeSnapshot(vmId: string, name: string, memory = false): Promise<string> {
  return (await snapshot.create({ vmId, name, memory })).id;
}

async function reasons(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<string[]> {
  return ((await revert.check(olds, news)).failures ?? []).map((failure) => `${failure.property}: ${failure.reason}`);
}

/** What the engine does for a new resource: check, then create with the checked inputs. */
async function run(news: Record<string, unknown>) {
  const checked = await revert.check({}, news);
  expect(checked.failures).toEqual([]);
  return revert.create(checked.inputs as Record<string, unknown>);
}

describe("VmSnapshotRevert against the twin", () => {
  it("reverts to a disk-only snapshot: the VM is back at it, powered off, and the run is recorded", async () => {
    const vmId = newVm();
    const snapshotId = await takeSnapshot(vmId, "pre-change");
    const created = await run({ vmId, snapshotId, triggers: ["CHG-1"] });
    expect(tasksOn(vmId).slice(-1)).toEqual(["RevertToSnapshot_Task"]);
    expect(vmState(vmId)).toMatchObject({ powerState: "poweredOff", currentSnapshotId: snapshotId });
    expect(created.id).toBe(`${vmId}:${snapshotId}:${created.outs!["revertedAt"] as string}`);
    expect(created.outs).toMatchObject({
      vmId,
      snapshotId,
      suppressPowerOn: false,
      triggers: ["CHG-1"],
      snapshotName: "pre-change",
      revertedToSnapshotId: snapshotId,
      powerStateAfter: "poweredOff",
    });
    expect(await revert.read(created.id, created.outs!)).toEqual({ id: created.id, props: created.outs });
  });

  it("reverts to the current snapshot when no snapshotId is given", async () => {
    const vmId = newVm();
    const first = await takeSnapshot(vmId, "first");
    const second = await takeSnapshot(vmId, "second", true);
    expect(vmState(vmId)?.currentSnapshotId).toBe(second);
    const created = await run({ vmId });
    expect(tasksOn(vmId).slice(-1)).toEqual(["RevertToCurrentSnapshot_Task"]);
    expect(created.outs).toMatchObject({ revertedToSnapshotId: second, snapshotName: "second", powerStateAfter: "poweredOn" });
    expect(first).not.toBe(second);
  });

  it("records the power state as vSphere reports it after the revert", async () => {
    const vmId = newVm();
    const memory = await takeSnapshot(vmId, "with memory", true);
    const created = await run({ vmId, snapshotId: memory, suppressPowerOn: true });
    expect(created.outs!["powerStateAfter"]).toBe(vmState(vmId)!.powerState);
  });

  it("a memory snapshot reverted with suppressPowerOn leaves the VM suspended", async () => {
    const vmId = newVm();
    const memory = await takeSnapshot(vmId, "with memory", true);
    const created = await run({ vmId, snapshotId: memory, suppressPowerOn: true });
    expect(created.outs).toMatchObject({ powerStateAfter: "suspended" });
  });

  it("a VmPowerState of the same VM shows the power drift a revert causes at the next refresh", async () => {
    const vmId = newVm();
    const declared = await power.create({ vmId, state: "poweredOn" });
    const snapshotId = await takeSnapshot(vmId, "disk only");
    await run({ vmId, snapshotId });
    const refreshed = await power.read(vmId, declared.outs!);
    expect(refreshed.props).toMatchObject({ state: "poweredOn", powerState: "poweredOff" });
    expect(await power.diff(vmId, refreshed.props!, { vmId, state: "poweredOn" })).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("VmSnapshotRevert preview and refusals", () => {
  it("refuses a snapshot of another VM, naming the VM and the snapshot", async () => {
    const vmId = newVm();
    const other = newVm();
    const own = await takeSnapshot(vmId, "own");
    const foreign = await takeSnapshot(other, "foreign");
    expect(await reasons({ vmId, snapshotId: foreign })).toEqual([
      `snapshotId: snapshot ${foreign} is not in the snapshot tree of VM "${vmState(vmId)!.name}" (${vmId}) (its snapshots are snapshot "own" (${own})): name a snapshot of this VM.`,
    ]);
  });

  it("refuses a VM without a snapshot when no snapshotId is given, and an FT primary or secondary", async () => {
    const bare = newVm();
    expect(await reasons({ vmId: bare })).toEqual([`vmId: VM "${vmState(bare)!.name}" (${bare}) has no current snapshot to revert to: give snapshotId, or take a snapshot of it first.`]);
    const ftVm = newVm();
    const ft = await ftSecondary.create({ vmId: ftVm });
    for (const target of [ftVm, ft.outs!["secondaryVmId"] as string]) {
      expect(await reasons({ vmId: target })).toEqual([expect.stringMatching(/is a Fault Tolerance (primary|secondary), and vSphere does not allow snapshots on Fault Tolerance VMs/)]);
    }
    await ftSecondary.delete(ftVm, ft.outs!);
  });

  it("refuses at create what preview could not check (ids unknown then), before any task", async () => {
    const vmId = newVm();
    await expect(revert.create({ vmId, snapshotId: "snapshot-99999" })).rejects.toThrow(ValidationError);
    await expect(revert.create({ vmId: "vm-99999" })).rejects.toThrow(NotFoundError);
    expect(tasksOn(vmId)).toEqual([]);
  });

  it("consults vCenter only when a revert would run", async () => {
    const vmId = newVm();
    const snapshotId = await takeSnapshot(vmId, "pre-change");
    const created = await run({ vmId, snapshotId, triggers: ["CHG-1"] });
    const before = requests();
    expect(await reasons({ vmId, snapshotId, triggers: ["CHG-1"], timeoutSeconds: 60 }, created.outs!)).toEqual([]);
    expect(requests()).toBe(before);
    expect(await reasons({ vmId, snapshotId, triggers: ["CHG-2"] }, created.outs!)).toEqual([]);
    expect(requests()).toBeGreaterThan(before);
  });

  it("refresh keeps the record while the VM exists, even when the snapshot is gone", async () => {
    const vmId = newVm();
    const snapshotId = await takeSnapshot(vmId, "pre-change");
    const created = await run({ vmId, snapshotId });
    twin.sim.world.deleteSnapshotOutOfBand(snapshotId);
    expect((await revert.read(created.id, created.outs!)).id).toBe(created.id);
    twin.sim.world.removeVm(vmId);
    expect(await revert.read(created.id, created.outs!)).toEqual({ id: "", props: {} });
  });
});
