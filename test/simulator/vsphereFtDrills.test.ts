/**
 * FT drills on the vSphere twin over HTTP: MakePrimaryVM_Task ("Test Failover") swaps the roles, and
 * TerminateFaultTolerantVM_Task ("Test Restart Secondary") kills the secondary, which vSphere re-spawns; the group goes
 * needSecondary → starting → running, seen through the PropertyCollector. The admin knob keeps a lost secondary down.
 */
import { ref, useViTwin, type Json } from "./support/viSession";

// ftSyncMs: long enough that each state of a recovery is seen by WaitForUpdatesEx even on a busy machine.
const twin = useViTwin({ taskDurationMs: 20, ftSyncMs: 400 });

const FT_STATE = "runtime.faultToleranceState";

async function runtime(vmId: string): Promise<Json> {
  return (await twin.vi.get(`VirtualMachine/${vmId}/runtime`)) as Json;
}

async function ftInfo(vmId: string): Promise<Json> {
  return ((await twin.vi.get(`VirtualMachine/${vmId}/config`)) as Json).ftInfo as Json;
}

/** FT on vm-101 (app-01, powered on, host-10), protected: the secondary's id. */
async function protectedGroup(): Promise<string> {
  const result = (await twin.vi.runTask("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", {})).result as Json;
  const secondaryId = (result.vm as Json).value as string;
  await twin.vi.watch("VirtualMachine", "vm-101", [FT_STATE], (values) => values[FT_STATE] === "running");
  return secondaryId;
}

/** The distinct states in the order they were seen. */
function sequence(history: Json[], path: string): unknown[] {
  return history.map((values) => values[path]).filter((value, index, all) => index === 0 || value !== all[index - 1]);
}

/** Runs `drill` while watching `vmId`, until its group has gone through needSecondary and is running again. */
async function watchRecovery(vmId: string, drill: () => Promise<unknown>): Promise<Json[]> {
  const watching = await twin.vi.openWatch("VirtualMachine", vmId, [FT_STATE, "runtime.needSecondaryReason"]);
  try {
    await drill();
    let lost = false;
    return await watching.until((values) => {
      if (values[FT_STATE] === "needSecondary") lost = true;
      return lost && values[FT_STATE] === "running";
    });
  } finally {
    await watching.close();
  }
}

async function setRespawn(vmId: string, respawn: boolean): Promise<number> {
  const response = await fetch(`${twin.sim.url}/_sim/vsphere/vms/${vmId}/ft-respawn`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-simulator-admin-token": twin.sim.adminToken },
    body: JSON.stringify({ respawn }),
  });
  return response.status;
}

