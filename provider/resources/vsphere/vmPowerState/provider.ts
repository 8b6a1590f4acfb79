import type * as pulumi from "@pulumi/pulumi";
import { deadlineAfter } from "../../../deadline";
import * as errors from "../../../errors";
import * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import * as power from "../../../vsphere/methods/power";
import { isValidMoId } from "../../../vsphere/moref";
import { outcomeUnknown } from "../../../vsphere/tasks";
import { waitForProperties } from "../../../vsphere/watch";
import { withVmLock } from "../../../vsphere/vmLock";
import * as declared from "../../common/declaration";
import { isUnknown } from "../../common/unknown";
import { connectForCheck, previewDeadline } from "../shared/check";
import { vmIdHint } from "../shared/vmIdHint";
import { runToEnd } from "../shared/tasks";
import { isFaultTolerant, readVmFacts, toolsRunning, type PowerState, type VmFacts } from "../shared/vm";
import type { VmPowerStateInputs, VmPowerStateOutputs } from "./args";
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
  const inputs = declared.parseInputs<VmPowerStateInputs>(declaration, raw, operation);
  const failure = crossFieldFailures(inputs)[0];
  if (failure) throw new errors.ValidationError(failure.reason, failure.property, { operation });
  return inputs;
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

function toolsRefusal(inputs: VmPowerStateInputs, facts: VmFacts, operation: string, cause?: unknown): errors.ConflictError {
  const status = facts.toolsRunningStatus ?? "unknown";
  return new errors.ConflictError(
    `${inputs.vmId} cannot be shut down through the guest: VMware Tools is not running in it (guest.toolsRunningStatus = ${status}), and forceAfterTimeout is false, so it was not powered off hard. Start VMware Tools in the guest, set shutdownMode: "hard", or set forceAfterTimeout: true.`,
    { operation, object: vmObject(inputs.vmId), cause, fault: { type: "ToolsUnavailable" } },
  );
}

async function hardPowerOff(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<void> {
  await runToEnd(connection, (options) => power.powerOffVm(connection, vmId, options), { deadline });
}

async function powerOn(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<void> {
  await runToEnd(connection, (options) => power.powerOnVm(connection, vmId, options), { deadline });
}

/** A suspended VM cannot shut down: power it off hard; a server that refuses that (the spec lists poweredOn as the only state) gets a resume first. */
async function powerOffSuspended(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<string> {
  try {
    await hardPowerOff(connection, vmId, deadline);
    return "powerOff";
  } catch (error) {
    const existing = errors.faultOf(error)?.details?.["existingState"];
    if (!isFault(error, "InvalidPowerState") || existing !== "suspended") throw error;
  }
  await powerOn(connection, vmId, deadline);
  await hardPowerOff(connection, vmId, deadline);
  return "powerOn+powerOff";
}

/** ShutdownGuest, then wait for runtime.powerState to leave poweredOn; fall back to a hard power-off when allowed. */
async function guestShutdown(connection: connections.VsphereConnection, inputs: VmPowerStateInputs, facts: VmFacts, deadline: number, operation: string): Promise<string> {
  const vmId = inputs.vmId;
  const forced = async (action: string): Promise<string> => {
    await hardPowerOff(connection, vmId, Math.max(deadline, Date.now() + FORCED_POWER_OFF_GRACE_MS));
    return action;
  };
  // Known not running: no point asking. Unknown (the server did not report it): ask, and let vSphere answer ToolsUnavailable.
  if (facts.toolsRunningStatus !== undefined && !toolsRunning(facts.toolsRunningStatus)) {
    if (!inputs.forceAfterTimeout) throw toolsRefusal(inputs, facts, operation);
    return forced("powerOff");
  }
  try {
    await power.shutdownGuest(connection, vmId, { deadline });
  } catch (error) {
    if (isFault(error, "ToolsUnavailable")) {
      if (!inputs.forceAfterTimeout) throw toolsRefusal(inputs, facts, operation, error);
      return forced("powerOff");
    }
    // A lost answer may still have reached the guest: watch the power state rather than asking twice.
    if (!outcomeUnknown(error)) throw error;
  }
  const waitStart = Date.now();
  const shutdown = await waitForProperties(connection, { type: "VirtualMachine", value: vmId }, ["runtime.powerState"], (values) => values["runtime.powerState"] !== "poweredOn", {
    deadline: Math.min(deadlineAfter(inputs.guestShutdownTimeoutSeconds), deadline),
    what: `the guest of ${vmObject(vmId)} to shut down (runtime.powerState poweredOff)`,
    describe: (values) => String(values["runtime.powerState"] ?? "unknown"),
    initialDelayMs: 250,
    maxDelayMs: 5_000,
  });
  if (shutdown.reached) return "guestShutdown";
  const lastState = String(shutdown.values?.["runtime.powerState"] ?? "poweredOn");
  if (!inputs.forceAfterTimeout) {
    const waited = Math.round((Date.now() - waitStart) / 1000);
    throw new errors.TimeoutError(
      `The guest of ${vmId} did not shut down within ${waited} s (runtime.powerState is still ${lastState}); forceAfterTimeout is false, so it was not powered off hard. The guest may still finish shutting down: run \`pulumi refresh\` to see its state, or raise guestShutdownTimeoutSeconds.`,
      lastState,
      { operation, object: vmObject(vmId) },
    );
  }
  try {
    return await forced("guestShutdownThenPowerOff");
  } catch (powerOffError) {
    // The guest finished shutting down between the last look and the power-off: that is the declared state.
    if (isFault(powerOffError, "InvalidPowerState") && (await readVmFacts(connection, vmId, operation, deadline)).powerState === "poweredOff") return "guestShutdown";
    throw powerOffError;
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
      await runToEnd(connection, (options) => power.suspendVm(connection, vmId, options), { deadline });
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
  let facts = await readVmFacts(connection, inputs.vmId, operation, deadline);
  const refusal = vmFailures(inputs, facts)[0];
  if (refusal) throw new errors.ValidationError(refusal.reason, refusal.property, { operation, object: vmObject(inputs.vmId) });
  for (let round = 0; round < MAX_STEPS; round += 1) {
    if (facts.powerState === inputs.state) return { facts, actions };
    try {
      actions.push(await step(connection, inputs, facts, deadline, operation));
    } catch (error) {
      // The VM changed state under us, or a request's answer was lost: look again and take the step that is needed now.
      if (!isFault(error, "InvalidPowerState") && !outcomeUnknown(error)) throw error;
      if (Date.now() >= deadline) throw error;
    }
    facts = await readVmFacts(connection, inputs.vmId, operation, deadline);
  }
  if (facts.powerState === inputs.state) return { facts, actions };
  throw new errors.ConflictError(
    `${inputs.vmId} did not stay in ${inputs.state} after ${MAX_STEPS} steps (${actions.join(", ") || "none"}); it is ${facts.powerState}. Something else is changing its power state.`,
    { operation, object: vmObject(inputs.vmId) },
  );
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
