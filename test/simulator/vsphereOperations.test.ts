/**
 * The vSphere simulator's behaviour, checked with raw fetch over loopback: tasks and the property collector, TaskInProgress,
 * power and guest operations, snapshot trees, Fault Tolerance, host failure.
 */
import { startVsphereSimulator, type VsphereSimulator } from "../../simulator/vsphere";

const RELEASE = "9.0.0.0";
let sim: VsphereSimulator;
let token: string;

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: unknown;
}

async function http(method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { "vmware-api-session-id": token };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${sim.url}/sdk/vim25/${RELEASE}/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}
const get = async (path: string): Promise<unknown> => (await http("GET", path)).body;
const ref = (type: string, value: string) => ({ _typeName: "ManagedObjectReference", type, value });

/** POST that must answer 200 with a Task MoRef. */
async function startTask(path: string, body?: unknown): Promise<Json> {
  const answer = await http("POST", path, body);
  if (answer.status !== 200) throw new Error(`${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
  const task = answer.body as Json;
  expect(task).toMatchObject({ _typeName: "ManagedObjectReference", type: "Task" });
  return task;
}

async function expectFault(path: string, body: unknown, typeName: string): Promise<Json> {
  const answer = await http("POST", path, body);
  expect(answer.status).toBe(500);
  const fault = answer.body as Json;
  expect(fault._typeName).toBe(typeName);
  return fault;
}

/** Waits for a task through the property collector (CreatePropertyCollector, CreateFilter, WaitForUpdatesEx). */
async function waitTask(task: Json, timeoutSeconds = 5): Promise<Json> {
  const collector = (await http("POST", "PropertyCollector/propertyCollector/CreatePropertyCollector")).body as Json;
  const pc = `PropertyCollector/${encodeURIComponent(collector.value as string)}`;
  const filter = await http("POST", `${pc}/CreateFilter`, {
    spec: {
      _typeName: "PropertyFilterSpec",
      propSet: [{ _typeName: "PropertySpec", type: "Task", pathSet: ["info"] }],
      objectSet: [{ _typeName: "ObjectSpec", obj: task }],
    },
    partialUpdates: false,
  });
  expect(filter.status).toBe(200);
  let version = "";
  const deadline = Date.now() + timeoutSeconds * 1000;
  try {
    while (Date.now() < deadline) {
      const answer = await http("POST", `${pc}/WaitForUpdatesEx`, { version, options: { _typeName: "WaitOptions", maxWaitSeconds: 1 } });
      expect(answer.status).toBe(200);
      if (answer.body === null) continue;
      const update = answer.body as Json;
      version = update.version as string;
      for (const filterUpdate of update.filterSet as Json[]) {
        for (const objectUpdate of filterUpdate.objectSet as Json[]) {
          for (const change of (objectUpdate.changeSet ?? []) as Json[]) {
            const info = change.val as Json;
            if (info.state === "success" || info.state === "error") return info;
          }
        }
      }
    }
    throw new Error("task did not finish");
  } finally {
    expect((await http("POST", `${pc}/DestroyPropertyCollector`)).status).toBe(204);
  }
}

async function runTask(path: string, body?: unknown): Promise<Json> {
  const info = await waitTask(await startTask(path, body));
  if (info.state !== "success") throw new Error(`${path} failed: ${JSON.stringify(info.error)}`);
  return info;
}

async function runtime(vmId: string): Promise<Json> {
  return (await get(`VirtualMachine/${vmId}/runtime`)) as Json;
}

beforeEach(async () => {
  sim = await startVsphereSimulator({ taskDurationMs: 30, guestOperationMs: 40, ftSyncMs: 30 });
  const response = await fetch(`${sim.url}/sdk/vim25/${RELEASE}/SessionManager/SessionManager/Login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userName: sim.username, password: sim.password }),
  });
  token = response.headers.get("vmware-api-session-id") as string;
});

afterEach(async () => {
  await sim.close();
});

