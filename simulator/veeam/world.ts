import { randomBytes, randomUUID } from "node:crypto";

/**
 * The Veeam Orchestrator twin's state: one plan inventory served by every API version (VAO REST v2, VRO v7.2 … v13.2), OAuth2
 * token grants with expiry and refresh, and runs/undos that take time. Operations complete lazily: whenever a plan is
 * looked at, an operation whose time is up is settled, so no timers are needed.
 *
 * Shares no code with provider/ (a shared mistake would pass both).
 */

/** How the next run (or undo) of a plan ends. "halt" stops the plan in HALTED with an error. */
export type Outcome = "success" | "warning" | "error" | "halt";
export type StablePhase = "ready" | "failover" | "undoFailover" | "halted" | "permanentFailover";
export type SimResult = "none" | "success" | "warning" | "error";

export interface SimOperation {
  kind: "failover" | "undo";
  startedAt: number;
  durationMs: number;
  outcome: Outcome;
}

export interface LaunchRecord {
  api: "v2" | "vro";
  /** The path version the run was started with: "v2", "v7.21", "v13", "v13.1", … */
  apiVersion: string;
  executeChainedPlans: boolean;
  restorePointDate: string | null;
  at: string;
}

export interface SimPlan {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  verified: boolean;
  phase: StablePhase;
  result: SimResult;
  warnings: number;
  errors: number;
  /** Being edited by another user: an active state that is not a run. */
  editing: boolean;
  operation?: SimOperation;
  /** Outcomes for the next operations, consumed in order; "success" when empty. */
  nextOutcomes: Outcome[];
  /** Per-plan duration override. */
  runDurationMs?: number;
  launches: LaunchRecord[];
  undos: number;
  lastStartedAt?: string;
  lastFinishedAt?: string;
}

export interface PlanSpec {
  id?: string;
  name?: string;
  description?: string;
  enabled?: boolean;
  verified?: boolean;
  phase?: StablePhase;
  result?: SimResult;
  warnings?: number;
  errors?: number;
  editing?: boolean;
  runDurationMs?: number;
  nextOutcome?: Outcome;
}

export interface WorldSettings {
  username: string;
  password: string;
  runDurationMs: number;
  tokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  /** The API versions served (see versions.ts); the others have no routes. */
  apiVersions: string[];
}

interface IssuedToken {
  username: string;
  expiresAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  contentType?: string;
  authorization?: string;
  body: string;
}

export class VeeamWorld {
  readonly plans = new Map<string, SimPlan>();
  readonly accessTokens = new Map<string, IssuedToken>();
  readonly refreshTokens = new Map<string, IssuedToken>();
  readonly requests: RecordedRequest[] = [];
  grants = { password: 0, refresh: 0, rejected: 0 };

  constructor(readonly settings: WorldSettings) {}

  // ---- plans ---------------------------------------------------------------------------------------------------

  addPlan(spec: PlanSpec = {}): SimPlan {
    const id = spec.id ?? randomUUID();
    if (this.plans.has(id)) throw new Error(`plan ${id} already exists`);
    const plan: SimPlan = {
      id,
      name: spec.name ?? `Plan ${this.plans.size + 1}`,
      description: spec.description ?? "",
      enabled: spec.enabled ?? true,
      verified: spec.verified ?? true,
      phase: spec.phase ?? "ready",
      result: spec.result ?? (spec.phase && spec.phase !== "ready" ? "success" : "none"),
      warnings: spec.warnings ?? 0,
      errors: spec.errors ?? 0,
      editing: spec.editing ?? false,
      nextOutcomes: spec.nextOutcome ? [spec.nextOutcome] : [],
      runDurationMs: spec.runDurationMs,
      launches: [],
      undos: 0,
    };
    this.plans.set(id, plan);
    return plan;
  }

  /** Out-of-band change (drift): any field of the spec. */
  modifyPlan(id: string, patch: PlanSpec): SimPlan | undefined {
    const plan = this.plan(id);
    if (!plan) return undefined;
    if (patch.name !== undefined) plan.name = patch.name;
    if (patch.description !== undefined) plan.description = patch.description;
    if (patch.enabled !== undefined) plan.enabled = patch.enabled;
    if (patch.verified !== undefined) plan.verified = patch.verified;
    if (patch.editing !== undefined) plan.editing = patch.editing;
    if (patch.runDurationMs !== undefined) plan.runDurationMs = patch.runDurationMs;
    if (patch.nextOutcome !== undefined) plan.nextOutcomes.push(patch.nextOutcome);
    if (patch.phase !== undefined) {
      plan.operation = undefined;
      plan.phase = patch.phase;
      plan.result = patch.result ?? (patch.phase === "ready" ? "none" : "success");
    } else if (patch.result !== undefined) plan.result = patch.result;
    if (patch.warnings !== undefined) plan.warnings = patch.warnings;
    if (patch.errors !== undefined) plan.errors = patch.errors;
    return plan;
  }

  removePlan(id: string): boolean {
    return this.plans.delete(id);
  }

  /** The plan with its due operation settled. Ids compare case-insensitively (GUIDs). */
  plan(id: string): SimPlan | undefined {
    let plan = this.plans.get(id);
    if (!plan) {
      const lower = id.toLowerCase();
      plan = [...this.plans.values()].find((candidate) => candidate.id.toLowerCase() === lower);
    }
    if (plan) this.settle(plan);
    return plan;
  }

  allPlans(): SimPlan[] {
    return [...this.plans.values()].map((plan) => {
      this.settle(plan);
      return plan;
    });
  }

