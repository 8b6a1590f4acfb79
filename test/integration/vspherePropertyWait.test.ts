import { waitForProtection } from "../../provider/resources/vsphere/ftSecondary/protection";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import { connect } from "../../provider/vsphere/connection";
import * as ft from "../../provider/vsphere/methods/faultTolerance";
import * as power from "../../provider/vsphere/methods/power";
import { waitForTask } from "../../provider/vsphere/taskWaiter";
import { waitForProperties } from "../../provider/vsphere/watch";
import { SEED } from "../../simulator/vsphere";
import { useTwinObserver } from "./support/twinObserver";
import { started, useVsphereTwin } from "./support/vsphereTwin";

// Long enough that each wait starts before the state it waits for, and sees it change.
const twin = useVsphereTwin({ taskDurationMs: 40, ftSyncMs: 300, guestOperationMs: 300 });
const soon = () => ({ deadline: Date.now() + 10_000 });
/** Every RetrievePropertiesEx the twin gets is answered 503 (transient: a wait tolerates it), until the test ends. */
const refuseReads = () => twin.sim.server.faults.configure({ fail503: 1_000_000, pathContains: "/RetrievePropertiesEx" });

let counter = 0;
function newVm(powerState: "poweredOn" | "poweredOff" = "poweredOn"): string {
  counter += 1;
  return twin.sim.world.addVm({ name: `watched-${counter}`, clusterId: SEED.haClusterId, powerState, toolsInstalled: true, toolsRunning: powerState === "poweredOn" }).id;
}

/** Watches the twin from now until the end of the test. */
const observe = useTwinObserver(twin);

describe("property waits against the offline twin", () => {
  it("an FT group's protection wait ends on the PropertyCollector's update, with every read refused; its filter is destroyed after", async () => {
    const connection = await connect();
    const vmId = newVm();
    await waitForTask(connection, await started(ft.createSecondaryVmEx(connection, vmId, {}, soon())), soon());
    expect(twin.vm(vmId)?.faultToleranceState).toBe("starting");
    const seen = observe();
    refuseReads();

    const outcome = await waitForProtection(connection, vmId, "running", Date.now() + 10_000);
    expect(outcome).toMatchObject({ reached: true, last: { faultToleranceState: "running", role: "primary", powerState: "poweredOn" } });
    expect(seen.count("POST PropertyCollector/RetrievePropertiesEx")).toBe(0);
    expect(seen.count("POST PropertyCollector/CreateFilter")).toBe(1);
    expect(seen.count("POST PropertyCollector/WaitForUpdatesEx")).toBeGreaterThanOrEqual(1);
    await seen.filtersGone();
    expect(seen.filtersDestroyed()).toEqual(seen.filtersCreated());
  });

  it("a guest shutdown wait on runtime.powerState ends on the update, with every read refused", async () => {
    const connection = await connect();
    const vmId = newVm();
    const seen = observe();
    await power.shutdownGuest(connection, vmId, soon());
    expect(twin.vm(vmId)?.powerState).toBe("poweredOn");
    refuseReads();

    const outcome = await waitForProperties(connection, { type: "VirtualMachine", value: vmId }, ["runtime.powerState"], (values) => values["runtime.powerState"] !== "poweredOn", {
      ...soon(),
      what: `the guest of ${vmId} to shut down`,
    });
    expect(outcome).toEqual({ reached: true, values: { "runtime.powerState": "poweredOff" } });
    expect(seen.count("POST PropertyCollector/RetrievePropertiesEx")).toBe(0);
    await seen.filtersGone();
  });

  it("FtSecondary with waitForProtection and VmPowerState with a guest shutdown, side by side: one PropertyCollector, no filter left", async () => {
    const [ftVm, powerVm] = [newVm(), newVm()];
    const seen = observe();
    const [protectedGroup, shutDown] = await Promise.all([
      ftSecondary.create({ vmId: ftVm, waitForProtection: true }),
      vmPowerState.create({ vmId: powerVm, state: "poweredOff", shutdownMode: "guest" }),
    ]);
    expect(protectedGroup.outs).toMatchObject({ faultToleranceState: "running" });
    expect(shutDown.outs).toMatchObject({ powerState: "poweredOff", lastAction: "guestShutdown" });
    // Two task filters would be one; a protection and a shutdown wait add one each.
    expect(seen.filtersCreated().length).toBeGreaterThanOrEqual(3);
    await seen.filtersGone();
    expect(seen.filtersDestroyed().sort()).toEqual(seen.filtersCreated().sort());
    expect(seen.count("POST PropertyCollector/CreatePropertyCollector")).toBeLessThanOrEqual(1);
    for (const collectors of seen.liveCollectors().values()) expect(collectors.length).toBeLessThanOrEqual(1);
  });
});
