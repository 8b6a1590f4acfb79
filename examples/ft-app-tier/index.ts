import * as pulumi from "@pulumi/pulumi";
import { FtSecondary } from "pulumi-vm-availability";

// Connection (same keys as @pulumi/vsphere): pulumi config set vsphere:vsphereServer vcenter.example.com
//                                            pulumi config set vsphere:user administrator@vsphere.local
//                                            pulumi config set --secret vsphere:password <password>
// (or VSPHERE_SERVER / VSPHERE_USER / VSPHERE_PASSWORD). Offline: npx pulumi-vm-availability-simulator, point
// vsphere:vsphereServer at the vSphere URL it prints, and keep the default tier below (the simulator's app-01 and app-02).

/** One VM of the tier: the primary to protect, and optionally where its secondary goes and whether it is enabled. */
interface TierMember {
  vmId: string;
  /** HostSystem id for the secondary (another host of the primary's cluster); vSphere picks one when absent. */
  secondaryHost?: string;
  /** false keeps the secondary registered but disabled (e.g. during maintenance of its host). Default true. */
  enabled?: boolean;
}

const config = new pulumi.Config();
const tier = config.getObject<TierMember[]>("appTier") ?? [
  { vmId: "vm-101", secondaryHost: "host-11" },
  { vmId: "vm-102", secondaryHost: "host-12" },
];
const secondaryDatastore = config.get("secondaryDatastore") || undefined;
const metaDataDatastore = config.get("metaDataDatastore") || undefined;

// One FtSecondary per VM. The resource name is keyed on the VM, so adding or removing a VM from the list touches only
// that VM. `pulumi preview` checks each new VM before anything changes and fails with one sentence per reason if FT
// cannot be turned on (a template, a VM with snapshots, a VM outside a vSphere HA cluster, a VM that is already fault
// tolerant, a secondary host that is the primary's own host...). Changing secondaryHost or a datastore replaces the
// FtSecondary: FT is turned off and on again with the new placement (the VM is unprotected in between).
const protectedTier = tier.map(
  (member) =>
    new FtSecondary(`ft-${member.vmId}`, {
      vmId: member.vmId,
      host: member.secondaryHost,
      datastore: secondaryDatastore,
      metaDataDatastore,
      enabled: member.enabled ?? true,
      // Creating a secondary copies the VM's disks: allow an hour per VM.
      timeoutSeconds: 3600,
    }),
);

/** Per VM: its secondary, where it runs, and the FT state vSphere reports (running = protected). */
export const faultTolerance = pulumi
  .all(protectedTier.map((ft) => pulumi.all([ft.vmId, ft.vmName, ft.secondaryVmId, ft.secondaryHost, ft.faultToleranceState, ft.powerOnOutcome])))
  .apply((rows) =>
    Object.fromEntries(
      rows.map(([vmId, vmName, secondaryVmId, secondaryHost, state, powerOn]) => [vmId, { vmName, secondaryVmId, secondaryHost, state, powerOn }]),
    ),
  );

/** VMs of the tier that are not protected right now (after `pulumi refresh`): anything but `running`. */
export const notProtected = pulumi
  .all(protectedTier.map((ft) => pulumi.all([ft.vmId, ft.faultToleranceState])))
  .apply((rows) => rows.filter(([, state]) => state !== "running").map(([vmId, state]) => `${vmId}: ${state}`));
