import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import * as ft from "../../../vsphere/methods/faultTolerance";
import { outcomeUnknown, runTask, isReconciled } from "../../../vsphere/tasks";
import { runToEnd, settleAtDeadline, taskDeadlineError, taskFault } from "../shared/tasks";
import type { FtSecondaryInputs } from "./args";
import { explain } from "./explain";
import { readGroup, readGroupQuietly, readPrimaryDisks } from "./observe";
import { recordGroup as record, untilProtected } from "./protect";
import { ftSecondaryDeclaration as declaration } from "./spec";
import { describeVm, emptyView, parseSecondaryOpResult, type FtGroupView, type PowerOnRecord } from "./state";

/**
 * Turning Fault Tolerance on: CreateSecondaryVMEx_Task (with a FaultToleranceConfigSpec when placement is given), the
 * power-on outcome from its FaultToleranceSecondaryOpResult, then DisableSecondaryVM_Task when `enabled: false`.
 * Anything that goes wrong after vSphere may have acted is settled by reading config.ftInfo back, so no secondary is
 * ever left untracked. With `waitForProtection`, ends when the group is protected (protect.ts). Used by create, and by
 * an update that finds FT turned off.
 */

/** What a failed create did: refused (its call or task failed: nothing of ours), cancelled at the deadline, or unknown. */
type CreateOutcome = "refused" | "cancelled" | "unknown";

const UNKNOWN_POWER_ON: PowerOnRecord = { powerOnAttempted: false, powerOnOutcome: "unknown" };
const CREATE_HINT = "Creating a secondary copies the VM's disks: raise timeoutSeconds for large VMs.";

export async function turnOn(connection: connections.VsphereConnection, inputs: FtSecondaryInputs, deadline: number, vmName: string | undefined): Promise<Record<string, unknown>> {
  const vm = describeVm(inputs.vmId, vmName);
  const operation = `create ${declaration.type}`;
  const disks = inputs.datastore ? (await readPrimaryDisks(connection, inputs.vmId, deadline)).disks : [];
  const placement: ft.SecondaryPlacement = { hostId: inputs.host, datastoreId: inputs.datastore, metaDataDatastoreId: inputs.metaDataDatastore, disks };
  const groupExists = async (): Promise<boolean> => ((await readGroup(connection, inputs.vmId, { deadline, members: false }))?.role ?? "none") !== "none";

  let power: PowerOnRecord & { secondaryVmId?: string } = UNKNOWN_POWER_ON;
  let failure: { cause: unknown; outcome: CreateOutcome } | undefined;
  try {
    const run = await runTask(connection, (options) => ft.createSecondaryVmEx(connection, inputs.vmId, placement, options), {
      deadline,
      reconcile: async () => ((await groupExists()) ? "done" : "notStarted"),
    });
    if (!isReconciled(run)) {
      if (run.status === "success") power = parseSecondaryOpResult(run.result);
      else {
        const settled = await settleAtDeadline(connection, run.handle, run.lastInfo);
        if (settled.state === "success") power = parseSecondaryOpResult(settled.info.result);
        else if (settled.state === "error") failure = { cause: taskFault(run.handle, settled.info), outcome: "refused" };
        else failure = { cause: taskDeadlineError(run.handle, settled, CREATE_HINT), outcome: settled.state === "cancelled" ? "cancelled" : "unknown" };
      }
    }
  } catch (error) {
    failure = { cause: explain(error, "Turning Fault Tolerance on", vm), outcome: outcomeUnknown(error) ? "unknown" : "refused" };
  }
  if (failure) return settleFailedCreate(connection, inputs, failure.cause, failure.outcome, vmName, disks.length);

  const powerRecord: PowerOnRecord = { powerOnAttempted: power.powerOnAttempted, powerOnOutcome: power.powerOnOutcome, powerOnFault: power.powerOnFault };
  let secondaryVmId = power.secondaryVmId;
  if (!inputs.enabled) {
    try {
      secondaryVmId ??= (await readGroup(connection, inputs.vmId, { deadline }))?.secondaryVmId;
      if (!secondaryVmId) throw new errors.ServerError(`CreateSecondaryVMEx_Task on ${vm} reported no secondary VM.`, 200, { operation: "CreateSecondaryVMEx_Task" });
      const secondary = secondaryVmId;
      await runToEnd(connection, (options) => ft.disableSecondaryVm(connection, inputs.vmId, secondary, options), { deadline });
    } catch (error) {
      const view = (await readGroupQuietly(connection, inputs.vmId, { deadline })) ?? { ...emptyView(inputs.vmId, vmName), role: "primary", secondaryVmId, faultToleranceState: "unknown" };
      throw new errors.PartialFailureError(
        `Fault Tolerance was turned on for ${vm} (secondary ${secondaryVmId ?? "unknown"}), but disabling the secondary as declared (enabled: false) failed: ${errors.errorMessage(error)} ` +
          "The secondary is recorded in the stack: `pulumi up` disables it, `pulumi destroy` turns FT off.",
        inputs.vmId,
        record(connection, inputs, view, powerRecord, disks.length),
        [errors.errorMessage(error)],
        { operation, object: `VirtualMachine:${inputs.vmId}`, cause: error },
      );
    }
  }
  let view: FtGroupView | undefined;
  try {
    // The secondary named by the task result is read in the same call as the primary.
    view = await readGroup(connection, inputs.vmId, { deadline, expected: [secondaryVmId] });
  } catch (error) {
    const known: FtGroupView = {
      ...emptyView(inputs.vmId, vmName),
      role: "primary",
      secondaryVmId,
      faultToleranceState: inputs.enabled ? "starting" : "disabled",
      faultToleranceType: "checkpointing",
    };
    throw new errors.PartialFailureError(
      `Fault Tolerance was turned on for ${vm} (secondary ${secondaryVmId ?? "unknown"}), but reading the group back failed: ${errors.errorMessage(error)} Run \`pulumi refresh\`.`,
      inputs.vmId,
      record(connection, inputs, known, powerRecord, disks.length),
      [errors.errorMessage(error)],
      { operation, object: `VirtualMachine:${inputs.vmId}`, cause: error },
    );
  }
  // The VM vanished right after: nothing to wait for.
  if (!view) return record(connection, inputs, { ...emptyView(inputs.vmId, vmName), secondaryVmId }, powerRecord, disks.length);
  return untilProtected(connection, inputs, view, powerRecord, disks.length, deadline, { operation, done: "Fault Tolerance was turned on" });
}

