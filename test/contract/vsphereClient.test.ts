import { connect } from "../../provider/vsphere/connection";
import { getProperty } from "../../provider/vsphere/invoke";
import { powerOnVm } from "../../provider/vsphere/methods/power";
import { waitForTask } from "../../provider/vsphere/taskWaiter";
import { readProperties } from "../../provider/vsphere/properties";
import { AuthenticationError, CancelledError, ConfigurationError, VendorFaultError } from "../../provider/errors";
import { setDispatcherOverride } from "../../provider/http/transport";
import type { VsphereConnection } from "../../provider/vsphere/connection";
import { holdRequests } from "./support/heldRequests";
import { BASE, CONTENT, ORIGIN, eventually, moref, taskUpdates, useVsphereMock, type Answer, type Seen } from "./support/vsphereMock";

const mock = useVsphereMock();
const { seen, intercept, loginSequence } = mock;

const COLLECTOR = `${BASE}/PropertyCollector/pc`;
const handleOf = (taskId: string) => ({ task: moref("Task", taskId), operation: "PowerOnVM_Task", object: "VirtualMachine:vm-42" });
const methodOf = (call: Seen) => decodeURIComponent(call.path.split("/").pop() ?? "");

/**
 * A routed vCenter for task waits: CreatePropertyCollector → "pc", CreateFilter on task T → "f-T", the WaitForUpdatesEx
 * answers in `longPolls` order (then RequestCanceled, as after CancelWaitForUpdates), 204 for every void method.
 */
function routeTaskWaits(longPolls: unknown[]): void {
  let polls = 0;
  mock.routeAll((call): Answer => {
    switch (methodOf(call)) {
      case "CreatePropertyCollector":
        return { status: 200, body: moref("PropertyCollector", "pc") };
      case "CreateFilter": {
        const spec = (call.body as { spec: { objectSet: Array<{ obj: { value: string } }> } }).spec;
        return { status: 200, body: moref("PropertyFilter", `f-${spec.objectSet[0]!.obj.value}`) };
      }
      case "WaitForUpdatesEx":
        polls += 1;
        return polls <= longPolls.length ? { status: 200, body: longPolls[polls - 1] } : { status: 500, body: { _typeName: "RequestCanceled" } };
      default:
        return { status: 204 };
    }
  });
}

function loopEnded(connection: VsphereConnection): boolean {
  return !connection.collector.looping && !connection.collector.inFlight;
}

