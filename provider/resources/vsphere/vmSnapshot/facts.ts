import type * as pulumi from "@pulumi/pulumi";
import type * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import { isFaultTolerant, readVmFacts, toolsRunning, type VmFacts } from "../shared/vm";
import type { VmSnapshotInputs } from "./args";
import { readSnapshotTree, type SnapshotTree } from "./tree";

/* What `vsphere:VmSnapshot` must know about a VM before a snapshot: its facts, its tree, and what stands in the way. */

/** Why this VM cannot take the declared snapshot; each failure names the input at fault. */
export function snapshotRefusals(inputs: Pick<VmSnapshotInputs, "vmId" | "memory" | "quiesce">, facts: VmFacts): pulumi.dynamic.CheckFailure[] {
  const vmId = inputs.vmId;
  if (isFaultTolerant(facts)) {
    const role = facts.ftRole ? `a Fault Tolerance ${facts.ftRole}` : "protected by Fault Tolerance";
    return [
      {
        property: "vmId",
        reason: `vmId: snapshots are not supported on Fault Tolerance VMs, and ${vmId} is ${role} (faultToleranceState ${facts.faultToleranceState}). Turn Fault Tolerance off for this VM first, or snapshot another VM.`,
      },
    ];
  }
  if (facts.template) return [{ property: "vmId", reason: `vmId: ${vmId} is a template; vSphere does not take snapshots of templates.` }];
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (inputs.memory && facts.powerState !== "poweredOn") {
    failures.push({
      property: "memory",
      reason: `memory: a memory snapshot needs a powered-on VM, and ${vmId} is ${facts.powerState}. Set memory: false for a disk-only snapshot, or power the VM on first.`,
    });
  }
  if (inputs.quiesce && facts.powerState !== "poweredOn") {
    failures.push({
      property: "quiesce",
      reason: `quiesce: a quiesced snapshot needs a powered-on VM with VMware Tools running, and ${vmId} is ${facts.powerState}. Set quiesce: false, or power the VM on first.`,
    });
  } else if (inputs.quiesce && !toolsRunning(facts.toolsRunningStatus)) {
    failures.push({
      property: "quiesce",
      reason: `quiesce: a quiesced snapshot needs VMware Tools running in the guest, and ${vmId} reports guest.toolsRunningStatus = ${facts.toolsRunningStatus ?? "unknown"}. Set quiesce: false, or start VMware Tools.`,
    });
  }
  return failures;
}

/** The VM's facts and its snapshot tree, read concurrently so they share one RetrievePropertiesEx. */
export async function readVmAndTree(connection: connections.VsphereConnection, vmId: string, operation: string, deadline: number): Promise<{ facts: VmFacts; tree: SnapshotTree }> {
  const treeRead: Promise<{ tree?: SnapshotTree; error?: unknown }> = readSnapshotTree(connection, vmId, deadline).then(
    (tree) => ({ tree }),
    (error: unknown) => ({ error }),
  );
  // A missing VM or a refusal is reported from the facts first; the tree's outcome is held until then.
  const facts = await readVmFacts(connection, vmId, operation, deadline);
  const read = await treeRead;
  if (read.tree) return { facts, tree: read.tree };
  // A server that refused a nested fact path faults the whole shared call: the tree is then read on its own.
  if (isFault(read.error, "InvalidProperty")) return { facts, tree: await readSnapshotTree(connection, vmId, deadline) };
  throw read.error;
}
