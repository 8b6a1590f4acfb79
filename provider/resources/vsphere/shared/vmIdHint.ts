import type * as connections from "../../../vsphere/connection";
import * as lookup from "../../../vsphere/lookup";
import { notAnIdHint } from "./vm";

const LISTED = 10;

/**
 * For a `vmId` vCenter does not know and that is not shaped like a VM id (the case `notAnIdHint` explains), a sentence
 * naming the id of the VM that has that name, or the ids of all that do (FT secondaries left out), or saying that none
 * does. The names are read with one container view, only here, after the id was not found; empty for an id-shaped
 * value. A failed name read points to lookupVirtualMachine instead: the hint never replaces the error it explains.
 */
export async function vmIdHint(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<string> {
  if (notAnIdHint(vmId) === "") return "";
  let named: lookup.FoundVm[];
  try {
    named = (await lookup.findVmsByName(connection, (name) => name === vmId, { deadline })).filter((vm) => vm.ftRole !== "secondary");
  } catch {
    return ` Find the id with lookupVirtualMachine({ name: ${JSON.stringify(vmId)} }).`;
  }
  const where = (vm: lookup.FoundVm): string => (vm.inventoryPath ? `${vm.vmId} (${vm.inventoryPath})` : vm.vmId);
  if (named.length === 1) return ` The VM named ${JSON.stringify(vmId)} is ${named[0]!.vmId}: use that.`;
  if (named.length > 1) {
    const more = named.length > LISTED ? ` and ${named.length - LISTED} more` : "";
    return ` ${named.length} VMs are named ${JSON.stringify(vmId)}: ${named.slice(0, LISTED).map(where).join(", ")}${more}; use the id of the one you mean.`;
  }
  return ` No VM is named ${JSON.stringify(vmId)} either.`;
}
