import type { OfflineTwin } from "../../simulator";
import { recordStackConfig } from "../../provider/config";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmSnapshot from "../../provider/resources/vsphere/vmSnapshot/provider";

/**
 * Fixtures in the vSphere twin that its admin API cannot make directly (an FT group, a snapshot): made over VI/JSON by
 * this package's own resources, run in this process and pointed at the twin, as a stack's earlier `up` would have.
 */

function pointAt(twin: OfflineTwin): void {
  recordStackConfig({ "vsphere:vsphereServer": twin.vsphere.url, "vsphere:user": twin.vsphere.username, "vsphere:password": twin.vsphere.password });
}

/** A VM of the HA cluster, as the scenarios make them. */
export function addVm(twin: OfflineTwin, name: string, powerState: "poweredOn" | "poweredOff" = "poweredOn"): string {
  return twin.vsphere.world.addVm({ name, clusterId: "domain-c7", powerState, toolsInstalled: true, toolsRunning: powerState === "poweredOn", guestOperationMs: 50 }).id;
}

/** A powered-on VM protected by Fault Tolerance (its group running); returns the VM's id. */
export async function protectedVm(twin: OfflineTwin, name: string): Promise<string> {
  const vmId = addVm(twin, name);
  pointAt(twin);
  await ftSecondary.create({ vmId, timeoutSeconds: 60 });
  return vmId;
}

/** A disk-only snapshot of the VM; returns its id. */
export async function snapshotOf(twin: OfflineTwin, vmId: string, name: string): Promise<string> {
  pointAt(twin);
  return (await vmSnapshot.create({ vmId, name })).id;
}

