import type * as pulumi from "@pulumi/pulumi";
import * as errors from "../../../errors";
import { deadlineAfter, waitFor } from "../../../http/waiter";
import * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import * as power from "../../../vsphere/methods/power";
import { isValidMoId } from "../../../vsphere/moref";
import { readProperties } from "../../../vsphere/properties";
import { withVmLock } from "../../../vsphere/vmLock";
import { checkInputs } from "../../common/checkInputs";
import { isUnknown } from "../../common/unknown";
import { connectForCheck } from "../shared/check";
import { isAmbiguousStart, retryWhileBusy, runTask } from "../shared/tasks";
import { isFaultTolerant, readVmFacts, toolsRunning, type PowerState, type VmFacts } from "../shared/vm";
import * as args from "./args";
import { vmPowerStateSchema, type VmPowerStateInputs, type VmPowerStateOutputs } from "./args";

/**
 * CRUD of `vsphere:VmPowerState` (id = the VM's managed object id).
 *
 * - create/update: reach the declared state from whatever state the VM is in, one step at a time, reading
 *   `runtime.powerState` before each step (already there: no call at all). poweredOn: PowerOnVM_Task (also resumes a
 *   suspended VM). suspended: SuspendVM_Task (a powered-off VM is powered on first). poweredOff from poweredOn: guest
 *   mode asks the guest to shut down (ShutdownGuest answers 204 at once) and waits until runtime.powerState is
 *   poweredOff, then falls back to PowerOffVM_Task only when forceAfterTimeout allows it; hard mode or a suspended VM:
 *   PowerOffVM_Task. Mutating work is serialized per VM; TaskInProgress from another client is retried until the deadline;
 *   InvalidPowerState or an ambiguous connection failure makes the loop read the state again instead of repeating blindly.
 * - read: the actual power state, tools status and host. `state` stays as declared, so a VM switched by hand shows as an
 *   update in the next preview. A VM that no longer exists removes the resource from the stack.
 * - delete: leaves the VM as it is.
 */

const RESOURCE = "VmPowerState";
const MAX_STEPS = 8;
const FORCED_POWER_OFF_GRACE_MS = 30_000;

function vmObject(vmId: string): string {
  return `VirtualMachine:${vmId}`;
}

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
  const result = checkInputs<VmPowerStateInputs>(vmPowerStateSchema(), raw, args.VM_POWER_STATE_OUTPUT_NAMES);
  const failures = [...result.failures, ...(result.value ? crossFieldFailures(result.value) : [])];
  const first = failures[0];
  if (first) throw new errors.ValidationError(first.reason, first.property, { operation });
  if (!result.value) throw new errors.ValidationError(`${RESOURCE} inputs must be known before ${operation}.`, "(inputs)", { operation });
  return result.value;
}

/** Refusals that depend on the VM itself (not on its current power state); each names the input at fault. */
function vmFailures(inputs: Pick<VmPowerStateInputs, "vmId" | "state">, facts: VmFacts): pulumi.dynamic.CheckFailure[] {
  if (facts.template) {
    return [{ property: "vmId", reason: `vmId: ${inputs.vmId} is a template; a template cannot be powered on, off or suspended.` }];
  }
  if (facts.ftRole === "secondary") {
    return [
      {
        property: "vmId",
        reason: `vmId: ${inputs.vmId} is a Fault Tolerance secondary VM; vSphere powers secondaries together with their primary, so declare the power state of the primary VM instead.`,
      },
    ];
  }
  if (inputs.state === "suspended" && isFaultTolerant(facts)) {
    return [{ property: "state", reason: `state: ${inputs.vmId} is a Fault Tolerance VM, and vSphere cannot suspend Fault Tolerance VMs; declare poweredOn or poweredOff.` }];
  }
  return [];
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = checkInputs<VmPowerStateInputs>(vmPowerStateSchema(), news, args.VM_POWER_STATE_OUTPUT_NAMES);
  const failures = [...result.failures];
  if (result.value) failures.push(...crossFieldFailures(result.value));
  const vmId = news["vmId"];
  const state = news["state"];
  const known = typeof vmId === "string" && !isUnknown(vmId) && typeof state === "string" && !isUnknown(state);
  const changed = olds["vmId"] !== vmId || olds["state"] !== state;
  if (failures.length === 0 && known && changed) {
    const connection = await connectForCheck(RESOURCE, "vmId");
    try {
      const facts = await readVmFacts(connection, vmId, `check ${RESOURCE}`);
      failures.push(...vmFailures({ vmId, state: state as PowerState }, facts));
    } catch (error) {
      if (!(error instanceof errors.NotFoundError)) throw error;
      failures.push({ property: "vmId", reason: errors.errorMessage(error) });
    }
  }
  return { inputs: result.inputs, failures };
}

