import type * as pulumi from "@pulumi/pulumi";
import { deadlineAfter } from "../../../deadline";
import * as errors from "../../../errors";
import * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import { getProperty } from "../../../vsphere/invoke";
import * as snapshots from "../../../vsphere/methods/snapshots";
import { isValidMoId, moRef } from "../../../vsphere/moref";
import { outcomeUnknown } from "../../../vsphere/tasks";
import { withVmLock } from "../../../vsphere/vmLock";
import * as declared from "../../common/declaration";
import { isUnknown } from "../../common/unknown";
import { connectForCheck, previewDeadline } from "../shared/check";
import { isReconciled, runToEnd } from "../shared/tasks";
import { isFaultTolerant, readVmFacts, toolsRunning, vmNotFound, type VmFacts } from "../shared/vm";
import type { VmSnapshotInputs, VmSnapshotOutputs } from "./args";
import { vmSnapshotDeclaration as declaration } from "./spec";
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

const CLEANUP_GRACE_MS = 120_000;

function vmObject(vmId: string): string {
  return `VirtualMachine:${vmId}`;
}

function snapshotObject(snapshotId: string): string {
  return `VirtualMachineSnapshot:${snapshotId}`;
}

/** Why this VM cannot take the declared snapshot; each failure names the input at fault. */
function snapshotRefusals(inputs: Pick<VmSnapshotInputs, "vmId" | "memory" | "quiesce">, facts: VmFacts): pulumi.dynamic.CheckFailure[] {
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
      failures.push({ property: "vmId", reason: errors.errorMessage(error) });
    }
  }
  return { inputs: result.inputs, failures };
}

/** Pure: the inputs recorded in the old outputs against the new checked inputs. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return declared.diffResult(declaration, declared.diffInputs(declaration, olds, news));
}

function outputsFrom(inputs: VmSnapshotInputs, node: SnapshotNode, tree: SnapshotTree, endpoint: string): Record<string, unknown> {
  const applied = { ...inputs, name: observedText(node.name, inputs.name), description: observedText(node.description, inputs.description) };
  const observed: Omit<VmSnapshotOutputs, keyof VmSnapshotInputs | "endpoint"> = {
    snapshotId: node.id,
    createTime: node.createTime,
    powerState: node.state,
    quiesced: node.quiesced,
    parentSnapshotId: node.parentId,
    isCurrent: tree.currentId === node.id,
  };
  return declared.recordOutputs(declaration, applied, observed, endpoint);
}

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
function resultSnapshotId(result: unknown): string | undefined {
  if (result && typeof result === "object" && typeof (result as { value?: unknown }).value === "string") return (result as { value: string }).value;
  return undefined;
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

async function takeSnapshot(connection: connections.VsphereConnection, inputs: VmSnapshotInputs, deadline: number, operation: string): Promise<Record<string, unknown>> {
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