describe("tasks and the property collector", () => {
  test("a task goes running → success with progress, and WaitForUpdatesEx sees the end within a few ms", async () => {
    sim.world.setTaskDuration(150);
    const task = await startTask("VirtualMachine/vm-103/PowerOnVM_Task");
    const collector = (await http("POST", "PropertyCollector/propertyCollector/CreatePropertyCollector")).body as Json;
    expect(collector).toMatchObject({ _typeName: "ManagedObjectReference", type: "PropertyCollector" });
    const pc = `PropertyCollector/${encodeURIComponent(collector.value as string)}`;
    const filter = (
      await http("POST", `${pc}/CreateFilter`, {
        spec: { _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: "Task", pathSet: ["info.state", "info.progress", "info.result", "info.error"] }], objectSet: [{ _typeName: "ObjectSpec", obj: task }] },
        partialUpdates: false,
      })
    ).body as Json;
    expect(filter).toMatchObject({ type: "PropertyFilter" });

    const first = (await http("POST", `${pc}/WaitForUpdatesEx`, { options: { _typeName: "WaitOptions", maxWaitSeconds: 0 } })).body as Json;
    expect(first._typeName).toBe("UpdateSet");
    const enter = ((first.filterSet as Json[])[0].objectSet as Json[])[0];
    expect(enter).toMatchObject({ _typeName: "ObjectUpdate", kind: "enter", obj: task });
    const states: string[] = [];
    let version = first.version as string;
    let finishedAt = 0;
    while (!states.includes("success")) {
      const update = (await http("POST", `${pc}/WaitForUpdatesEx`, { version, options: { _typeName: "WaitOptions", maxWaitSeconds: 5 } })).body as Json;
      expect(update).not.toBeNull();
      version = update.version as string;
      for (const objectUpdate of (update.filterSet as Json[])[0].objectSet as Json[]) {
        expect(objectUpdate.kind).toBe("modify");
        for (const change of objectUpdate.changeSet as Json[]) {
          expect(change._typeName).toBe("PropertyChange");
          expect(change.op).toBe("assign");
          if (change.name === "info.state") {
            states.push((change.val as Json)._value as string);
            expect((change.val as Json)._typeName).toBe("TaskInfoState");
            finishedAt = Date.now();
          }
        }
      }
    }
    const info = (await get(`Task/${task.value}/info`)) as Json;
    expect(info).toMatchObject({ _typeName: "TaskInfo", state: "success", progress: 100, cancelled: false, descriptionId: "VirtualMachine.powerOn", entity: ref("VirtualMachine", "vm-103"), entityName: "db-01" });
    expect(Date.parse(info.completeTime as string)).toBeLessThanOrEqual(finishedAt);
    expect(finishedAt - Date.parse(info.completeTime as string)).toBeLessThan(100);
    expect(info.reason).toMatchObject({ _typeName: "TaskReasonUser", userName: sim.username });
    for (const field of ["key", "task", "queueTime", "startTime", "eventChainId"]) expect(info).toHaveProperty(field);
    expect(states[states.length - 1]).toBe("success");
  });

  test("WaitForUpdatesEx answers null when nothing changes within maxWaitSeconds, and rejects unknown versions", async () => {
    const pc = "PropertyCollector/propertyCollector";
    await http("POST", `${pc}/CreateFilter`, {
      spec: { _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["runtime.powerState"] }], objectSet: [{ _typeName: "ObjectSpec", obj: ref("VirtualMachine", "vm-101") }] },
      partialUpdates: false,
    });
    const first = (await http("POST", `${pc}/WaitForUpdatesEx`, {})).body as Json;
    const version = first.version as string;
    expect((await http("POST", `${pc}/WaitForUpdatesEx`, { version, options: { _typeName: "WaitOptions", maxWaitSeconds: 0 } })).body).toBeNull();
    const started = Date.now();
    expect((await http("POST", `${pc}/WaitForUpdatesEx`, { version, options: { _typeName: "WaitOptions", maxWaitSeconds: 1 } })).body).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await expectFault(`${pc}/WaitForUpdatesEx`, { version: "999" }, "InvalidCollectorVersion");

    // An out-of-band change wakes a waiting call; leaving and re-using a version replays.
    const waiting = http("POST", `${pc}/WaitForUpdatesEx`, { version, options: { _typeName: "WaitOptions", maxWaitSeconds: 10 } });
    setTimeout(() => sim.world.setPowerState("vm-101", "poweredOff"), 20);
    const changed = (await waiting).body as Json;
    const change = (((changed.filterSet as Json[])[0].objectSet as Json[])[0].changeSet as Json[])[0];
    expect(change).toMatchObject({ name: "runtime.powerState", op: "assign", val: { _typeName: "VirtualMachinePowerState", _value: "poweredOff" } });
    const replay = (await http("POST", `${pc}/WaitForUpdatesEx`, { version, options: { _typeName: "WaitOptions", maxWaitSeconds: 0 } })).body as Json;
    expect(replay).not.toBeNull();
  });

  test("CancelWaitForUpdates ends a waiting call with RequestCanceled", async () => {
    const pc = "PropertyCollector/propertyCollector";
    await http("POST", `${pc}/CreateFilter`, {
      spec: { _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["name"] }], objectSet: [{ _typeName: "ObjectSpec", obj: ref("VirtualMachine", "vm-101") }] },
      partialUpdates: false,
    });
    const version = ((await http("POST", `${pc}/WaitForUpdatesEx`, {})).body as Json).version as string;
    const waiting = http("POST", `${pc}/WaitForUpdatesEx`, { version });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await http("POST", `${pc}/CancelWaitForUpdates`)).status).toBe(204);
    const answer = await waiting;
    expect(answer.status).toBe(500);
    expect((answer.body as Json)._typeName).toBe("RequestCanceled");
  });

  test("one task per VM: a second one is TaskInProgress {task}", async () => {
    // The first task holds the VM until it is let go, so a busy machine cannot finish it before the second call.
    sim.world.hangNextTask("vm-101");
    const task = await startTask("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "a", memory: false });
    const fault = await expectFault("VirtualMachine/vm-101/PowerOffVM_Task", undefined, "TaskInProgress");
    expect(fault.task).toEqual(task);
    await expectFault("VirtualMachine/vm-101/ShutdownGuest", undefined, "TaskInProgress");
    expect(sim.world.finishHungTasks()).toBe(1);
    await waitTask(task);
    await runTask("VirtualMachine/vm-101/PowerOffVM_Task");
  });

  test("a hung task never finishes; CancelTask ends a cancelable one with RequestCanceled; others are NotSupported", async () => {
    sim.world.hangNextTask("vm-101");
    const task = await startTask("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "stuck", memory: false });
    expect(((await get(`Task/${task.value}/info`)) as Json).state).toBe("running");
    expect(sim.world.inventory().runningTasks.map((running) => running.id)).toContain(task.value);
    expect((await http("POST", `Task/${task.value}/CancelTask`)).status).toBe(204);
    const info = (await get(`Task/${task.value}/info`)) as Json;
    expect(info).toMatchObject({ state: "error", cancelled: true, error: { _typeName: "RequestCanceled" } });
    await expectFault(`Task/${task.value}/CancelTask`, undefined, "InvalidState");
    expect(await get("VirtualMachine/vm-101/snapshot")).toBeNull();

    sim.world.setTaskDuration(Number.POSITIVE_INFINITY, "PowerOffVM_Task");
    const powerOff = await startTask("VirtualMachine/vm-101/PowerOffVM_Task");
    await expectFault(`Task/${powerOff.value}/CancelTask`, undefined, "NotSupported");
    expect(sim.world.finishHungTasks()).toBe(1);
    expect(((await get(`Task/${powerOff.value}/info`)) as Json).state).toBe("success");
  });

  test("failNextTask ends the next task in error with the given fault", async () => {
    sim.world.failNextTask("FileFault", { vmId: "vm-103", fields: { file: "[vsanDatastore] db-01/db-01.vmx" } });
    const info = await waitTask(await startTask("VirtualMachine/vm-103/PowerOnVM_Task"));
    expect(info).toMatchObject({ state: "error", error: { _typeName: "FileFault", file: "[vsanDatastore] db-01/db-01.vmx" } });
    expect((await runtime("vm-103")).powerState).toBe("poweredOff");
  });

  test("precondition faults can be delivered through the task instead of the answer", async () => {
    sim.world.setPreconditionFaultDelivery("task");
    const info = await waitTask(await startTask("VirtualMachine/vm-101/PowerOnVM_Task"));
    expect(info).toMatchObject({ state: "error", error: { _typeName: "InvalidPowerState", requestedState: "poweredOn", existingState: "poweredOn" } });
  });
});