const INPUT_DEFAULTS: Record<string, unknown> = {
  shutdownMode: "guest",
  guestShutdownTimeoutSeconds: 300,
  forceAfterTimeout: true,
  timeoutSeconds: 900,
};

/** Pure: the inputs recorded in the old outputs against the new checked inputs, plus drift of the actual power state. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  if (isUnknown(news["vmId"]) || olds["vmId"] !== news["vmId"]) replaces.push("vmId");
  const changed: string[] = [];
  for (const key of ["state", "shutdownMode", "guestShutdownTimeoutSeconds", "forceAfterTimeout", "timeoutSeconds"]) {
    const before = olds[key] ?? INPUT_DEFAULTS[key];
    const after = news[key] ?? INPUT_DEFAULTS[key];
    if (isUnknown(after) || before !== after) changed.push(key);
  }
  // Drift: refresh recorded the actual power state; it differs from the declared one, so `up` must act again.
  const actual = olds["powerState"];
  if (typeof actual === "string" && !changed.includes("state") && actual !== news["state"]) changed.push("state");
  return { changes: replaces.length > 0 || changed.length > 0, replaces, deleteBeforeReplace: false };
}

function outputsFrom(inputs: VmPowerStateInputs, facts: VmFacts, lastAction: string): VmPowerStateOutputs {
  return {
    vmId: inputs.vmId,
    state: inputs.state,
    shutdownMode: inputs.shutdownMode,
    guestShutdownTimeoutSeconds: inputs.guestShutdownTimeoutSeconds,
    forceAfterTimeout: inputs.forceAfterTimeout,
    timeoutSeconds: inputs.timeoutSeconds,
    powerState: facts.powerState,
    toolsRunningStatus: facts.toolsRunningStatus,
    host: facts.host,
    lastAction,
  };
}

function toolsRefusal(inputs: VmPowerStateInputs, facts: VmFacts, operation: string, cause?: unknown): errors.ConflictError {
  const status = facts.toolsRunningStatus ?? "unknown";
  return new errors.ConflictError(
    `${inputs.vmId} cannot be shut down through the guest: VMware Tools is not running in it (guest.toolsRunningStatus = ${status}), and forceAfterTimeout is false, so it was not powered off hard. Start VMware Tools in the guest, set shutdownMode: "hard", or set forceAfterTimeout: true.`,
    { operation, object: vmObject(inputs.vmId), cause, fault: { type: "ToolsUnavailable" } },
  );
}

async function hardPowerOff(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<void> {
  await runTask(connection, `PowerOffVM_Task on ${vmObject(vmId)}`, deadline, () => power.powerOffVm(connection, vmId));
}

async function powerOn(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<void> {
  await runTask(connection, `PowerOnVM_Task on ${vmObject(vmId)}`, deadline, () => power.powerOnVm(connection, vmId));
}

async function readPowerState(connection: connections.VsphereConnection, vmId: string): Promise<string> {
  const values = await readProperties(connection, { type: "VirtualMachine", value: vmId }, ["runtime.powerState"]);
  return String(values["runtime.powerState"] ?? "unknown");
}

/** A suspended VM cannot shut down: power it off hard; a server that refuses that (the spec lists poweredOn as the only state) gets a resume first. */
async function powerOffSuspended(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<string> {
  try {
    await hardPowerOff(connection, vmId, deadline);
    return "powerOff";
  } catch (error) {
    const existing = (error as errors.VmAvailabilityError).fault?.details?.["existingState"];
    if (!isFault(error, "InvalidPowerState") || existing !== "suspended") throw error;
  }
  await powerOn(connection, vmId, deadline);
  await hardPowerOff(connection, vmId, deadline);
  return "powerOn+powerOff";
}

/** ShutdownGuest, then wait for runtime.powerState to leave poweredOn; fall back to a hard power-off when allowed. */
async function guestShutdown(
  connection: connections.VsphereConnection,
  inputs: VmPowerStateInputs,
  facts: VmFacts,
  deadline: number,
  operation: string,
): Promise<string> {
  const vmId = inputs.vmId;
  const forced = async (reason: string): Promise<string> => {
    await hardPowerOff(connection, vmId, Math.max(deadline, Date.now() + FORCED_POWER_OFF_GRACE_MS));
    return reason;
  };
  // Known not running: no point asking. Unknown (the server did not report it): ask, and let vSphere answer ToolsUnavailable.
  if (facts.toolsRunningStatus !== undefined && !toolsRunning(facts.toolsRunningStatus)) {
    if (!inputs.forceAfterTimeout) throw toolsRefusal(inputs, facts, operation);
    return forced("powerOff");
  }
  try {
    await retryWhileBusy(`ShutdownGuest on ${vmObject(vmId)}`, deadline, () => power.shutdownGuest(connection, vmId));
  } catch (error) {
    if (isFault(error, "ToolsUnavailable")) {
      if (!inputs.forceAfterTimeout) throw toolsRefusal(inputs, facts, operation, error);
      return forced("powerOff");
    }
    // A lost answer may still have reached the guest: watch the power state rather than asking twice.
    if (!isAmbiguousStart(error)) throw error;
  }
  const waitStart = Date.now();
  const guestDeadline = Math.min(deadlineAfter(inputs.guestShutdownTimeoutSeconds), deadline);
  try {
    await waitFor<string>({
      what: `the guest of ${vmObject(vmId)} to shut down (runtime.powerState poweredOff)`,
      operation: "ShutdownGuest",
      object: vmObject(vmId),
      deadline: guestDeadline,
      initialDelayMs: 250,
      maxDelayMs: 5_000,
      observe: async () => {
        const state = await readPowerState(connection, vmId);
        return state === "poweredOn" ? { done: false, state } : { done: true, value: state };
      },
    });
    return "guestShutdown";
  } catch (error) {
    if (!(error instanceof errors.TimeoutError)) throw error;
    const waited = Math.round((Date.now() - waitStart) / 1000);
    if (!inputs.forceAfterTimeout) {
      throw new errors.TimeoutError(
        `The guest of ${vmId} did not shut down within ${waited} s (runtime.powerState is still ${error.lastState ?? "poweredOn"}); forceAfterTimeout is false, so it was not powered off hard. The guest may still finish shutting down: run \`pulumi refresh\` to see its state, or raise guestShutdownTimeoutSeconds.`,
        error.lastState,
        { operation, object: vmObject(vmId), cause: error },
      );
    }
    try {
      return await forced("guestShutdownThenPowerOff");
    } catch (powerOffError) {
      // The guest finished shutting down between the last look and the power-off: that is the declared state.
      if (isFault(powerOffError, "InvalidPowerState") && (await readPowerState(connection, vmId)) === "poweredOff") return "guestShutdown";
      throw powerOffError;
    }
  }
}

/** One step from the current state towards the declared one. Returns the action taken. */
async function step(connection: connections.VsphereConnection, inputs: VmPowerStateInputs, facts: VmFacts, deadline: number, operation: string): Promise<string> {
  const vmId = inputs.vmId;
  switch (inputs.state) {
    case "poweredOn":
      await powerOn(connection, vmId, deadline);
      return "powerOn";
    case "suspended":
      if (facts.powerState === "poweredOff") {
        await powerOn(connection, vmId, deadline);
        return "powerOn";
      }
      await runTask(connection, `SuspendVM_Task on ${vmObject(vmId)}`, deadline, () => power.suspendVm(connection, vmId));
      return "suspend";
    case "poweredOff":
      if (facts.powerState === "suspended") return powerOffSuspended(connection, vmId, deadline);
      if (inputs.shutdownMode === "hard") {
        await hardPowerOff(connection, vmId, deadline);
        return "powerOff";
      }
      return guestShutdown(connection, inputs, facts, deadline, operation);
  }
}

/** Reaches the declared state; returns the final facts and the actions taken (none when the VM was already there). */
async function reach(connection: connections.VsphereConnection, inputs: VmPowerStateInputs, deadline: number, operation: string): Promise<{ facts: VmFacts; actions: string[] }> {
  const actions: string[] = [];
  let facts = await readVmFacts(connection, inputs.vmId, operation);
  const refusal = vmFailures(inputs, facts)[0];
  if (refusal) throw new errors.ValidationError(refusal.reason, refusal.property, { operation, object: vmObject(inputs.vmId) });
  for (let round = 0; round < MAX_STEPS; round += 1) {
    if (facts.powerState === inputs.state) return { facts, actions };
    try {
      actions.push(await step(connection, inputs, facts, deadline, operation));
    } catch (error) {
      // The VM changed state under us, or a request's answer was lost: look again and take the step that is needed now.
      const ambiguous = error instanceof errors.ConnectionError && error.requestSent;
      if (!isFault(error, "InvalidPowerState") && !ambiguous) throw error;
      if (Date.now() >= deadline) throw error;
    }
    facts = await readVmFacts(connection, inputs.vmId, operation);
  }
  if (facts.powerState === inputs.state) return { facts, actions };
  throw new errors.ConflictError(
    `${inputs.vmId} did not stay in ${inputs.state} after ${MAX_STEPS} steps (${actions.join(", ") || "none"}); it is ${facts.powerState}. Something else is changing its power state.`,
    { operation, object: vmObject(inputs.vmId) },
  );
}

async function apply(inputs: VmPowerStateInputs, operation: string): Promise<VmPowerStateOutputs> {
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect();
  return withVmLock(inputs.vmId, async () => {
    const { facts, actions } = await reach(connection, inputs, deadline, operation);
    return outputsFrom(inputs, facts, actions.length > 0 ? actions.join("+") : "none");
  });
}

export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${RESOURCE}`;
  const inputs = parseInputs(raw, operation);
  const outs = await apply(inputs, operation);
  return { id: inputs.vmId, outs };
}

export async function update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const operation = `update ${RESOURCE}`;
  const inputs = parseInputs(news, operation);
  return { outs: await apply(inputs, operation) };
}

/** The inputs recorded in state; an import (id only) declares the state the VM is in. */
function recordedInputs(vmId: string, props: Record<string, unknown>, actual: PowerState): VmPowerStateInputs {
  const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);
  const seconds = (value: unknown, fallback: number): number => (typeof value === "number" && Number.isInteger(value) && value > 0 ? value : fallback);
  return {
    vmId,
    state: oneOf(props["state"], ["poweredOn", "poweredOff", "suspended"] as const, actual),
    shutdownMode: oneOf(props["shutdownMode"], ["guest", "hard"] as const, "guest"),
    guestShutdownTimeoutSeconds: seconds(props["guestShutdownTimeoutSeconds"], 300),
    forceAfterTimeout: typeof props["forceAfterTimeout"] === "boolean" ? props["forceAfterTimeout"] : true,
    timeoutSeconds: seconds(props["timeoutSeconds"], 900),
  };
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const operation = `read ${RESOURCE}`;
  const vmId = typeof props["vmId"] === "string" ? props["vmId"] : id;
  if (!isValidMoId(vmId)) {
    throw new errors.ValidationError(`The resource id must be a VM managed object id such as "vm-42"; got ${JSON.stringify(vmId)}.`, "vmId", { operation });
  }
  const connection = await connections.connect();
  let facts: VmFacts;
  try {
    facts = await readVmFacts(connection, vmId, operation);
  } catch (error) {
    if (error instanceof errors.NotFoundError) return { id: "", props: {} };
    throw error;
  }
  const inputs = recordedInputs(vmId, props, facts.powerState);
  const lastAction = typeof props["lastAction"] === "string" ? props["lastAction"] : "none";
  const outs = outputsFrom(inputs, facts, lastAction);
  const imported = typeof props["state"] !== "string";
  return imported ? { id: vmId, props: outs, inputs: { ...inputs } } : { id: vmId, props: outs };
}

/** Leaves the VM in whatever power state it is in. */
export async function delete_(_id: string, _props: Record<string, unknown>): Promise<void> {
  return;
}

export { delete_ as delete };
