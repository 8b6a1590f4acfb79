import type * as pulumi from "@pulumi/pulumi";
import * as shell from "../../common/dynamicProvider";
import { DeclaredResource } from "../../common/declaredResource";
import type { VmSnapshotArgs } from "./args";
import * as crud from "./provider";
import { vmSnapshotDeclaration } from "./spec";

export const vmSnapshotProvider: pulumi.dynamic.ResourceProvider = shell.dynamicProvider(crud);

/**
 * One snapshot of an existing vSphere VM, keyed on its managed object id. Rename and re-describe happen in place;
 * `pulumi refresh` picks up a snapshot renamed or removed by hand; deleting the resource removes the snapshot
 * (RemoveSnapshot_Task with removeChildren/consolidate). Fault Tolerance VMs are refused at preview.
 */
export class VmSnapshot extends DeclaredResource {
  declare public readonly vmId: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string>;
  declare public readonly memory: pulumi.Output<boolean>;
  declare public readonly quiesce: pulumi.Output<boolean>;
  declare public readonly removeChildren: pulumi.Output<boolean>;
  declare public readonly consolidate: pulumi.Output<boolean>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** The snapshot's managed object id (also the resource id), e.g. "snapshot-12". */
  declare public readonly snapshotId: pulumi.Output<string>;
  /** When vSphere took the snapshot (ISO 8601). */
  declare public readonly createTime: pulumi.Output<string>;
  /** The VM's power state captured in the snapshot. */
  declare public readonly powerState: pulumi.Output<string>;
  /** Whether the guest file systems were quiesced. */
  declare public readonly quiesced: pulumi.Output<boolean>;
  /** The parent snapshot's managed object id; undefined for a root snapshot. */
  declare public readonly parentSnapshotId: pulumi.Output<string | undefined>;
  /** Whether this is the VM's current snapshot. */
  declare public readonly isCurrent: pulumi.Output<boolean>;

  constructor(name: string, args: VmSnapshotArgs, opts?: pulumi.CustomResourceOptions) {
    super(vmSnapshotProvider, vmSnapshotDeclaration, name, args, opts);
  }
}
