import * as pulumi from "@pulumi/pulumi";
import { deadlineAfter, PREVIEW_READ_SECONDS } from "../../../deadline";
import { ConflictError, NotFoundError, PartialFailureError, TimeoutError, VendorFaultError, errorMessage } from "../../../errors";
import * as connection from "../../../veeam/connection";
import { describePlan, validatePlanId } from "../../../veeam/ids";
import * as plans from "../../../veeam/plans";
import * as planState from "../../../veeam/state";
import * as declared from "../../common/declaration";
import type { FailoverPlanRunInputs, FailoverPlanRunOutputs, RunResult } from "./args";
import { failoverPlanRunDeclaration as declaration } from "./spec";

/**
 * CRUD of `veeam:FailoverPlanRun` (id = `<planId>@<startedAt>`): one failover of a Veeam Orchestrator plan as stack state.
 * - create: the plan must exist, be enabled and idle; Run/Failover; wait until stable; an error result fails (as a
 *   partial failure: the plan IS failed over, so the engine keeps the resource and a destroy can undo it). One deadline
 *   (`timeoutSeconds`) bounds everything, the connection and each request included.
 * - read: the plan's state; a plan no longer failed over (undone by hand, reset) is gone.
 * - update: undoOnDelete / timeoutSeconds (and a `connection` naming the same server) only, without an API call; every
 *   other input replaces (delete before create).
 * - delete: Undo and wait when undoOnDelete and the state allows it; otherwise leave the plan and say why.
 */

type Observed = Omit<FailoverPlanRunOutputs, keyof FailoverPlanRunInputs | "endpoint">;

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = declared.checkDeclared<FailoverPlanRunInputs>(declaration, news);
  return { inputs: result.inputs, failures: result.failures };
}

/** Pure: the inputs recorded in the old outputs against the new checked inputs. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const inputs = declared.diffInputs(declaration, olds, news);
  return { ...declared.diffResult(declaration, inputs), stables: ["planId", "startedAt"].filter((key) => !inputs.replaces.includes(key)) };
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

function recordedResult(value: unknown): RunResult {
  return value === "success" || value === "warning" || value === "error" ? value : "success";
}

/** What the plan's status says, for the outputs. While a run is still executing the server has no result yet: the recorded one stays. */
function stateOutputs(status: planState.PlanStatus, conn: connection.VeeamConnection, recorded?: unknown): Omit<Observed, "startedAt" | "finishedAt"> {
  return {
    planName: status.name ?? status.planId,
    planState: status.state,
    planStateDetails: status.details,
    result: status.result ?? (status.phase === "halted" ? "error" : recordedResult(recorded)),
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

async function readBeforeRun(conn: connection.VeeamConnection, planId: string, deadline: number, operation: string): Promise<planState.PlanStatus> {
  try {
    return await plans.readPlanStatus(conn, planId, { deadline });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(`Veeam plan ${planId} does not exist on ${conn.endpoint.origin} (${conn.endpoint.settingKey}): check planId.`, {
      operation,
      object: describePlan(planId),
      cause: error,
    });
  }
}

export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${declaration.type}`;
  const inputs = declared.parseInputs<FailoverPlanRunInputs>(declaration, raw, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const conn = await connection.veeamConnection(inputs.connection, deadline);
  const object = describePlan(inputs.planId);
  const before = await readBeforeRun(conn, inputs.planId, deadline, operation);
  const refused = refusal(before);
  if (refused !== undefined) throw new ConflictError(refused, { operation, object, fault: { type: "PlanState", message: planState.describeStatus(before) } });

  const startedAt = new Date().toISOString();
  const id = runId(inputs.planId, startedAt);
  await plans.startFailover(conn, inputs.planId, { restorePointDate: inputs.restorePointDate, executeChainedPlans: inputs.executeChainedPlans, deadline });

  const planName = before.name ?? inputs.planId;
  const record = (observed: Omit<Observed, "planName" | "startedAt" | "apiVersion">): Record<string, unknown> =>
    declared.recordOutputs(declaration, inputs, { ...observed, planName, startedAt, apiVersion: conn.apiVersion }, conn.endpointKey);
  let after: planState.PlanStatus;
  try {
    after = await plans.waitUntilStable(conn, inputs.planId, { operation: "failover", deadline, before });
  } catch (error) {
    const lastState = error instanceof TimeoutError ? error.lastState : undefined;
    throw new PartialFailureError(
      `The failover of Veeam plan "${planName}" started but did not finish within ${inputs.timeoutSeconds} s (${errorMessage(error)}). The run is recorded; \`pulumi refresh\` shows its state and \`pulumi destroy\` undoes it.`,
      id,
      record({ planState: lastState ?? "unknown", planStateDetails: "", result: "error", finishedAt: "", progress: 0 }),
      [errorMessage(error)],
      { operation, object, cause: error },
    );
  }
  const finishedAt = new Date().toISOString();
  const outs = record({ ...stateOutputs(after, conn), finishedAt });
  const failed = after.result === "error" || after.phase === "halted";
  // A state name this provider does not know is accepted when the server reports no errors; any known state other than
  // FAILOVER means the run did not leave the plan failed over.
  const elsewhere = !failed && after.phase !== "failedOver" && after.phase !== "other";
  if (failed || elsewhere) {
    const details = after.details || after.state;
    const summary = failed
      ? `ended with errors: ${details} (state ${after.state || after.phase})`
      : `did not leave the plan failed over: it ended in state ${planState.describeStatus(after)}`;
    const fault = { type: "FailoverError", message: details };
    throw new PartialFailureError(
      `The failover of Veeam plan "${planName}" ${summary}. The plan is left as it is for inspection; \`pulumi destroy\` undoes it.`,
      id,
      { ...outs, result: "error" },
      [details],
      { operation, object, fault, cause: new VendorFaultError(`Veeam plan "${planName}" failover ${summary}`, { operation: "failover", object, fault }) },
    );
  }
  if (after.result === "warning") warn(`Veeam plan "${planName}" failed over with warnings: ${after.details}.`);
  return { id, outs };
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const planId = validatePlanId(planIdOf(id, props));
  const recorded = declared.recordedInputs(declaration, props) as Partial<FailoverPlanRunInputs>;
  // A refresh is a few reads: bounded by the run's own timeout, and never longer than a preview's reads.
  const deadline = deadlineAfter(Math.min(recorded.timeoutSeconds ?? PREVIEW_READ_SECONDS, PREVIEW_READ_SECONDS));
  const conn = await connection.veeamConnection(declared.namespaceOf(declaration, props), deadline);
  let status: planState.PlanStatus;
  try {
    status = await plans.readPlanStatus(conn, planId, { deadline });
  } catch (error) {
    if (error instanceof NotFoundError) return { id: "", props: {} };
    throw error;
  }
  if (!planState.holdsFailover(status)) return { id: "", props: {} };
  const inputs = { ...recorded, planId };
  const recordedFinish = props["finishedAt"];
  const observed: Observed = {
    ...stateOutputs(status, conn, props["result"]),
    startedAt: typeof props["startedAt"] === "string" ? props["startedAt"] : "",
    finishedAt: typeof recordedFinish === "string" && recordedFinish !== "" ? recordedFinish : status.stable ? new Date().toISOString() : "",
  };
  return { id, props: declared.recordOutputs(declaration, inputs, observed, conn.endpointKey), inputs };
}

