import type * as pulumi from "@pulumi/pulumi";
import { deadlineAfter } from "../../../deadline";
import * as errors from "../../../errors";
import * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import { getProperty } from "../../../vsphere/invoke";
import * as snapshots from "../../../vsphere/methods/snapshots";
import { isValidMoId, moRef } from "../../../vsphere/moref";
import { withVmLock } from "../../../vsphere/vmLock";
import * as declared from "../../common/declaration";
import { isUnknown } from "../../common/unknown";
import { connectForCheck, previewDeadline } from "../shared/check";
import { vmIdHint } from "../shared/vmIdHint";
import { runToEnd } from "../shared/tasks";
import { readVmFacts } from "../shared/vm";
import type { VmSnapshotInputs } from "./args";
import { snapshotRefusals } from "./facts";
import { outputsFrom, snapshotObject } from "./record";
import { vmSnapshotDeclaration as declaration } from "./spec";
import { resultSnapshotId, takeSnapshot } from "./take";
import { observedText, readSnapshotTree, type SnapshotNode, type SnapshotTree } from "./tree";

/**
 * CRUD of `vsphere:VmSnapshot` (id = the snapshot's managed object id, e.g. "snapshot-12"; `vmId` kept in outputs).
 *
 * - create: refuses FT VMs, templates, memory without a powered-on VM and quiesce without a powered-on VM running
 *   VMware Tools (never a silent downgrade); CreateSnapshotEx_Task, waits, keys the resource on the task's result MoRef.
 *   A lost answer is reconciled by looking for a new snapshot of that name in the tree, never by starting a second one
 *   blindly. A create that fails after vSphere made the snapshot removes it, or reports a partial failure with its id.
 * - update: name/description → RenameSnapshot in place; removeChildren/consolidate/timeoutSeconds are recorded (they
 *   apply to delete); vmId/memory/quiesce replace.
 * - read: finds the MoRef anywhere in the VM's tree and refreshes every output (name and description as inputs too);
 *   a snapshot or VM removed out of band drops the resource from the stack.
 * - delete: RemoveSnapshot_Task {removeChildren, consolidate}; a snapshot already gone is not an error.
 */


export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = declared.checkDeclared<VmSnapshotInputs>(declaration, news);
  const failures = [...result.failures];
  const vmId = news["vmId"];
  const known = (key: string): boolean => news[key] === undefined || !isUnknown(news[key]);
  const vmKnown = typeof vmId === "string" && !isUnknown(vmId);
  // A live look costs API calls: only for a new VM, or a memory/quiesce that is turned on (a no-op preview makes none).
  const relevantChange = olds["vmId"] !== vmId || (news["memory"] === true && olds["memory"] !== true) || (news["quiesce"] === true && olds["quiesce"] !== true);
  if (failures.length === 0 && vmKnown && relevantChange) {
    const connection = await connectForCheck(declaration.type, "vmId", declared.namespaceOf(declaration, result.inputs));
    try {
      const facts = await readVmFacts(connection, vmId, `check ${declaration.type}`, previewDeadline());
      failures.push(...snapshotRefusals({ vmId, memory: known("memory") && news["memory"] === true, quiesce: known("quiesce") && news["quiesce"] === true }, facts));
    } catch (error) {
      if (!(error instanceof errors.NotFoundError)) throw error;
      failures.push({ property: "vmId", reason: `${errors.errorMessage(error)}${await vmIdHint(connection, vmId, previewDeadline())}` });
    }
  }
  return { inputs: result.inputs, failures };
}

/** Pure: the inputs recorded in the old outputs against the new checked inputs. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return declared.diffResult(declaration, declared.diffInputs(declaration, olds, news));
}










export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${declaration.type}`;
  const inputs = declared.parseInputs<VmSnapshotInputs>(declaration, raw, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect(inputs.connection, deadline);
  const outs = await withVmLock(connection, inputs.vmId, () => takeSnapshot(connection, inputs, deadline, operation));
  return { id: String(outs["snapshotId"]), outs };
}

function goneError(snapshotId: string, vmId: string, operation: string): errors.NotFoundError {
  return new errors.NotFoundError(
    `${snapshotObject(snapshotId)} is no longer in the snapshot tree of ${vmId} (removed outside Pulumi). Run \`pulumi refresh\` to drop it from the stack; the next \`pulumi up\` takes a new snapshot.`,
    { operation, object: snapshotObject(snapshotId) },
  );
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const operation = `update ${declaration.type}`;
  const inputs = declared.parseInputs<VmSnapshotInputs>(declaration, news, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect(inputs.connection, deadline);
  const rename = async (changes: { name?: string; description?: string }): Promise<void> => {
    try {
      await snapshots.renameSnapshot(connection, id, changes, { deadline });
    } catch (error) {
      if (error instanceof errors.NotFoundError) throw goneError(id, inputs.vmId, operation);
      if (isFault(error, "InvalidName")) {
        throw new errors.ValidationError(`name: vCenter refused the snapshot name "${inputs.name}" (${errors.errorMessage(error)}).`, "name", { operation, cause: error, fault: errors.faultOf(error) });
      }
      throw error;
    }
  };
  const readNode = async (): Promise<{ tree: SnapshotTree; node: SnapshotNode }> => {
    const tree = await readSnapshotTree(connection, inputs.vmId, deadline).catch((error: unknown) => {
      throw error instanceof errors.NotFoundError ? goneError(id, inputs.vmId, operation) : error;
    });
    const node = tree.nodes.find((candidate) => candidate.id === id);
    if (!node) throw goneError(id, inputs.vmId, operation);
    return { tree, node };
  };
  const pending = (name: string | undefined, description: string | undefined): { name?: string; description?: string } | undefined => {
    const changes: { name?: string; description?: string } = {};
    if (name !== inputs.name) changes.name = inputs.name;
    if (description !== inputs.description) changes.description = inputs.description;
    return changes.name !== undefined || changes.description !== undefined ? changes : undefined;
  };
  const outs = await withVmLock(connection, inputs.vmId, async () => {
    // What differs from the recorded outputs (the world at the last create, update or refresh) is renamed first, and
    // the tree read back once; anything still different there (changed out of band since) is renamed and read again.
    const recorded = pending(typeof olds["name"] === "string" ? olds["name"] : undefined, typeof olds["description"] === "string" ? olds["description"] : "");
    if (recorded) await rename(recorded);
    let seen = await readNode();
    const drift = pending(observedText(seen.node.name, inputs.name), observedText(seen.node.description, inputs.description));
    if (drift) {
      await rename(drift);
      seen = await readNode();
    }
    return outputsFrom(inputs, seen.node, seen.tree, connection.endpointKey);
  });
  return { outs };
}

/** The VM a snapshot belongs to: from state, or (adopted by id) from VirtualMachineSnapshot.vm. Undefined when the snapshot is gone. */
async function owningVm(connection: connections.VsphereConnection, snapshotId: string, props: Record<string, unknown>, deadline: number): Promise<string | undefined> {
  if (typeof props["vmId"] === "string" && isValidMoId(props["vmId"])) return props["vmId"];
  try {
    return resultSnapshotId(await getProperty(connection, moRef("VirtualMachineSnapshot", snapshotId), "vm", { deadline }));
  } catch (error) {
    if (error instanceof errors.NotFoundError) return undefined;
    throw error;
  }
}

