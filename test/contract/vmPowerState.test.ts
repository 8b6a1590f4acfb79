import { ConflictError } from "../../provider/errors";
import * as crud from "../../provider/resources/vsphere/vmPowerState/provider";
import { BASE, FACT_PATHS, ORIGIN, RETRIEVE, boxed, facts, moref, powerStateOnly, retrieveBody, useVsphereMock } from "./support/vsphereMock";

const mock = useVsphereMock();
const { seen, intercept, loginSequence, taskSucceeds, calls } = mock;

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
    mock.agent.get(ORIGIN).intercept({ method: "POST", path: `${BASE}/VirtualMachine/vm-42/PowerOnVM_Task` }).replyWithError(new Error("socket hang up"));
    intercept("POST", RETRIEVE, 200, facts("vm-42", "poweredOn"));
    const created = await crud.create({ vmId: "vm-42", state: "poweredOn", ...INPUTS });
    expect(created.outs).toMatchObject({ powerState: "poweredOn" });
    expect(calls()).toEqual(["POST /PropertyCollector/propertyCollector/RetrievePropertiesEx", "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"]);
    expect(mock.agent.pendingInterceptors()).toEqual([]);
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
