import { recordStackConfig } from "../../provider/config";
import { forget } from "../../provider/runtime";
import { inputNames, recordOutputs } from "../../provider/resources/common/declaration";
import { jsonOutputs } from "../../provider/resources/common/jsonOutputs";
import { UNKNOWN_VALUE } from "../../provider/resources/common/unknown";
import type { FtGroupView } from "../../provider/resources/vsphere/ftSecondary/state";
import * as crud from "../../provider/resources/vsphere/ftFailoverTest/provider";
import { primaryAfterTest, runRecord, secondsBetween, testRefusal } from "../../provider/resources/vsphere/ftFailoverTest/record";
import { ftFailoverTestDeclaration } from "../../provider/resources/vsphere/ftFailoverTest/spec";

/** Old outputs as a run records them. */
function recorded(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vmId: "vm-101",
    mode: "failover",
    triggers: ["2026-11"],
    waitForProtection: true,
    timeoutSeconds: 1800,
    connection: "vsphere",
    primaryVmIdBefore: "vm-101",
    secondaryVmIdBefore: "vm-230",
    primaryVmIdAfter: "vm-230",
    secondaryVmIdAfter: "vm-101",
    faultToleranceState: "running",
    startedAt: "2026-11-01T02:00:00.000Z",
    finishedAt: "2026-11-01T02:00:41.000Z",
    secondsUnprotected: 40.5,
    result: "protected",
    endpoint: "https://vc.example.com:443",
    ...overrides,
  };
}

const running: FtGroupView = {
  vmId: "vm-101",
  vmName: "app-01",
  role: "primary",
  primaryVmId: "vm-101",
  secondaryVmId: "vm-230",
  secondaryHost: "host-11",
  faultToleranceState: "running",
  faultToleranceType: "checkpointing",
  instanceUuids: ["p", "s"],
};

