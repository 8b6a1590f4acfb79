import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, ConnectionOutputs } from "../../common/connectionArgs";

/**
 * Inputs of `veeam:FailoverPlanRun`: one failover of a Veeam Orchestrator plan, held as stack state. The connection
 * settings come from the namespace named in `connection` (default `veeam`): `<namespace>:server`, `:username`,
 * `:password`, `:apiVersion`.
 */
export interface FailoverPlanRunArgs extends ConnectionArgs {
  /**
   * The Orchestrator plan id (a GUID: the `id` of `/api/{version}/Plans` or `/v2/FailoverPlans`). Changing it replaces the
   * run: the old plan is undone (when `undoOnDelete`), then the new one runs.
   */
  planId: pulumi.Input<string>;
  /**
   * ISO 8601 date/time of the restore point to fail over to, e.g. `2024-05-01T02:00:00Z`. Default: the latest restore
   * point. Changing it replaces the run.
   */
  restorePointDate?: pulumi.Input<string>;
  /** Also run the plans chained after this one. Default `false`. Changing it replaces the run. */
  executeChainedPlans?: pulumi.Input<boolean>;
  /**
   * On destroy (or replace), undo the failover and wait for the undo: replicas are powered off and rolled back.
   * Default `true`. With `false` the plan is left failed over. Changing it updates in place.
   */
  undoOnDelete?: pulumi.Input<boolean>;
  /**
   * Seconds one create (connection, failover and the wait for it) or one destroy (the undo and its wait) may take.
   * Default 3600, from 1 to 86400. Changing it updates in place.
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * Any JSON array or object. A change re-runs the failover (replace), like `triggers` of pulumi-command: e.g.
   * `[drillDate]` for a monthly drill.
   */
  triggers?: pulumi.Input<unknown[] | Record<string, unknown>>;
}

export type RunResult = "success" | "warning" | "error";

/** Checked inputs, defaults applied. */
export interface FailoverPlanRunInputs {
  planId: string;
  restorePointDate?: string;
  executeChainedPlans: boolean;
  undoOnDelete: boolean;
  timeoutSeconds: number;
  triggers?: unknown[] | Record<string, unknown>;
  connection: string;
}

/** Outputs: the inputs (with defaults) plus the plan's state. */
export interface FailoverPlanRunOutputs extends FailoverPlanRunInputs, ConnectionOutputs {
  /** The plan's name on the server. */
  planName: string;
  /** The plan state as the server names it, e.g. "Failover". */
  planState: string;
  /** The server's result text, e.g. "Complete, no errors, 1 warning". */
  planStateDetails: string;
  /** How the failover ended: success, warning (completed with warnings) or error. */
  result: RunResult;
  /** Number of warnings / errors the server reported, when it says. */
  warningCount?: number;
  errorCount?: number;
  /** ISO 8601: when the failover was started / when it was seen finished. */
  startedAt: string;
  finishedAt: string;
  /** 0–100. */
  progress: number;
  /** The API spoken: "v2" or a Recovery Orchestrator path version ("v7.21", "v13", "v13.1", "v13.2"). */
  apiVersion: string;
}