function validSnapshotId(id: string, operation: string): string {
  if (!isValidMoId(id)) {
    throw new errors.ValidationError(`The resource id must be a snapshot managed object id such as "snapshot-12"; got ${JSON.stringify(id)}.`, "snapshotId", { operation });
  }
  return id;
}

function recordedDeadline(recorded: Record<string, unknown>): number {
  return deadlineAfter(typeof recorded["timeoutSeconds"] === "number" ? recorded["timeoutSeconds"] : 1_800);
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const operation = `read ${declaration.type}`;
  const snapshotId = validSnapshotId(id, operation);
  const recorded = declared.recordedInputs(declaration, props);
  const deadline = recordedDeadline(recorded);
  const connection = await connections.connect(declared.namespaceOf(declaration, props), deadline);
  const vmId = await owningVm(connection, snapshotId, props, deadline);
  if (vmId === undefined) return { id: "", props: {} };
  let tree: SnapshotTree;
  try {
    tree = await readSnapshotTree(connection, vmId, deadline);
  } catch (error) {
    if (error instanceof errors.NotFoundError) return { id: "", props: {} };
    throw error;
  }
  const node = tree.nodes.find((candidate) => candidate.id === snapshotId);
  if (!node) return { id: "", props: {} };
  // Adopted by id: a memory snapshot captured a powered-on VM, a quiesced one was taken with quiesce.
  const adopted = typeof props["vmId"] !== "string";
  const inputs = {
    ...recorded,
    vmId,
    name: observedText(node.name, typeof props["name"] === "string" ? props["name"] : undefined),
    description: observedText(node.description, typeof props["description"] === "string" ? props["description"] : undefined),
    ...(adopted ? { memory: node.state === "poweredOn", quiesce: node.quiesced } : {}),
  } as VmSnapshotInputs;
  const outs = outputsFrom(inputs, node, tree, connection.endpointKey);
  const inputsChanged = props["name"] !== inputs.name || (props["description"] ?? "") !== inputs.description || props["vmId"] !== vmId;
  return inputsChanged ? { id: snapshotId, props: outs, inputs: { ...inputs } } : { id: snapshotId, props: outs };
}

async function deleteImpl(id: string, props: Record<string, unknown>): Promise<void> {
  const operation = `delete ${declaration.type}`;
  const snapshotId = validSnapshotId(id, operation);
  const recorded = declared.recordedInputs(declaration, props);
  const deadline = recordedDeadline(recorded);
  const removal = { removeChildren: recorded["removeChildren"] === true, consolidate: recorded["consolidate"] !== false };
  const connection = await connections.connect(declared.namespaceOf(declaration, props), deadline);
  const vmId = await owningVm(connection, snapshotId, props, deadline);
  if (vmId === undefined) return;
  const gone = async (): Promise<boolean> => {
    const tree = await readSnapshotTree(connection, vmId, deadline).catch((error: unknown) => {
      if (error instanceof errors.NotFoundError) return undefined;
      throw error;
    });
    return !tree || !tree.nodes.some((node) => node.id === snapshotId);
  };
  await withVmLock(connection, vmId, async () => {
    try {
      await runToEnd(connection, (options) => snapshots.removeSnapshot(connection, snapshotId, removal, options), {
        deadline,
        reconcile: async () => ((await gone()) ? "done" : "notStarted"),
      });
    } catch (error) {
      // Removed by hand, or its VM deleted: the declared end state is reached.
      if (error instanceof errors.NotFoundError) return;
      throw error;
    }
  });
}

export { deleteImpl as delete };
