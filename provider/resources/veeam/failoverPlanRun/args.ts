import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { memo } from "../../../runtime";
import { isValidPlanId } from "../../../veeam/ids";

/** Inputs of `veeam:FailoverPlanRun`: one failover of a Veeam Orchestrator plan, held as stack state. */
export interface FailoverPlanRunArgs {
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
   * Seconds to wait for the failover (and for the undo on destroy) to finish. Default 3600, between 1 and 86400.
   * Changing it updates in place.
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * Any JSON array or object. A change re-runs the failover (replace), like `triggers` of pulumi-command: e.g.
   * `[drillDate]` for a monthly drill.
   */
  triggers?: pulumi.Input<unknown[] | Record<string, unknown>>;
}

export type RunResult = "success" | "warning" | "error";

/** Outputs: the inputs (with defaults) plus the plan's state. */
export interface FailoverPlanRunOutputs extends FailoverPlanRunInputs {
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

export const FAILOVER_PLAN_RUN_DEFAULTS = { executeChainedPlans: false, undoOnDelete: true, timeoutSeconds: 3600 };

/** Names of every output, for the resource constructor. */
export const FAILOVER_PLAN_RUN_OUTPUT_NAMES = [
  "planName",
  "planState",
  "planStateDetails",
  "result",
  "warningCount",
  "errorCount",
  "startedAt",
  "finishedAt",
  "progress",
  "apiVersion",
] as const;

export interface FailoverPlanRunInputs {
  planId: string;
  restorePointDate?: string;
  executeChainedPlans: boolean;
  undoOnDelete: boolean;
  timeoutSeconds: number;
  triggers?: unknown[] | Record<string, unknown>;
}

/** ISO 8601 date or date-time (.NET DateTime parses all of these). */
export function isIsoDate(value: string): boolean {
  const iso8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  if (!iso8601.test(value)) return false;
  const [year, month, day] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value.replace(" ", "T")));
}

/** The input schema (built lazily: zod instances must not live at module level). */
export function failoverPlanRunSchema() {
  return memo("veeam.schemas.failoverPlanRun", () =>
    z.object({
      planId: z
        .string({ error: "planId must be a string: the Orchestrator plan id (a GUID)." })
        .refine((value) => isValidPlanId(value), { message: "planId must be an Orchestrator plan id: a GUID such as 5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11 (letters, digits, '.', '_', '-' only)." }),
      restorePointDate: z
        .string({ error: "restorePointDate must be an ISO 8601 date/time string such as 2024-05-01T02:00:00Z." })
        .refine((value) => isIsoDate(value), { message: "restorePointDate must be an ISO 8601 date/time such as 2024-05-01T02:00:00Z (omit it for the latest restore point)." })
        .optional(),
      executeChainedPlans: z.boolean({ error: "executeChainedPlans must be true or false (default false)." }).default(false),
      undoOnDelete: z.boolean({ error: "undoOnDelete must be true or false (default true)." }).default(true),
      timeoutSeconds: z
        .number({ error: "timeoutSeconds must be a number of seconds between 1 and 86400 (default 3600)." })
        .int({ message: "timeoutSeconds must be a whole number of seconds between 1 and 86400 (default 3600)." })
        .min(1, { message: "timeoutSeconds must be between 1 and 86400 (default 3600)." })
        .max(86_400, { message: "timeoutSeconds must be between 1 and 86400 (default 3600)." })
        .default(3600),
      triggers: z
        .union([z.array(z.unknown()), z.record(z.string(), z.unknown())], { error: "triggers must be a JSON array or object; any change re-runs the failover." })
        .optional(),
    }),
  );
}