  /**
   * Ends the plan's running operation now, with its planned outcome, as if its time were up: how a test or the fault
   * matrix stops a run planned to take forever without waiting for the clock.
   */
  finishOperation(id: string): SimPlan | undefined {
    const plan = this.plans.get(id);
    if (plan?.operation) plan.operation.durationMs = Math.max(0, Date.now() - plan.operation.startedAt);
    return this.plan(id);
  }

  private settle(plan: SimPlan): void {
    const op = plan.operation;
    if (!op || Date.now() < op.startedAt + op.durationMs) return;
    plan.operation = undefined;
    plan.lastFinishedAt = new Date(op.startedAt + op.durationMs).toISOString();
    const counts = { success: [0, 0], warning: [1, 0], error: [0, 1], halt: [0, 1] } as const;
    [plan.warnings, plan.errors] = counts[op.outcome];
    plan.result = op.outcome === "halt" ? "error" : op.outcome;
    if (op.outcome === "halt") plan.phase = "halted";
    else plan.phase = op.kind === "failover" ? "failover" : "undoFailover";
  }

  /** 0–100 for the current operation; 100 when a run finished; 0 before any run. */
  progress(plan: SimPlan): number {
    if (plan.operation) {
      const elapsed = Date.now() - plan.operation.startedAt;
      return Math.max(0, Math.min(99, Math.floor((elapsed / Math.max(1, plan.operation.durationMs)) * 100)));
    }
    return plan.phase === "ready" ? 0 : 100;
  }

  private nextOutcome(plan: SimPlan): Outcome {
    return plan.nextOutcomes.shift() ?? "success";
  }

  /** Starts a failover; returns the refusal text (HTTP 400) or undefined. */
  startFailover(plan: SimPlan, launch: Omit<LaunchRecord, "at">): string | undefined {
    this.settle(plan);
    if (!plan.enabled) return `Plan '${plan.name}' is disabled. To run a plan, it must be ENABLED.`;
    if (plan.operation || plan.editing) return `Plan '${plan.name}' is in use (${plan.editing ? "being edited" : `${plan.operation?.kind} in progress`}).`;
    if (plan.phase !== "ready" && plan.phase !== "undoFailover") return `Plan '${plan.name}' is in the ${plan.phase.toUpperCase()} state; failover is not allowed.`;
    const now = Date.now();
    plan.operation = { kind: "failover", startedAt: now, durationMs: plan.runDurationMs ?? this.settings.runDurationMs, outcome: this.nextOutcome(plan) };
    plan.launches.push({ ...launch, at: new Date(now).toISOString() });
    plan.lastStartedAt = new Date(now).toISOString();
    plan.lastFinishedAt = undefined;
    plan.warnings = 0;
    plan.errors = 0;
    this.settle(plan); // a zero duration completes at once
    return undefined;
  }

  /** Starts an undo (allowed in FAILOVER and HALTED); returns the refusal text or undefined. */
  startUndo(plan: SimPlan, durationMs?: number): string | undefined {
    this.settle(plan);
    if (plan.operation || plan.editing) return `Plan '${plan.name}' is in use; undo is not allowed now.`;
    if (plan.phase !== "failover" && plan.phase !== "halted") return `Plan '${plan.name}' is in the ${plan.phase.toUpperCase()} state; undo is allowed only in the FAILOVER and HALTED states.`;
    const now = Date.now();
    plan.operation = { kind: "undo", startedAt: now, durationMs: durationMs ?? plan.runDurationMs ?? this.settings.runDurationMs, outcome: this.nextOutcome(plan) };
    plan.undos += 1;
    plan.lastStartedAt = new Date(now).toISOString();
    plan.warnings = 0;
    plan.errors = 0;
    this.settle(plan);
    return undefined;
  }

  // ---- tokens --------------------------------------------------------------------------------------------------

  issueTokens(username: string): { access_token: string; refresh_token: string; expires_in: number } {
    const access = randomBytes(24).toString("base64url");
    const refresh = randomBytes(24).toString("base64url");
    const now = Date.now();
    this.accessTokens.set(access, { username, expiresAt: now + this.settings.tokenLifetimeSeconds * 1000 });
    this.refreshTokens.set(refresh, { username, expiresAt: now + this.settings.refreshTokenLifetimeSeconds * 1000 });
    return { access_token: access, refresh_token: refresh, expires_in: this.settings.tokenLifetimeSeconds };
  }

  /** Consumes a refresh token (one use); the username when valid. */
  redeemRefreshToken(token: string): string | undefined {
    const issued = this.refreshTokens.get(token);
    this.refreshTokens.delete(token);
    if (!issued || issued.expiresAt <= Date.now()) return undefined;
    return issued.username;
  }

  isValidAccessToken(token: string): boolean {
    const issued = this.accessTokens.get(token);
    return issued !== undefined && issued.expiresAt > Date.now();
  }

  /** Expires every access token now (and the refresh tokens too when asked). */
  expireTokens(options: { refreshTokens?: boolean } = {}): number {
    const count = this.accessTokens.size;
    for (const issued of this.accessTokens.values()) issued.expiresAt = 0;
    if (options.refreshTokens) for (const issued of this.refreshTokens.values()) issued.expiresAt = 0;
    return count;
  }

  record(request: RecordedRequest): void {
    this.requests.push(request);
    if (this.requests.length > 500) this.requests.splice(0, this.requests.length - 500);
  }
}
