import { declareResource } from "../../common/declaration";
import { booleanField, secondsField, triggersField } from "../../common/fields";
import { planIdField, restorePointDateField } from "./fields";

/** `veeam:FailoverPlanRun`: one failover of a Veeam Orchestrator plan. */
export const failoverPlanRunDeclaration = declareResource({
  vendor: "veeam",
  type: "FailoverPlanRun",
  inputs: () => ({
    planId: planIdField(),
    restorePointDate: restorePointDateField(),
    executeChainedPlans: booleanField("executeChainedPlans", false),
    undoOnDelete: booleanField("undoOnDelete", true),
    timeoutSeconds: secondsField("timeoutSeconds", 3600, 86_400),
    triggers: triggersField("re-runs the failover"),
  }),
  outputs: ["planName", "planState", "planStateDetails", "result", "warningCount", "errorCount", "startedAt", "finishedAt", "progress", "apiVersion"],
  replaces: ["planId", "restorePointDate", "executeChainedPlans", "triggers"],
  // A plan holds one failover at a time: the old run must be undone before the new one can start.
  deleteBeforeReplace: true,
});
