import type * as connections from "../../../vsphere/connection";
import * as lookup from "../../../vsphere/lookup";

/** What vCenter's VM ids look like: `vm-` and a number. */
const VM_ID_PATTERN = /^vm-\d+$/;
const LISTED = 10;

export function looksLikeVmId(value: string): boolean {
  return VM_ID_PATTERN.test(value);
}

/**
 * For a `vmId` vCenter does not know, a sentence to add to the error: when the value is not shaped like a VM id, that
 * `vmId` takes the id and not the name, and the ids of the VMs that do have that name (FT secondaries left out). The
 * names are read with one container view, only here, after the id was not found; empty for an id-shaped value. A
 * failed name read leaves the sentence without the ids: the hint never replaces the error it explains.
 */
export async function vmIdHint(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<string> {
  if (looksLikeVmId(vmId)) return "";
  const rule = `vmId is a VM's managed object id ("vm-" and a number, as in the vSphere Client's URL), not its name`;
  let named: lookup.FoundVm[];
  try {
    named = (await lookup.findVmsByName(connection, (name) => name === vmId, { deadline })).filter((vm) => vm.ftRole !== "secondary");
  } catch {
    return ` ${rule}: find the id with lookupVirtualMachine({ name: ${JSON.stringify(vmId)} }).`;
  }
  const where = (vm: lookup.FoundVm): string => (vm.inventoryPath ? `${vm.vmId} (${vm.inventoryPath})` : vm.vmId);
  if (named.length === 1) return ` ${rule}: the VM named ${JSON.stringify(vmId)} is ${named[0]!.vmId}: use that.`;
  if (named.length > 1) {
    const more = named.length > LISTED ? ` and ${named.length - LISTED} more` : "";
    return ` ${rule}: ${named.length} VMs are named ${JSON.stringify(vmId)}: ${named.slice(0, LISTED).map(where).join(", ")}${more}; use the id of the one you mean.`;
  }
  return ` ${rule}, and no VM is named ${JSON.stringify(vmId)} either.`;
}
