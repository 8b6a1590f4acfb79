import * as crud from "../../provider/resources/vsphere/ftFailoverTest/provider";
import { useRoutedVcenter } from "./support/routedVcenter";
import { BASE, boxed, moref as ref, type Seen } from "./support/vsphereMock";

/**
 * The exact VI/JSON requests FtFailoverTest sends: the test method on the group's CURRENT primary with its secondary as
 * `vm` (MakePrimaryVM_Task for a failover, TerminateFaultTolerantVM_Task for a restart), whichever VM of the group
 * vmId names, and the reads that wait for protection, answered by the routed fake vCenter.
 */

const SESSION = "sess-drill-1";
const fake = useRoutedVcenter(SESSION);
const { seen, properties, routes } = fake;

const runtime = (state: string, host: string, powerState = "poweredOn") => ({ _typeName: "VirtualMachineRuntimeInfo", host: ref("HostSystem", host), powerState, faultToleranceState: state });
const primaryInfo = (secondary: string) => ({ _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, instanceUuids: ["u-p", "u-s"], configPaths: [], secondaries: [ref("VirtualMachine", secondary)] });
const secondaryInfo = (primary: string) => ({ _typeName: "FaultToleranceSecondaryConfigInfo", role: 2, instanceUuids: ["u-p", "u-s"], configPaths: [], primaryVM: ref("VirtualMachine", primary) });

/** The group: `primary` on host-10 protecting `secondary` on host-12, both in `state`. */
function group(primary: string, secondary: string, state = "running", secondaryPower = "poweredOn"): void {
  properties[`VirtualMachine:${primary}`] = { name: boxed("string", "app-42"), runtime: runtime(state, "host-10"), "config.ftInfo": primaryInfo(secondary) };
  properties[`VirtualMachine:${secondary}`] = { name: boxed("string", "app-42"), runtime: runtime(state, "host-12", secondaryPower), "config.ftInfo": secondaryInfo(primary) };
}

const watchesOf = (vmId: string): Seen[] =>
  seen.filter(
    (call) =>
      call.path.endsWith("/RetrievePropertiesEx") &&
      JSON.stringify(call.body).includes('"pathSet":["runtime","config.ftInfo"]') &&
      JSON.stringify(call.body).includes(`"value":"${vmId}"`),
  );

