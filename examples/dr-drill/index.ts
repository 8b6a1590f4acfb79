import * as pulumi from "@pulumi/pulumi";
import { FailoverPlanRun } from "pulumi-vm-availability";

// Connection (stack config first, then environment):
//   pulumi config set veeam:server https://vro.example.com:9898
//   pulumi config set veeam:username 'VRO\svc-pulumi'
//   pulumi config set --secret veeam:password <password>
//   pulumi config set veeam:apiVersion v7.21        # Recovery Orchestrator; "v2" for Availability Orchestrator 2.x/3.x
// (or VEEAM_SERVER / VEEAM_USERNAME / VEEAM_PASSWORD / VEEAM_API_VERSION; for the offline simulator run
//  `npx pulumi-vm-availability-simulator` and point veeam:server at the URL it prints.)
const config = new pulumi.Config();
const drillMonth = config.require("drillMonth");
const restorePointDate = config.get("restorePointDate");

// A DR drill as reviewed stack state:
// - `pulumi preview` shows which plans will fail over (and, when drillMonth changes, that both runs are replaced);
// - `pulumi up` checks each plan is enabled and idle, runs the failover and waits until the plan is stable again.
//   A run that ends with warnings succeeds (result "warning"); one that ends in errors fails with the plan's details
//   and stays recorded, so `pulumi destroy` can still undo it;
// - `pulumi refresh` drops a run that someone undid by hand in the Orchestrator UI;
// - `pulumi destroy` undoes both failovers (web tier first, because it depends on tier 1) and waits for the undo.
const tier1 = new FailoverPlanRun("tier1-apps", {
  planId: config.require("tier1PlanId"),
  restorePointDate,
  executeChainedPlans: false,
  undoOnDelete: true,
  timeoutSeconds: 2 * 60 * 60,
  triggers: { drillMonth },
});

// The web farm is failed over only once the application tier is up at the DR site.
const web = new FailoverPlanRun(
  "web-farm",
  {
    planId: config.require("webPlanId"),
    restorePointDate,
    timeoutSeconds: 60 * 60,
    triggers: { drillMonth },
  },
  { dependsOn: [tier1] },
);

export const tier1Plan = tier1.planName;
export const tier1Result = tier1.result;
export const tier1Details = tier1.planStateDetails;
export const webPlan = web.planName;
export const webResult = web.result;
export const webDetails = web.planStateDetails;
export const drillStartedAt = tier1.startedAt;
export const drillFinishedAt = web.finishedAt;
export const drillPassed = pulumi.all([tier1.result, web.result]).apply(([a, b]) => a === "success" && b === "success");
export const orchestratorApi = tier1.apiVersion;
