import type * as pulumi from "@pulumi/pulumi";
import * as errors from "../../../errors";
import * as connections from "../../../vsphere/connection";
import * as snapshots from "../../../vsphere/methods/snapshots";
import type { Reconciliation } from "../../../vsphere/tasks";
import * as declared from "../../common/declaration";
import { containsUnknown } from "../../common/unknown";
import { explain } from "../ftSecondary/explain";
import { connectForCheck, previewDeadline } from "../shared/check";
import { runId, runStyleOperations, runWouldHappen } from "../shared/runRecord";
import { runToEnd } from "../shared/tasks";
import { readVmFacts, type VmFacts } from "../shared/vm";
import { readVmAndTree } from "../vmSnapshot/facts";
import type { SnapshotTree } from "../vmSnapshot/tree";
import type { VmSnapshotRevertInputs, VmSnapshotRevertOutputs } from "./args";
import { vmIdHint } from "../shared/vmIdHint";
import { describeSnapshot, planRevert, revertRefusals, snapshotNameOf } from "./record";
import { vmSnapshotRevertDeclaration as declaration } from "./spec";

/**
 * CRUD of `vsphere:VmSnapshotRevert` (run-style; id unique per revert).
 *
 * - check: validates the inputs; when a revert would run (a new resource, or vmId/snapshotId/suppressPowerOn/triggers
 *   changed) and vmId is known, reads the VM and its snapshot tree and refuses a VM that does not exist, a template, an
 *   FT VM, a snapshot outside this VM's tree, or no current snapshot. An unknown snapshotId (a VmSnapshot created in the
 *   same up) leaves the snapshot checks to create.
 * - create: RevertToSnapshot_Task {suppressPowerOn} on the snapshot, or RevertToCurrentSnapshot_Task on the VM; waits
 *   for the task and records the power state vSphere reports after it.
 * - read: keeps the record; gone only when the VM no longer exists. update: re-records, no revert. delete: nothing.
 */

/** A few seconds past the deadline to read the VM after a revert that finished. */
const RECORD_GRACE_MS = 30_000;

/** A hint per fault type vSphere gives when it refuses or fails a revert. */
function revertHint(faultType: string | undefined): string {
  switch (faultType) {
    case "NotSupported":
      return "vSphere does not revert Fault Tolerance VMs or templates.";
    case "ManagedObjectNotFound":
    case "NotFound":
      return "The snapshot was removed meanwhile, or the VM has no current snapshot: run `pulumi refresh`.";
    case "InvalidState":
      return "The VM is in a state that does not allow a revert now (a question waiting for an answer, a host in maintenance).";
    default:
      return "";
  }
}

/** The VM's facts and snapshot tree; no facts when vCenter does not know the VM. */
async function readVm(connection: connections.VsphereConnection, vmId: string, operation: string, deadline: number): Promise<{ facts?: VmFacts; tree: SnapshotTree }> {
  try {
    return await readVmAndTree(connection, vmId, operation, deadline);
  } catch (error) {
    if (error instanceof errors.NotFoundError) return { tree: { nodes: [] } };
    throw error;
  }
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = declared.checkDeclared<VmSnapshotRevertInputs>(declaration, news);
  const inputs = result.inputs;
  const vmId = inputs["vmId"];
  if (result.failures.length > 0 || typeof vmId !== "string" || containsUnknown(vmId) || !runWouldHappen(declaration, olds, inputs)) {
    return { inputs, failures: result.failures };
  }
  const operation = `check ${declaration.type}`;
  const connection = await connectForCheck(declaration.type, "vmId", declared.namespaceOf(declaration, inputs));
  const deadline = previewDeadline();
  const { facts, tree } = await readVm(connection, vmId, operation, deadline);
  const failures = revertRefusals(vmId, facts, tree, inputs["snapshotId"]);
  // A VM vCenter does not know: say whether the value is the name of one.
  const hint = facts ? "" : await vmIdHint(connection, vmId, deadline);
  return { inputs, failures: failures.map((failure) => (failure.property === "vmId" && hint ? { ...failure, reason: `${failure.reason}${hint}` } : failure)) };
}

async function revert(connection: connections.VsphereConnection, inputs: VmSnapshotRevertInputs, deadline: number): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${declaration.type}`;
  const object = `VirtualMachine:${inputs.vmId}`;
  const { facts, tree } = await readVm(connection, inputs.vmId, operation, deadline);
  const plan = planRevert(inputs.vmId, facts, tree, inputs.snapshotId, inputs.suppressPowerOn);
  if ("refusal" in plan) {
    const { property, reason } = plan.refusal;
    if (!plan.vmFound) throw new errors.NotFoundError(`vmId: ${reason}`, { operation, object, fault: { type: "ManagedObjectNotFound" } });
    throw new errors.ValidationError(`${property}: ${reason}`, property, { operation, object });
  }
  const { vm, target, expectedPowerState: expected } = plan;
  // A lost answer: the revert happened if the target is the current snapshot and the VM is in the state it leaves.
  // (Reverting again would end in the same state: a repeat is safe, but it is still not made blindly.)
  const reconcile = async (): Promise<Reconciliation> => {
    const now = await readVm(connection, inputs.vmId, operation, deadline);
    return now.tree.currentId === target.id && now.facts?.powerState === expected ? "done" : "notStarted";
  };
  try {
    await runToEnd(
      connection,
      (options) =>
        inputs.snapshotId === undefined
          ? snapshots.revertToCurrentSnapshot(connection, inputs.vmId, { suppressPowerOn: inputs.suppressPowerOn }, options)
          : snapshots.revertToSnapshot(connection, inputs.snapshotId, { suppressPowerOn: inputs.suppressPowerOn }, options),
      { deadline, reconcile, hint: "Reverting to a memory snapshot of a large VM takes long: raise timeoutSeconds." },
    );
  } catch (error) {
    throw explain(error, `Reverting to ${describeSnapshot(target)}`, vm, revertHint);
  }
  const revertedAt = new Date().toISOString();
  const id = runId(inputs.vmId, target.id, revertedAt);
  const record = (powerStateAfter: string): Record<string, unknown> => {
    const observed: Omit<VmSnapshotRevertOutputs, keyof VmSnapshotRevertInputs | "endpoint"> = { snapshotName: snapshotNameOf(target), revertedToSnapshotId: target.id, powerStateAfter, revertedAt };
    return declared.recordOutputs(declaration, inputs, observed, connection.endpointKey);
  };
  try {
    const after = await readVmFacts(connection, inputs.vmId, operation, Math.max(deadline, Date.now() + RECORD_GRACE_MS));
    return { id, outs: record(after.powerState) };
  } catch (error) {
    // The revert happened: it is recorded (so the next up does not revert again), with the power state not read.
    throw new errors.PartialFailureError(
      `${vm} was reverted to ${describeSnapshot(target)}, but reading its power state afterwards failed: ${errors.errorMessage(error)} The revert is recorded in the stack.`,
      id,
      record("unknown"),
      [errors.errorMessage(error)],
      { operation, object, cause: error },
    );
  }
}

const operations = runStyleOperations<VmSnapshotRevertInputs>(declaration, revert);

export const { diff, create, read, update } = operations;
const deleteImpl = operations.delete;

export { deleteImpl as delete };
