import * as pulumi from "@pulumi/pulumi";
import * as crud from "./provider";
import * as shell from "../../common/dynamicProvider";
import type { FailoverPlanRunArgs, RunResult } from "./args";

export const failoverPlanRunProvider: pulumi.dynamic.ResourceProvider = shell.dynamicProvider(crud);

/**
 * A failover of a Veeam Orchestrator plan held as stack state (`veeam:FailoverPlanRun`): `pulumi up` runs it and waits,
 * `pulumi refresh` drops it when the plan was undone by hand, `pulumi destroy` undoes it (see `undoOnDelete`).
 * Connection: `veeam:server`, `veeam:username`, `veeam:password` (secret), `veeam:apiVersion` (v2 | v7.2 | v7.21 | v13 |
 * v13.1 | v13.2; unset: the newest the server offers).
 */
export class FailoverPlanRun extends pulumi.dynamic.Resource {
  declare public readonly planId: pulumi.Output<string>;
  declare public readonly restorePointDate: pulumi.Output<string | undefined>;
  declare public readonly executeChainedPlans: pulumi.Output<boolean>;
  declare public readonly undoOnDelete: pulumi.Output<boolean>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  declare public readonly triggers: pulumi.Output<unknown[] | Record<string, unknown> | undefined>;
  declare public readonly planName: pulumi.Output<string>;
  declare public readonly planState: pulumi.Output<string>;
  declare public readonly planStateDetails: pulumi.Output<string>;
  declare public readonly result: pulumi.Output<RunResult>;
  declare public readonly warningCount: pulumi.Output<number | undefined>;
  declare public readonly errorCount: pulumi.Output<number | undefined>;
  declare public readonly startedAt: pulumi.Output<string>;
  declare public readonly finishedAt: pulumi.Output<string>;
  declare public readonly progress: pulumi.Output<number>;
  declare public readonly apiVersion: pulumi.Output<string>;

  constructor(name: string, args: FailoverPlanRunArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      failoverPlanRunProvider,
      name,
      {
        ...args,
        planName: undefined,
        planState: undefined,
        planStateDetails: undefined,
        result: undefined,
        warningCount: undefined,
        errorCount: undefined,
        startedAt: undefined,
        finishedAt: undefined,
        progress: undefined,
        apiVersion: undefined,
      },
      opts,
      "veeam",
      "FailoverPlanRun",
    );
  }
}
