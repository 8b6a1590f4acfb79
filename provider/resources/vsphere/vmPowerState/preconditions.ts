import type * as pulumi from "@pulumi/pulumi";
import { isFaultTolerant, type VmFacts } from "../shared/vm";
import type { VmPowerStateInputs } from "./args";

/** What makes a VM unfit for a declared power state, whatever state it is in now. Checked at preview and before acting. */

export function vmObject(vmId: string): string {
  return `VirtualMachine:${vmId}`;
}

/** Refusals that depend on the VM itself (not on its current power state); each names the input at fault. */
export function vmFailures(inputs: Pick<VmPowerStateInputs, "vmId" | "state">, facts: VmFacts): pulumi.dynamic.CheckFailure[] {
  if (facts.template) {
    return [{ property: "vmId", reason: `vmId: ${inputs.vmId} is a template; a template cannot be powered on, off or suspended.` }];
  }
  if (facts.ftRole === "secondary") {
    return [
      {
        property: "vmId",
        reason: `vmId: ${inputs.vmId} is a Fault Tolerance secondary VM; vSphere powers secondaries together with their primary, so declare the power state of the primary VM instead.`,
      },
    ];
  }
  if (inputs.state === "suspended" && isFaultTolerant(facts)) {
    return [{ property: "state", reason: `state: ${inputs.vmId} is a Fault Tolerance VM, and vSphere cannot suspend Fault Tolerance VMs; declare poweredOn or poweredOff.` }];
  }
  return [];
}
