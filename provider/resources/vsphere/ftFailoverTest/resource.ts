import type * as pulumi from "@pulumi/pulumi";
import * as shell from "../../common/dynamicProvider";
import { DeclaredResource } from "../../common/declaredResource";
import type { FtFailoverTestArgs, FtTestMode, FtTestResult } from "./args";
import * as crud from "./provider";
import { ftFailoverTestDeclaration } from "./spec";

export const ftFailoverTestProvider: pulumi.dynamic.ResourceProvider = shell.dynamicProvider(crud);

/**
 * One vSphere Fault Tolerance test of a protected VM, run on create: `failover` (the secondary takes over as primary,
 * MakePrimaryVM_Task) or `restartSecondary` (TerminateFaultTolerantVM_Task; vSphere re-spawns the secondary), then a
 * wait until the group is running again. It runs again when vmId, mode or triggers change; preview refuses a VM that is
 * not in an FT group or a group that is not running. Deleting it changes nothing on vSphere.
 */
export class FtFailoverTest extends DeclaredResource {
  declare public readonly vmId: pulumi.Output<string>;
  declare public readonly mode: pulumi.Output<FtTestMode>;
  declare public readonly triggers: pulumi.Output<unknown[] | undefined>;
  declare public readonly waitForProtection: pulumi.Output<boolean>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  declare public readonly primaryVmIdBefore: pulumi.Output<string>;
  declare public readonly secondaryVmIdBefore: pulumi.Output<string>;
  declare public readonly secondaryHostBefore: pulumi.Output<string | undefined>;
  declare public readonly primaryVmIdAfter: pulumi.Output<string>;
  declare public readonly secondaryVmIdAfter: pulumi.Output<string | undefined>;
  declare public readonly secondaryHostAfter: pulumi.Output<string | undefined>;
  /** runtime.faultToleranceState of the group's primary when the resource finished (running = protected). */
  declare public readonly faultToleranceState: pulumi.Output<string>;
  /** ISO 8601. */
  declare public readonly startedAt: pulumi.Output<string>;
  declare public readonly finishedAt: pulumi.Output<string>;
  /** Seconds from the method call until the group was seen running again; null when not waited for. */
  declare public readonly secondsUnprotected: pulumi.Output<number | null>;
  /** protected | notWaited | notProtected. */
  declare public readonly result: pulumi.Output<FtTestResult>;

  constructor(name: string, args: FtFailoverTestArgs, opts?: pulumi.CustomResourceOptions) {
    super(ftFailoverTestProvider, ftFailoverTestDeclaration, name, args, opts);
  }
}
