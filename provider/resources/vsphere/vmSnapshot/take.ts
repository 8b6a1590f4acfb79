import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import * as snapshots from "../../../vsphere/methods/snapshots";
import { outcomeUnknown } from "../../../vsphere/tasks";
import { isReconciled, runToEnd } from "../shared/tasks";
import { vmNotFound } from "../shared/vm";
import type { VmSnapshotInputs } from "./args";
import { readVmAndTree, snapshotRefusals } from "./facts";
import { outputsFrom, snapshotObject, vmObject } from "./record";
import { observedText, readSnapshotTree, type SnapshotNode, type SnapshotTree } from "./tree";

/**
 * Taking a snapshot: refusals first (never a silent downgrade), CreateSnapshotEx_Task, the resource keyed on the task's
 * result MoRef. A lost answer is reconciled by looking for a new snapshot of that name in the tree, never by starting a
 * second one blindly; a create that fails after vSphere made the snapshot removes it, or reports a partial failure with
 * its id.
 */

const CLEANUP_GRACE_MS = 120_000;

/** A snapshot named `name` that was not in the tree before the create started (the newest, when several). */
function newSnapshotNamed(tree: SnapshotTree, before: Set<string>, name: string): SnapshotNode | undefined {
  const fresh = tree.nodes.filter((node) => !before.has(node.id) && observedText(node.name, name) === name);
  fresh.sort((left, right) => right.createTime.localeCompare(left.createTime));
  return fresh[0];
}

/** Removes a snapshot this create left behind; true when it is gone. */
async function undoCreate(connection: connections.VsphereConnection, snapshotId: string): Promise<boolean> {
  try {
    await runToEnd(connection, (options) => snapshots.removeSnapshot(connection, snapshotId, { removeChildren: false, consolidate: true }, options), {
      deadline: Date.now() + CLEANUP_GRACE_MS,
    });
    return true;
  } catch (error) {
    return error instanceof errors.NotFoundError;
  }
}

/** The snapshot's id from the task result (a MoRef, boxed or not). */
export function resultSnapshotId(result: unknown): string | undefined {
  if (result && typeof result === "object" && typeof (result as { value?: unknown }).value === "string") return (result as { value: string }).value;
  return undefined;
}

export async function takeSnapshot(connection: connections.VsphereConnection, inputs: VmSnapshotInputs, deadline: number, operation: string): Promise<Record<string, unknown>> {
  const vmId = inputs.vmId;
  const { facts, tree: beforeTree } = await readVmAndTree(connection, vmId, operation, deadline);
  const refusals = snapshotRefusals(inputs, facts);
  const first = refusals[0];
  if (first) throw new errors.ValidationError(refusals.map((failure) => failure.reason).join(" "), first.property, { operation, object: vmObject(vmId) });
  const before = new Set(beforeTree.nodes.map((node) => node.id));
  // A start whose answer was lost made the snapshot if a new one of this name is in the tree.
  const found: { id?: string } = {};
  let snapshotId: string | undefined;
  try {
    const outcome = await runToEnd(connection, (options) => snapshots.createSnapshot(connection, vmId, inputs, options), {
      deadline,
      hint: "Snapshots of large VMs take long: raise timeoutSeconds.",
      reconcile: async () => {
        found.id = newSnapshotNamed(await readSnapshotTree(connection, vmId, deadline), before, inputs.name)?.id;
        return found.id ? "done" : "notStarted";
      },
    });
    snapshotId = isReconciled(outcome) ? found.id : (resultSnapshotId(outcome.result) ?? newSnapshotNamed(await readSnapshotTree(connection, vmId, deadline), before, inputs.name)?.id);
    if (snapshotId === undefined) {
      throw new errors.ServerError(`Creating a snapshot of ${vmObject(vmId)} succeeded but named no snapshot, and none named "${inputs.name}" appeared.`, 200, { operation, object: vmObject(vmId) });
    }
  } catch (error) {
    throw await afterFailedCreate(connection, inputs, before, error, operation, deadline);
  }
  const tree = await readSnapshotTree(connection, vmId, deadline);
  const node = tree.nodes.find((candidate) => candidate.id === snapshotId);
  if (!node) {
    throw new errors.NotFoundError(`${snapshotObject(snapshotId)} was created on ${vmId} but is no longer in its snapshot tree (removed at once by someone else?).`, {
      operation,
      object: snapshotObject(snapshotId),
    });
  }
  await refuseDowngrade(connection, inputs, node, tree, operation);
  return outputsFrom(inputs, node, tree, connection.endpointKey);
}

