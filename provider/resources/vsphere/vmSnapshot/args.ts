import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, ConnectionOutputs } from "../../common/connectionArgs";

/**
 * Inputs of `vsphere:VmSnapshot`: one snapshot of an existing vSphere VM, identified by its managed object id
 * (names need not be unique in vSphere and are never used to find it).
 */
export interface VmSnapshotArgs extends ConnectionArgs {
  /** Managed object id of the VM, e.g. `"vm-42"`. Changing it replaces the snapshot (a new one on the other VM). */
  vmId: pulumi.Input<string>;
  /**
   * The snapshot's name, literal text (a `%` is sent escaped as `%25`, so vCenter stores exactly this). Required, not
   * blank, at most 255 characters. Changing it renames the snapshot in place (RenameSnapshot).
   */
  name: pulumi.Input<string>;
  /** The snapshot's description. Default `""`. Changing it updates the snapshot in place (RenameSnapshot). */
  description?: pulumi.Input<string>;
  /**
   * Include the VM's memory, so a revert resumes the running VM. Default `false`. Needs a powered-on VM: anything else
   * is an error (never a silent disk-only snapshot). Changing it replaces the snapshot.
   */
  memory?: pulumi.Input<boolean>;
  /**
   * Quiesce the guest file systems through VMware Tools before taking the snapshot. Default `false`. Needs a powered-on
   * VM with VMware Tools running: anything else is an error (never a silent unquiesced snapshot). Changing it replaces the snapshot.
   */
  quiesce?: pulumi.Input<boolean>;
  /** On delete, also remove every snapshot below this one (RemoveSnapshot_Task removeChildren). Default `false`: children move up to this snapshot's parent. */
  removeChildren?: pulumi.Input<boolean>;
  /** On delete, merge the snapshot's disk into its parent disk (RemoveSnapshot_Task consolidate). Default `true`. */
  consolidate?: pulumi.Input<boolean>;
  /** Deadline of one create, update or delete, waits included (snapshots of large VMs take long). Default 1800, from 1 to 86400. */
  timeoutSeconds?: pulumi.Input<number>;
}

/** Checked inputs, defaults applied. */
export interface VmSnapshotInputs {
  vmId: string;
  name: string;
  description: string;
  memory: boolean;
  quiesce: boolean;
  removeChildren: boolean;
  consolidate: boolean;
  timeoutSeconds: number;
  connection: string;
}

/** Outputs: every input (as applied; name and description as last read from vCenter) plus the snapshot as vSphere reports it. */
export interface VmSnapshotOutputs extends VmSnapshotInputs, ConnectionOutputs {
  /** The snapshot's managed object id (also the resource id), e.g. `"snapshot-12"`. */
  snapshotId: string;
  /** When vSphere took the snapshot (ISO 8601). */
  createTime: string;
  /** The VM's power state captured in the snapshot (poweredOn only for a memory snapshot). */
  powerState: string;
  /** Whether the snapshot was taken with the guest file systems quiesced. */
  quiesced: boolean;
  /** The parent snapshot's managed object id; absent for a root snapshot. */
  parentSnapshotId?: string;
  /** Whether this is the VM's current snapshot (the one the running state builds on). */
  isCurrent: boolean;
}
