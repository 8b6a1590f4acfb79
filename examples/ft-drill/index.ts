import * as pulumi from "@pulumi/pulumi";
import { FtFailoverTest, FtSecondary, type FtTestMode } from "pulumi-vm-availability";

// Connection (same keys as @pulumi/vsphere): pulumi config set vsphere:vsphereServer vcenter.example.com
//                                            pulumi config set vsphere:user administrator@vsphere.local
//                                            pulumi config set --secret vsphere:password <password>
// (or VSPHERE_SERVER / VSPHERE_USER / VSPHERE_PASSWORD). Offline: npx pulumi-vm-availability-simulator, point
// vsphere:vsphereServer at the vSphere URL it prints, and keep the default tier below (the simulator's app-01 and app-02).
const config = new pulumi.Config();
const tier = config.getObject<string[]>("tierVmIds") ?? ["vm-101", "vm-102"];
const drillMonth = config.require("drillMonth");
const mode: FtTestMode = config.get("drillMode") === "restartSecondary" ? "restartSecondary" : "failover";

// The tier is FT-protected; `pulumi up` ends when every group runs protected (waitForProtection, the default).
const protectedTier = tier.map((vmId) => new FtSecondary(`ft-${vmId}`, { vmId, timeoutSeconds: 3600 }));

// One test per VM and month. vmId comes from the FtSecondary (the same VM id, which stays valid while roles swap:
// after a failover test the VM is the group's secondary, and the next month's test acts on the current primary).
// While the FtSecondary is being created, vmId is unknown at preview and the test's checks happen at `up`; later,
// preview refuses a group that is not running (a test would take the workload down) and, for an unchanged month,
// makes no call at all. A new drillMonth runs every test again (a replace). The tests run one after the other, so
// only one VM of the tier is unprotected at a time; `pulumi destroy` changes nothing on vSphere for them.
const drills: FtFailoverTest[] = [];
protectedTier.forEach((ft, index) => {
  const previous = drills[index - 1];
  drills.push(
    new FtFailoverTest(
      `drill-${tier[index]}`,
      { vmId: ft.vmId, mode, triggers: [drillMonth], timeoutSeconds: 1800 },
      { dependsOn: previous ? [previous] : [] },
    ),
  );
});

/** Per VM: how long it was unprotected in this month's test, and how the test ended (protected = running again). */
export const drillReport = pulumi
  .all(drills.map((drill) => pulumi.all([drill.vmId, drill.secondsUnprotected, drill.result, drill.primaryVmIdAfter, drill.secondaryHostAfter])))
  .apply((rows) =>
    Object.fromEntries(rows.map(([vmId, secondsUnprotected, result, primaryNow, secondaryHost]) => [vmId, { secondsUnprotected, result, primaryNow, secondaryHost }])),
  );

/** The longest time a VM of the tier was unprotected in this month's test, in seconds (null when a test was not waited for). */
export const secondsUnprotected = pulumi
  .all(drills.map((drill) => drill.secondsUnprotected))
  .apply((seconds) => (seconds.some((value) => value === null) ? null : Math.max(...(seconds as number[]))));