describe("power", () => {
  test("power state machine with InvalidPowerState {requestedState, existingState}; tools follow power", async () => {
    const fault = await expectFault("VirtualMachine/vm-101/PowerOnVM_Task", undefined, "InvalidPowerState");
    expect(fault).toMatchObject({ requestedState: "poweredOn", existingState: "poweredOn" });
    await expectFault("VirtualMachine/vm-103/PowerOffVM_Task", undefined, "InvalidPowerState");
    await expectFault("VirtualMachine/vm-103/SuspendVM_Task", undefined, "InvalidPowerState");
    await expectFault("VirtualMachine/vm-103/ResetVM_Task", undefined, "InvalidPowerState");
    await expectFault("VirtualMachine/vm-106/PowerOnVM_Task", undefined, "NotSupported");

    await runTask("VirtualMachine/vm-101/PowerOffVM_Task");
    expect((await runtime("vm-101")).powerState).toBe("poweredOff");
    expect(((await get("VirtualMachine/vm-101/guest")) as Json).toolsRunningStatus).toBe("guestToolsNotRunning");
    await runTask("VirtualMachine/vm-101/PowerOnVM_Task", { host: ref("HostSystem", "host-12") });
    expect(await runtime("vm-101")).toMatchObject({ powerState: "poweredOn", host: ref("HostSystem", "host-12") });
    expect(((await get("VirtualMachine/vm-101/guest")) as Json).toolsRunningStatus).toBe("guestToolsRunning");
    await runTask("VirtualMachine/vm-101/SuspendVM_Task");
    expect((await runtime("vm-101")).powerState).toBe("suspended");
    await runTask("VirtualMachine/vm-101/PowerOnVM_Task");
    await runTask("VirtualMachine/vm-101/ResetVM_Task");
    expect((await runtime("vm-101")).powerState).toBe("poweredOn");
  });

  test("guest shutdown answers 204 at once, needs tools and power, and completes later (or never for a hung guest)", async () => {
    const tools = await expectFault("VirtualMachine/vm-104/ShutdownGuest", undefined, "ToolsUnavailable");
    expect(tools._typeName).toBe("ToolsUnavailable");
    const off = await expectFault("VirtualMachine/vm-103/ShutdownGuest", undefined, "InvalidPowerState");
    expect(off).toMatchObject({ existingState: "poweredOff" });

    const answer = await http("POST", "VirtualMachine/vm-101/ShutdownGuest");
    expect(answer.status).toBe(204);
    expect(answer.body).toBeUndefined();
    expect((await runtime("vm-101")).powerState).toBe("poweredOn");
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await runtime("vm-101")).powerState).toBe("poweredOff");

    sim.world.setGuestShutdownMs("vm-102", Number.POSITIVE_INFINITY);
    expect((await http("POST", "VirtualMachine/vm-102/ShutdownGuest")).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await runtime("vm-102")).powerState).toBe("poweredOn");
    await runTask("VirtualMachine/vm-102/PowerOffVM_Task");

    expect((await http("POST", "VirtualMachine/vm-105/StandbyGuest")).status).toBe(204);
    expect((await http("POST", "VirtualMachine/vm-105/RebootGuest")).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await runtime("vm-105")).powerState).toBe("suspended");
  });
});

