import type * as pulumi from "@pulumi/pulumi";
import { deadlineAfter } from "../../../deadline";
import * as errors from "../../../errors";
import * as connections from "../../../vsphere/connection";
import { isValidMoId } from "../../../vsphere/moref";
import { withVmLock } from "../../../vsphere/vmLock";
import * as declared from "../../common/declaration";
import { isUnknown } from "../../common/unknown";
import { connectForCheck, previewDeadline } from "../shared/check";
import { vmIdHint } from "../shared/vmIdHint";
import { readVmFacts, type PowerState, type VmFacts } from "../shared/vm";
import type { VmPowerStateInputs, VmPowerStateOutputs } from "./args";
import { vmFailures } from "./preconditions";
import { reach } from "./reach";
import { vmPowerStateDeclaration as declaration } from "./spec";

/**
 * CRUD of `vsphere:VmPowerState` (id = the VM's managed object id).
 *
 * - create/update: reach the declared state from whatever state the VM is in, one step at a time, reading
 *   `runtime.powerState` before each step (already there: no call at all). poweredOn: PowerOnVM_Task (also resumes a
 *   suspended VM). suspended: SuspendVM_Task (a powered-off VM is powered on first). poweredOff from poweredOn: guest
 *   mode asks the guest to shut down (ShutdownGuest answers 204 at once) and waits until runtime.powerState is
 *   poweredOff, then falls back to PowerOffVM_Task only when forceAfterTimeout allows it; hard mode or a suspended VM:
 *   PowerOffVM_Task. InvalidPowerState or a lost answer makes the loop read the state again instead of repeating blindly.
 * - read: the actual power state, tools status and host. `state` stays as declared, so a VM switched by hand shows as an
 *   update in the next preview. A VM that no longer exists removes the resource from the stack.
 * - delete: leaves the VM as it is.
 */

/** Rules across inputs; failures name the property. */
function crossFieldFailures(inputs: VmPowerStateInputs): pulumi.dynamic.CheckFailure[] {
  if (inputs.state === "poweredOff" && inputs.shutdownMode === "guest" && inputs.guestShutdownTimeoutSeconds >= inputs.timeoutSeconds) {
    return [
      {
        property: "guestShutdownTimeoutSeconds",
        reason: `guestShutdownTimeoutSeconds (${inputs.guestShutdownTimeoutSeconds}) must be less than timeoutSeconds (${inputs.timeoutSeconds}): the guest shutdown wait is part of the operation's deadline.`,
      },
    ];
  }
  return [];
}

function parseInputs(raw: Record<string, unknown>, operation: string): VmPowerStateInputs {
  const inputs = declared.parseInputs<VmPowerStateInputs>(declaration, raw, operation);
  const failure = crossFieldFailures(inputs)[0];
  if (failure) throw new errors.ValidationError(failure.reason, failure.property, { operation });
  return inputs;
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = declared.checkDeclared<VmPowerStateInputs>(declaration, news);
  const failures = [...result.failures];
  if (result.value) failures.push(...crossFieldFailures(result.value));
  const vmId = news["vmId"];
  const state = news["state"];
  const known = typeof vmId === "string" && !isUnknown(vmId) && typeof state === "string" && !isUnknown(state);
  const changed = olds["vmId"] !== vmId || olds["state"] !== state;
  // A live look costs API calls: only for a new VM or a new declared state (a no-op preview makes none).
  if (failures.length === 0 && known && changed) {
    const connection = await connectForCheck(declaration.type, "vmId", declared.namespaceOf(declaration, result.inputs));
    try {
      const facts = await readVmFacts(connection, vmId, `check ${declaration.type}`, previewDeadline());
      failures.push(...vmFailures({ vmId, state: state as PowerState }, facts));
    } catch (error) {
      if (!(error instanceof errors.NotFoundError)) throw error;
      failures.push({ property: "vmId", reason: `${errors.errorMessage(error)}${await vmIdHint(connection, vmId, previewDeadline())}` });
    }
  }
  return { inputs: result.inputs, failures };
}

/** Pure: the declared inputs against the recorded ones, plus drift of the actual power state found by refresh. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const inputs = declared.diffInputs(declaration, olds, news);
  const actual = olds["powerState"];
  const drifted = typeof actual === "string" && !inputs.changed.includes("state") && !isUnknown(news["state"]) && actual !== news["state"];
  return declared.diffResult(declaration, inputs, drifted ? ["state"] : []);
}

function outputsFrom(inputs: VmPowerStateInputs, facts: VmFacts, lastAction: string, endpoint: string): Record<string, unknown> {
  const observed: Omit<VmPowerStateOutputs, keyof VmPowerStateInputs | "endpoint"> = {
    powerState: facts.powerState,
    toolsRunningStatus: facts.toolsRunningStatus,
    host: facts.host,
    lastAction,
  };
  return declared.recordOutputs(declaration, inputs, observed, endpoint);
}

async function apply(inputs: VmPowerStateInputs, operation: string): Promise<Record<string, unknown>> {
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect(inputs.connection, deadline);
  return withVmLock(connection, inputs.vmId, async () => {
    const { facts, actions } = await reach(connection, inputs, deadline, operation);
    return outputsFrom(inputs, facts, actions.length > 0 ? actions.join("+") : "none", connection.endpointKey);
  });
}

export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseInputs(raw, `create ${declaration.type}`);
  return { id: inputs.vmId, outs: await apply(inputs, `create ${declaration.type}`) };
}

export async function update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseInputs(news, `update ${declaration.type}`);
  return { outs: await apply(inputs, `update ${declaration.type}`) };
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const operation = `read ${declaration.type}`;
  const vmId = typeof props["vmId"] === "string" ? props["vmId"] : id;
  if (!isValidMoId(vmId)) {
    throw new errors.ValidationError(`The resource id must be a VM managed object id such as "vm-42"; got ${JSON.stringify(vmId)}.`, "vmId", { operation });
  }
  const recorded = declared.recordedInputs(declaration, props);
  const deadline = deadlineAfter(typeof recorded["timeoutSeconds"] === "number" ? recorded["timeoutSeconds"] : 900);
  const connection = await connections.connect(declared.namespaceOf(declaration, props), deadline);
  let facts: VmFacts;
  try {
    facts = await readVmFacts(connection, vmId, operation, deadline);
  } catch (error) {
    if (error instanceof errors.NotFoundError) return { id: "", props: {} };
    throw error;
  }
  // Adopted by id (no recorded state): the declared state is the one the VM is in.
  const imported = typeof props["state"] !== "string";
  const inputs = { ...recorded, vmId, state: imported ? facts.powerState : recorded["state"] } as VmPowerStateInputs;
  const lastAction = typeof props["lastAction"] === "string" ? props["lastAction"] : "none";
  const outs = outputsFrom(inputs, facts, lastAction, connection.endpointKey);
  return imported ? { id: vmId, props: outs, inputs: { ...inputs } } : { id: vmId, props: outs };
}

/** Leaves the VM in whatever power state it is in. */
async function deleteImpl(_id: string, _props: Record<string, unknown>): Promise<void> {
  return;
}

export { deleteImpl as delete };
