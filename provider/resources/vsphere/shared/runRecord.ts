import type * as pulumi from "@pulumi/pulumi";
import { deadlineAfter } from "../../../deadline";
import * as errors from "../../../errors";
import * as connections from "../../../vsphere/connection";
import { isValidMoId, vmRef } from "../../../vsphere/moref";
import { readProperties } from "../../../vsphere/properties";
import { withVmLock } from "../../../vsphere/vmLock";
import * as declared from "../../common/declaration";

/**
 * What the run-style vSphere resources (FtFailoverTest, VmSnapshotRevert) share: they act on create only, like
 * pulumi-command's Command. Their outputs are the record of the run: read keeps it while the VM exists, an update of an
 * input that does not replace re-records it without a call, delete changes nothing on vSphere.
 */

/**
 * Whether applying `news` over `olds` (the inputs check gets) would run the action: a new resource, or a change of an
 * input that replaces it. Preview consults vCenter only then.
 */
export function runWouldHappen(declaration: declared.ResourceDeclaration, olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  if (olds["vmId"] === undefined) return true;
  return declared.diffInputs(declaration, olds, news).replaces.length > 0;
}

/** The id of one run: unique per run (the VM, what was done, and when). */
export function runId(vmId: string, action: string, at: string): string {
  return `${vmId}:${action}:${at}`;
}

/** The inputs every run-style vSphere resource has. */
export interface RunInputs {
  vmId: string;
  timeoutSeconds: number;
  connection: string;
}

/** Create: parses the inputs and runs the action once, within timeoutSeconds, with the VM locked in this process. */
export async function runOnce<T extends RunInputs>(
  declaration: declared.ResourceDeclaration,
  raw: Record<string, unknown>,
  run: (connection: connections.VsphereConnection, inputs: T, deadline: number) => Promise<pulumi.dynamic.CreateResult>,
): Promise<pulumi.dynamic.CreateResult> {
  const inputs = declared.parseInputs<T>(declaration, raw, `create ${declaration.type}`);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect(inputs.connection, deadline);
  return withVmLock(connection, inputs.vmId, () => run(connection, inputs, deadline));
}

/** The VM a recorded run names, validated before it can reach a URL (state may be edited by hand). */
function recordedVmId(props: Record<string, unknown>, operation: string): string {
  const vmId = props["vmId"];
  if (typeof vmId !== "string" || !isValidMoId(vmId)) {
    throw new errors.ValidationError(`The recorded vmId must be a VM managed object id such as "vm-42"; got ${JSON.stringify(vmId)}.`, "vmId", { operation });
  }
  return vmId;
}

/** Read: the record stays as it is (a run is history); the resource is gone only when its VM no longer exists. */
export async function keepRecord(declaration: declared.ResourceDeclaration, id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const vmId = recordedVmId(props, `read ${declaration.type}`);
  const recorded = declared.recordedInputs(declaration, props);
  const deadline = deadlineAfter(typeof recorded["timeoutSeconds"] === "number" ? recorded["timeoutSeconds"] : 300);
  const connection = await connections.connect(declared.namespaceOf(declaration, props), deadline);
  try {
    await readProperties(connection, vmRef(vmId), ["name"], { deadline });
  } catch (error) {
    if (error instanceof errors.NotFoundError) return { id: "", props: {} };
    throw error;
  }
  return { id, props };
}

/** Update: only inputs that do not run the action again changed; they are recorded, the run's record is kept, no call. */
export function rerecord(declaration: declared.ResourceDeclaration, olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.UpdateResult {
  const inputs = declared.parseInputs<Record<string, unknown>>(declaration, news, `update ${declaration.type}`);
  return { outs: declared.recordOutputs(declaration, inputs, olds, typeof olds["endpoint"] === "string" ? olds["endpoint"] : "") };
}

/** Delete: a run cannot be undone, and its record holds nothing on vSphere. */
export async function forgetRun(_id: string, _props: Record<string, unknown>): Promise<void> {
  return;
}

/** Everything of a run-style resource but its check: a diff from its declaration, the run on create, the record kept. */
export function runStyleOperations<T extends RunInputs>(
  declaration: declared.ResourceDeclaration,
  run: (connection: connections.VsphereConnection, inputs: T, deadline: number) => Promise<pulumi.dynamic.CreateResult>,
) {
  return {
    diff: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> =>
      declared.diffResult(declaration, declared.diffInputs(declaration, olds, news)),
    create: (raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> => runOnce<T>(declaration, raw, run),
    read: (id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> => keepRecord(declaration, id, props),
    update: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> => rerecord(declaration, olds, news),
    delete: forgetRun,
  };
}
