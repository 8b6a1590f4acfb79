import type { ApiGeneration } from "./connectionTypes";
import { vendorExcerpt } from "../http/vendorText";
import type { V2Plan, VroPlan, VroRuntime } from "./schemas";

/**
 * One model of a plan's state for both API generations.
 *
 * Phases (from the Orchestrator's plan states, https://helpcenter.veeam.com/docs/vao/userguide/states_modes_replica.html):
 * - ready: NOT VERIFIED / NEEDS VERIFIED / VERIFIED, a new or reset plan (v2 also reports ENABLED / DISABLED here);
 * - failingOver / failedOver: FAILOVER running / complete (with or without warnings or errors);
 * - undoingFailover / undone: UNDO FAILOVER running / complete;
 * - halted: HALTED / HALTING (stopped by an error or by a user; Undo is allowed);
 * - permanentFailover, failback: PERMANENT FAILOVER, PREPARE FOR FAILBACK, FAILBACK, UNDO/COMMIT FAILBACK;
 * - busy: an active state that is not a run of ours (EDITING, SAVING, CHECKING, TESTING, …);
 * - other: anything not recognised (kept verbatim in `state`).
 */
export type PlanPhase =
  | "ready"
  | "failingOver"
  | "failedOver"
  | "undoingFailover"
  | "undone"
  | "halted"
  | "permanentFailover"
  | "failback"
  | "busy"
  | "other";

export type RunResult = "success" | "warning" | "error";

export interface PlanStatus {
  planId: string;
  name?: string;
  enabled: boolean;
  phase: PlanPhase;
  /** The state as the server names it (VRO `stateName`, v2 `planState`). */
  state: string;
  /** VRO `resultName`, v2 `planStateDetails`, e.g. "Complete, no errors, 1 warning". */
  details: string;
  /** An operation is executing. */
  running: boolean;
  /** The plan is in a stable state (nothing executing, not being edited). */
  stable: boolean;
  /** How the last run ended; undefined while an operation is executing (the server's counts are not final). */
  result?: RunResult;
  warnings?: number;
  errors?: number;
  /** 0–100 when known. */
  progress?: number;
  /** VRO `isUndoPossible` when sent. */
  undoPossible?: boolean;
  /** VRO `lastStableState`, classified: what the plan is while it is busy with something else (e.g. being edited). */
  lastStablePhase?: PlanPhase;
  generation: ApiGeneration;
}

/** Longest plan name, state or result text kept (they reach outputs and messages). */
const PLAN_TEXT_LIMIT = 500;

/** A plan's name, state or result text as the server sent it, made safe to show: redacted, cleaned, cut. */
function shown(text: string | null | undefined): string {
  return text ? vendorExcerpt(text, PLAN_TEXT_LIMIT) : "";
}

function words(text: string | null | undefined): string {
  return (text ?? "").toLowerCase().replace(/[^a-z]/g, "");
}

/** Classifies a state string (any spelling: "UndoFailover", "Undo Failover", "UNDO FAILOVER", "FailoverComplete"). */
export function classifyState(raw: string | null | undefined): { phase: PlanPhase; activeHint: boolean } {
  const s = words(raw);
  const activeHint = /inprogress|running|processing|halting|pending|ing$/.test(s) && !/^(?:testinghalted)$/.test(s);
  if (s === "") return { phase: "other", activeHint: false };
  if (s.includes("undofailback") || s.includes("commitfailback") || s.includes("failback") || s.includes("switchover")) return { phase: "failback", activeHint };
  if (s.includes("undofailover") || s.includes("undofailedover") || s === "undone") return { phase: "undone", activeHint };
  if (s.includes("permanentfailover") || s.includes("permanentlyfailedover")) return { phase: "permanentFailover", activeHint };
  if (s.includes("testinghalted") || s.includes("testhalted")) return { phase: "ready", activeHint: false };
  if (s.includes("halt")) return { phase: "halted", activeHint: s.includes("halting") };
  if (s.includes("failover") || s.includes("failedover")) return { phase: "failedOver", activeHint };
  if (/verified|ready|enabled|disabled|^new$|^none$|notrun|restorecomplete|restored|^idle$/.test(s)) return { phase: "ready", activeHint: false };
  if (/edit|saving|creating|resetting|deleting|checking|test|datalab|processing|locked|inuse/.test(s)) return { phase: "busy", activeHint: true };
  return { phase: "other", activeHint };
}

/** Counts and result from "Complete, no errors, no warnings", "Complete, 2 errors, 1 warning", "Failed", … */
export function parseResultDetails(details: string | null | undefined): { result?: RunResult; warnings?: number; errors?: number } {
  const text = (details ?? "").toLowerCase();
  if (!text.trim()) return {};
  const count = (noun: string): number | undefined => {
    const match = new RegExp(`(\\d+|no)\\s+${noun}s?\\b`).exec(text);
    if (!match) return undefined;
    return match[1] === "no" ? 0 : Number(match[1]);
  };
  const errors = count("error");
  const warnings = count("warning");
  let result: RunResult | undefined;
  if ((errors ?? 0) > 0 || (errors === undefined && /\b(failed|error|errors)\b/.test(text))) result = "error";
  else if ((warnings ?? 0) > 0 || (warnings === undefined && /\bwarnings?\b/.test(text))) result = "warning";
  else if (errors !== undefined || warnings !== undefined || /\b(complete|completed|success|successful)\b/.test(text)) result = "success";
  return { result, warnings, errors };
}

