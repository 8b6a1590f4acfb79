import { recordStackConfig } from "../../provider/config";
import { AuthenticationError, ConfigurationError, ConnectionError, NotFoundError, TimeoutError, VendorFaultError } from "../../provider/errors";
import { forget, runtimeState } from "../../provider/runtime";
import { connect } from "../../provider/vsphere/connection";
import { getProperty } from "../../provider/vsphere/invoke";
import { powerOffVm, powerOnVm } from "../../provider/vsphere/methods/power";
import { readProperties } from "../../provider/vsphere/properties";
import { settleAtDeadline, taskDeadlineError } from "../../provider/resources/vsphere/shared/tasks";
import { waitForTask, type TaskHandle } from "../../provider/vsphere/taskWaiter";
import { isReconciled, type TaskStart } from "../../provider/vsphere/tasks";
import { useVsphereTwin } from "./support/vsphereTwin";

const twin = useVsphereTwin({ taskDurationMs: 100 });

const vm = (id: string) => ({ type: "VirtualMachine", value: id });
const soon = () => ({ deadline: Date.now() + 10_000 });

async function started(start: Promise<TaskStart>): Promise<TaskHandle> {
  const handle = await start;
  if (isReconciled(handle)) throw new Error("a start without a lost answer returns its task");
  return handle;
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

  it("starts a task and sees it finish through the PropertyCollector", async () => {
    const connection = await connect();
    const progress: number[] = [];
    const outcome = await waitForTask(connection, await started(powerOffVm(connection, "vm-102", soon())), { deadline: Date.now() + 10_000, onProgress: (p) => progress.push(p) });
    expect(outcome).toMatchObject({ status: "success", info: { state: "success" } });
    expect((await readProperties(connection, vm("vm-102"), ["runtime.powerState"], soon()))["runtime.powerState"]).toBe("poweredOff");
    await waitForTask(connection, await started(powerOnVm(connection, "vm-102", soon())), soon());
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

  it("survives a burst of 503s on reads", async () => {
    const connection = await connect();
    twin.sim.server.faults.configure({ fail503: 2 });
    expect(await getProperty(connection, vm("vm-101"), "name", soon())).toBe("app-01");
    expect(runtimeState().requestCount).toBeGreaterThan(0);
  });
});
