import * as pulumi from "@pulumi/pulumi";
import { VmPowerState, VmSnapshot, VmSnapshotRevert } from "pulumi-vm-availability";

// Connection (same keys as @pulumi/vsphere): pulumi config set vsphere:vsphereServer vcenter.example.com
//                                            pulumi config set vsphere:user administrator@vsphere.local
//                                            pulumi config set --secret vsphere:password <password>
// (or VSPHERE_SERVER / VSPHERE_USER / VSPHERE_PASSWORD; for the offline simulator: npx pulumi-vm-availability-simulator,
//  then point vsphere:vsphereServer at the URL it prints, e.g. http://127.0.0.1:8989, and use vmId vm-103).
const config = new pulumi.Config();
const vmId = config.require("vmId");
const ticket = config.get("changeTicket") ?? "CHG-0000";
// The rollback variant: set `rollback` (e.g. `pulumi config set rollback CHG-1234-r1`) to put the VM back to the
// pre-change snapshot; another value rolls back again, removing it (`pulumi config rm rollback`) forgets the rollback.
const rollback = config.get("rollback") || undefined;

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

// 2. Rollback variant: revert the VM to that snapshot. snapshotId is the VmSnapshot's id, so the revert comes after
//    the snapshot, and while the snapshot is still to be taken, preview leaves the revert's snapshot checks to `up`.
//    The revert runs when it is created and again whenever `rollback` changes; destroying it changes nothing.
const revert = rollback
  ? new VmSnapshotRevert("rollback", {
      vmId,
      snapshotId: preChange.id,
      suppressPowerOn: false,
      triggers: [rollback],
      timeoutSeconds: 1800,
    })
  : undefined;

// 3. Then the VM is declared powered on. dependsOn orders the power-on after the snapshot (so the snapshot holds the
//    state from before the change) and after the revert: a disk-only snapshot leaves the reverted VM powered off, and
//    the power-on must come after it, not race it. A VM switched off later (by hand, or by a revert run again with a
//    new `rollback`) shows as an update in the next preview after `pulumi refresh`, and `pulumi up` powers it on again.
//    Destroying this resource leaves the VM running.
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
  { dependsOn: revert ? [preChange, revert] : [preChange] },
);

export const snapshotId = preChange.snapshotId;
export const snapshotCreated = preChange.createTime;
export const snapshotIsCurrent = preChange.isCurrent;
export const powerState = power.powerState;
export const host = power.host;
export const toolsRunningStatus = power.toolsRunningStatus;
export const rolledBackTo = revert?.snapshotName;
export const powerStateAfterRollback = revert?.powerStateAfter;
