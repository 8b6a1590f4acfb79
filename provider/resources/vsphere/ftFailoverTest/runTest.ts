import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import * as ft from "../../../vsphere/methods/faultTolerance";
import { outcomeUnknown, type Reconciliation, type StartOptions, type TaskStart } from "../../../vsphere/tasks";
import * as declared from "../../common/declaration";
import { explain } from "../ftSecondary/explain";
import { readGroup, readGroupQuietly } from "../ftSecondary/observe";
import { describePrimaryState, waitForProtection, type ProtectionOutcome } from "../ftSecondary/protection";
import { describeVm, type FtGroupView } from "../ftSecondary/state";
import { runId } from "../shared/runRecord";
import { runToEnd } from "../shared/tasks";
import type { FtFailoverTestInputs, FtTestMode, FtTestResult } from "./args";
import { primaryAfterTest, runRecord, secondsBetween, testHint, testLabel, testRefusal } from "./record";
import { ftFailoverTestDeclaration as declaration } from "./spec";

/**
 * One Fault Tolerance test: read the group (it must be running), call MakePrimaryVM_Task or
 * TerminateFaultTolerantVM_Task on the current primary with its secondary, wait for the task, then (waitForProtection)
 * for the group to be running again. Whatever happens once vSphere may have run the test is recorded (a partial
 * failure), so that the next `up` does not run it a second time.
 */

/** A few seconds past the deadline to read the group for the record. */
const RECORD_GRACE_MS = 30_000;

function methodOf(mode: FtTestMode): string {
  return mode === "failover" ? "MakePrimaryVM_Task" : "TerminateFaultTolerantVM_Task";
}

function startTest(connection: connections.VsphereConnection, mode: FtTestMode, primary: string, secondary: string, options: StartOptions): Promise<TaskStart> {
  return mode === "failover" ? ft.makePrimaryVm(connection, primary, secondary, options) : ft.terminateFaultTolerantVm(connection, primary, secondary, options);
}

/**
 * After a start whose answer was lost: did the test happen? A failover did when the group has another primary; a
 * restart did when the group is no longer running with the same secondary on the same host.
 */
async function reconcileTest(connection: connections.VsphereConnection, vmId: string, before: FtGroupView, mode: FtTestMode, deadline: number): Promise<Reconciliation> {
  const now = await readGroup(connection, vmId, { deadline, members: mode !== "failover" });
  if (!now || now.role === "none") return "done";
  if (mode === "failover") return now.primaryVmId !== before.primaryVmId ? "done" : "notStarted";
  const untouched = now.faultToleranceState === "running" && now.secondaryVmId === before.secondaryVmId && now.secondaryHost === before.secondaryHost;
  return untouched ? "notStarted" : "done";
}

/**
 * Whether vSphere may have run the test, for a failure of the call or of the wait for its task: not when vSphere
 * refused the call or failed the task with its own fault, nor when the VM stayed busy with another task until the
 * deadline; yes once a task was started or when the call's answer was lost.
 */
function mayHaveRun(error: unknown, taskStarted: boolean): boolean {
  if (error instanceof errors.TimeoutError) return error.delivery !== "refused";
  if (errors.faultOf(error) !== undefined) return false;
  return taskStarted || outcomeUnknown(error);
}

export async function runTest(connection: connections.VsphereConnection, inputs: FtFailoverTestInputs, deadline: number): Promise<{ id: string; outs: Record<string, unknown> }> {
  const operation = `create ${declaration.type}`;
  const object = `VirtualMachine:${inputs.vmId}`;
  const before = await readGroup(connection, inputs.vmId, { deadline });
  const refusal = testRefusal(inputs.vmId, before, inputs.mode);
  if (!before) throw new errors.NotFoundError(`vmId: ${refusal}`, { operation, object, fault: { type: "ManagedObjectNotFound" } });
  if (refusal !== undefined || before.secondaryVmId === undefined) throw new errors.ConflictError(`vmId: ${refusal}`, { operation, object });
  const primary = before.primaryVmId;
  const secondary = before.secondaryVmId;
  const label = testLabel(inputs.mode);
  const vm = describeVm(primary, primary === inputs.vmId ? before.vmName : undefined);
  const method = methodOf(inputs.mode);

  const startedAt = new Date().toISOString();
  const calledAt = Date.now();
  const id = runId(inputs.vmId, inputs.mode, startedAt);
  const finish = async (result: FtTestResult, protection?: ProtectionOutcome): Promise<{ after?: FtGroupView; outs: Record<string, unknown> }> => {
    const after = await readGroupQuietly(connection, inputs.vmId, { deadline: Date.now() + RECORD_GRACE_MS, expected: [primary, secondary] });
    const seenAt = protection?.reached ? protection.seenAt : undefined;
    const record = runRecord({
      before,
      after,
      mode: inputs.mode,
      startedAt,
      finishedAt: new Date().toISOString(),
      secondsUnprotected: seenAt === undefined ? null : secondsBetween(calledAt, seenAt),
      result,
      lastState: protection?.last.faultToleranceState,
    });
    return { after, outs: declared.recordOutputs(declaration, inputs, record, connection.endpointKey) };
  };

  let taskStarted = false;
  try {
    await runToEnd(
      connection,
      async (options) => {
        const started = await startTest(connection, inputs.mode, primary, secondary, options);
        taskStarted = true;
        return started;
      },
      { deadline, reconcile: () => reconcileTest(connection, inputs.vmId, before, inputs.mode, deadline) },
    );
  } catch (error) {
    if (!mayHaveRun(error, taskStarted)) throw explain(error, `The ${label} (${method})`, vm, testHint);
    const { outs } = await finish("notProtected");
    throw new errors.PartialFailureError(
      `The ${label} of ${vm} (${method} with vm ${secondary}) did not finish (${errors.errorMessage(error)}), and vSphere may have run it. ` +
        "It is recorded in the stack (result notProtected) so that the next `pulumi up` does not run it again; `pulumi refresh` of the group's FtSecondary shows where the group stands.",
      id,
      outs,
      [errors.errorMessage(error)],
      { operation, object, cause: error, fault: errors.faultOf(error) },
    );
  }

  if (!inputs.waitForProtection) return { id, outs: (await finish("notWaited")).outs };
  let protection: ProtectionOutcome;
  let why: string;
  try {
    protection = await waitForProtection(connection, primaryAfterTest(before, inputs.mode), "running", deadline);
    if (protection.reached) return { id, outs: (await finish("protected", protection)).outs };
    why = Date.now() >= deadline ? `within timeoutSeconds (${inputs.timeoutSeconds})` : "(vSphere does not leave its current state by itself)";
  } catch (error) {
    protection = { reached: false, last: {} };
    why = `(watching the group failed: ${errors.errorMessage(error)})`;
  }
  const { after, outs } = await finish("notProtected", protection);
  const state = describePrimaryState({ ...protection.last, faultToleranceState: after?.faultToleranceState ?? protection.last.faultToleranceState, needSecondaryReason: after?.needSecondaryReason ?? protection.last.needSecondaryReason });
  const secondaryNow = after?.secondaryVmId ? `the secondary ${after.secondaryVmId} is ${after.secondaryPowerState ?? "in an unknown power state"}` : "vSphere reports no secondary";
  throw new errors.PartialFailureError(
    `The ${label} of ${vm} ran (${method}), but the group was not running again ${why}. vSphere reports ${state}; ${secondaryNow}. ` +
      "The run is recorded in the stack (result notProtected); `pulumi refresh` of the group's FtSecondary shows when vSphere has it protected again.",
    id,
    outs,
    [`not protected: ${state}`],
    { operation, object },
  );
}
