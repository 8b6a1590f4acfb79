import * as pulumi from "@pulumi/pulumi";
import { ConflictError, NotFoundError, PartialFailureError, TimeoutError, ValidationError, VendorFaultError, errorMessage } from "../../../errors";
import { deadlineAfter } from "../../../http/waiter";
import { checkInputs } from "../../common/checkInputs";
import * as connection from "../../../veeam/connection";
import * as plans from "../../../veeam/plans";
import * as planState from "../../../veeam/state";
import { describePlan, validatePlanId } from "../../../veeam/ids";
import { failoverPlanRunSchema, type FailoverPlanRunInputs } from "./args";

/**
 * veeam:FailoverPlanRun: one failover of a Veeam Orchestrator plan as stack state.
 * - create: the plan must exist, be enabled and idle; Run/Failover; wait until stable; an error result fails (as a
 *   partial failure: the plan IS failed over, so the engine keeps the resource and a destroy can undo it).
 * - read: the plan's state; a plan no longer failed over (undone by hand, reset) is gone.
 * - update: undoOnDelete / timeoutSeconds only (no API call); every other input replaces (delete before create).
 * - delete: Undo and wait when undoOnDelete and the state allows it; otherwise leave the plan and say why.
 */

const INPUT_NAMES = ["planId", "restorePointDate", "executeChainedPlans", "undoOnDelete", "timeoutSeconds", "triggers"];
const REPLACING_INPUTS = ["planId", "restorePointDate", "executeChainedPlans", "triggers"];

function parseInputs(news: Record<string, unknown>): FailoverPlanRunInputs {
  const checked = checkInputs<FailoverPlanRunInputs>(failoverPlanRunSchema(), withoutProvider(news));
  if (checked.value === undefined) {
    const failure = checked.failures[0];
    throw new ValidationError(failure ? failure.reason : "The inputs of FailoverPlanRun are not known yet.", failure?.property ?? "(inputs)", {
      operation: "validate FailoverPlanRun",
    });
  }
  return checked.value;
}

function withoutProvider(values: Record<string, unknown>): Record<string, unknown> {
  // fromEntries defines own properties: `copy["__proto__"] = v` would set the prototype instead (and smuggle inherited inputs).
  return Object.fromEntries(Object.entries(values).filter(([key]) => key !== "__provider"));
}

function inputsOf(values: FailoverPlanRunInputs): Record<string, unknown> {
  return {
    planId: values.planId,
    restorePointDate: values.restorePointDate,
    executeChainedPlans: values.executeChainedPlans,
    undoOnDelete: values.undoOnDelete,
    timeoutSeconds: values.timeoutSeconds,
    triggers: values.triggers,
  };
}

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const checked = checkInputs<FailoverPlanRunInputs>(failoverPlanRunSchema(), withoutProvider(news));
  const inputs = news["__provider"] === undefined ? checked.inputs : { ...checked.inputs, __provider: news["__provider"] };
  return { inputs, failures: checked.failures };
}

/** Order-independent JSON text, so `{a,b}` and `{b,a}` compare equal. */
function canonical(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonical(member)}`).join(",")}}`;
}

const DEFAULTS: Record<string, unknown> = { executeChainedPlans: false, undoOnDelete: true, timeoutSeconds: 3600 };

function withDefault(values: Record<string, unknown>, key: string): unknown {
  const value = values[key];
  return value === undefined ? DEFAULTS[key] : value;
}