describe("VI/JSON requests", () => {
  it("negotiates the release, reads ServiceContent without a session and logs in with the spec's body", async () => {
    loginSequence();
    const connection = await connect();
    expect(connection.release).toBe("8.0.3.0");
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      "POST /api/vcenter/system?action=hello",
      `GET ${BASE}/ServiceInstance/ServiceInstance/content`,
      `POST ${BASE}/SessionManager/SessionManager/Login`,
    ]);
    expect(seen[0]!.body).toEqual({ api_releases: expect.arrayContaining(["9.0.0.0", "8.0.3.0", "8.0.1.0"]) });
    expect(seen[1]!.headers["vmware-api-session-id"]).toBeUndefined();
    expect(seen[2]!.body).toEqual({ userName: "admin@vsphere.local", password: "Pa55-word" });
    expect(seen[2]!.headers["content-type"]).toBe("application/json");
  });

  it("falls back to about.apiVersion when the server has no hello endpoint (8.0.1)", async () => {
    intercept("POST", "/api/vcenter/system?action=hello", 404, { error: "not found" });
    intercept("GET", "/sdk/vim25/8.0.1.0/ServiceInstance/ServiceInstance/content", 200, { ...CONTENT, about: { ...CONTENT.about, apiVersion: "8.0.1.0" } });
    intercept("GET", "/sdk/vim25/8.0.1.0/ServiceInstance/ServiceInstance/content", 200, { ...CONTENT, about: { ...CONTENT.about, apiVersion: "8.0.1.0" } });
    intercept("POST", "/sdk/vim25/8.0.1.0/SessionManager/SessionManager/Login", 200, { key: "k", userName: "u" }, { "vmware-api-session-id": "s" });
    expect((await connect()).release).toBe("8.0.1.0");
  });

  it("says in one sentence that a server without VI/JSON is too old", async () => {
    intercept("POST", "/api/vcenter/system?action=hello", 404, undefined);
    intercept("GET", "/sdk/vim25/8.0.1.0/ServiceInstance/ServiceInstance/content", 404, undefined);
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(`${ORIGIN} (vsphere:vsphereServer) does not serve the VI/JSON API: it needs vCenter 8.0 Update 1 or later.`);
  });

  it("turns InvalidLogin into an AuthenticationError naming the settings, without the password", async () => {
    intercept("POST", "/api/vcenter/system?action=hello", 200, { api_release: "8.0.3.0" });
    intercept("GET", `${BASE}/ServiceInstance/ServiceInstance/content`, 200, CONTENT);
    intercept("POST", `${BASE}/SessionManager/SessionManager/Login`, 500, { _typeName: "InvalidLogin", faultMessage: [{ key: "k", message: "Cannot complete login due to an incorrect user name or password (Pa55-word)." }] });
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).fault?.type).toBe("InvalidLogin");
    expect((error as Error).message).toContain("vsphere:password");
    expect((error as Error).message).not.toContain("Pa55-word");
  });

  it("reads a property with GET and the session header", async () => {
    loginSequence("sess-abc");
    const connection = await connect();
    intercept("GET", `${BASE}/VirtualMachine/vm-42/runtime`, 200, { _typeName: "VirtualMachineRuntimeInfo", powerState: "poweredOn" });
    expect(await getProperty(connection, { type: "VirtualMachine", value: "vm-42" }, "runtime", { deadline: Date.now() + 5_000 })).toMatchObject({ powerState: "poweredOn" });
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ method: "GET", path: `${BASE}/VirtualMachine/vm-42/runtime`, body: undefined });
    expect(last.headers["vmware-api-session-id"]).toBe("sess-abc");
  });

  it("calls a method with POST and the spec's body, and decodes the Task MoRef", async () => {
    loginSequence();
    const connection = await connect();
    intercept("POST", `${BASE}/VirtualMachine/vm-42/PowerOnVM_Task`, 200, moref("Task", "task-7"));
    const handle = await powerOnVm(connection, "vm-42", { hostId: "host-9", deadline: Date.now() + 5_000 });
    expect(handle).toMatchObject({ task: moref("Task", "task-7") });
    expect(seen[seen.length - 1]!.body).toEqual({ host: moref("HostSystem", "host-9") });
  });

  it("keeps a fault's _typeName, message and fields", async () => {
    loginSequence();
    const connection = await connect();
    intercept("POST", `${BASE}/VirtualMachine/vm-42/PowerOnVM_Task`, 500, {
      _typeName: "InvalidPowerState",
      requestedState: "poweredOn",
      existingState: "poweredOn",
      faultMessage: [{ key: "msg", message: "The attempted operation cannot be performed in the current state (Powered on)." }],
    });
    const error = await powerOnVm(connection, "vm-42", { deadline: Date.now() + 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorFaultError);
    expect((error as VendorFaultError).fault).toMatchObject({ type: "InvalidPowerState", details: { requestedState: "poweredOn", existingState: "poweredOn" } });
    expect((error as Error).message).toBe(
      "PowerOnVM_Task on VirtualMachine:vm-42 failed: InvalidPowerState: The attempted operation cannot be performed in the current state (Powered on).",
    );
  });

  it("logs in again once and replays the call after NotAuthenticated", async () => {
    loginSequence("old-session");
    const connection = await connect();
    intercept("GET", `${BASE}/VirtualMachine/vm-1/name`, 500, { _typeName: "NotAuthenticated", object: moref("VirtualMachine", "vm-1") });
    intercept("POST", `${BASE}/SessionManager/SessionManager/Login`, 200, { key: "k2", userName: "u" }, { "vmware-api-session-id": "new-session" });
    intercept("GET", `${BASE}/VirtualMachine/vm-1/name`, 200, "app-01");
    expect(await getProperty(connection, { type: "VirtualMachine", value: "vm-1" }, "name", { deadline: Date.now() + 5_000 })).toBe("app-01");
    const calls = seen.slice(-3);
    expect(calls.map((c) => `${c.method} ${c.path} ${c.headers["vmware-api-session-id"] ?? "-"}`)).toEqual([
      `GET ${BASE}/VirtualMachine/vm-1/name old-session`,
      `POST ${BASE}/SessionManager/SessionManager/Login -`,
      `GET ${BASE}/VirtualMachine/vm-1/name new-session`,
    ]);
  });

  it("waits for a task with one PropertyCollector: CreatePropertyCollector, CreateFilter on Task.info, WaitForUpdatesEx", async () => {
    loginSequence();
    const connection = await connect();
    intercept("POST", `${BASE}/PropertyCollector/propertyCollector/CreatePropertyCollector`, 200, moref("PropertyCollector", "session[1]pc"));
    intercept("POST", `${BASE}/PropertyCollector/session%5B1%5Dpc/CreateFilter`, 200, moref("PropertyFilter", "session[1]f1"));
    const info = (state: string, extra: Record<string, unknown> = {}) => ({
      _typeName: "TaskInfo",
      key: "task-7",
      task: moref("Task", "task-7"),
      descriptionId: "VirtualMachine.powerOn",
      state,
      cancelled: false,
      cancelable: true,
      queueTime: "2026-11-25T00:00:00Z",
      eventChainId: 1,
      reason: { _typeName: "TaskReasonUser", userName: "u" },
      ...extra,
    });
    // With pathSet info.state/info.error/info.result, vSphere reports each path as its own change (enums and Any boxed).
    const update = (version: string, taskInfo: { state: string; result?: unknown }) => ({
      _typeName: "UpdateSet",
      version,
      filterSet: [
        {
          _typeName: "PropertyFilterUpdate",
          filter: moref("PropertyFilter", "session[1]f1"),
          objectSet: [
            {
              _typeName: "ObjectUpdate",
              kind: version === "1" ? "enter" : "modify",
              obj: moref("Task", "task-7"),
              changeSet: [
                { _typeName: "PropertyChange", name: "info.state", op: "assign", val: { _typeName: "TaskInfoState", _value: taskInfo.state } },
                ...(taskInfo.result === undefined ? [] : [{ _typeName: "PropertyChange", name: "info.result", op: "assign", val: taskInfo.result }]),
              ],
            },
          ],
        },
      ],
    });
    intercept("POST", `${BASE}/PropertyCollector/session%5B1%5Dpc/WaitForUpdatesEx`, 200, update("1", info("running", { progress: 40 })));
    intercept("POST", `${BASE}/PropertyCollector/session%5B1%5Dpc/WaitForUpdatesEx`, 200, update("2", info("success", { result: { _typeName: "boolean", _value: true } })));
    intercept("POST", `${BASE}/PropertyFilter/session%5B1%5Df1/DestroyPropertyFilter`, 204, undefined);
    const outcome = await waitForTask(connection, { task: moref("Task", "task-7"), operation: "PowerOnVM_Task", object: "VirtualMachine:vm-42" }, { deadline: Date.now() + 5_000 });
    expect(outcome).toMatchObject({ status: "success", result: true });
    // (Its DestroyPropertyFilter goes out off the critical path: see the test of that call below.)
    const calls = seen.slice(3).filter((c) => !c.path.endsWith("/DestroyPropertyFilter"));
    expect(calls.map((c) => c.path.split("/").pop())).toEqual(["CreatePropertyCollector", "CreateFilter", "WaitForUpdatesEx", "WaitForUpdatesEx"]);
    expect(calls[1]!.body).toEqual({
      spec: {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: "Task", pathSet: ["info.state", "info.error", "info.result"] }],
        objectSet: [{ _typeName: "ObjectSpec", obj: moref("Task", "task-7"), skip: false }],
      },
      partialUpdates: false,
    });
    expect(calls[2]!.body).toEqual({ version: "", options: { _typeName: "WaitOptions", maxWaitSeconds: 30 } });
    expect(calls[3]!.body).toMatchObject({ version: "1" });
  });

  it("turns a task's error into the fault it carries", async () => {
    loginSequence();
    const connection = await connect();
    intercept("POST", `${BASE}/PropertyCollector/propertyCollector/CreatePropertyCollector`, 200, moref("PropertyCollector", "pc2"));
    intercept("POST", `${BASE}/PropertyCollector/pc2/CreateFilter`, 200, moref("PropertyFilter", "f"));
    intercept("POST", `${BASE}/PropertyCollector/pc2/WaitForUpdatesEx`, 200, {
      version: "1",
      filterSet: [{ filter: moref("PropertyFilter", "f"), objectSet: [{ kind: "enter", obj: moref("Task", "task-8"), changeSet: [{ name: "info", op: "assign", val: { key: "task-8", task: moref("Task", "task-8"), state: "error", error: { _typeName: "NoHostSuitableForFtSecondary", vm: moref("VirtualMachine", "vm-1"), vmName: "app-01", faultMessage: [{ key: "k", message: "No compatible host for the Fault Tolerant secondary VM." }] } } }] }] }],
    });
    intercept("POST", `${BASE}/PropertyFilter/f/DestroyPropertyFilter`, 204, undefined);
    const error = await waitForTask(connection, { task: moref("Task", "task-8"), operation: "CreateSecondaryVMEx_Task", object: "VirtualMachine:vm-1" }, { deadline: Date.now() + 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorFaultError);
    expect((error as VendorFaultError).fault?.type).toBe("NoHostSuitableForFtSecondary");
    expect((error as Error).message).toBe("CreateSecondaryVMEx_Task on VirtualMachine:vm-1 failed: NoHostSuitableForFtSecondary: No compatible host for the Fault Tolerant secondary VM.");
  });

  it("batches concurrent property reads into one RetrievePropertiesEx with reportMissingObjectsInResults", async () => {
    loginSequence();
    const connection = await connect();
    intercept("POST", `${BASE}/PropertyCollector/propertyCollector/RetrievePropertiesEx`, 200, {
      _typeName: "RetrieveResult",
      objects: [
        { obj: moref("VirtualMachine", "vm-1"), propSet: [{ name: "runtime.powerState", val: { _typeName: "VirtualMachinePowerState", _value: "poweredOn" } }] },
        { obj: moref("VirtualMachine", "vm-2"), propSet: [{ name: "runtime.powerState", val: { _typeName: "VirtualMachinePowerState", _value: "poweredOff" } }, { name: "name", val: { _typeName: "string", _value: "db" } }] },
      ],
    });
    const reads = await Promise.allSettled([
      readProperties(connection, { type: "VirtualMachine", value: "vm-1" }, ["runtime.powerState"], { deadline: Date.now() + 5_000 }),
      readProperties(connection, { type: "VirtualMachine", value: "vm-2" }, ["runtime.powerState", "name"], { deadline: Date.now() + 5_000 }),
      readProperties(connection, { type: "VirtualMachine", value: "vm-3" }, ["runtime.powerState"], { deadline: Date.now() + 5_000 }),
    ]);
    expect(reads[0]).toEqual({ status: "fulfilled", value: { "runtime.powerState": "poweredOn" } });
    expect(reads[1]).toEqual({ status: "fulfilled", value: { "runtime.powerState": "poweredOff", name: "db" } });
    expect(reads[2]).toMatchObject({ status: "rejected", reason: { kind: "not-found" } });
    const call = seen[seen.length - 1]!;
    expect(call.body).toEqual({
      specSet: [
        {
          _typeName: "PropertyFilterSpec",
          propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["runtime.powerState", "name"] }],
          objectSet: ["vm-1", "vm-2", "vm-3"].map((id) => ({ _typeName: "ObjectSpec", obj: moref("VirtualMachine", id), skip: false })),
          reportMissingObjectsInResults: true,
        },
      ],
      options: { _typeName: "RetrieveOptions" },
    });
  });

  it("a wait that wants progress adds info.progress to its filter and hears each new value", async () => {
    loginSequence();
    const connection = await connect();
    routeTaskWaits([taskUpdates("1", { "task-7": { state: "running", progress: 40 } }), taskUpdates("2", { "task-7": { state: "success", progress: 100 } })]);
    const progress: number[] = [];
    const outcome = await waitForTask(connection, handleOf("task-7"), { deadline: Date.now() + 5_000, onProgress: (p) => progress.push(p) });
    expect(outcome).toMatchObject({ status: "success", info: { state: "success", progress: 100 } });
    expect(progress).toEqual([40, 100]);
    const createFilter = seen.find((call) => methodOf(call) === "CreateFilter");
    expect(createFilter).toMatchObject({ method: "POST", path: `${COLLECTOR}/CreateFilter` });
    expect(createFilter!.body).toEqual({
      spec: {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: "Task", pathSet: ["info.state", "info.error", "info.result", "info.progress"] }],
        objectSet: [{ _typeName: "ObjectSpec", obj: moref("Task", "task-7"), skip: false }],
      },
      partialUpdates: false,
    });
  });

  it("sends DestroyPropertyFilter once when the awaited task settles, without making the caller wait for it; no CancelWaitForUpdates after a long poll that answered", async () => {
    loginSequence("sess-1");
    const connection = await connect();
    routeTaskWaits([taskUpdates("1", { "task-7": { state: "success" } })]);
    const wire = holdRequests(mock.agent, (call) => methodOf(call) === "DestroyPropertyFilter");
    setDispatcherOverride(wire.dispatcher);

    const outcome = await waitForTask(connection, handleOf("task-7"), { deadline: Date.now() + 5_000 });
    expect(outcome).toMatchObject({ status: "success", info: { state: "success" } });
    // The caller has its answer; the clean-up call is out and unanswered (held), so the answer did not wait for it.
    await wire.whenHeld(1);
    const [destroy] = wire.held();
    expect(destroy).toMatchObject({ method: "POST", path: `${BASE}/PropertyFilter/f-task-7/DestroyPropertyFilter`, body: undefined });
    expect(destroy!.headers["vmware-api-session-id"]).toBe("sess-1");
    wire.release();
    await eventually("the long-poll loop end", () => loopEnded(connection));
    expect(wire.sent.map(methodOf)).toEqual(["CreatePropertyCollector", "CreateFilter", "WaitForUpdatesEx", "DestroyPropertyFilter"]);
  });

  it("sends CancelWaitForUpdates only once no task is awaited and a long poll is still on the wire", async () => {
    loginSequence();
    const connection = await connect();
    routeTaskWaits([taskUpdates("1", { "task-1": { state: "running" }, "task-2": { state: "running" } })]);
    let polls = 0;
    const wire = holdRequests(mock.agent, (call) => methodOf(call) === "WaitForUpdatesEx" && ++polls === 2);
    setDispatcherOverride(wire.dispatcher);
    const cancels = () => wire.sent.filter((call) => methodOf(call) === "CancelWaitForUpdates");

    const stopFirst = new AbortController();
    const stopSecond = new AbortController();
    const first = waitForTask(connection, handleOf("task-1"), { deadline: Date.now() + 30_000, signal: stopFirst.signal }).catch((e: unknown) => e);
    const second = waitForTask(connection, handleOf("task-2"), { deadline: Date.now() + 30_000, signal: stopSecond.signal }).catch((e: unknown) => e);
    await wire.whenHeld(1);

    // task-1 stops being awaited while the long poll is out; task-2 still is, so the poll stays.
    stopFirst.abort();
    expect(await first).toBeInstanceOf(CancelledError);
    expect(cancels()).toEqual([]);

    stopSecond.abort();
    expect(await second).toBeInstanceOf(CancelledError);
    expect(cancels()).toEqual([expect.objectContaining({ method: "POST", path: `${COLLECTOR}/CancelWaitForUpdates`, body: undefined })]);
    wire.release();
    await eventually("the long-poll loop end", () => loopEnded(connection));
    expect(wire.sent.filter((call) => methodOf(call) === "DestroyPropertyFilter").map((call) => call.path).sort()).toEqual([
      `${BASE}/PropertyFilter/f-task-1/DestroyPropertyFilter`,
      `${BASE}/PropertyFilter/f-task-2/DestroyPropertyFilter`,
    ]);
    expect(cancels()).toHaveLength(1);
  });

  it("answers a wait that reaches its deadline with a typed deadline result and the last TaskInfo, and never cancels the task", async () => {
    loginSequence();
    const connection = await connect();
    routeTaskWaits([taskUpdates("1", { "task-7": { state: "running" } })]);
    let polls = 0;
    const wire = holdRequests(mock.agent, (call) => methodOf(call) === "WaitForUpdatesEx" && ++polls === 2);
    setDispatcherOverride(wire.dispatcher);

    const outcome = await waitForTask(connection, handleOf("task-7"), { deadline: Date.now() + 400 });
    expect(outcome).toEqual({ status: "deadline", handle: handleOf("task-7"), lastInfo: expect.objectContaining({ key: "task-7", task: moref("Task", "task-7"), state: "running" }) });
    wire.release();
    await eventually("the long-poll loop end", () => loopEnded(connection));
    expect(wire.sent.map(methodOf)).toEqual(["CreatePropertyCollector", "CreateFilter", "WaitForUpdatesEx", "WaitForUpdatesEx", "DestroyPropertyFilter", "CancelWaitForUpdates"]);
    expect(wire.sent.some((call) => call.path.startsWith(`${BASE}/Task/`))).toBe(false);
  });
});
