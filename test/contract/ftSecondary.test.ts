import * as crud from "../../provider/resources/vsphere/ftSecondary/provider";
import { BASE, boxed, moref as ref, type Seen } from "./support/vsphereMock";
import { useRoutedVcenter } from "./support/routedVcenter";

/**
 * The exact VI/JSON requests FtSecondary sends (URL, method, session header, body), answered by a small routed fake
 * (support/routedVcenter.ts): login, RetrievePropertiesEx from a property table, `*_Task` methods, Task.info polling,
 * and the FT query/GETs.
 */

const SESSION = "sess-ft-1";
const str = (value: string) => boxed("string", value);

const fake = useRoutedVcenter(SESSION);
const { seen, properties, routes, taskResults } = fake;

/** vm-42 (primary, on host-10) with vm-43 as its secondary once `ftOn` is called. */
function primaryVm(options: { ftOn?: boolean; secondaryState?: string; devices?: unknown[] } = {}): void {
  const runtime = (state: string, host: string) => ({ _typeName: "VirtualMachineRuntimeInfo", host: ref("HostSystem", host), connectionState: "connected", powerState: "poweredOn", faultToleranceState: state });
  properties["VirtualMachine:vm-42"] = {
    name: str("app-42"),
    runtime: runtime(options.ftOn ? "running" : "notConfigured", "host-10"),
    "config.hardware": { _typeName: "VirtualHardware", numCPU: 2, device: options.devices ?? [] },
    ...(options.ftOn
      ? { "config.ftInfo": { _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, instanceUuids: ["u-42", "u-43"], configPaths: [], secondaries: [ref("VirtualMachine", "vm-43")] } }
      : {}),
  };
  if (options.ftOn) properties["VirtualMachine:vm-43"] = { runtime: runtime(options.secondaryState ?? "running", "host-12") };
}

function turnFtOn(secondaryState = "running"): void {
  primaryVm({ ftOn: true, secondaryState });
}

const secondaryOpResult = (attempted: boolean) => ({
  _typeName: "FaultToleranceSecondaryOpResult",
  vm: ref("VirtualMachine", "vm-43"),
  powerOnAttempted: attempted,
  ...(attempted ? { powerOnResult: { _typeName: "ClusterPowerOnVmResult", attempted: [{ _typeName: "ClusterAttemptedVmInfo", vm: ref("VirtualMachine", "vm-43") }] } } : {}),
});

function methodCalls(): Seen[] {
  return fake.methodCalls().filter((call) => call.path.includes("/VirtualMachine/"));
}

