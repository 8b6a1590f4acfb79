import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { memo } from "../../../runtime";
import { booleanField, secondsField, vmIdField } from "../shared/fields";

/** Defaults and bounds of the inputs. */
export const VM_SNAPSHOT_DEFAULTS = {
  description: "",
  memory: false,
  quiesce: false,
  removeChildren: false,
  consolidate: true,
  timeoutSeconds: 1_800,
  maxTimeoutSeconds: 86_400,
  maxNameLength: 255,
  maxDescriptionLength: 4_096,
} as const;

/**
 * Inputs of `vsphere:VmSnapshot`: one snapshot of an existing vSphere VM, identified by its managed object id
 * (names need not be unique in vSphere and are never used to find it).
 */
export interface VmSnapshotArgs {
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
}

/** Outputs: every input (as applied; name and description as last read from vCenter) plus the snapshot as vSphere reports it. */
export interface VmSnapshotOutputs extends VmSnapshotInputs {
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

/** Every output name that is not an input, for the resource class. */
export const VM_SNAPSHOT_OUTPUT_NAMES = ["snapshotId", "createTime", "powerState", "quiesced", "parentSnapshotId", "isCurrent"] as const;

/** The zod schema of the inputs (built lazily, memoized per process). */
export function vmSnapshotSchema(): z.ZodObject<z.ZodRawShape> {
  return memo("vsphere.schemas.vmSnapshot", () =>
    z.object({
      vmId: vmIdField(),
      name: z
        .string({ error: "name is required: the snapshot's name (not blank, at most 255 characters)" })
        .refine((value) => value.trim().length > 0, { error: "name must not be empty or blank" })
        .refine((value) => value.length <= 255, { error: "name must be at most 255 characters" }),
      description: z
        .string({ error: "description must be a string (default \"\")" })
        .max(4_096, { error: "description must be at most 4096 characters" })
        .default(""),
      memory: booleanField("memory", false),
      quiesce: booleanField("quiesce", false),
      removeChildren: booleanField("removeChildren", false),
      consolidate: booleanField("consolidate", true),
      timeoutSeconds: secondsField("timeoutSeconds", 1_800, 86_400),
    }),
  );
}
