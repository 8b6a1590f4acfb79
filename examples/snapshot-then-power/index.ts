import * as pulumi from "@pulumi/pulumi";
import { VmPowerState, VmSnapshot } from "pulumi-vm-availability";

// Connection (same keys as @pulumi/vsphere): pulumi config set vsphere:vsphereServer vcenter.example.com
//                                            pulumi config set vsphere:user administrator@vsphere.local
//                                            pulumi config set --secret vsphere:password <password>
// (or VSPHERE_SERVER / VSPHERE_USER / VSPHERE_PASSWORD; for the offline simulator: npx pulumi-vm-availability-simulator,
//  then point vsphere:vsphereServer at the URL it prints, e.g. http://127.0.0.1:8989, and use vmId vm-103).
const config = new pulumi.Config();
const vmId = config.require("vmId");
const ticket = config.get("changeTicket") ?? "CHG-0000";

// 1. A pre-change snapshot, taken before anything else touches the VM. It is keyed on the snapshot's managed object id,
//    so a second snapshot with the same name elsewhere in the tree is never mistaken for it. Disk-only (memory: false)
//    works whatever the VM's power state; `pulumi destroy` removes it again (consolidating its disk).
const preChange = new VmSnapshot("pre-change", {
  vmId,
  name: `pre-change ${ticket}`,
  description: `Taken by Pulumi before ${ticket}; remove once the change is verified.`,
  memory: false,
  quiesce: false,
  removeChildren: false,
  consolidate: true,
  timeoutSeconds: 1800,
});

// 2. Then the VM is declared powered on. dependsOn orders the power-on after the snapshot, so the snapshot holds the
//    state from before the change. A VM switched off by hand later shows as an update in the next preview (after
//    `pulumi refresh`), and `pulumi up` powers it on again. Destroying this resource leaves the VM running.
const power = new VmPowerState(
  "running",
  {
    vmId,
    state: "poweredOn",
    shutdownMode: "guest",
    guestShutdownTimeoutSeconds: 300,
    forceAfterTimeout: true,
    timeoutSeconds: 900,
  },
  { dependsOn: [preChange] },
);

export const snapshotId = preChange.snapshotId;
export const snapshotCreated = preChange.createTime;
export const snapshotIsCurrent = preChange.isCurrent;
export const powerState = power.powerState;
export const host = power.host;
export const toolsRunningStatus = power.toolsRunningStatus;
