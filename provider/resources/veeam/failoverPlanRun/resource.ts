import type * as pulumi from "@pulumi/pulumi";
import * as shell from "../../common/dynamicProvider";
import { DeclaredResource } from "../../common/declaredResource";
import type { FailoverPlanRunArgs, RunResult } from "./args";
import * as crud from "./provider";
import { failoverPlanRunDeclaration } from "./spec";

export const failoverPlanRunProvider: pulumi.dynamic.ResourceProvider = shell.dynamicProvider(crud);

/**
 * A failover of a Veeam Orchestrator plan held as stack state (`veeam:FailoverPlanRun`): `pulumi up` runs it and waits,
 * `pulumi refresh` drops it when the plan was undone by hand, `pulumi destroy` undoes it (see `undoOnDelete`).
 * Connection: the namespace named in `connection` (default `veeam`): `<namespace>:server`, `:username`, `:password`
 * (secret), `:apiVersion` (v2 | v7.2 | v7.21 | v13 | v13.1 | v13.2; unset: the newest the server offers).
 */
export class FailoverPlanRun extends DeclaredResource {
  declare public readonly planId: pulumi.Output<string>;
  declare public readonly restorePointDate: pulumi.Output<string | undefined>;
  declare public readonly executeChainedPlans: pulumi.Output<boolean>;
  declare public readonly undoOnDelete: pulumi.Output<boolean>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  declare public readonly triggers: pulumi.Output<unknown[] | Record<string, unknown> | undefined>;
  /** The plan's name on the server. */
  declare public readonly planName: pulumi.Output<string>;
  /** The plan state as the server names it, e.g. "Failover". */
  declare public readonly planState: pulumi.Output<string>;
  /** The server's result text, e.g. "Complete, no errors, 1 warning". */
  declare public readonly planStateDetails: pulumi.Output<string>;
  declare public readonly result: pulumi.Output<RunResult>;
  declare public readonly warningCount: pulumi.Output<number | undefined>;
  declare public readonly errorCount: pulumi.Output<number | undefined>;
  /** ISO 8601: when the failover was started / when it was seen finished. */
  declare public readonly startedAt: pulumi.Output<string>;
  declare public readonly finishedAt: pulumi.Output<string>;
  declare public readonly progress: pulumi.Output<number>;
  /** The API spoken: "v2" or a Recovery Orchestrator path version. */
  declare public readonly apiVersion: pulumi.Output<string>;

  constructor(name: string, args: FailoverPlanRunArgs, opts?: pulumi.CustomResourceOptions) {
    super(failoverPlanRunProvider, failoverPlanRunDeclaration, name, args, opts);
  }
}