describe("FtFailoverTest check: inputs", () => {
  beforeEach(() => {
    // No vCenter configured: any live call would throw a ConfigurationError.
    forget("vsphere.");
    recordStackConfig({});
    delete process.env["VSPHERE_SERVER"];
  });

  it("applies defaults and makes no API call when no run would happen", async () => {
    const result = await crud.check(recorded(), { vmId: "vm-101", triggers: ["2026-11"] });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ vmId: "vm-101", mode: "failover", triggers: ["2026-11"], waitForProtection: true, timeoutSeconds: 1800, connection: "vsphere" });
    // In-place changes do not run the test either.
    expect((await crud.check(recorded(), { vmId: "vm-101", triggers: ["2026-11"], waitForProtection: false, timeoutSeconds: 60 })).failures).toEqual([]);
  });

  it("names the input for triggers that are not an array and an unknown mode, before any call", async () => {
    const result = await crud.check({}, { vmId: "vm-101", mode: "failback", triggers: { month: "2026-11" }, waitForProtection: "yes" });
    const byProperty = Object.fromEntries((result.failures ?? []).map((failure) => [failure.property, failure.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(["mode", "triggers", "waitForProtection"]);
    expect(byProperty["mode"]).toBe('mode must be one of "failover", "restartSecondary" (default "failover"); got "failback"');
    expect(byProperty["triggers"]).toBe('triggers must be an array of values (e.g. ["2026-11"]); any change runs the test again; got {"month":"2026-11"}');
  });

  it("leaves the checks to create when vmId is unknown at preview (an output of a resource made in the same up)", async () => {
    const result = await crud.check({}, { vmId: UNKNOWN_VALUE, triggers: ["2026-11"] });
    expect(result.failures).toEqual([]);
    expect(result.inputs["vmId"]).toBe(UNKNOWN_VALUE);
  });

  it("needs vCenter for a new test, and says so", async () => {
    await expect(crud.check({}, { vmId: "vm-101" })).rejects.toThrow(/Checking vmId of FtFailoverTest needs vCenter/);
    await expect(crud.check(recorded(), { vmId: "vm-101", triggers: ["2026-12"] })).rejects.toThrow(/needs vCenter/);
  });
});

describe("FtFailoverTest diff", () => {
  it("is quiet when nothing changed, even though the recorded primary has changed since", async () => {
    expect(await crud.diff("id", recorded(), { vmId: "vm-101", mode: "failover", triggers: ["2026-11"], waitForProtection: true, timeoutSeconds: 1800 })).toMatchObject({ changes: false, replaces: [] });
  });

  it("runs again (replace) when vmId, mode or triggers change", async () => {
    expect((await crud.diff("id", recorded(), { vmId: "vm-101", triggers: ["2026-12"] })).replaces).toEqual(["triggers"]);
    expect((await crud.diff("id", recorded(), { vmId: "vm-101", mode: "restartSecondary", triggers: ["2026-11"] })).replaces).toEqual(["mode"]);
    expect((await crud.diff("id", recorded(), { vmId: "vm-102", triggers: ["2026-11"] })).replaces).toEqual(["vmId"]);
    expect((await crud.diff("id", recorded(), { vmId: "vm-101", triggers: [UNKNOWN_VALUE] })).replaces).toEqual(["triggers"]);
  });

  it("updates waitForProtection and timeoutSeconds in place", async () => {
    expect(await crud.diff("id", recorded(), { vmId: "vm-101", triggers: ["2026-11"], waitForProtection: false, timeoutSeconds: 600 })).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("FtFailoverTest update and delete", () => {
  it("re-records the inputs and keeps the run's record, with no call", async () => {
    const { outs } = await crud.update("id", recorded(), { vmId: "vm-101", triggers: ["2026-11"], waitForProtection: false, timeoutSeconds: 600 });
    expect(outs).toEqual({ ...recorded(), waitForProtection: false, timeoutSeconds: 600 });
  });

  it("deletes without touching vSphere", async () => {
    await expect(crud.delete("id", recorded())).resolves.toBeUndefined();
  });
});

describe("FtFailoverTest refusals", () => {
  it("refuses a VM that does not exist, saying vmId is an id and not a name", () => {
    expect(testRefusal("batch-01", undefined, "failover")).toBe(
      'VM batch-01 does not exist in vCenter (or this user cannot see it): there is no Fault Tolerance group to test. "batch-01" looks like a VM name: vmId takes the VM\'s managed object id ("vm-" and a number, e.g. "vm-42", as in the vSphere Client\'s URL), not its name.',
    );
    expect(testRefusal("vm-9999", undefined, "failover")).toBe("VM vm-9999 does not exist in vCenter (or this user cannot see it): there is no Fault Tolerance group to test.");
  });

  it("refuses a VM outside an FT group, naming it", () => {
    const plain: FtGroupView = { ...running, role: "none", secondaryVmId: undefined, secondaryHost: undefined, faultToleranceState: "notConfigured" };
    expect(testRefusal("vm-101", plain, "failover")).toBe(
      'VM "app-01" (vm-101) is not in a Fault Tolerance group (faultToleranceState notConfigured), so there is nothing to test: protect it with an FtSecondary first.',
    );
  });

  it("refuses a group that is not running, naming the state and why", () => {
    const degraded: FtGroupView = { ...running, faultToleranceState: "needSecondary", needSecondaryReason: "lostConnection" };
    expect(testRefusal("vm-101", degraded, "restartSecondary")).toBe(
      'VM "app-01" (vm-101) is in a Fault Tolerance group whose state is needSecondary (needSecondaryReason lostConnection), not running: a restart-secondary test on an unprotected group would take the workload down, so run it once vSphere reports running.',
    );
    expect(testRefusal("vm-101", { ...running, faultToleranceState: "starting" }, "failover")).toMatch(/state is starting, not running: a failover test/);
  });

  it("lets a running group be tested, through its primary or its secondary", () => {
    expect(testRefusal("vm-101", running, "failover")).toBeUndefined();
    expect(testRefusal("vm-230", { ...running, vmId: "vm-230", role: "secondary" }, "failover")).toBeUndefined();
  });
});

describe("FtFailoverTest record", () => {
  it("expects the former secondary as the primary after a failover, the same primary after a restart", () => {
    expect(primaryAfterTest(running, "failover")).toBe("vm-230");
    expect(primaryAfterTest(running, "restartSecondary")).toBe("vm-101");
  });

  it("measures seconds with millisecond precision, never negative", () => {
    expect(secondsBetween(1_000, 41_523.4)).toBe(40.523);
    expect(secondsBetween(5_000, 4_000)).toBe(0);
  });

  it("records before and after, every input and no undefined value: null when not waited for", () => {
    const after: FtGroupView = { ...running, primaryVmId: "vm-230", secondaryVmId: "vm-101", secondaryHost: "host-10" };
    const record = runRecord({ before: running, after, mode: "failover", startedAt: "s", finishedAt: "f", secondsUnprotected: null, result: "notWaited" });
    expect(record).toEqual({
      primaryVmIdBefore: "vm-101",
      secondaryVmIdBefore: "vm-230",
      secondaryHostBefore: "host-11",
      primaryVmIdAfter: "vm-230",
      secondaryVmIdAfter: "vm-101",
      secondaryHostAfter: "host-10",
      faultToleranceState: "running",
      startedAt: "s",
      finishedAt: "f",
      secondsUnprotected: null,
      result: "notWaited",
    });
    const inputs = { vmId: "vm-101", mode: "failover", waitForProtection: false, timeoutSeconds: 1800, connection: "vsphere" };
    const outs = jsonOutputs(recordOutputs(ftFailoverTestDeclaration, inputs, record, "https://vc.example.com:443"));
    expect(outs["secondsUnprotected"]).toBeNull();
    expect(Object.values(outs)).not.toContain(undefined);
    const names = [...inputNames(ftFailoverTestDeclaration), ...ftFailoverTestDeclaration.outputs, "endpoint"].filter((name) => name !== "triggers");
    expect(Object.keys(outs).sort()).toEqual(names.sort());
  });

  it("falls back to what the test implies when the group could not be read at the end", () => {
    const record = runRecord({ before: running, mode: "failover", startedAt: "s", finishedAt: "f", secondsUnprotected: null, result: "notProtected", lastState: "needSecondary" });
    expect(record).toMatchObject({ primaryVmIdAfter: "vm-230", secondaryVmIdAfter: "vm-101", faultToleranceState: "needSecondary" });
  });
});
