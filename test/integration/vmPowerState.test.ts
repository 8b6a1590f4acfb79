import { ConflictError, TimeoutError, ValidationError } from "../../provider/errors";
import { connect } from "../../provider/vsphere/connection";
import { powerOnVm } from "../../provider/vsphere/methods/power";
import * as crud from "../../provider/resources/vsphere/vmPowerState/provider";
import { useVsphereTwin } from "./support/vsphereTwin";

const twin = useVsphereTwin({ taskDurationMs: 50, guestOperationMs: 100 });

let counter = 0;
function newVm(spec: { powerState?: "poweredOn" | "poweredOff" | "suspended"; toolsInstalled?: boolean; toolsRunning?: boolean; template?: boolean } = {}): string {
  counter += 1;
  return twin.sim.world.addVm({ name: `power-test-${counter}`, ...spec }).id;
}

function tasksOn(vmId: string): string[] {
  return [...twin.sim.world.taskRunner.tasks.values()].filter((task) => task.entityId === vmId).map((task) => task.name);
}

function routeCount(label: string): number {
  return Object.entries(twin.sim.server.stats.byRoute)
    .filter(([route]) => route.includes(label))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** What the engine does: check, then create with the checked inputs. */
async function createChecked(news: Record<string, unknown>) {
  const checked = await crud.check({}, news);
  expect(checked.failures).toEqual([]);
  return crud.create(checked.inputs as Record<string, unknown>);
}

describe("VmPowerState lifecycle against the simulator", () => {
  it("creates without any call when the VM is already in the declared state, and a re-apply is a no-op", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId, state: "poweredOn" });
    expect(created.id).toBe(vmId);
    expect(created.outs).toMatchObject({ vmId, state: "poweredOn", powerState: "poweredOn", lastAction: "none", toolsRunningStatus: "guestToolsRunning", host: expect.stringMatching(/^host-/) });
    expect(tasksOn(vmId)).toEqual([]);
    const checked = await crud.check(created.outs, { vmId, state: "poweredOn" });
    const diff = await crud.diff(vmId, created.outs, checked.inputs as Record<string, unknown>);
    expect(diff).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("shuts a guest down, waits until vSphere says poweredOff, then powers on again in place", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId, state: "poweredOff" });
    expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "guestShutdown", shutdownMode: "guest", forceAfterTimeout: true });
    expect(twin.sim.world.vms.get(vmId)?.powerState).toBe("poweredOff");
    expect(tasksOn(vmId)).toEqual([]);

    const news = (await crud.check(created.outs, { vmId, state: "poweredOn" })).inputs as Record<string, unknown>;
    expect(await crud.diff(vmId, created.outs, news)).toMatchObject({ changes: true, replaces: [] });
    const updated = await crud.update(vmId, created.outs, news);
    expect(updated.outs).toMatchObject({ state: "poweredOn", powerState: "poweredOn", lastAction: "powerOn" });
    expect(tasksOn(vmId)).toEqual(["PowerOnVM_Task"]);
  });

  it("shows a VM switched off by hand as drift, and the next up powers it on again", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId, state: "poweredOn" });
    const response = await fetch(`${twin.sim.url}/_sim/vsphere/vms/${vmId}/power`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-simulator-admin-token": twin.sim.adminToken },
      body: JSON.stringify({ state: "poweredOff" }),
    });
    expect(response.status).toBeLessThan(300);
    const refreshed = await crud.read(vmId, created.outs as Record<string, unknown>);
    expect(refreshed.id).toBe(vmId);
    expect(refreshed.props).toMatchObject({ state: "poweredOn", powerState: "poweredOff", toolsRunningStatus: "guestToolsNotRunning" });
    expect(refreshed.inputs).toBeUndefined();
    const news = (await crud.check(created.outs, { vmId, state: "poweredOn" })).inputs as Record<string, unknown>;
    expect(await crud.diff(vmId, refreshed.props as Record<string, unknown>, news)).toMatchObject({ changes: true, replaces: [] });
    const updated = await crud.update(vmId, refreshed.props as Record<string, unknown>, news);
    expect(updated.outs).toMatchObject({ powerState: "poweredOn", lastAction: "powerOn" });
  });

  it("falls back to a hard power-off when the guest does not shut down in time", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    twin.sim.world.setGuestShutdownMs(vmId, Number.POSITIVE_INFINITY);
    const created = await createChecked({ vmId, state: "poweredOff", guestShutdownTimeoutSeconds: 1, timeoutSeconds: 30 });
    expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "guestShutdownThenPowerOff" });
    expect(tasksOn(vmId)).toEqual(["PowerOffVM_Task"]);
  });

  it("does not force a power-off when forceAfterTimeout is false: a timeout that says so", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    twin.sim.world.setGuestShutdownMs(vmId, Number.POSITIVE_INFINITY);
    const error = await createChecked({ vmId, state: "poweredOff", guestShutdownTimeoutSeconds: 1, forceAfterTimeout: false, timeoutSeconds: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/did not shut down within \d+ s .*forceAfterTimeout is false/);
    expect(twin.sim.world.vms.get(vmId)?.powerState).toBe("poweredOn");
    expect(tasksOn(vmId)).toEqual([]);
  });

  it("without VMware Tools: a clear error when forcing is not allowed, a hard power-off when it is", async () => {
    const vmId = newVm({ powerState: "poweredOn", toolsInstalled: false });
    const refused = await createChecked({ vmId, state: "poweredOff", forceAfterTimeout: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).fault?.type).toBe("ToolsUnavailable");
    expect((refused as Error).message).toContain("VMware Tools is not running");
    expect(twin.sim.world.vms.get(vmId)?.powerState).toBe("poweredOn");
    const forced = await createChecked({ vmId, state: "poweredOff" });
    expect(forced.outs).toMatchObject({ powerState: "poweredOff", lastAction: "powerOff" });
  });

  it("powers a suspended VM off hard (a suspended guest cannot shut down)", async () => {
    const vmId = newVm({ powerState: "suspended" });
    const before = routeCount("ShutdownGuest");
    const created = await createChecked({ vmId, state: "poweredOff" });
    expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "powerOff" });
    expect(tasksOn(vmId)).toEqual(["PowerOffVM_Task"]);
    expect(routeCount("ShutdownGuest")).toBe(before);
  });

  it("suspends a powered-off VM by powering it on first, and resumes a suspended one", async () => {
    const vmId = newVm({ powerState: "poweredOff" });
    const created = await createChecked({ vmId, state: "suspended" });
    expect(created.outs).toMatchObject({ powerState: "suspended", lastAction: "powerOn+suspend" });
    expect(tasksOn(vmId)).toEqual(["PowerOnVM_Task", "SuspendVM_Task"]);
    const news = (await crud.check(created.outs, { vmId, state: "poweredOn" })).inputs as Record<string, unknown>;
    const updated = await crud.update(vmId, created.outs, news);
    expect(updated.outs).toMatchObject({ powerState: "poweredOn", lastAction: "powerOn" });
  });

  it("hard mode powers off at once", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId, state: "poweredOff", shutdownMode: "hard" });
    expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "powerOff" });
    expect(tasksOn(vmId)).toEqual(["PowerOffVM_Task"]);
  });

  it("waits out a task started outside this process (TaskInProgress) instead of failing", async () => {
    const vmId = newVm({ powerState: "poweredOff" });
    twin.sim.world.setVmTaskDuration(vmId, 1_500);
    const connection = await connect();
    await powerOnVm(connection, vmId, { deadline: Date.now() + 5_000 }); // someone else's power-on, still running
    twin.sim.world.setVmTaskDuration(vmId, undefined);
    const created = await createChecked({ vmId, state: "poweredOn" });
    expect(created.outs).toMatchObject({ powerState: "poweredOn" });
    expect(twin.sim.world.vms.get(vmId)?.powerState).toBe("poweredOn");
  });

  it("delete leaves the VM as it is; a VM that disappeared drops out on refresh", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId, state: "poweredOn" });
    await crud.delete(vmId, created.outs as Record<string, unknown>);
    expect(twin.sim.world.vms.get(vmId)?.powerState).toBe("poweredOn");
    expect(tasksOn(vmId)).toEqual([]);
    twin.sim.world.removeVm(vmId);
    expect(await crud.read(vmId, created.outs as Record<string, unknown>)).toEqual({ id: "", props: {} });
    await expect(crud.delete(vmId, created.outs as Record<string, unknown>)).resolves.toBeUndefined();
  });

  it("imports a VM by id: the declared state is the one it is in", async () => {
    const vmId = newVm({ powerState: "poweredOff" });
    const imported = await crud.read(vmId, {});
    expect(imported.id).toBe(vmId);
    expect(imported.inputs).toMatchObject({ vmId, state: "poweredOff", shutdownMode: "guest" });
  });
});

