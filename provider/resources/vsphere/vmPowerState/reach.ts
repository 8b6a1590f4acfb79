import { deadlineAfter } from "../../../deadline";
import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import * as power from "../../../vsphere/methods/power";
import { outcomeUnknown } from "../../../vsphere/tasks";
import { waitForProperties } from "../../../vsphere/watch";
import { runToEnd } from "../shared/tasks";
import { readVmFacts, toolsRunning, type VmFacts } from "../shared/vm";
import type { VmPowerStateInputs } from "./args";
import { vmFailures, vmObject } from "./preconditions";

/**
 * Reaching a declared power state from whatever state the VM is in, one step at a time, reading runtime.powerState
 * before each step. InvalidPowerState or a lost answer makes the loop read the state again instead of repeating blindly.
 */

const MAX_STEPS = 8;
const FORCED_POWER_OFF_GRACE_MS = 30_000;

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
export async function reach(connection: connections.VsphereConnection, inputs: VmPowerStateInputs, deadline: number, operation: string): Promise<{ facts: VmFacts; actions: string[] }> {
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
