import type { SimPlan, VeeamWorld } from "./world";

/**
 * How each API generation renders a plan.
 * - v2 (`/v2/FailoverPlans/{id}`): planState / planStateDetails / planInUse ("in one of active states or halted").
 * - VRO (`/api/v7.21/Plans/{id}`: RecoveryPlanInfo; `/RuntimeDetails/Plans/{id}`: PlanRuntimeDetails with state codes,
 *   display names, isRunningState / isStableState / currentRunResult / totalProgress / isUndoPossible).
 */

const SITE_SCOPE_ID = "7514bfcc-dd93-418c-8ae3-8f43cc9bc9f7";

function plural(count: number, noun: string): string {
  return count === 0 ? `no ${noun}s` : `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** "Complete, no errors, 1 warning", "In progress, …", "Halted, 1 error, no warnings", "" before any run. */
export function resultText(plan: SimPlan): string {
  const counts = `${plural(plan.errors, "error")}, ${plural(plan.warnings, "warning")}`;
  if (plan.operation) return `In progress, ${counts}`;
  if (plan.editing && plan.phase === "ready") return "";
  if (plan.phase === "halted") return `Halted, ${counts}`;
  if (plan.phase === "ready" && plan.result === "none") return "";
  return `Complete, ${counts}`;
}

interface StateNames {
  code: string;
  name: string;
}

function stableNames(plan: SimPlan): StateNames {
  switch (plan.phase) {
    case "failover":
      return { code: "FailoverComplete", name: "Failover" };
    case "undoFailover":
      return { code: "UndoFailoverComplete", name: "Undo Failover" };
    case "halted":
      return { code: "Halted", name: "Halted" };
    case "permanentFailover":
      return { code: "PermanentFailoverComplete", name: "Permanent Failover" };
    default:
      return plan.verified ? { code: "Verified", name: "Verified" } : { code: "NotVerified", name: "Not Verified" };
  }
}

function currentNames(plan: SimPlan): StateNames {
  if (plan.operation?.kind === "failover") return { code: "Failover", name: "Failover" };
  if (plan.operation?.kind === "undo") return { code: "UndoFailover", name: "Undo Failover" };
  if (plan.editing) return { code: "Editing", name: "Editing" };
  return stableNames(plan);
}

function runResult(plan: SimPlan): string {
  if (plan.operation) return plan.errors > 0 ? "Error" : plan.warnings > 0 ? "Warning" : "Undefined";
  switch (plan.result) {
    case "success":
      return "Success";
    case "warning":
      return "Warning";
    case "error":
      return "Error";
    default:
      return "Undefined";
  }
}

export function v2Plan(world: VeeamWorld, plan: SimPlan): Record<string, unknown> {
  let planState: string;
  if (plan.operation) planState = plan.operation.kind === "failover" ? "Failover" : "Undo Failover";
  else if (plan.editing) planState = "Editing";
  else if (plan.phase === "ready") planState = plan.enabled ? (plan.verified ? "Verified" : "Not Verified") : "Disabled";
  else planState = stableNames(plan).name;
  void world;
  return {
    name: plan.name,
    id: plan.id,
    contactName: "DR Team",
    contactEmail: "dr@example.com",
    contactTel: "+1 555 0100",
    description: plan.description,
    planState,
    planStateDetails: resultText(plan),
    planInUse: plan.operation !== undefined || plan.editing || plan.phase === "halted",
    scheduleEnabled: false,
    scheduleType: null,
    scheduleAfter: null,
    scheduleAfterPlanName: null,
    scheduleTime: null,
    siteScopeId: SITE_SCOPE_ID,
    targetRPO: 24,
    targetRTO: 60,
    _links: { self: { href: `/v2/FailoverPlans/${plan.id}` } },
  };
}

export function vroPlan(world: VeeamWorld, plan: SimPlan, version: string): Record<string, unknown> {
  const current = currentNames(plan);
  const stable = stableNames(plan);
  void world;
  return {
    id: plan.id,
    planType: "Replica",
    recoveryLocationId: "66b41f69-36ae-4a3e-9f17-54ea4635c975",
    serverId: "3c8e0a52-8f6e-4d59-a3de-9d1f3b5e2a10",
    siteScopeId: SITE_SCOPE_ID,
    siteScopeName: "Admin Scope",
    name: plan.name,
    description: plan.description,
    enabled: plan.enabled,
    state: current.code,
    stateName: current.name,
    resultName: resultText(plan),
    lastStableState: stable.code,
    lastStableStateName: stable.name,
    _links: { self: { href: `/api/${version}/Plans/${plan.id}` } },
  };
}

export function vroRuntime(world: VeeamWorld, plan: SimPlan): Record<string, unknown> {
  const current = currentNames(plan);
  const stable = stableNames(plan);
  const running = plan.operation !== undefined;
  return {
    id: plan.id,
    name: plan.name,
    state: current.code,
    stateName: current.name,
    stateOrder: `${running ? 200 : 300}. ${current.name}`,
    resultName: resultText(plan),
    isEditingByCurrentUser: false,
    currentEditingUser: plan.editing ? "DOMAIN\\planauthor" : "",
    lastStableState: stable.code,
    lastStableStateName: stable.name,
    totalProgress: world.progress(plan),
    isRunningState: running,
    isStableState: !running && !plan.editing,
    currentRunResult: runResult(plan),
    currentTestResult: "Undefined",
    currentCheckResult: "Undefined",
    planType: "Replica",
    recoveryLocationId: "66b41f69-36ae-4a3e-9f17-54ea4635c975",
    siteScopeId: SITE_SCOPE_ID,
    siteScopeName: "Admin Scope",
    recoveryToNewLocation: false,
    roles: ["Administrator"],
    isUndoPossible: !running && !plan.editing && (plan.phase === "failover" || plan.phase === "halted"),
    isReversePossible: false,
    vendor: "VMware",
  };
}
