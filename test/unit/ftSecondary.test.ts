import { recordStackConfig } from "../../provider/config";
import { forget } from "../../provider/runtime";
import { UNKNOWN_VALUE } from "../../provider/resources/common/unknown";
import * as crud from "../../provider/resources/vsphere/ftSecondary/provider";
import {
  describeVm,
  driftOf,
  faultToleranceTypeOf,
  groupOutputs,
  parseFtInfo,
  parseSecondaryOpResult,
  powerRecordOf,
  refusalReasons,
  secondaryEnabled,
  snapshotNamesOf,
  unescapeEntityName,
  virtualDisksOf,
  type FtGroupView,
} from "../../provider/resources/vsphere/ftSecondary/state";
import { ftSecondaryDeclaration } from "../../provider/resources/vsphere/ftSecondary/spec";
import { describePrimaryState, isProtected } from "../../provider/resources/vsphere/ftSecondary/protection";
import { inputNames, recordOutputs } from "../../provider/resources/common/declaration";

const ref = (type: string, value: string) => ({ _typeName: "ManagedObjectReference", type, value });

/** Old outputs as create would record them. */
function recorded(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vmId: "vm-101",
    enabled: true,
    timeoutSeconds: 1800,
    primaryVmId: "vm-101",
    secondaryVmId: "vm-230",
    secondaryHost: "host-11",
    faultToleranceState: "running",
    faultToleranceType: "checkpointing",
    instanceUuids: ["a", "b"],
    powerOnAttempted: true,
    powerOnOutcome: "poweredOn",
    placedDisks: 0,
    ...overrides,
  };
}

describe("FtSecondary check: inputs", () => {
  beforeEach(() => {
    // No vCenter configured: any live call would throw a ConfigurationError.
    forget("vsphere.");
    recordStackConfig({});
    delete process.env["VSPHERE_SERVER"];
  });

  it("applies defaults and costs no API call when vmId is unchanged", async () => {
    const result = await crud.check({ vmId: "vm-101" }, { vmId: "vm-101" });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ vmId: "vm-101", enabled: true, waitForProtection: true, timeoutSeconds: 1800, connection: "vsphere" });
  });

  it("names the property and what is allowed for every malformed input", async () => {
    const result = await crud.check(
      {},
      { vmId: "vm/../42", host: "host 12", datastore: "", metaDataDatastore: 7, enabled: "yes", waitForProtection: "always", timeoutSeconds: 0, hostname: "x" },
    );
    const byProperty = Object.fromEntries((result.failures ?? []).map((failure) => [failure.property, failure.reason]));
    expect(Object.keys(byProperty).sort()).toEqual(["datastore", "enabled", "host", "hostname", "metaDataDatastore", "timeoutSeconds", "vmId", "waitForProtection"]);
    expect(byProperty["waitForProtection"]).toBe('waitForProtection must be true or false (default true); got "always"');
    expect(byProperty["vmId"]).toMatch(/managed object id such as "vm-42"/);
    expect(byProperty["host"]).toMatch(/host must be a managed object id such as "host-12"/);
    expect(byProperty["datastore"]).toMatch(/must not be empty/);
    expect(byProperty["metaDataDatastore"]).toMatch(/Datastore for the FT metadata file/);
    expect(byProperty["enabled"]).toMatch(/true or false/);
    expect(byProperty["timeoutSeconds"]).toMatch(/from 1 to \d+ \(default \d+\); got -?\d+/);
    expect(byProperty["hostname"]).toMatch(/not an input/);
  });

  it("lets unknown values through without calling vCenter", async () => {
    const result = await crud.check({}, { vmId: UNKNOWN_VALUE, host: UNKNOWN_VALUE, enabled: UNKNOWN_VALUE });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toMatchObject({ vmId: UNKNOWN_VALUE, host: UNKNOWN_VALUE });
  });

  it("accepts output names coming back in news (engine round trips)", async () => {
    const result = await crud.check(recorded(), { ...recorded() });
    expect(result.failures).toEqual([]);
  });

  it("says which setting is missing when a new vmId needs vCenter at preview", async () => {
    await expect(crud.check({}, { vmId: "vm-101" })).rejects.toThrow(/Checking vmId of FtSecondary needs vCenter: .*vsphere:vsphereServer/);
  });
});