describe("snapshots", () => {
  const tree = async (vmId: string) => (await get(`VirtualMachine/${vmId}/snapshot`)) as Json | null;

  test("create (with %-decoding), tree, rename, remove with and without children, remove all", async () => {
    const a = (await runTask("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "before 100%25 upgrade", description: "first", memory: true })).result as Json;
    expect(a).toMatchObject({ _typeName: "ManagedObjectReference", type: "VirtualMachineSnapshot" });
    expect(a.value).toMatch(/^snapshot-\d+$/);
    const b = (await runTask("VirtualMachine/vm-101/CreateSnapshot_Task", { name: "same", memory: false, quiesce: true })).result as Json;
    const c = (await runTask("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "same", memory: false, quiesceSpec: { _typeName: "VirtualMachineGuestQuiesceSpec" } })).result as Json;

    let info = (await tree("vm-101")) as Json;
    expect(info._typeName).toBe("VirtualMachineSnapshotInfo");
    expect(info.currentSnapshot).toEqual(c);
    const root = (info.rootSnapshotList as Json[])[0];
    expect(root).toMatchObject({ _typeName: "VirtualMachineSnapshotTree", snapshot: a, vm: ref("VirtualMachine", "vm-101"), name: "before 100% upgrade", description: "first", state: "poweredOn", quiesced: false, id: 1 });
    const rootChild = (root.childSnapshotList as Json[])[0];
    expect(rootChild).toMatchObject({ snapshot: b, name: "same", state: "poweredOff", quiesced: true, description: "" });
    expect((rootChild.childSnapshotList as Json[])[0]).toMatchObject({ snapshot: c, name: "same" });

    expect((await http("POST", `VirtualMachineSnapshot/${b.value}/RenameSnapshot`, { name: "renamed %2F ok", description: "d2" })).status).toBe(204);
    await expectFault(`VirtualMachineSnapshot/${b.value}/RenameSnapshot`, { name: "bad %zz" }, "InvalidName");
    await expectFault(`VirtualMachineSnapshot/${b.value}/RemoveSnapshot_Task`, {}, "InvalidRequest");

    await runTask(`VirtualMachineSnapshot/${b.value}/RemoveSnapshot_Task`, { removeChildren: false, consolidate: true });
    info = (await tree("vm-101")) as Json;
    const newRoot = (info.rootSnapshotList as Json[])[0];
    expect((newRoot.childSnapshotList as Json[]).map((child) => child.snapshot)).toEqual([c]);
    expect(info.currentSnapshot).toEqual(c);
    expect((await http("GET", `VirtualMachineSnapshot/${b.value}/vm`)).status).toBe(500);

    await runTask(`VirtualMachineSnapshot/${a.value}/RemoveSnapshot_Task`, { removeChildren: true });
    expect(await tree("vm-101")).toBeNull();

    await runTask("VirtualMachine/vm-103/CreateSnapshotEx_Task", { name: "off", memory: true });
    expect((((await tree("vm-103")) as Json).rootSnapshotList as Json[])[0].state).toBe("poweredOff");
    await runTask("VirtualMachine/vm-103/RemoveAllSnapshots_Task");
    expect(await tree("vm-103")).toBeNull();
  });

  test("malformed escapes are InvalidName; out-of-band deletion re-parents", async () => {
    for (const name of ["50%", "%zz", "%4"]) {
      const fault = await expectFault("VirtualMachine/vm-102/CreateSnapshotEx_Task", { name, memory: false }, "InvalidName");
      expect(fault).toMatchObject({ name, entity: ref("VirtualMachine", "vm-102") });
    }
    const a = (await runTask("VirtualMachine/vm-102/CreateSnapshotEx_Task", { name: "a", memory: false })).result as Json;
    const b = (await runTask("VirtualMachine/vm-102/CreateSnapshotEx_Task", { name: "b", memory: false })).result as Json;
    sim.world.deleteSnapshotOutOfBand(a.value as string);
    const info = (await tree("vm-102")) as Json;
    expect((info.rootSnapshotList as Json[]).map((root) => root.snapshot)).toEqual([b]);
  });

  test("revert restores the snapshot's power state", async () => {
    const a = (await runTask("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "on", memory: true })).result as Json;
    await runTask("VirtualMachine/vm-101/PowerOffVM_Task");
    await runTask(`VirtualMachineSnapshot/${a.value}/RevertToSnapshot_Task`, {});
    expect((await runtime("vm-101")).powerState).toBe("poweredOn");
  });
});

describe("fault tolerance", () => {
  async function ftState(vmId: string): Promise<string> {
    return (await runtime(vmId)).faultToleranceState as string;
  }
  async function until(check: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error("condition not reached");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test("create, disable, enable, turn off; power follows the primary", async () => {
    const compatible = await http("POST", "VirtualMachine/vm-101/QueryFaultToleranceCompatibilityEx", {});
    expect(compatible).toEqual({ status: 200, body: [] });

    const info = await runTask("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", {
      spec: { _typeName: "FaultToleranceConfigSpec", metaDataPath: { _typeName: "FaultToleranceMetaSpec", metaDataDatastore: ref("Datastore", "datastore-12") } },
    });
    const result = info.result as Json;
    expect(result).toMatchObject({ _typeName: "FaultToleranceSecondaryOpResult", powerOnAttempted: true });
    const secondary = result.vm as Json;
    expect(secondary).toMatchObject({ _typeName: "ManagedObjectReference", type: "VirtualMachine" });
    expect(secondary.value).not.toBe("vm-101");
    await until(async () => (await ftState("vm-101")) === "running");
    expect(await ftState(secondary.value as string)).toBe("running");
    const primaryRuntime = await runtime("vm-101");
    const secondaryRuntime = await runtime(secondary.value as string);
    expect(secondaryRuntime.host).not.toEqual(primaryRuntime.host);
    expect(secondaryRuntime.powerState).toBe("poweredOn");

    const ftInfo = ((await get("VirtualMachine/vm-101/config")) as Json).ftInfo as Json;
    expect(ftInfo).toMatchObject({ _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, secondaries: [secondary] });
    expect((ftInfo.instanceUuids as string[]).length).toBe(2);
    expect((ftInfo.configPaths as string[]).length).toBe(2);
    const secondaryFtInfo = ((await get(`VirtualMachine/${secondary.value}/config`)) as Json).ftInfo as Json;
    expect(secondaryFtInfo).toMatchObject({ _typeName: "FaultToleranceSecondaryConfigInfo", role: 2, primaryVM: ref("VirtualMachine", "vm-101") });

    await expectFault("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "x", memory: false }, "NotSupported");
    await expectFault(`VirtualMachine/${secondary.value}/CreateSnapshotEx_Task`, { name: "x", memory: false }, "NotSupported");
    await expectFault("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", {}, "SecondaryVmAlreadyRegistered");
    await expectFault(`VirtualMachine/${secondary.value}/PowerOffVM_Task`, undefined, "InvalidOperationOnSecondaryVm");
    await expectFault(`VirtualMachine/${secondary.value}/TurnOffFaultToleranceForVM_Task`, undefined, "InvalidOperationOnSecondaryVm");

    await runTask("VirtualMachine/vm-101/DisableSecondaryVM_Task", { vm: secondary });
    expect(await ftState("vm-101")).toBe("disabled");
    expect(await runtime(secondary.value as string)).toMatchObject({ faultToleranceState: "disabled", powerState: "poweredOff" });
    await expectFault("VirtualMachine/vm-101/DisableSecondaryVM_Task", { vm: secondary }, "SecondaryVmAlreadyDisabled");
    await expectFault("VirtualMachine/vm-101/DisableSecondaryVM_Task", {}, "InvalidRequest");

    const enabled = await runTask("VirtualMachine/vm-101/EnableSecondaryVM_Task", { vm: secondary });
    expect(enabled.result).toMatchObject({ _typeName: "FaultToleranceSecondaryOpResult", vm: secondary, powerOnAttempted: true });
    await until(async () => (await ftState("vm-101")) === "running");
    await expectFault("VirtualMachine/vm-101/EnableSecondaryVM_Task", { vm: secondary }, "InvalidState");

    await runTask("VirtualMachine/vm-101/PowerOffVM_Task");
    expect(await ftState("vm-101")).toBe("enabled");
    expect(await runtime(secondary.value as string)).toMatchObject({ powerState: "poweredOff", faultToleranceState: "enabled" });
    await runTask("VirtualMachine/vm-101/PowerOnVM_Task");
    await until(async () => (await ftState("vm-101")) === "running");
    expect((await runtime(secondary.value as string)).powerState).toBe("poweredOn");

    await runTask("VirtualMachine/vm-101/TurnOffFaultToleranceForVM_Task");
    expect(await ftState("vm-101")).toBe("notConfigured");
    expect(((await get("VirtualMachine/vm-101/config")) as Json).ftInfo).toBeUndefined();
    expect(((await http("GET", `VirtualMachine/${secondary.value}/runtime`)).body as Json)._typeName).toBe("ManagedObjectNotFound");
    await expectFault("VirtualMachine/vm-101/TurnOffFaultToleranceForVM_Task", undefined, "InvalidState");
  });

  test("a powered-off primary gets an enabled secondary that is not powered on", async () => {
    const result = (await runTask("VirtualMachine/vm-103/CreateSecondaryVMEx_Task")).result as Json;
    expect(result).toMatchObject({ powerOnAttempted: false });
    expect(result.powerOnResult).toBeUndefined();
    expect(await ftState("vm-103")).toBe("enabled");
    await runTask("VirtualMachine/vm-103/PowerOnVM_Task");
    await until(async () => (await ftState("vm-103")) === "running");
  });

  test("refusals: no HA, template, snapshots, bad hosts, no host left", async () => {
    await expectFault("VirtualMachine/vm-105/CreateSecondaryVMEx_Task", {}, "NotSupported");
    await expectFault("VirtualMachine/vm-106/CreateSecondaryVMEx_Task", {}, "NotSupported");
    await expectFault("VirtualMachine/vm-106/QueryFaultToleranceCompatibilityEx", {}, "NotSupported");
    const noHa = (await http("POST", "VirtualMachine/vm-105/QueryFaultToleranceCompatibilityEx", {})).body as Json[];
    expect(noHa.map((fault) => fault._typeName)).toEqual(["NotSupported"]);

    await runTask("VirtualMachine/vm-102/CreateSnapshotEx_Task", { name: "s", memory: false });
    await expectFault("VirtualMachine/vm-102/CreateSecondaryVMEx_Task", {}, "VmConfigIncompatibleForFaultTolerance");
    const withSnapshots = (await http("POST", "VirtualMachine/vm-102/QueryFaultToleranceCompatibilityEx")).body as Json[];
    expect(withSnapshots.map((fault) => fault._typeName)).toEqual(["VmConfigIncompatibleForFaultTolerance"]);

    const missingHost = await expectFault("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", { host: ref("HostSystem", "host-99") }, "ManagedObjectNotFound");
    expect(missingHost.obj).toEqual(ref("HostSystem", "host-99"));
    const sameHost = await expectFault("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", { host: ref("HostSystem", "host-10") }, "InvalidArgument");
    expect(sameHost.invalidProperty).toBe("host");
    await expectFault("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", { host: ref("VirtualMachine", "vm-102") }, "InvalidArgument");

    sim.world.failHost("host-11");
    sim.world.failHost("host-12");
    const noHost = await expectFault("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", {}, "NoHostSuitableForFtSecondary");
    expect(noHost).toMatchObject({ vm: ref("VirtualMachine", "vm-101"), vmName: "app-01" });
  });

  test("a failed host re-spawns the secondary elsewhere: needSecondary, then running", async () => {
    const secondary = ((await runTask("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", { host: ref("HostSystem", "host-11") })).result as Json).vm as Json;
    await until(async () => (await ftState("vm-101")) === "running");
    expect((await runtime(secondary.value as string)).host).toEqual(ref("HostSystem", "host-11"));

    const seen: string[] = [];
    const stop = sim.world.onChange((type, id) => {
      if (type === "VirtualMachine" && id === "vm-101") seen.push(sim.world.inventory().vms.find((vm) => vm.id === "vm-101")?.faultToleranceState ?? "");
    });
    sim.world.failHost("host-11");
    await until(async () => (await ftState("vm-101")) === "running");
    stop();
    expect(seen).toContain("needSecondary");
    expect((await runtime(secondary.value as string)).host).toEqual(ref("HostSystem", "host-12"));

    sim.world.turnOffFtOutOfBand("vm-101");
    expect(await ftState("vm-101")).toBe("notConfigured");
  });
});