export async function update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = declared.parseInputs<FailoverPlanRunInputs>(declaration, news, `update ${declaration.type}`);
  // Only what a later delete does changes (undoOnDelete, timeoutSeconds, a namespace naming the same server): the run
  // and the plan stay as recorded.
  const endpoint = typeof olds["endpoint"] === "string" ? olds["endpoint"] : (declared.endpointOf(declaration.vendor, inputs.connection) ?? "");
  return { outs: declared.recordOutputs(declaration, inputs, olds, endpoint) };
}

function warn(message: string): void {
  try {
    void pulumi.log.warn(message);
  } catch {
    // no engine to log to: the outcome is still in the outputs
  }
}

async function deleteImpl(id: string, props: Record<string, unknown>): Promise<void> {
  const operation = `delete ${declaration.type}`;
  const planId = validatePlanId(planIdOf(id, props));
  const recorded = declared.recordedInputs(declaration, props) as Partial<FailoverPlanRunInputs>;
  const name = typeof props["planName"] === "string" ? `"${props["planName"]}"` : planId;
  if (recorded.undoOnDelete === false) {
    warn(`Veeam plan ${name} is left failed over because undoOnDelete is false.`);
    return;
  }
  const deadline = deadlineAfter(recorded.timeoutSeconds ?? 3600);
  const conn = await connection.veeamConnection(declared.namespaceOf(declaration, props), deadline);
  let status: planState.PlanStatus;
  try {
    status = await plans.readPlanStatus(conn, planId, { deadline });
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
      operation,
      object: describePlan(planId),
      fault: { type: "PlanState", message: planState.describeStatus(status) },
    });
  }
  if (!planState.canUndo(status)) {
    warn(`Veeam plan ${name} is left as it is: its state ${planState.describeStatus(status)} does not allow Undo.`);
    return;
  }
  await plans.startUndo(conn, planId, { deadline });
  const after = await plans.waitUntilStable(conn, planId, { operation: "undo", deadline, before: status });
  if (after.result === "error" || after.phase === "halted") {
    throw new VendorFaultError(`Undo of Veeam plan ${name} ended with errors: ${after.details || after.state}.`, {
      operation,
      object: describePlan(planId),
      fault: { type: "UndoError", message: after.details || after.state },
    });
  }
}

export { deleteImpl as delete };
