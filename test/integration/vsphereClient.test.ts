import { recordStackConfig } from "../../provider/config";
import { AuthenticationError, ConfigurationError, ConnectionError, NotFoundError, TimeoutError, VendorFaultError } from "../../provider/errors";
import { forget } from "../../provider/runtime";
import { connect } from "../../provider/vsphere/connection";
import { getProperty } from "../../provider/vsphere/invoke";
import { powerOffVm, powerOnVm } from "../../provider/vsphere/methods/power";
import { readProperties } from "../../provider/vsphere/properties";
import { settleAtDeadline, taskDeadlineError } from "../../provider/resources/vsphere/shared/tasks";
import { waitForTask } from "../../provider/vsphere/taskWaiter";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import * as vmSnapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import { useTwinObserver } from "./support/twinObserver";
import { started, useVsphereTwin } from "./support/vsphereTwin";

const twin = useVsphereTwin({ taskDurationMs: 100 });

const vm = (id: string) => ({ type: "VirtualMachine", value: id });
const soon = () => ({ deadline: Date.now() + 10_000 });

/** Watches the twin from now until the end of the test. */
const observe = useTwinObserver(twin);

interface Crud {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs?: Record<string, unknown>; failures?: unknown[] }>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs?: Record<string, unknown> }>;
  read(id: string, props: Record<string, unknown>): Promise<{ id?: string; props?: Record<string, unknown> }>;
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs?: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

/** What the engine does over a resource's life: check + create, check + update, refresh, destroy. */
async function lifecycle(crud: Crud, declared: Record<string, unknown>, changed: Record<string, unknown>): Promise<void> {
  const checked = await crud.check({}, declared);
  expect(checked.failures ?? []).toEqual([]);
  const created = await crud.create(checked.inputs as Record<string, unknown>);
  const news = (await crud.check(created.outs ?? {}, changed)).inputs as Record<string, unknown>;
  const updated = await crud.update(created.id, created.outs ?? {}, news);
  const refreshed = await crud.read(created.id, updated.outs ?? {});
  expect(refreshed.id).toBe(created.id);
  await crud.delete(created.id, refreshed.props ?? {});
}

