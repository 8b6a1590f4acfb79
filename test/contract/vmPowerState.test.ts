import { MockAgent, type Dispatcher } from "undici";
import { recordStackConfig } from "../../provider/config";
import { ConflictError } from "../../provider/errors";
import { setDispatcherOverride } from "../../provider/http/transport";
import { forget } from "../../provider/runtime";
import * as crud from "../../provider/resources/vsphere/vmPowerState/provider";

const ORIGIN = "https://vc.example.test";
const BASE = "/sdk/vim25/8.0.3.0";
const RETRIEVE = `${BASE}/PropertyCollector/propertyCollector/RetrievePropertiesEx`;
const moref = (type: string, value: string) => ({ _typeName: "ManagedObjectReference", type, value });
const CONTENT = {
  _typeName: "ServiceContent",
  rootFolder: moref("Folder", "group-d1"),
  propertyCollector: moref("PropertyCollector", "propertyCollector"),
  sessionManager: moref("SessionManager", "SessionManager"),
  about: { _typeName: "AboutInfo", name: "VMware vCenter Server", apiVersion: "8.0.3.0", version: "8.0.3" },
};
const FACT_PATHS = ["name", "runtime.powerState", "runtime.host", "runtime.faultToleranceState", "guest.toolsRunningStatus", "config.template", "config.ftInfo"];

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

let agent: MockAgent;
let seen: Seen[];

function record(options: Dispatcher.DispatchOptions): void {
  const headers: Record<string, string> = {};
  const raw = options.headers as Record<string, string> | string[] | undefined;
  if (Array.isArray(raw)) for (let i = 0; i < raw.length; i += 2) headers[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  else if (raw) for (const [k, v] of Object.entries(raw)) headers[k.toLowerCase()] = String(v);
  const text = typeof options.body === "string" ? options.body : undefined;
  seen.push({ method: options.method, path: options.path, headers, rawBody: text, body: text ? JSON.parse(text) : undefined });
}

function intercept(method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}): void {
  agent
    .get(ORIGIN)
    .intercept({ method, path })
    .reply(
      status,
      (options) => {
        record(options as Dispatcher.DispatchOptions);
        return body === undefined ? "" : JSON.stringify(body);
      },
      { headers: { "content-type": "application/json", ...headers } },
    );
}

function loginSequence(): void {
  intercept("POST", "/api/vcenter/system?action=hello", 200, { api_release: "8.0.3.0" });
  intercept("GET", `${BASE}/ServiceInstance/ServiceInstance/content`, 200, CONTENT);
  intercept("POST", `${BASE}/SessionManager/SessionManager/Login`, 200, { _typeName: "UserSession", key: "k", userName: "u" }, { "vmware-api-session-id": "sess-1" });
}

const boxed = (typeName: string, value: unknown) => ({ _typeName: typeName, _value: value });

/** A RetrievePropertiesEx answer with the VM facts. */
function facts(vmId: string, powerState: string, tools = "guestToolsRunning"): unknown {
  return {
    _typeName: "RetrieveResult",
    objects: [
      {
        _typeName: "ObjectContent",
        obj: moref("VirtualMachine", vmId),
        propSet: [
          { _typeName: "DynamicProperty", name: "name", val: boxed("string", "app-01") },
          { _typeName: "DynamicProperty", name: "runtime.powerState", val: boxed("VirtualMachinePowerState", powerState) },
          { _typeName: "DynamicProperty", name: "runtime.host", val: moref("HostSystem", "host-9") },
          { _typeName: "DynamicProperty", name: "runtime.faultToleranceState", val: boxed("VirtualMachineFaultToleranceState", "notConfigured") },
          { _typeName: "DynamicProperty", name: "guest.toolsRunningStatus", val: boxed("string", tools) },
          { _typeName: "DynamicProperty", name: "config.template", val: boxed("boolean", false) },
        ],
      },
    ],
  };
}

function powerStateOnly(vmId: string, powerState: string): unknown {
  return { _typeName: "RetrieveResult", objects: [{ _typeName: "ObjectContent", obj: moref("VirtualMachine", vmId), propSet: [{ _typeName: "DynamicProperty", name: "runtime.powerState", val: boxed("VirtualMachinePowerState", powerState) }] }] };
}

function retrieveBody(vmId: string, paths: string[]): unknown {
  return {
    specSet: [
      {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: paths }],
        objectSet: [{ _typeName: "ObjectSpec", obj: moref("VirtualMachine", vmId), skip: false }],
        reportMissingObjectsInResults: true,
      },
    ],
    options: { _typeName: "RetrieveOptions" },
  };
}

