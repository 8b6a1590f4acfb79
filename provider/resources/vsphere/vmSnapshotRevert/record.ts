/**
 * Pure logic of `vsphere:VmSnapshotRevert`: when a revert must not run (one sentence naming the VM and the snapshot),
 * which snapshot a revert goes to, and what power state it leaves. No I/O here.
 */
import { describeVm, unescapeEntityName } from "../ftSecondary/state";
import { containsUnknown } from "../../common/unknown";
import { isFaultTolerant, notAnIdHint, type VmFacts } from "../shared/vm";
import { decodeEscapes, type SnapshotNode, type SnapshotTree } from "../vmSnapshot/tree";

export interface RevertRefusal {
  property: "vmId" | "snapshotId";
  reason: string;
}

/** The VM as messages name it. */
export function describeRevertVm(vmId: string, facts?: VmFacts): string {
  return describeVm(vmId, facts?.name ? unescapeEntityName(facts.name) : undefined);
}

/** A snapshot's name as a person typed it (vCenter may return it escaped). */
export function snapshotNameOf(node: SnapshotNode): string {
  return decodeEscapes(node.name) ?? node.name;
}

/** `snapshot "pre-change" (snapshot-12)`. */
export function describeSnapshot(node: SnapshotNode): string {
  return `snapshot "${snapshotNameOf(node)}" (${node.id})`;
}

/** Why this VM cannot be reverted at all: it does not exist, is a template, or is a Fault Tolerance VM. */
export function vmRefusal(vmId: string, facts: VmFacts | undefined): RevertRefusal | undefined {
  if (!facts) return { property: "vmId", reason: `VM ${vmId} does not exist in vCenter (or this user cannot see it): there is nothing to revert.${notAnIdHint(vmId)}` };
  const vm = describeRevertVm(vmId, facts);
  if (facts.template) return { property: "vmId", reason: `${vm} is a template: vSphere does not revert templates to snapshots.` };
  if (isFaultTolerant(facts)) {
    const role = facts.ftRole ? `a Fault Tolerance ${facts.ftRole}` : `protected by Fault Tolerance (faultToleranceState ${facts.faultToleranceState})`;
    return { property: "vmId", reason: `${vm} is ${role}, and vSphere does not allow snapshots on Fault Tolerance VMs, so it cannot be reverted to one: turn Fault Tolerance off for it first.` };
  }
  return undefined;
}

/** The snapshot a revert goes to: `snapshotId`, or the VM's current snapshot; undefined when it is not in the tree. */
export function revertTarget(tree: SnapshotTree, snapshotId: string | undefined): SnapshotNode | undefined {
  const id = snapshotId ?? tree.currentId;
  return id === undefined ? undefined : tree.nodes.find((node) => node.id === id);
}

/** Why the snapshot cannot be reverted to: not in this VM's tree, or (no snapshotId) the VM has no current snapshot. */
export function snapshotRefusal(vm: string, tree: SnapshotTree, snapshotId: string | undefined): RevertRefusal | undefined {
  if (revertTarget(tree, snapshotId)) return undefined;
  if (snapshotId === undefined) {
    return { property: "vmId", reason: `${vm} has no current snapshot to revert to: give snapshotId, or take a snapshot of it first.` };
  }
  const listed = tree.nodes.slice(0, 5).map(describeSnapshot).join(", ");
  const more = tree.nodes.length > 5 ? ` and ${tree.nodes.length - 5} more` : "";
  const has = tree.nodes.length === 0 ? "it has no snapshots" : `its snapshots are ${listed}${more}`;
  return { property: "snapshotId", reason: `snapshot ${snapshotId} is not in the snapshot tree of ${vm} (${has}): name a snapshot of this VM.` };
}

/** The power state a revert to `node` leaves the VM in: the snapshot's, but suspended for a memory snapshot with suppressPowerOn. */
export function powerStateAfterRevert(node: SnapshotNode, suppressPowerOn: boolean): string {
  return node.state === "poweredOn" && suppressPowerOn ? "suspended" : node.state;
}

/** Every reason the revert must not run, the VM's first; the snapshot's only when its id is known (not at a preview of an id made in the same up). */
export function revertRefusals(vmId: string, facts: VmFacts | undefined, tree: SnapshotTree, snapshotId: unknown): RevertRefusal[] {
  const refusal = vmRefusal(vmId, facts);
  if (refusal) return [refusal];
  if (containsUnknown(snapshotId)) return [];
  const snapshot = snapshotRefusal(describeRevertVm(vmId, facts), tree, typeof snapshotId === "string" ? snapshotId : undefined);
  return snapshot ? [snapshot] : [];
}

/** What a revert will do: go to `target` on `vm`, or nothing because of `refusal` (`vmFound`: whether the VM exists). */
export type RevertPlan = { refusal: RevertRefusal; vmFound: boolean } | { vm: string; target: SnapshotNode; expectedPowerState: string };

export function planRevert(vmId: string, facts: VmFacts | undefined, tree: SnapshotTree, snapshotId: string | undefined, suppressPowerOn: boolean): RevertPlan {
  const [refusal] = revertRefusals(vmId, facts, tree, snapshotId);
  const target = revertTarget(tree, snapshotId);
  if (refusal || !facts || !target) {
    return { refusal: refusal ?? { property: "snapshotId", reason: `no snapshot to revert ${vmId} to.` }, vmFound: facts !== undefined };
  }
  return { vm: describeRevertVm(vmId, facts), target, expectedPowerState: powerStateAfterRevert(target, suppressPowerOn) };
}