/**
 * vSphere ignores quiesce when Tools are not available and memory when the VM is not running, without a fault. A
 * snapshot that came out weaker than declared is removed again and reported (never kept as a silent downgrade).
 */
async function refuseDowngrade(connection: connections.VsphereConnection, inputs: VmSnapshotInputs, node: SnapshotNode, tree: SnapshotTree, operation: string): Promise<void> {
  const problems: { property: string; reason: string }[] = [];
  if (inputs.quiesce && !node.quiesced) problems.push({ property: "quiesce", reason: `quiesce: vSphere took ${node.id} without quiescing the guest (VMware Tools not available?)` });
  if (inputs.memory && node.state !== "poweredOn") problems.push({ property: "memory", reason: `memory: vSphere took ${node.id} without the VM's memory (its state is ${node.state || "unknown"})` });
  const first = problems[0];
  if (!first) return;
  const reasons = problems.map((problem) => problem.reason);
  if (await undoCreate(connection, node.id)) {
    throw new errors.ValidationError(`${reasons.join("; ")}; the snapshot was removed again. Fix the VM, or set ${problems.map((p) => `${p.property}: false`).join(" and ")}.`, first.property, {
      operation,
      object: vmObject(inputs.vmId),
    });
  }
  const actual = { ...outputsFrom(inputs, node, tree, connection.endpointKey), quiesce: node.quiesced, memory: node.state === "poweredOn" };
  throw new errors.PartialFailureError(`${reasons.join("; ")}, and it could not be removed again; the stack records what it is.`, node.id, actual, reasons, {
    operation,
    object: snapshotObject(node.id),
  });
}

/** Clear messages for the faults a create can meet; the fault type is kept. */
function explainCreateFault(error: unknown, inputs: VmSnapshotInputs, operation: string): unknown {
  if (!(error instanceof errors.VmAvailabilityError) || !error.fault) return error;
  const context = { operation, object: vmObject(inputs.vmId), cause: error, fault: error.fault };
  if (error instanceof errors.NotFoundError && error.fault.type === "ManagedObjectNotFound") return vmNotFound(inputs.vmId, operation, error);
  if (error.fault.type === "InvalidName") return new errors.ValidationError(`name: vCenter refused the snapshot name "${inputs.name}" (${errors.errorMessage(error)}).`, "name", context);
  if (error.fault.type === "ApplicationQuiesceFault" || error.fault.type === "ToolsUnavailable") {
    return new errors.VendorFaultError(
      `quiesce: ${inputs.vmId} could not quiesce its file systems, so no snapshot was kept (${errors.errorMessage(error)}). Check VMware Tools and the guest's VSS/freeze scripts, or set quiesce: false.`,
      context,
    );
  }
  return error;
}

/** The create failed: a snapshot vSphere made anyway is removed (when its task provably failed), or reported with its id. */
async function afterFailedCreate(connection: connections.VsphereConnection, inputs: VmSnapshotInputs, before: Set<string>, error: unknown, operation: string, deadline: number): Promise<unknown> {
  let leftover: SnapshotNode | undefined;
  let tree: SnapshotTree | undefined;
  try {
    tree = await readSnapshotTree(connection, inputs.vmId, Math.max(deadline, Date.now() + CLEANUP_GRACE_MS));
    leftover = newSnapshotNamed(tree, before, inputs.name);
  } catch {
    leftover = undefined;
  }
  if (!leftover || !tree) return explainCreateFault(error, inputs, operation);
  // A task that may still be running (lost answer, deadline, cancelled wait) is not undone: its snapshot is reported.
  const mayStillRun = outcomeUnknown(error) || error instanceof errors.TimeoutError || error instanceof errors.CancelledError;
  if (!mayStillRun && (await undoCreate(connection, leftover.id))) return explainCreateFault(error, inputs, operation);
  const reason = `${snapshotObject(leftover.id)} exists on ${inputs.vmId}, but its create task did not report success: ${errors.errorMessage(error)}`;
  return new errors.PartialFailureError(reason, leftover.id, outputsFrom(inputs, leftover, tree, connection.endpointKey), [reason], {
    operation,
    object: snapshotObject(leftover.id),
    cause: error,
    fault: errors.faultOf(error),
  });
}