function runResultOf(raw: string | boolean | null | undefined): RunResult | undefined {
  if (typeof raw === "boolean") return raw ? "success" : "error";
  const s = words(raw);
  if (s === "success" || s === "succeeded" || s === "ok" || s === "complete") return "success";
  if (s === "warning" || s === "warnings") return "warning";
  if (s === "error" || s === "errors" || s === "failed" || s === "failure") return "error";
  return undefined;
}

function adjustForRunning(phase: PlanPhase, running: boolean): PlanPhase {
  if (!running) return phase;
  if (phase === "failedOver") return "failingOver";
  if (phase === "undone") return "undoingFailover";
  if (phase === "ready" || phase === "other") return "busy";
  return phase;
}

function combineResult(phase: PlanPhase, parsed: ReturnType<typeof parseResultDetails>, explicit?: RunResult): RunResult | undefined {
  if (phase === "halted") return "error";
  return explicit ?? parsed.result;
}

/** v2: `planInUse` "defines whether a plan is in one of active states or halted". */
export function statusFromV2(planId: string, plan: V2Plan): PlanStatus {
  const { phase: rawPhase, activeHint } = classifyState(plan.planState);
  const inUse = plan.planInUse ?? activeHint;
  const running = inUse && rawPhase !== "halted";
  const phase = adjustForRunning(rawPhase, running);
  const parsed = parseResultDetails(plan.planStateDetails);
  const enabled = typeof plan.enabled === "boolean" ? plan.enabled : words(plan.planState) !== "disabled";
  return {
    planId,
    name: shown(plan.name) || undefined,
    enabled,
    phase,
    state: shown(plan.planState),
    details: shown(plan.planStateDetails),
    running,
    stable: !running,
    result: running ? undefined : combineResult(phase, parsed),
    warnings: parsed.warnings,
    errors: parsed.errors,
    progress: running ? undefined : phase === "ready" ? 0 : 100,
    generation: "v2",
  };
}

/** VRO: the plan (name, enabled) plus its runtime details when the server has them. */
export function statusFromVro(planId: string, plan: VroPlan | undefined, runtime: VroRuntime | undefined, previous?: PlanStatus): PlanStatus {
  const stateCode = runtime?.state ?? plan?.state;
  const stateName = runtime?.stateName ?? plan?.stateName ?? stateCode ?? "";
  let { phase: rawPhase, activeHint } = classifyState(stateCode ?? stateName);
  if (rawPhase === "other") ({ phase: rawPhase, activeHint } = classifyState(stateName));
  const running = typeof runtime?.isRunningState === "boolean" ? runtime.isRunningState : activeHint && rawPhase !== "halted";
  const stable = typeof runtime?.isStableState === "boolean" ? runtime.isStableState && !running : !running && !(rawPhase === "busy" && activeHint);
  const phase = adjustForRunning(rawPhase, running);
  const details = runtime?.resultName ?? plan?.resultName ?? "";
  const parsed = parseResultDetails(details);
  const enabledFlag = plan?.enabled ?? plan?.isEnabled;
  const enabled = typeof enabledFlag === "boolean" ? enabledFlag : previous ? previous.enabled : words(stateCode) !== "disabled";
  const explicit = runResultOf(runtime?.currentRunResult);
  return {
    planId,
    name: shown(plan?.name ?? runtime?.name) || previous?.name,
    enabled,
    phase: !stable && !running && phase !== "halted" ? "busy" : phase,
    state: shown(stateName),
    details: shown(details),
    running,
    stable,
    result: running || !stable ? undefined : combineResult(phase, parsed, explicit),
    warnings: parsed.warnings,
    errors: parsed.errors,
    progress: typeof runtime?.totalProgress === "number" ? runtime.totalProgress : undefined,
    undoPossible: typeof runtime?.isUndoPossible === "boolean" ? runtime.isUndoPossible : undefined,
    lastStablePhase: runtime?.lastStableState || plan?.lastStableState ? classifyState(runtime?.lastStableState ?? plan?.lastStableState).phase : undefined,
    generation: "vro",
  };
}

/** Phases in which a failover may start: the plan is idle and not failed over. */
export function canStartFailover(status: PlanStatus): boolean {
  return status.stable && !status.running && (status.phase === "ready" || status.phase === "undone");
}

function failoverPhase(phase: PlanPhase): boolean {
  return phase === "failedOver" || phase === "failingOver" || phase === "halted" || phase === "permanentFailover" || phase === "failback";
}

/**
 * Whether the plan still holds a failover (read keeps the resource; delete may undo it). A plan busy with something else
 * (being edited) or in an unrecognised state counts by its last stable state, and is kept when that is unknown: only a
 * plan positively seen out of failover makes the resource disappear.
 */
export function holdsFailover(status: PlanStatus): boolean {
  if (failoverPhase(status.phase)) return true;
  if (status.phase === "busy" || status.phase === "other") return status.lastStablePhase === undefined || failoverPhase(status.lastStablePhase) || status.lastStablePhase === "other";
  return false;
}

/** Phases from which Undo is allowed (FAILOVER, HALTED), respecting VRO's `isUndoPossible` when sent. */
export function canUndo(status: PlanStatus): boolean {
  if (!status.stable || status.running) return false;
  if (status.undoPossible === false) return false;
  return status.phase === "failedOver" || status.phase === "halted";
}

/** "Failover (Complete, no errors, 1 warning), 100%": for messages and the waiter's last state. */
export function describeStatus(status: PlanStatus): string {
  const parts = [status.state || status.phase];
  if (status.details) parts.push(`(${status.details})`);
  if (status.running) parts.push("running");
  if (status.progress !== undefined) parts.push(`${status.progress}%`);
  return parts.join(" ");
}
