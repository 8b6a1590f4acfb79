import * as pulumi from "@pulumi/pulumi";
import { FailoverPlanRun, FtSecondary, VmInstanceRecovery, VmPowerState, VmSnapshot } from "pulumi-vm-availability";

// The flagship stack (the root Pulumi.yaml runs it; `npm run demo` takes it through preview, up, refresh and destroy
// on the offline twin). Defaults name the twin's inventory; point the config at real ids for a real vCenter.
const config = new pulumi.Config();

// The app tier keeps running through a host failure: one FT secondary per VM.
const appTier = (config.getObject<string[]>("appTierVmIds") ?? ["vm-101", "vm-102"]).map(
  (vmId, index) => new FtSecondary(`app-0${index + 1}-ft`, { vmId }),
);

// A pre-change snapshot of the database VM; the description shows the change ticket in the diff.
const preUpgrade = new VmSnapshot("db-01-pre-upgrade", {
  vmId: config.get("databaseVmId") ?? "vm-103",
  name: "pre-upgrade",
  description: config.get("snapshotDescription") ?? "before the PostgreSQL 16 upgrade",
});

// The batch VM stays off for the maintenance window; refresh shows it if someone powers it back on.
const batchOff = new VmPowerState(
  "batch-01-off",
  { vmId: config.get("batchVmId") ?? "vm-105", state: "poweredOff", shutdownMode: "guest", guestShutdownTimeoutSeconds: 60 },
  { dependsOn: [preUpgrade] },
);

// A DR drill: the tier-1 plan fails over; destroy undoes the failover.
const drill = new FailoverPlanRun("tier1-dr-drill", {
  planId: config.get("drPlanId") ?? "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11",
  undoOnDelete: true,
});

// A web VM deleted by mistake on ZStack comes back (and is started). The default is the twin's web-03, seeded Destroyed.
const web = new VmInstanceRecovery("web-03-recovery", {
  vmInstanceUuid: config.get("webVmUuid") ?? "a3c1e0b2d4f64e8f9a0b1c2d3e4f5a03",
  startAfterRecovery: true,
});

export const ftStates = appTier.map((ft) => ft.faultToleranceState);
export const snapshotId = preUpgrade.snapshotId;
export const batchPowerState = batchOff.powerState;
export const drillResult = drill.result;
export const webState = web.state;
