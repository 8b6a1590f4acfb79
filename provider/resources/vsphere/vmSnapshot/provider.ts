import type * as pulumi from "@pulumi/pulumi";
import * as errors from "../../../errors";
import { backoffDelay, sleep } from "../../../http/backoff";
import { deadlineAfter } from "../../../http/waiter";
import * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import { getProperty } from "../../../vsphere/invoke";
import * as snapshots from "../../../vsphere/methods/snapshots";
import { isValidMoId, moRef } from "../../../vsphere/moref";
import { waitForTask, type TaskHandle } from "../../../vsphere/taskWaiter";
import { withVmLock } from "../../../vsphere/vmLock";
import { checkInputs } from "../../common/checkInputs";
import { isUnknown } from "../../common/unknown";
import { connectForCheck } from "../shared/check";
import { isAmbiguousStart, isTaskInProgress, retryWhileBusy } from "../shared/tasks";
import { isFaultTolerant, readVmFacts, toolsRunning, vmNotFound, type VmFacts } from "../shared/vm";
import * as args from "./args";
import { vmSnapshotSchema, type VmSnapshotInputs, type VmSnapshotOutputs } from "./args";
import { observedText, readSnapshotTree, type SnapshotNode, type SnapshotTree } from "./tree";

/**
 * CRUD of `vsphere:VmSnapshot` (id = the snapshot's managed object id, e.g. "snapshot-12"; `vmId` kept in outputs).
 *
 * - create: refuses FT VMs, templates, memory without a powered-on VM and quiesce without a powered-on VM running
 *   VMware Tools (never a silent downgrade); CreateSnapshotEx_Task (CreateSnapshot_Task only when the server does not
 *   know the Ex method), waits, keys the resource on the task's result MoRef. An ambiguous start (answer lost) is
 *   reconciled by looking for a new snapshot of that name in the tree, never by starting a second one blindly. A wait
 *   that fails after vSphere made the snapshot removes it, or reports a partial failure carrying its id.
 * - update: name/description → RenameSnapshot in place; removeChildren/consolidate/timeoutSeconds are recorded (they
 *   apply to delete); vmId/memory/quiesce replace.
 * - read: finds the MoRef anywhere in the VM's tree and refreshes every output (name and description as inputs too);
 *   a snapshot or VM removed out of band drops the resource from the stack.
 * - delete: RemoveSnapshot_Task {removeChildren, consolidate}; a snapshot already gone is not an error.
 * Every mutating call runs under the VM's lock; TaskInProgress from other clients is retried until the deadline.
 */

const RESOURCE = "VmSnapshot";
const CLEANUP_GRACE_MS = 120_000;

function vmObject(vmId: string): string {
  return `VirtualMachine:${vmId}`;
}

function snapshotObject(snapshotId: string): string {
  return `VirtualMachineSnapshot:${snapshotId}`;
}