describe("VI/JSON client against the offline twin", () => {
  it("negotiates a release the simulator serves and logs in", async () => {
    const connection = await connect();
    expect(["9.0.0.0", "8.0.3.0"]).toContain(connection.release);
    expect(connection.session.id).toBeTruthy();
  });

  it("reads properties in batches and reports a missing VM as not found", async () => {
    const connection = await connect();
    const before = twin.sim.server.stats.requests;
    const [app, db, missing] = await Promise.allSettled([
      readProperties(connection, vm("vm-101"), ["runtime.powerState", "name"], soon()),
      readProperties(connection, vm("vm-103"), ["runtime.powerState"], soon()),
      readProperties(connection, vm("vm-999"), ["runtime.powerState"], soon()),
    ]);
    expect(app).toEqual({ status: "fulfilled", value: { "runtime.powerState": "poweredOn", name: "app-01" } });
    expect(db).toMatchObject({ status: "fulfilled", value: { "runtime.powerState": "poweredOff" } });
    expect(missing).toMatchObject({ status: "rejected", reason: expect.any(NotFoundError) });
    expect(twin.sim.server.stats.requests - before).toBe(1);
  });

  it("waits for a task through the PropertyCollector (CreateFilter, WaitForUpdatesEx, no Task.info polling), reporting its progress up to 100", async () => {
    const connection = await connect();
    const seen = observe();
    const progress: number[] = [];
    const outcome = await waitForTask(connection, await started(powerOffVm(connection, "vm-102", soon())), { deadline: Date.now() + 10_000, onProgress: (p) => progress.push(p) });
    expect(outcome).toMatchObject({ status: "success", info: { state: "success" } });
    expect(twin.sim.world.vms.get("vm-102")?.powerState).toBe("poweredOff");
    expect(seen.count("POST PropertyCollector/CreateFilter")).toBe(1);
    expect(seen.count("POST PropertyCollector/WaitForUpdatesEx")).toBeGreaterThanOrEqual(1);
    expect(seen.count("GET Task/info")).toBe(0);
    // The twin reports 0, 25, 50, 75 and 100 through the collector; a long poll may fold several steps into one answer.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p > progress[i - 1]!))).toBe(true);
    expect(progress[progress.length - 1]).toBe(100);
    await waitForTask(connection, await started(powerOnVm(connection, "vm-102", soon())), soon());
  });

  it("after creating, updating, refreshing and deleting a VmPowerState, a VmSnapshot and an FtSecondary, the twin holds no PropertyFilter and one PropertyCollector per session", async () => {
    const vm = (name: string, powerState: "poweredOn" | "poweredOff") => twin.sim.world.addVm({ name, powerState }).id;
    const [powerVm, snapshotVm, ftVm] = [vm("collector-power", "poweredOn"), vm("collector-snapshot", "poweredOn"), vm("collector-ft", "poweredOn")];
    const seen = observe();
    await Promise.all([
      lifecycle(vmPowerState, { vmId: powerVm, state: "poweredOff", shutdownMode: "hard" }, { vmId: powerVm, state: "poweredOn" }),
      lifecycle(vmSnapshot, { vmId: snapshotVm, name: "collector-audit" }, { vmId: snapshotVm, name: "collector-audit", description: "renamed in place" }),
      lifecycle(ftSecondary, { vmId: ftVm }, { vmId: ftVm, enabled: false }),
    ]);
    expect(twin.sim.world.inventory().snapshots.filter((snapshot) => snapshot.vmId === snapshotVm)).toEqual([]);
    expect(twin.sim.world.inventory().vms.find((entry) => entry.id === ftVm)?.ftRole).toBe("none");

    // Every awaited task had its own filter, destroyed once when it settled (off the critical path, so waited for here).
    await seen.filtersGone();
    expect(seen.filtersCreated().length).toBeGreaterThanOrEqual(6);
    expect(seen.filtersDestroyed().sort()).toEqual(seen.filtersCreated().sort());
    expect(seen.creatorSessions().size).toBe(1);
    for (const collectors of seen.liveCollectors().values()) expect(collectors.length).toBeLessThanOrEqual(1);
    expect(seen.count("POST PropertyCollector/CreatePropertyCollector")).toBeLessThanOrEqual(1);
  });

  it("keeps the fault of a refused call", async () => {
    const connection = await connect();
    const error = await powerOnVm(connection, "vm-101", soon()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorFaultError);
    expect((error as VendorFaultError).fault).toMatchObject({ type: "InvalidPowerState", details: { existingState: "poweredOn" } });
  });

  it("logs in again after the session expired and replays the call", async () => {
    const connection = await connect();
    const firstSession = connection.session.id;
    twin.sim.world.expireAllSessions();
    expect(await getProperty(connection, vm("vm-101"), "name", soon())).toBe("app-01");
    expect(connection.session.id).not.toBe(firstSession);
  });

  it("stops waiting at the deadline with the last state; the resources' policy then says the power task cannot be cancelled", async () => {
    const connection = await connect();
    twin.sim.world.hangNextTask("vm-103");
    const handle = await started(powerOnVm(connection, "vm-103", soon()));
    const wait = await waitForTask(connection, handle, { deadline: Date.now() + 300 });
    expect(wait.status).toBe("deadline");
    const settled = await settleAtDeadline(connection, handle, wait.status === "deadline" ? wait.lastInfo : undefined);
    expect(settled.state).toBe("running");
    const error = taskDeadlineError(handle, settled as Parameters<typeof taskDeadlineError>[1]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(
      /^PowerOnVM_Task on VirtualMachine:vm-103 did not finish before the deadline; last state: running \d+%\. The task Task:task-\d+ cannot be cancelled and may still finish: run `pulumi refresh` to see its outcome\.$/,
    );
    twin.sim.world.finishHungTasks();
  });

  it("says which setting is wrong for a bad password and an unreachable server, in one sentence", async () => {
    twin.configure({ "vsphere:password": "wrong-password" });
    const denied = await connect().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AuthenticationError);
    expect((denied as Error).message).toMatch(/InvalidLogin.*check vsphere:user and vsphere:password/);
    expect((denied as Error).message).not.toContain("wrong-password");

    forget("vsphere.");
    recordStackConfig({ "vsphere:vsphereServer": "http://127.0.0.1:1", "vsphere:user": "u", "vsphere:password": "p" });
    const refused = await connect().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect((refused as Error).message).toBe("Cannot connect to http://127.0.0.1:1 (vsphere:vsphereServer): connection refused.");
  });

  it("refuses a configured release the server does not serve", async () => {
    twin.configure({ "vsphere:apiRelease": "7.0.3.0" });
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe("vsphere:apiRelease");
  });

  it("retries a read the twin answered twice with 503, and the third try succeeds", async () => {
    const connection = await connect();
    const seen = observe();
    const injectedBefore = twin.sim.server.faults.injected;
    const triedBefore = twin.sim.server.stats.byRoute["GET VirtualMachine/name"] ?? 0;
    twin.sim.server.faults.configure({ fail503: 2, pathContains: "/VirtualMachine/vm-101/name" });
    expect(await getProperty(connection, vm("vm-101"), "name", soon())).toBe("app-01");
    expect(twin.sim.server.faults.injected - injectedBefore).toBe(2);
    expect(twin.sim.server.faults.describe().fail503).toBe(0);
    expect((twin.sim.server.stats.byRoute["GET VirtualMachine/name"] ?? 0) - triedBefore).toBe(3);
    expect(seen.count("GET VirtualMachine/name")).toBe(1);
  });

  for (const [first, path, route] of [
    ["release negotiation", "/api/vcenter/system", "POST /api/vcenter/system"],
    ["ServiceInstance content", "/ServiceInstance/ServiceInstance/content", "GET ServiceInstance/content"],
    ["Login", "/SessionManager/SessionManager/Login", "POST SessionManager/Login"],
  ] as const) {
    it(`connects when the twin answers the first two ${first} requests of a new session with 503`, async () => {
      const seen = observe();
      const injectedBefore = twin.sim.server.faults.injected;
      twin.sim.server.faults.configure({ fail503: 2, pathContains: path });
      const connection = await connect("vsphere", Date.now() + 20_000);
      expect(connection.session.id).toBeTruthy();
      expect(twin.sim.server.faults.injected - injectedBefore).toBe(2);
      expect(twin.sim.server.faults.describe().fail503).toBe(0);
      expect(seen.count(route)).toBe(1);
      expect(seen.count("POST SessionManager/Login")).toBe(1);
      expect(twin.sim.world.sessions.peek(connection.session.id)).toBeDefined();
    });
  }
});