/** Task waits go through Task.info polling: this server has no PropertyCollector filters. */
function taskSucceeds(taskId: string): void {
  intercept("POST", `${BASE}/PropertyCollector/propertyCollector/CreatePropertyCollector`, 500, { _typeName: "NotSupported" });
  intercept("GET", `${BASE}/Task/${taskId}/info`, 200, { _typeName: "TaskInfo", key: taskId, task: moref("Task", taskId), state: "success", cancelled: false, cancelable: false });
}

const calls = () => seen.slice(3).map((s) => `${s.method} ${s.path.replace(BASE, "")}`);

beforeEach(() => {
  seen = [];
  agent = new MockAgent();
  agent.disableNetConnect();
  setDispatcherOverride(agent);
  forget("vsphere.");
  recordStackConfig({ "vsphere:vsphereServer": ORIGIN, "vsphere:user": "admin@vsphere.local", "vsphere:password": "Pa55-word" });
});
afterEach(async () => {
  setDispatcherOverride(undefined);
  await agent.close();
});

const INPUTS = { shutdownMode: "guest", guestShutdownTimeoutSeconds: 300, forceAfterTimeout: true, timeoutSeconds: 900 };

describe("VmPowerState requests", () => {
  it("reads the VM once with the spec's RetrievePropertiesEx body and makes no call when it is already there", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOn"));
    const created = await crud.create({ vmId: "vm-42", state: "poweredOn", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "poweredOn", host: "host-9", toolsRunningStatus: "guestToolsRunning", lastAction: "none" });
    expect(calls()).toEqual(["POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"]);
    expect(seen[3]!.body).toEqual(retrieveBody("vm-42", FACT_PATHS));
    expect(seen[3]!.headers["vmware-api-session-id"]).toBe("sess-1");
  });

  it("guest shutdown: ShutdownGuest without a body, then watches runtime.powerState until poweredOff", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOn"));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/ShutdownGuest`, 204, undefined);
    intercept("POST", RETRIEVE, 200, powerStateOnly("vm-42", "poweredOn"));
    intercept("POST", RETRIEVE, 200, powerStateOnly("vm-42", "poweredOff"));
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOff", "guestToolsNotRunning"));
    const created = await crud.create({ vmId: "vm-42", state: "poweredOff", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "guestShutdown" });
    expect(calls()).toEqual([
      "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx",
      "POST /VirtualMachine/vm-42/ShutdownGuest",
      "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx",
      "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx",
      "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx",
    ]);
    const shutdown = seen[4]!;
    expect(shutdown.rawBody).toBeUndefined();
    expect(shutdown.headers["content-type"]).toBeUndefined();
    expect(seen[5]!.body).toEqual(retrieveBody("vm-42", ["runtime.powerState"]));
  });

  it("a server that does not report the tools status still gets ShutdownGuest (no hard power-off on a guess)", async () => {
    loginSequence();
    const withoutTools = facts("vm-42", "poweredOn") as { objects: { propSet: { name: string }[] }[] };
    withoutTools.objects[0]!.propSet = withoutTools.objects[0]!.propSet.filter((property) => property.name !== "guest.toolsRunningStatus");
    intercept("POST", RETRIEVE, 200, withoutTools);
    intercept("POST", `${BASE}/VirtualMachine/vm-42/ShutdownGuest`, 204, undefined);
    intercept("POST", RETRIEVE, 200, powerStateOnly("vm-42", "poweredOff"));
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOff", "guestToolsNotRunning"));
    const created = await crud.create({ vmId: "vm-42", state: "poweredOff", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "guestShutdown" });
    expect(calls()).not.toContain("POST /VirtualMachine/vm-42/PowerOffVM_Task");
  });

  it("a server that refuses a nested property path is asked for runtime, guest and config whole", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 500, { _typeName: "InvalidProperty", name: "guest.toolsRunningStatus" });
    intercept("POST", RETRIEVE, 200, {
      _typeName: "RetrieveResult",
      objects: [
        {
          _typeName: "ObjectContent",
          obj: moref("VirtualMachine", "vm-42"),
          propSet: [
            { _typeName: "DynamicProperty", name: "name", val: boxed("string", "app-01") },
            { _typeName: "DynamicProperty", name: "runtime", val: { _typeName: "VirtualMachineRuntimeInfo", powerState: "poweredOn", host: moref("HostSystem", "host-3"), connectionState: "connected" } },
            { _typeName: "DynamicProperty", name: "guest", val: { _typeName: "GuestInfo", toolsRunningStatus: "guestToolsRunning" } },
            { _typeName: "DynamicProperty", name: "config", val: { _typeName: "VirtualMachineConfigInfo", template: false } },
          ],
        },
      ],
    });
    const created = await crud.create({ vmId: "vm-42", state: "poweredOn", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "poweredOn", host: "host-3", toolsRunningStatus: "guestToolsRunning", lastAction: "none" });
    expect(seen[4]!.body).toEqual(retrieveBody("vm-42", ["name", "runtime", "guest", "config"]));
  });

  it("ShutdownGuest answered with ToolsUnavailable: PowerOffVM_Task (no body) when forcing is allowed", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOn"));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/ShutdownGuest`, 500, { _typeName: "ToolsUnavailable", faultMessage: [{ key: "k", message: "VMware Tools is not running." }] });
    intercept("POST", `${BASE}/VirtualMachine/vm-42/PowerOffVM_Task`, 200, moref("Task", "task-5"));
    taskSucceeds("task-5");
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOff", "guestToolsNotRunning"));
    const created = await crud.create({ vmId: "vm-42", state: "poweredOff", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "powerOff" });
    const powerOff = seen.find((s) => s.path.endsWith("/PowerOffVM_Task"))!;
    expect(powerOff.rawBody).toBeUndefined();
  });

  it("ShutdownGuest answered with ToolsUnavailable and forceAfterTimeout false: a ConflictError, no power-off", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOn"));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/ShutdownGuest`, 500, { _typeName: "ToolsUnavailable" });
    const error = await crud.create({ vmId: "vm-42", state: "poweredOff", ...INPUTS, forceAfterTimeout: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain("forceAfterTimeout is false");
    expect(calls()).not.toContain("POST /VirtualMachine/vm-42/PowerOffVM_Task");
  });

  it("a server that refuses PowerOffVM_Task on a suspended VM gets a resume, then a hard power-off", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, facts("vm-42", "suspended", "guestToolsNotRunning"));
    intercept("POST", `${BASE}/VirtualMachine/vm-42/PowerOffVM_Task`, 500, { _typeName: "InvalidPowerState", requestedState: "poweredOn", existingState: "suspended" });
    intercept("POST", `${BASE}/VirtualMachine/vm-42/PowerOnVM_Task`, 200, moref("Task", "task-6"));
    taskSucceeds("task-6");
    intercept("POST", `${BASE}/VirtualMachine/vm-42/PowerOffVM_Task`, 200, moref("Task", "task-7"));
    intercept("GET", `${BASE}/Task/task-7/info`, 200, { _typeName: "TaskInfo", key: "task-7", task: moref("Task", "task-7"), state: "success" });
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOff", "guestToolsNotRunning"));
    const created = await crud.create({ vmId: "vm-42", state: "poweredOff", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "powerOn+powerOff" });
    expect(calls().filter((c) => !c.includes("PropertyCollector") && !c.includes("/Task/"))).toEqual([
      "POST /VirtualMachine/vm-42/PowerOffVM_Task",
      "POST /VirtualMachine/vm-42/PowerOnVM_Task",
      "POST /VirtualMachine/vm-42/PowerOffVM_Task",
    ]);
    const powerOn = seen.find((s) => s.path.endsWith("/PowerOnVM_Task"))!;
    expect(powerOn.rawBody).toBeUndefined();
  });

  it("a lost answer to PowerOnVM_Task is reconciled by reading the state, not by powering on again", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOff", "guestToolsNotRunning"));
    agent.get(ORIGIN).intercept({ method: "POST", path: `${BASE}/VirtualMachine/vm-42/PowerOnVM_Task` }).replyWithError(new Error("socket hang up"));
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOn"));
    const created = await crud.create({ vmId: "vm-42", state: "poweredOn", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "poweredOn" });
    expect(calls()).toEqual(["POST /PropertyCollector/propertyCollector/RetrievePropertiesEx", "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"]);
    expect(agent.pendingInterceptors()).toEqual([]);
  });

  it("SuspendVM_Task and a TaskInProgress answer retried until the VM is free", async () => {
    loginSequence();
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOn"));
    for (let i = 0; i < 5; i += 1) intercept("POST", `${BASE}/VirtualMachine/vm-42/SuspendVM_Task`, 500, { _typeName: "TaskInProgress", task: moref("Task", "task-other") });
    intercept("POST", `${BASE}/VirtualMachine/vm-42/SuspendVM_Task`, 200, moref("Task", "task-9"));
    taskSucceeds("task-9");
    intercept("POST", RETRIEVE, 200, facts("vm-42", "suspended", "guestToolsNotRunning"));
    const created = await crud.create({ vmId: "vm-42", state: "suspended", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "suspended", lastAction: "suspend" });
    expect(calls().filter((c) => c.endsWith("SuspendVM_Task"))).toHaveLength(6);
  });
});
