import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, ConnectionOutputs } from "../../common/connectionArgs";

/**
 * Inputs of `vsphere:VmSnapshotRevert`: one revert of a VM to a snapshot, run on create, like a Command of
 * pulumi-command. It reverts again when `vmId`, `snapshotId`, `suppressPowerOn` or `triggers` change (a replace);
 * deleting it changes nothing on vSphere.
 */
export interface VmSnapshotRevertArgs extends ConnectionArgs {
  /** The VM to revert (`vm-42`). It must not be a Fault Tolerance VM or a template. Changing it reverts again. */
  vmId: pulumi.Input<string>;
  /**
   * The snapshot to revert to (`snapshot-12`), typically a VmSnapshot's id; it must be in this VM's snapshot tree.
   * Absent: the VM's current snapshot (RevertToCurrentSnapshot_Task). Changing it reverts again.
   */
  snapshotId?: pulumi.Input<string>;
  /**
   * `true`: do not power the VM on even when the snapshot was taken powered on (a memory snapshot then leaves the VM
   * suspended). Default `false`. Changing it reverts again.
   */
  suppressPowerOn?: pulumi.Input<boolean>;
  /** An array of any values, e.g. `[rollbackTicket]`: any change reverts again (a replace). */
  triggers?: pulumi.Input<unknown[]>;
  /** How long the revert may take, waiting for a busy VM included. Default 1800, from 1 to 21600. In place. */
  timeoutSeconds?: pulumi.Input<number>;
}

/** Checked inputs, defaults applied. */
export interface VmSnapshotRevertInputs {
  vmId: string;
  snapshotId?: string;
  suppressPowerOn: boolean;
  triggers?: unknown[];
  timeoutSeconds: number;
  connection: string;
}

/** Outputs: every input, plus the record of the revert. */
export interface VmSnapshotRevertOutputs extends VmSnapshotRevertInputs, ConnectionOutputs {
  /** The name of the snapshot reverted to (as vCenter reports it). */
  snapshotName: string;
  /** The snapshot reverted to: `snapshotId`, or the VM's current snapshot when none was given. */
  revertedToSnapshotId: string;
  /**
   * runtime.powerState right after the revert, as vSphere reports it: the snapshot's power state, except that a memory
   * snapshot reverted with suppressPowerOn leaves the VM suspended.
   */
  powerStateAfter: string;
  /** When the revert task finished (ISO 8601). */
  revertedAt: string;
}