describe("FtSecondary requests", () => {
  it("create with placement: CreateSecondaryVMEx_Task with host and a FaultToleranceConfigSpec placing vmConfig and every VirtualDisk", async () => {
    const disks = [
      { _typeName: "VirtualDisk", key: 2000, controllerKey: 1000, unitNumber: 0, capacityInKB: 1048576, backing: { _typeName: "VirtualDiskFlatVer2BackingInfo", fileName: "[ds1] app/app.vmdk", diskMode: "persistent" } },
      { _typeName: "VirtualDisk", key: 2001, controllerKey: 1000, unitNumber: 1, capacityInKB: 2048 },
    ];
    primaryVm({ devices: [{ _typeName: "VirtualLsiLogicController", key: 1000 }, ...disks, { _typeName: "VirtualVmxnet3", key: 4000 }] });
    routes["POST /VirtualMachine/vm-42/CreateSecondaryVMEx_Task"] = () => {
      taskResults["task-create"] = { state: "success", result: secondaryOpResult(true) };
      turnFtOn();
      return { status: 200, body: ref("Task", "task-create") };
    };
    const created = await crud.create({ vmId: "vm-42", host: "host-12", datastore: "datastore-3", metaDataDatastore: "datastore-4", enabled: true, timeoutSeconds: 60 });
    const [call] = methodCalls();
    expect(call).toMatchObject({ method: "POST", path: `${BASE}/VirtualMachine/vm-42/CreateSecondaryVMEx_Task` });
    expect(call!.headers["vmware-api-session-id"]).toBe(SESSION);
    expect(call!.headers["content-type"]).toBe("application/json");
    const datastore = ref("Datastore", "datastore-3");
    expect(call!.body).toEqual({
      host: ref("HostSystem", "host-12"),
      spec: {
        _typeName: "FaultToleranceConfigSpec",
        metaDataPath: { _typeName: "FaultToleranceMetaSpec", metaDataDatastore: ref("Datastore", "datastore-4") },
        secondaryVmSpec: {
          _typeName: "FaultToleranceVMConfigSpec",
          vmConfig: datastore,
          disks: disks.map((disk) => ({ _typeName: "FaultToleranceDiskSpec", disk, datastore })),
        },
      },
    });
    // The devices were read with the spec's property path, before the call.
    const reads = seen.filter((s) => s.path.endsWith("/RetrievePropertiesEx")).map((s) => (s.body as { specSet: { propSet: { pathSet: string[] }[] }[] }).specSet[0]!.propSet[0]!.pathSet);
    expect(reads).toContainEqual(["config.hardware"]);
    expect(seen.some((s) => s.method === "GET" && s.path === `${BASE}/Task/task-create/info`)).toBe(true);
    expect(created).toEqual({
      id: "vm-42",
      outs: expect.objectContaining({ vmId: "vm-42", secondaryVmId: "vm-43", secondaryHost: "host-12", placedDisks: 2, powerOnAttempted: true, powerOnOutcome: "poweredOn", instanceUuids: ["u-42", "u-43"], vmName: "app-42" }),
    });
  });

  it("create without placement sends no body, as the spec allows; enabled:false then sends DisableSecondaryVM_Task {vm}", async () => {
    primaryVm();
    routes["POST /VirtualMachine/vm-42/CreateSecondaryVMEx_Task"] = () => {
      taskResults["task-c"] = { state: "success", result: secondaryOpResult(false) };
      turnFtOn();
      return { status: 200, body: ref("Task", "task-c") };
    };
    routes["POST /VirtualMachine/vm-42/DisableSecondaryVM_Task"] = () => {
      turnFtOn("disabled");
      properties["VirtualMachine:vm-42"]!["runtime"] = { ...(properties["VirtualMachine:vm-42"]!["runtime"] as object), faultToleranceState: "disabled" };
      return { status: 200, body: ref("Task", "task-d") };
    };
    const created = await crud.create({ vmId: "vm-42", enabled: false, timeoutSeconds: 60 });
    const [create, disable] = methodCalls();
    expect(create!.rawBody).toBeUndefined();
    expect(create!.headers["content-type"]).toBeUndefined();
    expect(disable).toMatchObject({ method: "POST", path: `${BASE}/VirtualMachine/vm-42/DisableSecondaryVM_Task`, body: { vm: ref("VirtualMachine", "vm-43") } });
    expect(created.outs).toMatchObject({ enabled: false, faultToleranceState: "disabled", powerOnAttempted: false, powerOnOutcome: "notAttempted", placedDisks: 0 });
  });

  it("update enabling sends EnableSecondaryVM_Task {vm} on the primary (vSphere picks the host) and records its power-on result", async () => {
    turnFtOn("disabled");
    properties["VirtualMachine:vm-42"]!["runtime"] = { ...(properties["VirtualMachine:vm-42"]!["runtime"] as object), faultToleranceState: "disabled" };
    routes["POST /VirtualMachine/vm-42/EnableSecondaryVM_Task"] = () => {
      taskResults["task-e"] = { state: "success", result: secondaryOpResult(true) };
      turnFtOn("starting");
      return { status: 200, body: ref("Task", "task-e") };
    };
    const olds = { vmId: "vm-42", host: "host-12", enabled: false, timeoutSeconds: 60, faultToleranceState: "disabled", powerOnAttempted: false, powerOnOutcome: "notAttempted" };
    const updated = await crud.update("vm-42", olds, { vmId: "vm-42", host: "host-12", enabled: true, timeoutSeconds: 60 });
    const [enable] = methodCalls();
    expect(enable).toMatchObject({ path: `${BASE}/VirtualMachine/vm-42/EnableSecondaryVM_Task`, body: { vm: ref("VirtualMachine", "vm-43") } });
    expect(updated.outs).toMatchObject({ enabled: true, powerOnAttempted: true, powerOnOutcome: "poweredOn" });
  });

  it("create waits for protection by reading the primary's runtime and config.ftInfo until it is running", async () => {
    primaryVm();
    const setPrimaryState = (state: string) => {
      properties["VirtualMachine:vm-42"]!["runtime"] = { ...(properties["VirtualMachine:vm-42"]!["runtime"] as object), faultToleranceState: state };
    };
    routes["POST /VirtualMachine/vm-42/CreateSecondaryVMEx_Task"] = () => {
      taskResults["task-c"] = { state: "success", result: secondaryOpResult(true) };
      turnFtOn("starting");
      setPrimaryState("starting");
      return { status: 200, body: ref("Task", "task-c") };
    };
    // vSphere reports the group running from the third look of the wait on.
    let looks = 0;
    routes["POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"] = (call) => {
      const paths = (call.body as { specSet: { propSet: { pathSet: string[] }[] }[] }).specSet[0]!.propSet[0]!.pathSet;
      if (paths.join(",") === "runtime,config.ftInfo" && ++looks === 3) {
        setPrimaryState("running");
        turnFtOn("running");
      }
      return fake.retrieve(call);
    };
    const created = await crud.create({ vmId: "vm-42", timeoutSeconds: 60 });
    const watches = seen.filter((call) => call.path.endsWith("/RetrievePropertiesEx") && JSON.stringify(call.body).includes('"pathSet":["runtime","config.ftInfo"]'));
    expect(watches.length).toBeGreaterThanOrEqual(3);
    for (const watch of watches) expect((watch.body as { specSet: { objectSet: { obj: unknown }[] }[] }).specSet[0]!.objectSet.map((set) => set.obj)).toContainEqual(ref("VirtualMachine", "vm-42"));
    expect(created.outs).toMatchObject({ waitForProtection: true, faultToleranceState: "running", secondaryPowerState: "poweredOn" });
  });

  it("create with waitForProtection false returns while the group is still starting, without watching it", async () => {
    primaryVm();
    routes["POST /VirtualMachine/vm-42/CreateSecondaryVMEx_Task"] = () => {
      taskResults["task-c"] = { state: "success", result: secondaryOpResult(true) };
      turnFtOn("starting");
      properties["VirtualMachine:vm-42"]!["runtime"] = { ...(properties["VirtualMachine:vm-42"]!["runtime"] as object), faultToleranceState: "starting" };
      return { status: 200, body: ref("Task", "task-c") };
    };
    const created = await crud.create({ vmId: "vm-42", waitForProtection: false, timeoutSeconds: 60 });
    expect(created.outs).toMatchObject({ waitForProtection: false, faultToleranceState: "starting" });
    expect(seen.some((call) => JSON.stringify(call.body ?? "").includes('"pathSet":["runtime","config.ftInfo"]'))).toBe(false);
  });

  it("a power-on vSphere reports as failed is not waited for: a partial failure naming its fault", async () => {
    primaryVm();
    routes["POST /VirtualMachine/vm-42/CreateSecondaryVMEx_Task"] = () => {
      const failed = {
        _typeName: "ClusterPowerOnVmResult",
        notAttempted: [{ _typeName: "ClusterNotAttemptedVmInfo", vm: ref("VirtualMachine", "vm-43"), fault: { _typeName: "NoHostSuitableForFtSecondary", faultMessage: [{ key: "k", message: "No compatible host." }] } }],
      };
      taskResults["task-c"] = { state: "success", result: { _typeName: "FaultToleranceSecondaryOpResult", vm: ref("VirtualMachine", "vm-43"), powerOnAttempted: true, powerOnResult: failed } };
      turnFtOn("enabled");
      properties["VirtualMachine:vm-42"]!["runtime"] = { ...(properties["VirtualMachine:vm-42"]!["runtime"] as object), faultToleranceState: "needSecondary", needSecondaryReason: "other" };
      (properties["VirtualMachine:vm-43"]!["runtime"] as Record<string, unknown>)["powerState"] = "poweredOff";
      return { status: 200, body: ref("Task", "task-c") };
    };
    const error = (await crud.create({ vmId: "vm-42", timeoutSeconds: 60 }).catch((caught: unknown) => caught)) as { name: string; message: string; id: string; properties: Record<string, unknown> };
    expect(error.name).toBe("PartialFailureError");
    expect(error.id).toBe("vm-42");
    expect(error.message).toBe(
      'Fault Tolerance was turned on for VM "app-42" (vm-42), but the group was not protected (vSphere could not power the secondary on: NoHostSuitableForFtSecondary: No compatible host). vSphere reports faultToleranceState needSecondary (needSecondaryReason other); the secondary vm-43 is poweredOff. The group is recorded in the stack: `pulumi refresh` shows when vSphere has the secondary running, `pulumi destroy` turns FT off. Set waitForProtection: false not to wait.',
    );
    expect(error.properties).toMatchObject({ vmId: "vm-42", secondaryVmId: "vm-43", faultToleranceState: "needSecondary", powerOnOutcome: "failed" });
    expect(seen.some((call) => JSON.stringify(call.body ?? "").includes('"pathSet":["runtime","config.ftInfo"]'))).toBe(false);
  });

  it("delete sends TurnOffFaultToleranceForVM_Task without a body, and nothing when FT is already off", async () => {
    turnFtOn();
    routes["POST /VirtualMachine/vm-42/TurnOffFaultToleranceForVM_Task"] = () => {
      primaryVm();
      return { status: 200, body: ref("Task", "task-off") };
    };
    await crud.delete("vm-42", { vmId: "vm-42", timeoutSeconds: 60 });
    const [turnOff] = methodCalls();
    expect(turnOff).toMatchObject({ method: "POST", path: `${BASE}/VirtualMachine/vm-42/TurnOffFaultToleranceForVM_Task` });
    expect(turnOff!.rawBody).toBeUndefined();
    seen.length = 0;
    await crud.delete("vm-42", { vmId: "vm-42", timeoutSeconds: 60 });
    expect(methodCalls()).toEqual([]);
  });

  it("delete after a failover sends MakePrimaryVM_Task {vm: vmId} on the current primary, then turns FT off through vmId", async () => {
    const running = (host: string) => ({ _typeName: "VirtualMachineRuntimeInfo", host: ref("HostSystem", host), powerState: "poweredOn", faultToleranceState: "running" });
    const primaryOf = (secondary: string) => ({ _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, instanceUuids: [], configPaths: [], secondaries: [ref("VirtualMachine", secondary)] });
    const secondaryOf = (primary: string) => ({ _typeName: "FaultToleranceSecondaryConfigInfo", role: 2, instanceUuids: [], configPaths: [], primaryVM: ref("VirtualMachine", primary) });
    // A failover made vm-43 the primary; vm-42 (the declared VM) is its secondary.
    properties["VirtualMachine:vm-42"] = { name: str("app-42"), runtime: running("host-10"), "config.ftInfo": secondaryOf("vm-43") };
    properties["VirtualMachine:vm-43"] = { name: str("app-42"), runtime: running("host-12"), "config.ftInfo": primaryOf("vm-42") };
    routes["POST /VirtualMachine/vm-43/MakePrimaryVM_Task"] = () => {
      properties["VirtualMachine:vm-42"]!["config.ftInfo"] = primaryOf("vm-43");
      properties["VirtualMachine:vm-43"]!["config.ftInfo"] = secondaryOf("vm-42");
      return { status: 200, body: ref("Task", "task-mp") };
    };
    routes["POST /VirtualMachine/vm-42/TurnOffFaultToleranceForVM_Task"] = () => {
      delete properties["VirtualMachine:vm-42"]!["config.ftInfo"];
      delete properties["VirtualMachine:vm-43"];
      return { status: 200, body: ref("Task", "task-off") };
    };
    await crud.delete("vm-42", { vmId: "vm-42", timeoutSeconds: 60 });
    expect(methodCalls().map((call) => [call.path.replace(BASE, ""), call.body])).toEqual([
      ["/VirtualMachine/vm-43/MakePrimaryVM_Task", { vm: ref("VirtualMachine", "vm-42") }],
      ["/VirtualMachine/vm-42/TurnOffFaultToleranceForVM_Task", undefined],
    ]);
  });

  it("check asks QueryFaultToleranceCompatibilityEx {forLegacyFt:false}, reads the cluster's HA setting, and keeps each fault's own type", async () => {
    primaryVm();
    properties["VirtualMachine:vm-42"]!["config.template"] = { _typeName: "boolean", _value: false };
    properties["VirtualMachine:vm-42"]!["runtime.host"] = ref("HostSystem", "host-10");
    routes["GET /HostSystem/host-10/parent"] = () => ({ status: 200, body: ref("ClusterComputeResource", "domain-c7") });
    routes["GET /ClusterComputeResource/domain-c7/name"] = () => ({ status: 200, body: "prod" });
    routes["GET /ClusterComputeResource/domain-c7/configurationEx"] = () => ({
      status: 200,
      body: { _typeName: "ClusterConfigInfoEx", dasConfig: { _typeName: "ClusterDasConfigInfo", enabled: false } },
    });
    routes["POST /VirtualMachine/vm-42/QueryFaultToleranceCompatibilityEx"] = () => ({
      status: 200,
      body: [
        { _typeName: "NotSupported", faultMessage: [{ key: "k", message: "The virtual machine is not in a vSphere HA enabled cluster." }] },
        { _typeName: "VmConfigIncompatibleForFaultTolerance", fault: { _typeName: "DeviceNotSupported", faultMessage: [{ key: "k2", message: "Device 'USB controller' is not supported." }] } },
      ],
    });
    const result = await crud.check({}, { vmId: "vm-42" });
    const query = seen.find((s) => s.path.endsWith("/QueryFaultToleranceCompatibilityEx"));
    expect(query).toMatchObject({ method: "POST", body: { forLegacyFt: false } });
    expect(query!.headers["vmware-api-session-id"]).toBe(SESSION);
    expect(result.failures).toEqual([
      {
        property: "vmId",
        reason: 'VM "app-42" (vm-42) is in cluster "prod" (domain-c7), where vSphere HA is not enabled: Fault Tolerance needs a vSphere HA-enabled cluster. Turn on vSphere HA for the cluster or move the VM.',
      },
      {
        property: "vmId",
        reason: "VM \"app-42\" (vm-42) is not compatible with Fault Tolerance: vSphere's compatibility check (QueryFaultToleranceCompatibilityEx) reports VmConfigIncompatibleForFaultTolerance: Device 'USB controller' is not supported.",
      },
    ]);
  });

  it("a server without the cluster's configurationEx (404) falls back to the compatibility query alone", async () => {
    primaryVm();
    properties["VirtualMachine:vm-42"]!["runtime.host"] = ref("HostSystem", "host-10");
    routes["GET /HostSystem/host-10/parent"] = () => ({ status: 200, body: ref("ClusterComputeResource", "domain-c7") });
    routes["POST /VirtualMachine/vm-42/QueryFaultToleranceCompatibilityEx"] = () => ({ status: 200, body: [] });
    expect((await crud.check({}, { vmId: "vm-42" })).failures).toEqual([]);
    expect(seen.some((s) => s.path.endsWith("/ClusterComputeResource/domain-c7/configurationEx"))).toBe(true);
  });

  it("a no-op preview sends no request at all", async () => {
    expect(await crud.check({ vmId: "vm-42", host: "host-12" }, { vmId: "vm-42", host: "host-12" })).toMatchObject({ failures: [] });
    expect(seen).toEqual([]);
  });

  it("a task that ends in a fault is reported with the VM named, after reading ftInfo back", async () => {
    primaryVm();
    routes["POST /VirtualMachine/vm-42/CreateSecondaryVMEx_Task"] = () => {
      taskResults["task-x"] = { state: "error", error: { _typeName: "FaultToleranceNotLicensed", hostName: "esx-1", faultMessage: [{ key: "k", message: "Fault tolerance is not licensed." }] } };
      return { status: 200, body: ref("Task", "task-x") };
    };
    const error = await crud.create({ vmId: "vm-42", enabled: true, timeoutSeconds: 60 }).catch((e: unknown) => e);
    expect((error as { fault?: { type: string } }).fault?.type).toBe("FaultToleranceNotLicensed");
    expect((error as Error).message).toMatch(/^Turning Fault Tolerance on for VM "app-42" \(vm-42\) failed: .*not licensed.*license that includes Fault Tolerance/);
  });
  it("read asks for the VM and its recorded secondary in one RetrievePropertiesEx; a re-spawned secondary costs one more read", async () => {
    turnFtOn();
    const retrieves = () => seen.filter((s) => s.path.endsWith("/RetrievePropertiesEx"));
    const objects = (call: Seen) => (call.body as { specSet: { objectSet: { obj: { value: string } }[] }[] }).specSet[0]!.objectSet.map((set) => set.obj.value);
    const found = await crud.read("vm-42", { vmId: "vm-42", enabled: true, timeoutSeconds: 60, secondaryVmId: "vm-43" });
    expect(found.props).toMatchObject({ secondaryVmId: "vm-43", secondaryHost: "host-12", faultToleranceState: "running" });
    expect(retrieves().map(objects)).toEqual([["vm-43", "vm-42"]]);

    // vSphere re-spawned the secondary as vm-44: the speculative read of vm-43 is not used, vm-44 is read after.
    (properties["VirtualMachine:vm-42"]!["config.ftInfo"] as { secondaries: unknown[] }).secondaries = [ref("VirtualMachine", "vm-44")];
    properties["VirtualMachine:vm-44"] = { runtime: { _typeName: "VirtualMachineRuntimeInfo", host: ref("HostSystem", "host-14"), powerState: "poweredOn", faultToleranceState: "running" } };
    delete properties["VirtualMachine:vm-43"];
    seen.length = 0;
    const respawned = await crud.read("vm-42", { vmId: "vm-42", enabled: true, timeoutSeconds: 60, secondaryVmId: "vm-43" });
    expect(respawned.props).toMatchObject({ secondaryVmId: "vm-44", secondaryHost: "host-14" });
    expect(retrieves().map(objects)).toEqual([["vm-43", "vm-42"], ["vm-44"]]);
  });
});
