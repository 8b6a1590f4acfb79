import type * as pulumi from "@pulumi/pulumi";
import * as shell from "../../common/dynamicProvider";
import { DeclaredResource } from "../../common/declaredResource";
import type { VmSnapshotRevertArgs } from "./args";
import * as crud from "./provider";
import { vmSnapshotRevertDeclaration } from "./spec";

export const vmSnapshotRevertProvider: pulumi.dynamic.ResourceProvider = shell.dynamicProvider(crud);

/**
 * One revert of a vSphere VM to a snapshot (a VmSnapshot's id, or the VM's current snapshot), run on create:
 * RevertToSnapshot_Task or RevertToCurrentSnapshot_Task. It reverts again when vmId, snapshotId, suppressPowerOn or
 * triggers change; preview refuses a snapshot outside the VM's tree, a VM without a snapshot, and FT VMs. Deleting it
 * changes nothing on vSphere.
 */
export class VmSnapshotRevert extends DeclaredResource {
  declare public readonly vmId: pulumi.Output<string>;
  declare public readonly snapshotId: pulumi.Output<string | undefined>;
  declare public readonly suppressPowerOn: pulumi.Output<boolean>;
  declare public readonly triggers: pulumi.Output<unknown[] | undefined>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** The name of the snapshot reverted to. */
  declare public readonly snapshotName: pulumi.Output<string>;
  /** The snapshot reverted to (snapshotId, or the VM's current snapshot). */
  declare public readonly revertedToSnapshotId: pulumi.Output<string>;
  /** runtime.powerState right after the revert, as vSphere reported it. */
  declare public readonly powerStateAfter: pulumi.Output<string>;
  /** ISO 8601. */
  declare public readonly revertedAt: pulumi.Output<string>;

  constructor(name: string, args: VmSnapshotRevertArgs, opts?: pulumi.CustomResourceOptions) {
    super(vmSnapshotRevertProvider, vmSnapshotRevertDeclaration, name, args, opts);
  }
}