describe("MakePrimaryVM_Task (Test Failover)", () => {
  test("the secondary becomes the primary, the former primary its re-spawned secondary; needSecondary → starting → running", async () => {
    const secondaryId = await protectedGroup();
    const before = { primary: await runtime("vm-101"), secondary: await runtime(secondaryId) };
    let info: Json = {};
    const history = await watchRecovery(secondaryId, async () => {
      info = await twin.vi.runTask("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("VirtualMachine", secondaryId) });
    });
    expect(info).toMatchObject({ state: "success", descriptionId: "VirtualMachine.makePrimary", entity: ref("VirtualMachine", "vm-101") });
    expect(info.result).toBeUndefined();
    expect(sequence(history, FT_STATE)).toEqual(["running", "needSecondary", "starting", "running"]);
    expect(history.find((values) => values[FT_STATE] === "needSecondary")?.["runtime.needSecondaryReason"]).toBe("userAction");

    const newPrimary = await ftInfo(secondaryId);
    const newSecondary = await ftInfo("vm-101");
    expect(newPrimary).toMatchObject({ _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, secondaries: [ref("VirtualMachine", "vm-101")] });
    expect(newSecondary).toMatchObject({ _typeName: "FaultToleranceSecondaryConfigInfo", role: 2, primaryVM: ref("VirtualMachine", secondaryId) });
    expect(newPrimary.instanceUuids).toEqual(newSecondary.instanceUuids);
    const after = { primary: await runtime(secondaryId), secondary: await runtime("vm-101") };
    expect(after.primary).toMatchObject({ powerState: "poweredOn", faultToleranceState: "running", host: before.secondary.host });
    expect(after.secondary).toMatchObject({ powerState: "poweredOn", faultToleranceState: "running" });
    expect(after.secondary.host).not.toEqual(after.primary.host);
    expect(after.primary.needSecondaryReason).toBeUndefined();
    expect(before.primary.host).toEqual(ref("HostSystem", "host-10"));

    // The former primary is now a secondary: power is the new primary's business.
    await twin.vi.fault("VirtualMachine/vm-101/PowerOffVM_Task", undefined, "InvalidOperationOnSecondaryVm");
    await twin.vi.fault("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("VirtualMachine", secondaryId) }, "InvalidOperationOnSecondaryVm");
    // And it can be failed back.
    await twin.vi.runTask(`VirtualMachine/${secondaryId}/MakePrimaryVM_Task`, { vm: ref("VirtualMachine", "vm-101") });
    expect((await ftInfo("vm-101"))._typeName).toBe("FaultTolerancePrimaryConfigInfo");
  });

  test("primary and secondary share name and BIOS uuid; instance uuids and roles tell them apart", async () => {
    const secondaryId = await protectedGroup();
    const primary = (await twin.vi.get("VirtualMachine/vm-101/config")) as Json;
    const secondary = (await twin.vi.get(`VirtualMachine/${secondaryId}/config`)) as Json;
    expect(secondary.name).toBe(primary.name);
    expect(await twin.vi.get(`VirtualMachine/${secondaryId}/name`)).toBe("app-01");
    expect(secondary.uuid).toBe(primary.uuid);
    expect(secondary.instanceUuid).not.toBe(primary.instanceUuid);
    expect([(primary.ftInfo as Json).role, (secondary.ftInfo as Json).role]).toEqual([1, 2]);
    expect((primary.ftInfo as Json).instanceUuids).toEqual([primary.instanceUuid, secondary.instanceUuid]);
  });

  test("refusals: on the secondary, a vm that is not its secondary, a group that is not running, a busy VM, no FT", async () => {
    await twin.vi.fault("VirtualMachine/vm-102/MakePrimaryVM_Task", { vm: ref("VirtualMachine", "vm-101") }, "InvalidState");
    const secondaryId = await protectedGroup();
    await twin.vi.fault(`VirtualMachine/${secondaryId}/MakePrimaryVM_Task`, { vm: ref("VirtualMachine", "vm-101") }, "InvalidOperationOnSecondaryVm");
    const notMine = await twin.vi.fault("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("VirtualMachine", "vm-102") }, "InvalidArgument");
    expect(notMine.invalidProperty).toBe("vm");
    expect((await twin.vi.fault("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("HostSystem", "host-11") }, "InvalidArgument")).invalidProperty).toBe("vm");
    await twin.vi.fault("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("VirtualMachine", "vm-999") }, "ManagedObjectNotFound");
    await twin.vi.fault("VirtualMachine/vm-101/MakePrimaryVM_Task", {}, "InvalidRequest");

    twin.sim.world.hangNextTask("vm-101");
    const busy = await twin.vi.startTask("VirtualMachine/vm-101/ResetVM_Task");
    expect((await twin.vi.fault("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("VirtualMachine", secondaryId) }, "TaskInProgress")).task).toEqual(busy);
    twin.sim.world.finishHungTasks();
    await twin.vi.waitTask(busy);

    await twin.vi.runTask("VirtualMachine/vm-101/DisableSecondaryVM_Task", { vm: ref("VirtualMachine", secondaryId) });
    await twin.vi.fault("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("VirtualMachine", secondaryId) }, "InvalidState");
    twin.sim.world.ftSyncMs = Number.POSITIVE_INFINITY; // the re-enabled secondary never finishes synchronizing
    await twin.vi.runTask("VirtualMachine/vm-101/EnableSecondaryVM_Task", { vm: ref("VirtualMachine", secondaryId) });
    expect((await runtime("vm-101")).faultToleranceState).toBe("starting");
    await twin.vi.fault("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("VirtualMachine", secondaryId) }, "InvalidState");
  });
});

describe("TerminateFaultTolerantVM_Task (Test Restart Secondary)", () => {
  test("the secondary is killed and re-spawned: same VM, a free host of the cluster; needSecondary → starting → running", async () => {
    const secondaryId = await protectedGroup();
    const history = await watchRecovery("vm-101", () => twin.vi.runTask("VirtualMachine/vm-101/TerminateFaultTolerantVM_Task", { vm: ref("VirtualMachine", secondaryId) }));
    expect(sequence(history, FT_STATE)).toEqual(["running", "needSecondary", "starting", "running"]);
    expect(history.find((values) => values[FT_STATE] === "needSecondary")?.["runtime.needSecondaryReason"]).toBe("userAction");
    expect((await ftInfo("vm-101")).secondaries).toEqual([ref("VirtualMachine", secondaryId)]);
    const secondary = await runtime(secondaryId);
    expect(secondary).toMatchObject({ powerState: "poweredOn", faultToleranceState: "running" });
    expect(["host-11", "host-12"]).toContain((secondary.host as Json).value);
  });

  test("without vm every secondary is terminated; refusals name the fault", async () => {
    const secondaryId = await protectedGroup();
    await watchRecovery("vm-101", () => twin.vi.runTask("VirtualMachine/vm-101/TerminateFaultTolerantVM_Task"));
    expect((await twin.vi.fault("VirtualMachine/vm-101/TerminateFaultTolerantVM_Task", { vm: ref("VirtualMachine", "vm-101") }, "InvalidArgument")).invalidProperty).toBe("vm");
    await twin.vi.fault(`VirtualMachine/${secondaryId}/TerminateFaultTolerantVM_Task`, {}, "InvalidOperationOnSecondaryVm");
    await twin.vi.fault("VirtualMachine/vm-102/TerminateFaultTolerantVM_Task", {}, "InvalidState");
    await twin.vi.runTask("VirtualMachine/vm-101/DisableSecondaryVM_Task", { vm: ref("VirtualMachine", secondaryId) });
    await twin.vi.fault("VirtualMachine/vm-101/TerminateFaultTolerantVM_Task", { vm: ref("VirtualMachine", secondaryId) }, "InvalidState");
  });
});

describe("a secondary that never comes back (admin knob)", () => {
  test("after Test Restart Secondary the group stays needSecondary until re-spawn is allowed again", async () => {
    const secondaryId = await protectedGroup();
    expect(await setRespawn(secondaryId, false)).toBe(204);
    await twin.vi.runTask("VirtualMachine/vm-101/TerminateFaultTolerantVM_Task", { vm: ref("VirtualMachine", secondaryId) });
    const down = await twin.vi.watch("VirtualMachine", "vm-101", [FT_STATE], (values) => values[FT_STATE] === "needSecondary");
    expect(down).toHaveLength(1);
    // More than two re-spawn periods (ftSyncMs 400) pass without any change.
    await expectNoChange("vm-101", [FT_STATE, "runtime.needSecondaryReason"], 1);
    expect(await runtime("vm-101")).toMatchObject({ faultToleranceState: "needSecondary", needSecondaryReason: "userAction" });
    expect((await runtime(secondaryId)).powerState).toBe("poweredOff");

    const watching = await twin.vi.openWatch("VirtualMachine", "vm-101", [FT_STATE]);
    expect(await setRespawn("vm-101", true)).toBe(204);
    expect(sequence(await watching.until((values) => values[FT_STATE] === "running"), FT_STATE)).toEqual(["needSecondary", "starting", "running"]);
    await watching.close();
  });

  test("after Test Failover the new primary stays needSecondary and the former primary stays off", async () => {
    const secondaryId = await protectedGroup();
    expect(await setRespawn("vm-101", false)).toBe(204);
    await twin.vi.runTask("VirtualMachine/vm-101/MakePrimaryVM_Task", { vm: ref("VirtualMachine", secondaryId) });
    await expectNoChange(secondaryId, [FT_STATE], 1);
    expect(await runtime(secondaryId)).toMatchObject({ faultToleranceState: "needSecondary", needSecondaryReason: "userAction", powerState: "poweredOn" });
    expect(await runtime("vm-101")).toMatchObject({ faultToleranceState: "enabled", powerState: "poweredOff" });
  });

  test("the route refuses a VM that is not fault tolerant, an unknown VM and a bad body", async () => {
    expect(await setRespawn("vm-102", false)).toBe(409);
    expect(await setRespawn("vm-999", false)).toBe(404);
    const bad = await fetch(`${twin.sim.url}/_sim/vsphere/vms/vm-101/ft-respawn`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-simulator-admin-token": twin.sim.adminToken },
      body: JSON.stringify({ respawn: "no" }),
    });
    expect(bad.status).toBe(400);
    const anonymous = await fetch(`${twin.sim.url}/_sim/vsphere/vms/vm-101/ft-respawn`, { method: "POST", body: JSON.stringify({ respawn: false }) });
    expect(anonymous.status).toBe(401);
  });
});

/** WaitForUpdatesEx on a fresh filter reports the current values once, then nothing for `seconds`. */
async function expectNoChange(vmId: string, pathSet: string[], seconds: number): Promise<void> {
  const collector = (await twin.vi.call("PropertyCollector/propertyCollector/CreatePropertyCollector")) as Json;
  const pc = `PropertyCollector/${encodeURIComponent(collector.value as string)}`;
  await twin.vi.call(`${pc}/CreateFilter`, {
    spec: { _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet }], objectSet: [{ _typeName: "ObjectSpec", obj: ref("VirtualMachine", vmId) }] },
    partialUpdates: false,
  });
  const first = (await twin.vi.call(`${pc}/WaitForUpdatesEx`, {})) as Json;
  expect(await twin.vi.call(`${pc}/WaitForUpdatesEx`, { version: first.version, options: { _typeName: "WaitOptions", maxWaitSeconds: seconds } })).toBeNull();
  expect((await twin.vi.http("POST", `${pc}/DestroyPropertyCollector`)).status).toBe(204);
}