describe("VmPowerState refuses bad inputs before any change", () => {
  it("names the property of each bad input", async () => {
    const failures = async (news: Record<string, unknown>) => ((await crud.check({}, news)).failures ?? []).map((failure) => failure.property);
    expect(await failures({ state: "poweredOn" })).toEqual(["vmId"]);
    expect(await failures({ vmId: "vm-101", state: "running" })).toEqual(["state"]);
    expect(await failures({ vmId: "vm-101", state: "poweredOn", timeoutSeconds: -5 })).toEqual(["timeoutSeconds"]);
    expect(await failures({ vmId: "vm-101", state: "poweredOff", guestShutdownTimeoutSeconds: -1 })).toEqual(["guestShutdownTimeoutSeconds"]);
    expect(await failures({ vmId: "vm-101", state: "poweredOff", guestShutdownTimeoutSeconds: 600, timeoutSeconds: 300 })).toEqual(["guestShutdownTimeoutSeconds"]);
    expect(await failures({ vmId: "../vm-1", state: "poweredOn" })).toEqual(["vmId"]);
    expect(await failures({ vmId: "vm-101", state: "poweredOn", shutdownMode: "soft" })).toEqual(["shutdownMode"]);
  });

  it("says a VM that does not exist does not exist, at preview", async () => {
    const result = await crud.check({}, { vmId: "vm-9999", state: "poweredOn" });
    expect(result.failures).toEqual([{ property: "vmId", reason: expect.stringContaining("vm-9999 does not exist") }]);
    const error = await crud.create({ vmId: "vm-9999", state: "poweredOn" }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("vm-9999 does not exist");
  });

  it("refuses a template and an FT secondary, and suspending an FT VM", async () => {
    const template = newVm({ template: true });
    expect((await crud.check({}, { vmId: template, state: "poweredOn" })).failures).toEqual([{ property: "vmId", reason: expect.stringContaining("template") }]);
    const primary = twin.sim.world.addVm({ name: "ft-primary-power", powerState: "poweredOn" });
    const secondary = twin.sim.world.addVm({ name: "ft-secondary-power", powerState: "poweredOn", hostId: "host-11" });
    primary.ft = { role: "primary", secondaryIds: [secondary.id] };
    secondary.ft = { role: "secondary", primaryId: primary.id, enabled: true, sync: "running" };
    expect((await crud.check({}, { vmId: secondary.id, state: "poweredOff" })).failures).toEqual([
      { property: "vmId", reason: expect.stringContaining("Fault Tolerance secondary") },
    ]);
    expect((await crud.check({}, { vmId: primary.id, state: "suspended" })).failures).toEqual([{ property: "state", reason: expect.stringContaining("cannot suspend") }]);
    const error = await crud.create({ vmId: primary.id, state: "suspended" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(tasksOn(primary.id)).toEqual([]);
  });

  it("makes no API call for a no-op preview", async () => {
    const vmId = newVm({ powerState: "poweredOn" });
    const created = await createChecked({ vmId, state: "poweredOn" });
    const before = twin.sim.server.stats.requests;
    const checked = await crud.check({ vmId, state: "poweredOn" }, { vmId, state: "poweredOn" });
    await crud.diff(vmId, created.outs, checked.inputs as Record<string, unknown>);
    expect(twin.sim.server.stats.requests).toBe(before);
  });
});