/** Pure: compares the inputs recorded in the old outputs with the new checked inputs. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const changed = INPUT_NAMES.filter((key) => canonical(withDefault(olds, key)) !== canonical(withDefault(news, key)));
  const replaces = changed.filter((key) => REPLACING_INPUTS.includes(key));
  return {
    changes: changed.length > 0,
    replaces,
    // A plan can hold one failover at a time: the old run must be undone before the new one can start.
    deleteBeforeReplace: replaces.length > 0,
    stables: ["planId", "startedAt"].filter((key) => !replaces.includes(key)),
  };
}

function runId(planId: string, startedAt: string): string {
  return `${planId}@${startedAt}`;
}

function planIdOf(id: string, props: Record<string, unknown>): string {
  const fromProps = props["planId"];
  if (typeof fromProps === "string" && fromProps !== "") return fromProps;
  const at = id.indexOf("@");
  return at >= 0 ? id.slice(0, at) : id;
}

function stateOutputs(status: planState.PlanStatus, conn: connection.VeeamConnection, recordedResult?: unknown): Record<string, unknown> {
  const fallback = recordedResult === "success" || recordedResult === "warning" || recordedResult === "error" ? recordedResult : "success";
  return {
    planName: status.name ?? status.planId,
    planState: status.state,
    planStateDetails: status.details,
    // While a run is still executing the server has no result yet: keep the recorded one.
    result: status.result ?? (status.phase === "halted" ? "error" : fallback),
    warningCount: status.warnings,
    errorCount: status.errors,
    progress: status.progress ?? (status.stable ? 100 : 0),
    apiVersion: conn.apiVersion,
  };
}

function refusal(status: planState.PlanStatus): string | undefined {
  const name = `"${status.name ?? status.planId}" (${status.planId})`;
  if (!status.enabled) return `Veeam plan ${name} is disabled: enable it in the Orchestrator before running a failover.`;
  if (status.running || !status.stable) return `Veeam plan ${name} is busy (state ${planState.describeStatus(status)}): wait until it is idle, then run \`pulumi up\` again.`;
  if (!planState.canStartFailover(status)) {
    return `Veeam plan ${name} is not ready for a failover: its state is ${planState.describeStatus(status)}. Undo or reset the plan first (or import the existing run).`;
  }
  return undefined;
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseInputs(news);
  const conn = await connection.veeamConnection();
  const object = describePlan(inputs.planId);
  let before: planState.PlanStatus;
  try {
    before = await plans.readPlanStatus(conn, inputs.planId);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new NotFoundError(`Veeam plan ${inputs.planId} does not exist on ${conn.endpoint.origin} (veeam:server): check planId.`, {
        operation: "create FailoverPlanRun",
        object,
        cause: error,
      });
    }
    throw error;
  }
  const refused = refusal(before);
  if (refused !== undefined) throw new ConflictError(refused, { operation: "create FailoverPlanRun", object, fault: { type: "PlanState", message: planState.describeStatus(before) } });

  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const startedAt = new Date().toISOString();
  const id = runId(inputs.planId, startedAt);
  await plans.startFailover(conn, inputs.planId, { restorePointDate: inputs.restorePointDate, executeChainedPlans: inputs.executeChainedPlans, deadline });

  const known = { ...inputsOf(inputs), planName: before.name ?? inputs.planId, startedAt, apiVersion: conn.apiVersion };
  let after: planState.PlanStatus;
  try {
    after = await plans.waitUntilStable(conn, inputs.planId, { operation: "failover", deadline, before });
  } catch (error) {
    const lastState = error instanceof TimeoutError ? error.lastState : undefined;
    throw new PartialFailureError(
      `The failover of Veeam plan "${known.planName}" started but did not finish within ${inputs.timeoutSeconds} s (${errorMessage(error)}). The run is recorded; \`pulumi refresh\` shows its state and \`pulumi destroy\` undoes it.`,
      id,
      { ...known, planState: lastState ?? "unknown", planStateDetails: "", result: "error", finishedAt: "", progress: 0 },
      [errorMessage(error)],
      { operation: "create FailoverPlanRun", object, cause: error },
    );
  }
  const finishedAt = new Date().toISOString();
  const outs = { ...known, ...stateOutputs(after, conn), startedAt, finishedAt };
  const failed = after.result === "error" || after.phase === "halted";
  // A state name this provider does not know is accepted when the server reports no errors; any known state other than
  // FAILOVER means the run did not leave the plan failed over.
  const elsewhere = !failed && after.phase !== "failedOver" && after.phase !== "other";
  if (failed || elsewhere) {
    const details = after.details || after.state;
    const summary = failed
      ? `ended with errors: ${details} (state ${after.state || after.phase})`
      : `did not leave the plan failed over: it ended in state ${planState.describeStatus(after)}`;
    const fault = new VendorFaultError(`Veeam plan "${known.planName}" failover ${summary}`, {
      operation: "failover",
      object,
      fault: { type: "FailoverError", message: details },
    });
    throw new PartialFailureError(
      `The failover of Veeam plan "${known.planName}" ${summary}. The plan is left as it is for inspection; \`pulumi destroy\` undoes it.`,
      id,
      { ...outs, result: "error" },
      [details],
      { operation: "create FailoverPlanRun", object, cause: fault, fault: { type: "FailoverError", message: details } },
    );
  }
  if (after.result === "warning") {
    warn(`Veeam plan "${known.planName}" failed over with warnings: ${after.details}.`);
  }
  return { id, outs };
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const planId = validatePlanId(planIdOf(id, props));
  const conn = await connection.veeamConnection();
  let status: planState.PlanStatus;
  try {
    status = await plans.readPlanStatus(conn, planId);
  } catch (error) {
    if (error instanceof NotFoundError) return { id: "", props: {} };
    throw error;
  }
  if (!planState.holdsFailover(status)) return { id: "", props: {} };
  const recorded = withoutProvider(props);
  const inputs = {
    planId,
    restorePointDate: recorded["restorePointDate"],
    executeChainedPlans: recorded["executeChainedPlans"] ?? false,
    undoOnDelete: recorded["undoOnDelete"] ?? true,
    timeoutSeconds: recorded["timeoutSeconds"] ?? 3600,
    triggers: recorded["triggers"],
  };
  const refreshed = {
    ...recorded,
    ...inputs,
    ...stateOutputs(status, conn, recorded["result"]),
    startedAt: typeof recorded["startedAt"] === "string" ? recorded["startedAt"] : "",
    finishedAt: typeof recorded["finishedAt"] === "string" && recorded["finishedAt"] !== "" ? recorded["finishedAt"] : status.stable ? new Date().toISOString() : "",
  };
  return { id, props: refreshed, inputs };
}

export async function update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseInputs(news);
  // Only undoOnDelete and timeoutSeconds update in place; they change what a later delete does, not the plan.
  return { outs: { ...withoutProvider(olds), ...inputsOf(inputs) } };
}

function warn(message: string): void {
  try {
    void pulumi.log.warn(message);
  } catch {
    // no engine to log to: the outcome is still in the outputs
  }
}

export async function delete_(id: string, props: Record<string, unknown>): Promise<void> {
  const planId = validatePlanId(planIdOf(id, props));
  const name = typeof props["planName"] === "string" ? `"${props["planName"]}"` : planId;
  if (props["undoOnDelete"] === false) {
    warn(`Veeam plan ${name} is left failed over because undoOnDelete is false.`);
    return;
  }
  const timeoutSeconds = typeof props["timeoutSeconds"] === "number" && props["timeoutSeconds"] > 0 ? props["timeoutSeconds"] : 3600;
  const deadline = deadlineAfter(timeoutSeconds);
  const conn = await connection.veeamConnection();
  let status: planState.PlanStatus;
  try {
    status = await plans.readPlanStatus(conn, planId);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
  if (status.phase === "failingOver") {
    // The failover (ours, e.g. after a timed-out create) is still executing: let it end before deciding.
    status = await plans.waitUntilStable(conn, planId, { operation: "failover", deadline, before: status });
  }
  if (status.phase === "undoingFailover") {
    await plans.waitUntilStable(conn, planId, { operation: "undo", deadline, before: status });
    return;
  }
  if (status.phase === "ready" || status.phase === "undone") return; // nothing left to undo
  if (!status.stable) {
    throw new ConflictError(`Veeam plan ${name} is busy (state ${planState.describeStatus(status)}): it cannot be undone now; run \`pulumi destroy\` again when it is idle.`, {
      operation: "delete FailoverPlanRun",
      object: describePlan(planId),
      fault: { type: "PlanState", message: planState.describeStatus(status) },
    });
  }
  if (!planState.canUndo(status)) {
    warn(`Veeam plan ${name} is left as it is: its state ${planState.describeStatus(status)} does not allow Undo.`);
    return;
  }
  await plans.startUndo(conn, planId);
  const after = await plans.waitUntilStable(conn, planId, { operation: "undo", deadline, before: status });
  if (after.result === "error" || after.phase === "halted") {
    throw new VendorFaultError(`Undo of Veeam plan ${name} ended with errors: ${after.details || after.state}.`, {
      operation: "delete FailoverPlanRun",
      object: describePlan(planId),
      fault: { type: "UndoError", message: after.details || after.state },
    });
  }
}

export { delete_ as delete };