describe("FtSecondary diff", () => {
  it("reports no change when nothing changed and the group is healthy", async () => {
    expect(await crud.diff("vm-101", recorded(), { vmId: "vm-101", enabled: true, timeoutSeconds: 1800 })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("toggles enabled in place", async () => {
    const result = await crud.diff("vm-101", recorded(), { vmId: "vm-101", enabled: false, timeoutSeconds: 1800 });
    expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("records a timeout change in place", async () => {
    expect(await crud.diff("vm-101", recorded(), { vmId: "vm-101", enabled: true, timeoutSeconds: 60 })).toMatchObject({ changes: true, replaces: [] });
  });

  it("records a waitForProtection change in place, and state written before it existed shows no change", async () => {
    expect(await crud.diff("vm-101", recorded(), { vmId: "vm-101", enabled: true, waitForProtection: false, timeoutSeconds: 1800 })).toMatchObject({ changes: true, replaces: [] });
    expect(await crud.diff("vm-101", recorded(), { vmId: "vm-101", enabled: true, waitForProtection: true, timeoutSeconds: 1800 })).toMatchObject({ changes: false });
  });

  it("replaces on a placement change, deleting first because one VM has one FT group", async () => {
    for (const key of ["host", "datastore", "metaDataDatastore"]) {
      const result = await crud.diff("vm-101", recorded(), { vmId: "vm-101", enabled: true, timeoutSeconds: 1800, [key]: "x-1" });
      expect(result).toEqual({ changes: true, replaces: [key], deleteBeforeReplace: true });
    }
    const removed = await crud.diff("vm-101", recorded({ host: "host-12" }), { vmId: "vm-101", enabled: true, timeoutSeconds: 1800 });
    expect(removed).toEqual({ changes: true, replaces: ["host"], deleteBeforeReplace: true });
  });

  it("replaces on another vmId, protecting the new VM before turning FT off on the old one", async () => {
    const result = await crud.diff("vm-101", recorded(), { vmId: "vm-102", enabled: true, timeoutSeconds: 1800 });
    expect(result).toEqual({ changes: true, replaces: ["vmId"], deleteBeforeReplace: false });
  });

  it("treats unknown values as changes", async () => {
    expect(await crud.diff("vm-101", recorded(), { vmId: UNKNOWN_VALUE, enabled: true })).toMatchObject({ changes: true, replaces: ["vmId"] });
    expect(await crud.diff("vm-101", recorded(), { vmId: "vm-101", enabled: UNKNOWN_VALUE })).toMatchObject({ changes: true, replaces: [] });
    expect(await crud.diff("vm-101", recorded(), { vmId: "vm-101", host: UNKNOWN_VALUE })).toMatchObject({ changes: true, replaces: ["host"], deleteBeforeReplace: true });
  });

  it("does not replace when vSphere re-spawned the secondary elsewhere (outputs, not inputs)", async () => {
    const olds = recorded({ secondaryVmId: "vm-231", secondaryHost: "host-12", faultToleranceState: "needSecondary" });
    expect(await crud.diff("vm-101", olds, { vmId: "vm-101", enabled: true, timeoutSeconds: 1800 })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await crud.diff("vm-101", recorded({ faultToleranceState: "starting" }), { vmId: "vm-101", enabled: true, timeoutSeconds: 1800 })).toMatchObject({ changes: false });
  });

  it("sees drift: disabled while enabled is declared, enabled while disabled is declared, FT missing", async () => {
    expect(await crud.diff("vm-101", recorded({ faultToleranceState: "disabled" }), { vmId: "vm-101", enabled: true, timeoutSeconds: 1800 })).toMatchObject({ changes: true, replaces: [] });
    expect(await crud.diff("vm-101", recorded({ enabled: false, faultToleranceState: "running" }), { vmId: "vm-101", enabled: false, timeoutSeconds: 1800 })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await crud.diff("vm-101", recorded({ enabled: false, faultToleranceState: "disabled" }), { vmId: "vm-101", enabled: false, timeoutSeconds: 1800 })).toMatchObject({ changes: false });
    expect(await crud.diff("vm-101", recorded({ faultToleranceState: "notConfigured" }), { vmId: "vm-101", enabled: true, timeoutSeconds: 1800 })).toMatchObject({ changes: true, replaces: [] });
  });

  it("ignores __provider", async () => {
    expect(await crud.diff("vm-101", { ...recorded(), __provider: "old" }, { vmId: "vm-101", enabled: true, timeoutSeconds: 1800, __provider: "new" })).toMatchObject({ changes: false });
  });
});

describe("FtSecondary state mapping", () => {
  it("reads a primary's and a secondary's ftInfo", () => {
    expect(
      parseFtInfo({ _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, instanceUuids: ["p", "s"], configPaths: [], secondaries: [ref("VirtualMachine", "vm-230")] }),
    ).toEqual({ role: "primary", instanceUuids: ["p", "s"], secondaryVmIds: ["vm-230"], primaryVmId: undefined, orphaned: false });
    expect(parseFtInfo({ _typeName: "FaultToleranceSecondaryConfigInfo", role: 2, instanceUuids: ["p", "s"], configPaths: [], primaryVM: ref("VirtualMachine", "vm-101") })).toMatchObject({
      role: "secondary",
      primaryVmId: "vm-101",
    });
    // Without _typeName: the role index decides.
    expect(parseFtInfo({ role: 2, instanceUuids: [], configPaths: [] })?.role).toBe("secondary");
    expect(parseFtInfo(undefined)).toBeUndefined();
    expect(parseFtInfo(null)).toBeUndefined();
  });

  it("reads FaultToleranceSecondaryOpResult power-on outcomes", () => {
    const vm = ref("VirtualMachine", "vm-230");
    expect(parseSecondaryOpResult({ _typeName: "FaultToleranceSecondaryOpResult", vm, powerOnAttempted: false })).toEqual({
      secondaryVmId: "vm-230",
      powerOnAttempted: false,
      powerOnOutcome: "notAttempted",
    });
    expect(
      parseSecondaryOpResult({ vm, powerOnAttempted: true, powerOnResult: { _typeName: "ClusterPowerOnVmResult", attempted: [{ _typeName: "ClusterAttemptedVmInfo", vm }] } }),
    ).toMatchObject({ powerOnOutcome: "poweredOn" });
    expect(
      parseSecondaryOpResult({
        vm,
        powerOnAttempted: true,
        powerOnResult: {
          notAttempted: [{ vm, fault: { _typeName: "NoHostSuitableForFtSecondary", faultMessage: [{ key: "k", message: "No compatible host." }] } }],
        },
      }),
    ).toMatchObject({ powerOnOutcome: "failed", powerOnFault: "NoHostSuitableForFtSecondary: No compatible host." });
    expect(parseSecondaryOpResult({ vm, powerOnAttempted: true, powerOnResult: { recommendations: [{ _typeName: "ClusterRecommendation" }] } })).toMatchObject({
      powerOnOutcome: "pendingRecommendation",
    });
    expect(parseSecondaryOpResult({ vm, powerOnAttempted: true })).toMatchObject({ powerOnOutcome: "unknown" });
    // Another VM's failure in the same result does not concern this secondary.
    expect(
      parseSecondaryOpResult({ vm, powerOnAttempted: true, powerOnResult: { attempted: [{ vm }], notAttempted: [{ vm: ref("VirtualMachine", "vm-9"), fault: { _typeName: "X" } }] } }),
    ).toMatchObject({ powerOnOutcome: "poweredOn" });
  });

  it("keeps the power-on record of old outputs", () => {
    expect(powerRecordOf({ powerOnAttempted: true, powerOnOutcome: "failed", powerOnFault: "X" })).toEqual({ powerOnAttempted: true, powerOnOutcome: "failed", powerOnFault: "X" });
    expect(powerRecordOf({ powerOnOutcome: "bogus" })).toEqual({ powerOnAttempted: false, powerOnOutcome: "unknown", powerOnFault: undefined });
  });

  it("mirrors every input in outputs and lists every other output name", () => {
    const view: FtGroupView = {
      vmId: "vm-101",
      role: "primary",
      primaryVmId: "vm-101",
      secondaryVmId: "vm-230",
      faultToleranceState: "running",
      faultToleranceType: "checkpointing",
      instanceUuids: ["p", "s"],
    };
    const inputs = { vmId: "vm-101", host: "host-12", datastore: "datastore-11", metaDataDatastore: "datastore-12", enabled: true, waitForProtection: true, timeoutSeconds: 60, connection: "vsphere" };
    const observed = groupOutputs({ ...view, vmName: "app-01", secondaryHost: "host-11", secondaryPowerState: "poweredOn", primaryHost: "host-10", needSecondaryReason: "none" }, { powerOnAttempted: true, powerOnOutcome: "poweredOn", powerOnFault: "-" }, 2);
    const outs = recordOutputs(ftSecondaryDeclaration, inputs, observed, "https://vc.example.com:443");
    expect(outs).toMatchObject({ vmId: "vm-101", host: "host-12", enabled: true, timeoutSeconds: 60, secondaryVmId: "vm-230", placedDisks: 2, endpoint: "https://vc.example.com:443" });
    expect(Object.keys(outs).sort()).toEqual([...inputNames(ftSecondaryDeclaration), ...ftSecondaryDeclaration.outputs, "endpoint"].sort());
  });

  it("derives the FT type only when the server does not report it", () => {
    expect(faultToleranceTypeOf({ faultToleranceType: "recordReplay" }, true)).toBe("recordReplay");
    expect(faultToleranceTypeOf({}, true)).toBe("checkpointing");
    expect(faultToleranceTypeOf(undefined, false)).toBe("unset");
  });

  it("tells whether the secondary is enabled from its own state first", () => {
    const base: FtGroupView = { vmId: "vm-1", role: "primary", primaryVmId: "vm-1", faultToleranceState: "running", faultToleranceType: "checkpointing", instanceUuids: [] };
    expect(secondaryEnabled({ ...base, secondaryFaultToleranceState: "disabled" })).toBe(false);
    expect(secondaryEnabled({ ...base, secondaryFaultToleranceState: "enabled" })).toBe(true);
    expect(secondaryEnabled({ ...base, faultToleranceState: "disabled" })).toBe(false);
    expect(secondaryEnabled({ ...base, role: "none" })).toBeUndefined();
  });

  it("classifies drift", () => {
    expect(driftOf({ faultToleranceState: "running" }, true)).toBeUndefined();
    expect(driftOf({ faultToleranceState: "needSecondary" }, true)).toBeUndefined();
    expect(driftOf({ faultToleranceState: "enabled" }, true)).toBeUndefined();
    expect(driftOf({ faultToleranceState: "disabled" }, true)).toBe("disabled");
    expect(driftOf({ faultToleranceState: "running" }, false)).toBe("enabled");
    expect(driftOf({}, true)).toBe("missing");
  });

  it("walks snapshot trees, finds VirtualDisk devices and unescapes names", () => {
    const tree = { rootSnapshotList: [{ name: "base", childSnapshotList: [{ name: "50%25 done" }, { name: "b" }] }] };
    expect(snapshotNamesOf(tree)).toEqual(["base", "50% done", "b"]);
    expect(snapshotNamesOf(undefined)).toEqual([]);
    const disk = { _typeName: "VirtualDisk", key: 2000, capacityInKB: 1024 };
    expect(virtualDisksOf({ device: [{ _typeName: "VirtualE1000", key: 4000 }, disk] })).toEqual([disk]);
    expect(virtualDisksOf({ numCPU: 2 })).toEqual([]);
    expect(unescapeEntityName("a%2fb%5cc%25d")).toBe("a/b\\c%d");
    expect(describeVm("vm-1", "app")).toBe('VM "app" (vm-1)');
    expect(describeVm("vm-1")).toBe("VM vm-1");
  });
});

describe("FtSecondary preview refusals", () => {
  const base = { vmId: "vm-7", vmName: "app-07", template: false, snapshotNames: [] as string[] };

  it("says nothing when nothing stands in the way", () => {
    expect(refusalReasons({ ...base, compatibility: [] })).toEqual([]);
  });

  it("gives one sentence per reason, each naming the VM", () => {
    const reasons = refusalReasons({
      ...base,
      template: true,
      snapshotNames: ["pre-upgrade"],
      cluster: { kind: "cluster", id: "domain-c8", name: "cluster-noha", haEnabled: false },
      compatibilityRefusal: { type: "NotSupported", message: "The virtual machine is a template." },
    });
    expect(reasons).toHaveLength(3);
    for (const reason of reasons) expect(reason).toContain('VM "app-07" (vm-7)');
    expect(reasons[0]).toMatch(/is a template/);
    expect(reasons[1]).toMatch(/has 1 snapshot \("pre-upgrade"\)/);
    expect(reasons[2]).toMatch(/cluster "cluster-noha" \(domain-c8\), where vSphere HA is not enabled/);
  });

  it("reports a VM that is already in an FT group", () => {
    expect(refusalReasons({ ...base, ftInfo: { role: "secondary", primaryVmId: "vm-1", instanceUuids: [], secondaryVmIds: [], orphaned: false } })[0]).toMatch(
      /is itself a Fault Tolerance secondary of vm-1/,
    );
    expect(refusalReasons({ ...base, ftInfo: { role: "primary", instanceUuids: [], secondaryVmIds: ["vm-230"], orphaned: false } })[0]).toMatch(
      /already fault tolerant \(secondary vm-230\)/,
    );
  });

  it("adds vSphere's compatibility faults, skipping those a check of its own already covers", () => {
    const reasons = refusalReasons({
      ...base,
      snapshotNames: ["s1"],
      compatibility: [
        { type: "VmFaultToleranceConfigIssue", message: "The VM has snapshots", details: { reason: "hasSnapshots" } },
        { type: "VmConfigIncompatibleForFaultTolerance", message: "Unsupported device.", details: { fault: { _typeName: "DeviceNotSupported" } } },
        { type: "NotSupported", message: "The virtual machine is not in a vSphere HA enabled cluster." },
      ],
    });
    expect(reasons).toHaveLength(3);
    expect(reasons[1]).toBe(
      'VM "app-07" (vm-7) is not compatible with Fault Tolerance: vSphere\'s compatibility check (QueryFaultToleranceCompatibilityEx) reports VmConfigIncompatibleForFaultTolerance: Unsupported device.',
    );
    expect(reasons[2]).toMatch(/NotSupported: The virtual machine is not in a vSphere HA enabled cluster\.$/);
  });

  it("gives the snapshot reason once: vSphere's configuration fault without a specific issue joins the snapshot sentence", () => {
    const unspecified = { type: "VmConfigIncompatibleForFaultTolerance", message: "The virtual machine has snapshots; fault tolerance cannot be turned on.", details: {} };
    const reasons = refusalReasons({ ...base, snapshotNames: ["before-patch"], compatibility: [unspecified] });
    expect(reasons).toEqual([
      'VM "app-07" (vm-7) has 1 snapshot ("before-patch"): vSphere does not allow snapshots on Fault Tolerance VMs (vSphere\'s compatibility check: VmConfigIncompatibleForFaultTolerance: The virtual machine has snapshots; fault tolerance cannot be turned on). Remove them (or the VmSnapshot resources on this VM) first.',
    ]);
    // The same fault as the query's own refusal, and twice over: still one sentence.
    expect(refusalReasons({ ...base, snapshotNames: ["before-patch"], compatibilityRefusal: unspecified, compatibility: [unspecified] })).toHaveLength(1);
    // Without snapshots it is a reason of its own.
    expect(refusalReasons({ ...base, compatibility: [unspecified] })).toEqual([expect.stringMatching(/is not compatible with Fault Tolerance: .*VmConfigIncompatibleForFaultTolerance/)]);
  });

  it("names a standalone host", () => {
    expect(refusalReasons({ ...base, cluster: { kind: "standalone", id: "host-50" } })[0]).toMatch(/standalone host \(host-50\)/);
  });
});

describe("FtSecondary protection", () => {
  it("counts running as protected, and enabled only while the primary is off", () => {
    expect(isProtected({ role: "primary", faultToleranceState: "running", powerState: "poweredOn" }, "protected")).toBe(true);
    expect(isProtected({ role: "primary", faultToleranceState: "enabled", powerState: "poweredOff" }, "protected")).toBe(true);
    expect(isProtected({ role: "primary", faultToleranceState: "enabled", powerState: "poweredOff" }, "running")).toBe(false);
    for (const state of ["starting", "needSecondary", "disabled", "notConfigured"]) {
      expect(isProtected({ role: "primary", faultToleranceState: state, powerState: "poweredOn" }, "protected")).toBe(false);
    }
  });

  it("counts only the group's primary: a secondary also reports running", () => {
    expect(isProtected({ role: "secondary", faultToleranceState: "running", powerState: "poweredOn" }, "running")).toBe(false);
    expect(isProtected({ role: "none", faultToleranceState: "running" }, "protected")).toBe(false);
  });

  it("describes the primary's state with vSphere's reason", () => {
    expect(describePrimaryState({ faultToleranceState: "needSecondary", needSecondaryReason: "userAction", powerState: "poweredOn" })).toBe(
      "faultToleranceState needSecondary (needSecondaryReason userAction), primary poweredOn",
    );
    expect(describePrimaryState({})).toBe("faultToleranceState unknown");
  });
});
