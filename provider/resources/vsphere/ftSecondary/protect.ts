import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import * as declared from "../../common/declaration";
import type { FtSecondaryInputs } from "./args";
import { readGroupQuietly } from "./observe";
import { describePrimaryState, isProtected, waitForProtection, type PrimaryFtState } from "./protection";
import { ftSecondaryDeclaration as declaration } from "./spec";
import { describeVm, groupOutputs, type FtGroupView, type PowerOnRecord } from "./state";

/** The outputs of the resource for a group as read, with the last power-on record. */
export function recordGroup(connection: connections.VsphereConnection, inputs: FtSecondaryInputs, view: FtGroupView, power: PowerOnRecord, placedDisks: number): Record<string, unknown> {
  return declared.recordOutputs(declaration, inputs, groupOutputs(view, power, placedDisks), connection.endpointKey);
}

/** A few seconds past the deadline to read the group for the record of a group that did not get protected. */
const RECORD_GRACE_MS = 30_000;

/** What was just done to the group, for the operation and the message of a group that does not get protected. */
export interface ProtectionStep {
  /** "create FtSecondary" or "update FtSecondary". */
  operation: string;
  /** "Fault Tolerance was turned on", "The secondary was enabled". */
  done: string;
}

/** Why the group is not protected, when vSphere already said it will not be (no wait needed). */
function knownRefusal(power: PowerOnRecord): string | undefined {
  if (power.powerOnOutcome === "failed") return `(vSphere could not power the secondary on: ${(power.powerOnFault ?? "no fault given").replace(/\.$/, "")})`;
  if (power.powerOnOutcome === "pendingRecommendation") return "(the cluster's DRS is in manual mode: approve its power-on recommendation for the secondary)";
  return undefined;
}

/**
 * `waitForProtection`: after FT was turned on or the secondary enabled, waits until the group is protected as far as
 * the primary's power state allows (running; enabled when the primary is off) and returns the outputs of the group
 * then. A group that does not get there is a PartialFailureError carrying the group (it exists and must be recorded),
 * saying what vSphere reports. A power-on that vSphere reported as failed, or a recommendation waiting for approval,
 * is reported at once instead of waited for.
 */
export async function untilProtected(
  connection: connections.VsphereConnection,
  inputs: FtSecondaryInputs,
  view: FtGroupView,
  power: PowerOnRecord,
  placedDisks: number,
  deadline: number,
  step: ProtectionStep,
): Promise<Record<string, unknown>> {
  const record = (group: FtGroupView): Record<string, unknown> => recordGroup(connection, inputs, group, power, placedDisks);
  if (!inputs.waitForProtection || !inputs.enabled) return record(view);
  const now: PrimaryFtState = { role: view.role === "none" ? "none" : "primary", faultToleranceState: view.faultToleranceState, powerState: view.primaryPowerState };
  // Protected already when the group was read: no wait, no further read.
  if (isProtected(now, "protected")) return record(view);
  const readAgain = (): Promise<FtGroupView | undefined> => readGroupQuietly(connection, inputs.vmId, { deadline: Date.now() + RECORD_GRACE_MS, expected: [view.secondaryVmId, view.primaryVmId] });
  let seen: PrimaryFtState = { faultToleranceState: view.faultToleranceState, needSecondaryReason: view.needSecondaryReason };
  let why = knownRefusal(power);
  if (why === undefined) {
    try {
      const outcome = await waitForProtection(connection, view.primaryVmId, "protected", deadline);
      if (outcome.reached) return record((await readAgain()) ?? { ...view, faultToleranceState: outcome.last.faultToleranceState ?? view.faultToleranceState });
      seen = outcome.last;
      why = Date.now() >= deadline ? `within timeoutSeconds (${inputs.timeoutSeconds})` : "(vSphere does not leave its current state by itself)";
    } catch (error) {
      // The group exists whatever went wrong while watching it: it is recorded, never lost.
      why = `(watching the group failed: ${errors.errorMessage(error)})`;
    }
  }
  const group = (await readAgain()) ?? { ...view, faultToleranceState: seen.faultToleranceState ?? view.faultToleranceState, needSecondaryReason: seen.needSecondaryReason };
  const state = describePrimaryState({ ...seen, faultToleranceState: group.faultToleranceState, needSecondaryReason: group.needSecondaryReason ?? seen.needSecondaryReason });
  const vm = describeVm(group.primaryVmId, group.primaryVmId === inputs.vmId ? (group.vmName ?? view.vmName) : undefined);
  const secondary = group.secondaryVmId ? `the secondary ${group.secondaryVmId} is ${group.secondaryPowerState ?? "in an unknown power state"}` : "vSphere reports no secondary";
  throw new errors.PartialFailureError(
    `${step.done} for ${vm}, but the group was not protected ${why}. vSphere reports ${state}; ${secondary}. ` +
      "The group is recorded in the stack: `pulumi refresh` shows when vSphere has the secondary running, `pulumi destroy` turns FT off. Set waitForProtection: false not to wait.",
    inputs.vmId,
    record(group),
    [`not protected: ${state}`],
    { operation: step.operation, object: `VirtualMachine:${inputs.vmId}` },
  );
}