describe("FtFailoverTest requests", () => {
  it("failover: MakePrimaryVM_Task {vm: secondary} on the primary, then watches the former secondary until it runs protected", async () => {
    group("vm-42", "vm-43");
    routes["POST /VirtualMachine/vm-42/MakePrimaryVM_Task"] = () => {
      // vSphere swaps the roles; the former primary is re-spawned as the new secondary (needSecondary, then running).
      group("vm-43", "vm-42", "needSecondary", "poweredOff");
      return { status: 200, body: ref("Task", "task-mp") };
    };
    let looks = 0;
    routes["POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"] = (call) => {
      if (watchesOf("vm-43").includes(call) && ++looks === 2) group("vm-43", "vm-42", "running");
      return fake.retrieve(call);
    };
    const created = await crud.create({ vmId: "vm-42", triggers: ["2026-11"], timeoutSeconds: 60 });
    const [call] = fake.methodCalls();
    expect(call).toMatchObject({ method: "POST", path: `${BASE}/VirtualMachine/vm-42/MakePrimaryVM_Task`, body: { vm: ref("VirtualMachine", "vm-43") } });
    expect(call!.headers["vmware-api-session-id"]).toBe(SESSION);
    expect(call!.headers["content-type"]).toBe("application/json");
    expect(fake.methodCalls()).toHaveLength(1);
    expect(watchesOf("vm-43").length).toBeGreaterThanOrEqual(2);
    expect(created.id).toMatch(/^vm-42:failover:\d{4}-\d{2}-\d{2}T/);
    expect(created.outs).toMatchObject({
      vmId: "vm-42",
      mode: "failover",
      triggers: ["2026-11"],
      primaryVmIdBefore: "vm-42",
      secondaryVmIdBefore: "vm-43",
      secondaryHostBefore: "host-12",
      primaryVmIdAfter: "vm-43",
      secondaryVmIdAfter: "vm-42",
      faultToleranceState: "running",
      result: "protected",
      secondsUnprotected: expect.any(Number),
    });
  });

  it("a vmId that is the group's secondary by now still acts on the current primary", async () => {
    group("vm-43", "vm-42");
    routes["POST /VirtualMachine/vm-43/MakePrimaryVM_Task"] = () => {
      group("vm-42", "vm-43");
      return { status: 200, body: ref("Task", "task-mp") };
    };
    const created = await crud.create({ vmId: "vm-42", waitForProtection: false, timeoutSeconds: 60 });
    expect(fake.methodCalls()).toMatchObject([{ path: `${BASE}/VirtualMachine/vm-43/MakePrimaryVM_Task`, body: { vm: ref("VirtualMachine", "vm-42") } }]);
    expect(created.outs).toMatchObject({ primaryVmIdBefore: "vm-43", primaryVmIdAfter: "vm-42", result: "notWaited", secondsUnprotected: null });
  });

  it("restartSecondary: TerminateFaultTolerantVM_Task {vm: secondary} on the primary, then watches the primary", async () => {
    group("vm-42", "vm-43");
    routes["POST /VirtualMachine/vm-42/TerminateFaultTolerantVM_Task"] = () => {
      group("vm-42", "vm-43", "needSecondary", "poweredOff");
      return { status: 200, body: ref("Task", "task-t") };
    };
    let looks = 0;
    routes["POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"] = (call) => {
      if (watchesOf("vm-42").includes(call) && ++looks === 2) group("vm-42", "vm-43", "running");
      return fake.retrieve(call);
    };
    const created = await crud.create({ vmId: "vm-42", mode: "restartSecondary", timeoutSeconds: 60 });
    expect(fake.methodCalls()).toMatchObject([{ method: "POST", path: `${BASE}/VirtualMachine/vm-42/TerminateFaultTolerantVM_Task`, body: { vm: ref("VirtualMachine", "vm-43") } }]);
    expect(created.outs).toMatchObject({ mode: "restartSecondary", primaryVmIdAfter: "vm-42", secondaryVmIdAfter: "vm-43", result: "protected" });
  });

  it("a test vSphere refuses is an error naming the VM (nothing ran, nothing recorded)", async () => {
    group("vm-42", "vm-43");
    routes["POST /VirtualMachine/vm-42/MakePrimaryVM_Task"] = () => ({
      status: 500,
      body: { _typeName: "InvalidState", faultMessage: [{ key: "k", message: "The secondary virtual machine is not running." }] },
    });
    const error = (await crud.create({ vmId: "vm-42", timeoutSeconds: 60 }).catch((caught: unknown) => caught)) as Error & { fault?: { type: string } };
    expect(error.name).not.toBe("PartialFailureError");
    expect(error.fault?.type).toBe("InvalidState");
    expect(error.message).toMatch(/^The failover test \(MakePrimaryVM_Task\) for VM "app-42" \(vm-42\) failed: .*not running\..*runs a test only while the group is running/);
  });

  it("preview reads the group for a new test, and sends nothing for an unchanged one", async () => {
    group("vm-42", "vm-43", "starting");
    const result = await crud.check({}, { vmId: "vm-42" });
    expect(result.failures).toEqual([
      {
        property: "vmId",
        reason:
          'VM "app-42" (vm-42) is in a Fault Tolerance group whose state is starting, not running: a failover test on an unprotected group would take the workload down, so run it once vSphere reports running.',
      },
    ]);
    expect(fake.methodCalls()).toEqual([]);
    seen.length = 0;
    const recorded = { vmId: "vm-42", mode: "failover", triggers: ["2026-11"], waitForProtection: true, timeoutSeconds: 1800, connection: "vsphere" };
    expect(await crud.check(recorded, { vmId: "vm-42", triggers: ["2026-11"] })).toMatchObject({ failures: [] });
    expect(seen).toEqual([]);
  });
});
