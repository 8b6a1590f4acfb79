import type * as pulumi from "@pulumi/pulumi";
import * as shell from "../../common/dynamicProvider";
import { DeclaredResource } from "../../common/declaredResource";
import type { FtSecondaryArgs, PowerOnOutcome } from "./args";
import * as crud from "./provider";
import { ftSecondaryDeclaration } from "./spec";

export const ftSecondaryProvider: pulumi.dynamic.ResourceProvider = shell.dynamicProvider(crud);

/**
 * Declares that a vSphere VM is protected by Fault Tolerance: one FT secondary, created with CreateSecondaryVMEx_Task,
 * enabled or disabled as declared. The resource id is the primary VM's id. Preview refuses a VM that cannot be FT
 * (template, already in an FT group, snapshots, no vSphere HA, QueryFaultToleranceCompatibilityEx faults) before anything
 * changes. Deleting the resource turns FT off for the VM (TurnOffFaultToleranceForVM_Task: the secondary is removed).
 */
export class FtSecondary extends DeclaredResource {
  /** The protected VM (the FT primary), as declared. */
  declare public readonly vmId: pulumi.Output<string>;
  declare public readonly host: pulumi.Output<string | undefined>;
  declare public readonly datastore: pulumi.Output<string | undefined>;
  declare public readonly metaDataDatastore: pulumi.Output<string | undefined>;
  declare public readonly enabled: pulumi.Output<boolean>;
  /** Whether create and enable wait until the group is protected. */
  declare public readonly waitForProtection: pulumi.Output<boolean>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** The primary VM's name. */
  declare public readonly vmName: pulumi.Output<string | undefined>;
  /** The group's current primary (vmId unless vSphere failed over to the former secondary). */
  declare public readonly primaryVmId: pulumi.Output<string>;
  /** The secondary VM's id (follows vSphere when it re-spawns the secondary). */
  declare public readonly secondaryVmId: pulumi.Output<string | undefined>;
  /** The host the secondary is registered on. */
  declare public readonly secondaryHost: pulumi.Output<string | undefined>;
  declare public readonly secondaryPowerState: pulumi.Output<string | undefined>;
  declare public readonly primaryHost: pulumi.Output<string | undefined>;
  /** notConfigured | disabled | enabled | needSecondary | starting | running. */
  declare public readonly faultToleranceState: pulumi.Output<string>;
  declare public readonly needSecondaryReason: pulumi.Output<string | undefined>;
  /** unset | recordReplay | checkpointing. */
  declare public readonly faultToleranceType: pulumi.Output<string>;
  /** Instance uuids of the FT group, primary first. */
  declare public readonly instanceUuids: pulumi.Output<string[]>;
  /** Whether vSphere attempted to power the secondary on in the last create or enable. */
  declare public readonly powerOnAttempted: pulumi.Output<boolean>;
  declare public readonly powerOnOutcome: pulumi.Output<PowerOnOutcome>;
  declare public readonly powerOnFault: pulumi.Output<string | undefined>;
  /** VirtualDisk placements sent with `datastore` (0: only the configuration files were placed). */
  declare public readonly placedDisks: pulumi.Output<number>;

  constructor(name: string, args: FtSecondaryArgs, opts?: pulumi.CustomResourceOptions) {
    super(ftSecondaryProvider, ftSecondaryDeclaration, name, args, opts);
  }
}