/**
 * A create that failed after vSphere may have acted: read config.ftInfo back so no secondary is left untracked.
 * - the call was refused or its task failed → the error, even when the VM is in an FT group now: that group is someone
 *   else's (another stack won the race), and recording it would let this stack's destroy turn FT off under its owner.
 * - vSphere has a secondary and the task was cancelled at the deadline or its outcome is unknown → PartialFailureError
 *   carrying the primary's id and the group as outputs: the stack records it; `pulumi up` finishes the configuration and
 *   `pulumi destroy` turns FT off.
 * - no secondary and the task was cancelled → a TimeoutError: nothing changed.
 * - no secondary and the call provably ended (refused, failed, or cancelled at the deadline) → the error: nothing changed.
 * - no secondary yet but the outcome is unknown (task still running and not cancelable, or the call was cut off) →
 *   PartialFailureError as well: recorded rather than forgotten; `pulumi refresh` drops it if FT never came up.
 * Why not undo: turning FT off is a second long-running task after the deadline has already passed, and it would
 * collide with a create task that is still running (TaskInProgress); recording what exists is always possible.
 */
async function settleFailedCreate(
  connection: connections.VsphereConnection,
  inputs: FtSecondaryInputs,
  cause: unknown,
  outcome: CreateOutcome,
  vmName: string | undefined,
  placedDisks: number,
): Promise<never> {
  const vm = describeVm(inputs.vmId, vmName);
  const why = errors.errorMessage(cause);
  const context = { operation: `create ${declaration.type}`, object: `VirtualMachine:${inputs.vmId}`, cause, fault: errors.faultOf(cause) };
  if (outcome === "refused") throw cause;
  const view = await readGroupQuietly(connection, inputs.vmId, { deadline: Date.now() + 30_000 });
  if (view && view.role !== "none") {
    throw new errors.PartialFailureError(
      `Turning Fault Tolerance on for ${vm} did not finish (${why}), but vSphere created the secondary ${view.secondaryVmId ?? "(id not reported yet)"}. ` +
        "It is recorded in the stack: `pulumi up` finishes the declared configuration, `pulumi destroy` turns FT off.",
      inputs.vmId,
      record(connection, inputs, view, UNKNOWN_POWER_ON, placedDisks),
      [why],
      context,
    );
  }
  if (outcome === "cancelled" && cause instanceof errors.TimeoutError) {
    throw new errors.TimeoutError(
      `Turning Fault Tolerance on for ${vm} did not finish within timeoutSeconds (${inputs.timeoutSeconds}): ${why} Nothing was changed: vSphere has no secondary for the VM.`,
      cause.lastState,
      { ...context, operation: cause.operation },
    );
  }
  throw new errors.PartialFailureError(
    `Turning Fault Tolerance on for ${vm} was interrupted (${why}) and its outcome is unknown: vSphere may still create the secondary. ` +
      "The resource is recorded so that a secondary cannot be left untracked: `pulumi refresh` shows what vSphere did (and drops the resource if FT stayed off), `pulumi up` finishes the job.",
    inputs.vmId,
    record(connection, inputs, view ?? emptyView(inputs.vmId, vmName), UNKNOWN_POWER_ON, placedDisks),
    [why],
    context,
  );
}