function parseInputs(raw: Record<string, unknown>, operation: string): VmSnapshotInputs {
  const result = checkInputs<VmSnapshotInputs>(vmSnapshotSchema(), raw, args.VM_SNAPSHOT_OUTPUT_NAMES);
  const first = result.failures[0];
  if (first) throw new errors.ValidationError(first.reason, first.property, { operation });
  if (!result.value) throw new errors.ValidationError(`${RESOURCE} inputs must be known before ${operation}.`, "(inputs)", { operation });
  return result.value;
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

function throwRefusal(failures: pulumi.dynamic.CheckFailure[], operation: string, vmId: string): void {
  const first = failures[0];
  if (!first) return;
  throw new errors.ValidationError(failures.map((failure) => failure.reason).join(" "), first.property, { operation, object: vmObject(vmId) });
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = checkInputs<VmSnapshotInputs>(vmSnapshotSchema(), news, args.VM_SNAPSHOT_OUTPUT_NAMES);
  const failures = [...result.failures];
  const vmId = news["vmId"];
  const known = (key: string): boolean => news[key] === undefined || !isUnknown(news[key]);
  const vmKnown = typeof vmId === "string" && !isUnknown(vmId);
  // A live look costs API calls: only for a new VM, or a memory/quiesce that is turned on (a no-op preview makes none).
  const relevantChange =
    olds["vmId"] !== vmId || (news["memory"] === true && olds["memory"] !== true) || (news["quiesce"] === true && olds["quiesce"] !== true);
  if (failures.length === 0 && vmKnown && relevantChange) {
    const connection = await connectForCheck(RESOURCE, "vmId");
    try {
      const facts = await readVmFacts(connection, vmId, `check ${RESOURCE}`);
      const refusals = snapshotRefusals(
        { vmId, memory: known("memory") && news["memory"] === true, quiesce: known("quiesce") && news["quiesce"] === true },
        facts,
      );
      failures.push(...refusals);
    } catch (error) {
      if (!(error instanceof errors.NotFoundError)) throw error;
      failures.push({ property: "vmId", reason: errors.errorMessage(error) });
    }
  }
  return { inputs: result.inputs, failures };
}


/** Pure: the inputs recorded in the old outputs against the new checked inputs. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const differs = (key: string): boolean => {
    const defaults: Record<string, unknown> = args.VM_SNAPSHOT_DEFAULTS;
    const after = news[key] ?? defaults[key];
    return isUnknown(after) || (olds[key] ?? defaults[key]) !== after;
  };
  const replaces = ["vmId", "memory", "quiesce"].filter(differs);
  const changed = ["name", "description", "removeChildren", "consolidate", "timeoutSeconds"].filter(differs);
  return { changes: replaces.length > 0 || changed.length > 0, replaces, deleteBeforeReplace: false };
}

function outputsFrom(inputs: VmSnapshotInputs, node: SnapshotNode, tree: SnapshotTree): VmSnapshotOutputs {
  return {
    vmId: inputs.vmId,
    name: observedText(node.name, inputs.name),
    description: observedText(node.description, inputs.description),
    memory: inputs.memory,
    quiesce: inputs.quiesce,
    removeChildren: inputs.removeChildren,
    consolidate: inputs.consolidate,
    timeoutSeconds: inputs.timeoutSeconds,
    snapshotId: node.id,
    createTime: node.createTime,
    powerState: node.state,
    quiesced: node.quiesced,
    parentSnapshotId: node.parentId,
    isCurrent: tree.currentId === node.id,
  };
}

/** Per connection: the server does not know CreateSnapshotEx_Task (a release before it), so CreateSnapshot_Task is used. */
interface LegacyFlag {
  legacySnapshotCreate?: boolean;
}

async function startCreate(connection: connections.VsphereConnection, inputs: VmSnapshotInputs): Promise<TaskHandle> {
  const options = { name: inputs.name, description: inputs.description, memory: inputs.memory, quiesce: inputs.quiesce };
  const flag = connection as connections.VsphereConnection & LegacyFlag;
  if (!flag.legacySnapshotCreate) {
    try {
      return await snapshots.createSnapshotEx(connection, inputs.vmId, options);
    } catch (error) {
      if (!isFault(error, "HTTP404", "MethodNotFound")) throw error;
      flag.legacySnapshotCreate = true;
    }
  }
  return snapshots.createSnapshot(connection, inputs.vmId, options);
}

/** A snapshot named `name` that was not in the tree before the create started (the newest, when several). */
function newSnapshotNamed(tree: SnapshotTree, before: Set<string>, name: string): SnapshotNode | undefined {
  const fresh = tree.nodes.filter((node) => !before.has(node.id) && observedText(node.name, name) === name);
  fresh.sort((left, right) => right.createTime.localeCompare(left.createTime));
  return fresh[0];
}

function rethrow(error: unknown): never {
  throw error;
}

/** Removes a snapshot this create left behind; true when it is gone. */
async function undoCreate(connection: connections.VsphereConnection, snapshotId: string): Promise<boolean> {
  try {
    const deadline = Date.now() + CLEANUP_GRACE_MS;
    await retryWhileBusy(`RemoveSnapshot_Task on ${snapshotObject(snapshotId)}`, deadline, async () =>
      waitForTask(connection, await snapshots.removeSnapshot(connection, snapshotId, { removeChildren: false, consolidate: true }), { deadline }),
    );
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

async function createSnapshotUnderLock(connection: connections.VsphereConnection, inputs: VmSnapshotInputs, deadline: number, operation: string): Promise<VmSnapshotOutputs> {
  const vmId = inputs.vmId;
  // The VM's facts and its snapshot tree are read concurrently, so they share one RetrievePropertiesEx; the tree's
  // outcome is held until the facts are known (a missing VM or a refusal is reported from the facts first).
  const treeRead: Promise<{ tree?: SnapshotTree; error?: unknown }> = readSnapshotTree(connection, vmId).then(
    (tree) => ({ tree }),
    (error: unknown) => ({ error }),
  );
  const facts = await readVmFacts(connection, vmId, operation);
  throwRefusal(snapshotRefusals(inputs, facts), operation, vmId);
  const first = await treeRead;
  // A server that refused a nested fact path faults the whole shared call: the tree is then read on its own.
  const beforeTree = first.tree ?? (isFault(first.error, "InvalidProperty") ? await readSnapshotTree(connection, vmId) : rethrow(first.error));
  const before = new Set(beforeTree.nodes.map((node) => node.id));
  let ambiguous = false;
  let snapshotId: string | undefined;
  for (let round = 0; snapshotId === undefined; round += 1) {
    if (ambiguous) {
      // An earlier start may have reached vCenter: a new snapshot of this name is that one.
      const found = newSnapshotNamed(await readSnapshotTree(connection, vmId), before, inputs.name);
      if (found) {
        snapshotId = found.id;
        break;
      }
    }
    let handle: TaskHandle;
    try {
      handle = await startCreate(connection, inputs);
    } catch (error) {
      if (!isTaskInProgress(error) && !isAmbiguousStart(error)) throw explainCreateFault(error, inputs, operation);
      ambiguous ||= isAmbiguousStart(error);
      await pause(round, deadline, error, operation, vmId);
      continue;
    }
    try {
      const outcome = await waitForTask(connection, handle, { deadline });
      snapshotId = resultSnapshotId(outcome.result) ?? newSnapshotNamed(await readSnapshotTree(connection, vmId), before, inputs.name)?.id;
      if (snapshotId === undefined) {
        throw new errors.ServerError(`${handle.operation} on ${vmObject(vmId)} succeeded but named no snapshot, and none named "${inputs.name}" appeared.`, 200, {
          operation,
          object: vmObject(vmId),
        });
      }
    } catch (error) {
      if (isTaskInProgress(error)) {
        await pause(round, deadline, error, operation, vmId);
        continue;
      }
      throw await afterFailedWait(connection, inputs, before, error, operation);
    }
  }
  const tree = await readSnapshotTree(connection, vmId);
  const node = tree.nodes.find((candidate) => candidate.id === snapshotId);
  if (!node) {
    throw new errors.NotFoundError(`${snapshotObject(snapshotId)} was created on ${vmId} but is no longer in its snapshot tree (removed at once by someone else?).`, {
      operation,
      object: snapshotObject(snapshotId),
    });
  }
  await refuseDowngrade(connection, inputs, node, tree, operation);
  return outputsFrom(inputs, node, tree);
}

/**
 * vSphere ignores quiesce when Tools are not available and memory when the VM is not running, without a fault. A
 * snapshot that came out weaker than declared is removed again and reported (never kept as a silent downgrade).
 */
async function refuseDowngrade(connection: connections.VsphereConnection, inputs: VmSnapshotInputs, node: SnapshotNode, tree: SnapshotTree, operation: string): Promise<void> {
  const problems: { property: string; reason: string }[] = [];
  if (inputs.quiesce && !node.quiesced) {
    problems.push({ property: "quiesce", reason: `quiesce: vSphere took ${node.id} without quiescing the guest (VMware Tools not available?)` });
  }
  if (inputs.memory && node.state !== "poweredOn") {
    problems.push({ property: "memory", reason: `memory: vSphere took ${node.id} without the VM's memory (its state is ${node.state || "unknown"})` });
  }
  const first = problems[0];
  if (!first) return;
  const reasons = problems.map((problem) => problem.reason);
  if (await undoCreate(connection, node.id)) {
    throw new errors.ValidationError(`${reasons.join("; ")}; the snapshot was removed again. Fix the VM, or set ${problems.map((p) => `${p.property}: false`).join(" and ")}.`, first.property, {
      operation,
      object: vmObject(inputs.vmId),
    });
  }
  const actual = { ...outputsFrom(inputs, node, tree), quiesce: node.quiesced, memory: node.state === "poweredOn" };
  const message = `${reasons.join("; ")}, and it could not be removed again; the stack records what it is.`;
  throw new errors.PartialFailureError(message, node.id, { ...actual }, reasons, { operation, object: snapshotObject(node.id) });
}

async function pause(round: number, deadline: number, error: unknown, operation: string, vmId: string): Promise<void> {
  const delay = backoffDelay(round, 500, 10_000);
  if (Date.now() + delay < deadline) return sleep(delay);
  if (isTaskInProgress(error)) {
    throw new errors.TimeoutError(
      `${operation}: ${vmId} was busy with another task until the deadline (${errors.errorMessage(error)}). Raise timeoutSeconds or wait for that task to finish.`,
      "TaskInProgress",
      { operation, object: vmObject(vmId), cause: error },
    );
  }
  throw error;
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

/** The wait failed: a snapshot vSphere made anyway is removed, or reported as a partial failure with its id. */
async function afterFailedWait(connection: connections.VsphereConnection, inputs: VmSnapshotInputs, before: Set<string>, error: unknown, operation: string): Promise<unknown> {
  let leftover: SnapshotNode | undefined;
  let tree: SnapshotTree | undefined;
  try {
    tree = await readSnapshotTree(connection, inputs.vmId);
    leftover = newSnapshotNamed(tree, before, inputs.name);
  } catch {
    leftover = undefined;
  }
  if (!leftover || !tree) return explainCreateFault(error, inputs, operation);
  const outcomeUnknown = error instanceof errors.TimeoutError || error instanceof errors.ConnectionError || error instanceof errors.CancelledError;
  if (!outcomeUnknown && (await undoCreate(connection, leftover.id))) {
    return explainCreateFault(error, inputs, operation);
  }
  const reason = `${snapshotObject(leftover.id)} exists on ${inputs.vmId}, but its create task did not report success: ${errors.errorMessage(error)}`;
  return new errors.PartialFailureError(reason, leftover.id, { ...outputsFrom(inputs, leftover, tree) }, [reason], {
    operation,
    object: snapshotObject(leftover.id),
    cause: error,
    fault: errors.faultOf(error),
  });
}

export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${RESOURCE}`;
  const inputs = parseInputs(raw, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect();
  const outs = await withVmLock(inputs.vmId, () => createSnapshotUnderLock(connection, inputs, deadline, operation));
  return { id: outs.snapshotId, outs };
}

function goneError(snapshotId: string, vmId: string, operation: string): errors.NotFoundError {
  return new errors.NotFoundError(
    `${snapshotObject(snapshotId)} is no longer in the snapshot tree of ${vmId} (removed outside Pulumi). Run \`pulumi refresh\` to drop it from the stack; the next \`pulumi up\` takes a new snapshot.`,
    { operation, object: snapshotObject(snapshotId) },
  );
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const operation = `update ${RESOURCE}`;
  const inputs = parseInputs(news, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect();
  const outs = await withVmLock(inputs.vmId, async () => {
    const rename = async (changes: { name?: string; description?: string }): Promise<void> => {
      try {
        await retryWhileBusy(`RenameSnapshot on ${snapshotObject(id)}`, deadline, () => snapshots.renameSnapshot(connection, id, changes));
      } catch (error) {
        if (error instanceof errors.NotFoundError) throw goneError(id, inputs.vmId, operation);
        if (isFault(error, "InvalidName")) throw new errors.ValidationError(`name: vCenter refused the snapshot name "${inputs.name}" (${errors.errorMessage(error)}).`, "name", { operation, cause: error, fault: (error as errors.VmAvailabilityError).fault });
        throw error;
      }
    };
    const readNode = async (): Promise<{ tree: SnapshotTree; node: SnapshotNode }> => {
      const tree = await readSnapshotTree(connection, inputs.vmId).catch((error: unknown) => {
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
    // What differs from the recorded outputs (the world at the last create, update or refresh) is renamed first, and
    // the tree read back once; anything still different there (changed out of band since) is renamed and read again.
    const last = olds ?? {};
    const recorded = pending(typeof last["name"] === "string" ? last["name"] : undefined, typeof last["description"] === "string" ? last["description"] : "");
    if (recorded) await rename(recorded);
    let seen = await readNode();
    const drift = pending(observedText(seen.node.name, inputs.name), observedText(seen.node.description, inputs.description));
    if (drift) {
      await rename(drift);
      seen = await readNode();
    }
    return outputsFrom(inputs, seen.node, seen.tree);
  });
  return { outs };
}

/** The inputs recorded in state; an import (id only) takes name and description from vCenter. */
function recordedInputs(vmId: string, props: Record<string, unknown>, node: SnapshotNode): VmSnapshotInputs {
  const bool = (key: string, fallback: boolean): boolean => (typeof props[key] === "boolean" ? (props[key] as boolean) : fallback);
  const recordedName = typeof props["name"] === "string" ? props["name"] : undefined;
  const recordedDescription = typeof props["description"] === "string" ? props["description"] : undefined;
  const timeout = props["timeoutSeconds"];
  return {
    vmId,
    name: observedText(node.name, recordedName),
    description: observedText(node.description, recordedDescription),
    // An imported snapshot: a memory snapshot captured a powered-on VM, a quiesced one was taken with quiesce.
    memory: bool("memory", node.state === "poweredOn"),
    quiesce: bool("quiesce", node.quiesced),
    removeChildren: bool("removeChildren", false),
    consolidate: bool("consolidate", true),
    timeoutSeconds: typeof timeout === "number" && Number.isInteger(timeout) && timeout > 0 ? timeout : 1_800,
  };
}

/** The VM a snapshot belongs to: from state, or (import) from VirtualMachineSnapshot.vm. Undefined when the snapshot is gone. */
async function owningVm(connection: connections.VsphereConnection, snapshotId: string, props: Record<string, unknown>): Promise<string | undefined> {
  if (typeof props["vmId"] === "string" && isValidMoId(props["vmId"])) return props["vmId"];
  try {
    const vm = await getProperty(connection, moRef("VirtualMachineSnapshot", snapshotId), "vm");
    return resultSnapshotId(vm);
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

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const operation = `read ${RESOURCE}`;
  const snapshotId = validSnapshotId(id, operation);
  const connection = await connections.connect();
  const vmId = await owningVm(connection, snapshotId, props);
  if (vmId === undefined) return { id: "", props: {} };
  let tree: SnapshotTree;
  try {
    tree = await readSnapshotTree(connection, vmId);
  } catch (error) {
    if (error instanceof errors.NotFoundError) return { id: "", props: {} };
    throw error;
  }
  const node = tree.nodes.find((candidate) => candidate.id === snapshotId);
  if (!node) return { id: "", props: {} };
  const inputs = recordedInputs(vmId, props, node);
  const outs = outputsFrom(inputs, node, tree);
  const inputsChanged = props["name"] !== inputs.name || (props["description"] ?? "") !== inputs.description || props["vmId"] !== vmId;
  if (!inputsChanged) return { id: snapshotId, props: outs };
  const refreshedInputs: Record<string, unknown> = { ...inputs };
  return { id: snapshotId, props: outs, inputs: refreshedInputs };
}

export async function delete_(id: string, props: Record<string, unknown>): Promise<void> {
  const operation = `delete ${RESOURCE}`;
  const snapshotId = validSnapshotId(id, operation);
  const timeout = props["timeoutSeconds"];
  const deadline = deadlineAfter(typeof timeout === "number" && timeout > 0 ? timeout : 1_800);
  const options = { removeChildren: props["removeChildren"] === true, consolidate: props["consolidate"] !== false };
  const connection = await connections.connect();
  const vmId = await owningVm(connection, snapshotId, props);
  if (vmId === undefined) return;
  await withVmLock(vmId, async () => {
    let ambiguous = false;
    for (let round = 0; ; round += 1) {
      if (ambiguous) {
        const tree = await readSnapshotTree(connection, vmId).catch((error: unknown) => {
          if (error instanceof errors.NotFoundError) return undefined;
          throw error;
        });
        if (!tree || !tree.nodes.some((node) => node.id === snapshotId)) return;
      }
      let handle: TaskHandle;
      try {
        handle = await snapshots.removeSnapshot(connection, snapshotId, options);
      } catch (error) {
        // Removed by hand, or its VM deleted: the declared end state is reached.
        if (error instanceof errors.NotFoundError) return;
        if (!isTaskInProgress(error) && !isAmbiguousStart(error)) throw error;
        ambiguous ||= isAmbiguousStart(error);
        await pause(round, deadline, error, operation, vmId);
        continue;
      }
      try {
        await waitForTask(connection, handle, { deadline });
        return;
      } catch (error) {
        if (error instanceof errors.NotFoundError) return;
        if (!isTaskInProgress(error)) throw error;
        await pause(round, deadline, error, operation, vmId);
      }
    }
  });
}

export { delete_ as delete };
