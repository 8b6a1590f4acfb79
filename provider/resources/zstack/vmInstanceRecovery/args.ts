import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { memo } from "../../../runtime";
import { normalizeZstackUuid } from "../../../zstack/uuid";

/** Defaults and bounds of the inputs. */
export const VM_INSTANCE_RECOVERY_DEFAULTS = { startAfterRecovery: false, timeoutSeconds: 600, maxTimeoutSeconds: 21_600 };

/**
 * Inputs of `zstack:VmInstanceRecovery`: declares that a ZStack VM which is Destroyed (deleted under the default
 * `vm.deletionPolicy` Delay, not yet expunged) is recovered.
 */
export interface VmInstanceRecoveryArgs {
  /**
   * The VM's uuid: 32 hex characters as ZStack prints them (`a5b2…`). A hyphenated 8-4-4-4-12 form or upper case is
   * accepted and normalized to ZStack's form. Changing it replaces the resource (another VM).
   */
  vmInstanceUuid: pulumi.Input<string>;
  /**
   * Start the VM after this resource recovers it (a recovered VM comes back Stopped, without IP addresses; starting it
   * allocates them again). Default `false`. Applies only to a VM this resource recovered: a VM that was not Destroyed is
   * left exactly as it is. Turning it on later starts the VM if this resource recovered it and it is still Stopped.
   */
  startAfterRecovery?: pulumi.Input<boolean>;
  /** ZStack system tags sent with the RecoverVmInstance call (top level of the request body). Default none. */
  systemTags?: pulumi.Input<pulumi.Input<string>[]>;
  /** ZStack user tags sent with the RecoverVmInstance call. Default none. */
  userTags?: pulumi.Input<pulumi.Input<string>[]>;
  /** How long one create or update may take, recovery and start included. Default 600, from 1 to 21600. */
  timeoutSeconds?: pulumi.Input<number>;
}

/** Checked inputs, defaults applied. */
export interface VmInstanceRecoveryInputs {
  vmInstanceUuid: string;
  startAfterRecovery: boolean;
  systemTags?: string[];
  userTags?: string[];
  timeoutSeconds: number;
}

/** Outputs: every input, plus the VM as ZStack reports it. */
export interface VmInstanceRecoveryOutputs extends VmInstanceRecoveryInputs {
  /** The VM's name. */
  name: string;
  /** The VM's current state (Running, Stopped, Destroyed, …) as of the last create, update or refresh. */
  state: string;
  /** The state the VM was in when this resource was created (Destroyed when it had to be recovered). */
  initialState: string;
  /** Whether this resource recovered the VM (false: it was not Destroyed, nothing was needed). */
  recovered: boolean;
  /** Whether this resource started the VM after recovering it. */
  startedAfterRecovery: boolean;
  /** ISO time of the last recovery made by this resource. */
  recoveredAt?: string;
  description?: string;
  hostUuid?: string;
  lastHostUuid?: string;
  zoneUuid?: string;
  clusterUuid?: string;
  imageUuid?: string;
  instanceOfferingUuid?: string;
  rootVolumeUuid?: string;
  defaultL3NetworkUuid?: string;
  hypervisorType?: string;
  platform?: string;
  architecture?: string;
  type?: string;
  cpuNum?: number;
  memorySize?: number;
  createDate?: string;
  lastOpDate?: string;
  /** IP addresses of the VM's NICs (empty right after a recovery; a start allocates them). */
  ipAddresses: string[];
}

/** Every output name, for the resource class. */
export const VM_INSTANCE_RECOVERY_OUTPUT_NAMES = [
  "name",
  "state",
  "initialState",
  "recovered",
  "startedAfterRecovery",
  "recoveredAt",
  "description",
  "hostUuid",
  "lastHostUuid",
  "zoneUuid",
  "clusterUuid",
  "imageUuid",
  "instanceOfferingUuid",
  "rootVolumeUuid",
  "defaultL3NetworkUuid",
  "hypervisorType",
  "platform",
  "architecture",
  "type",
  "cpuNum",
  "memorySize",
  "createDate",
  "lastOpDate",
  "ipAddresses",
] as const;

function tagList(property: string) {
  return z
    .array(
      z
        .string({ error: `each entry of ${property} must be a string` })
        .min(1, { error: `entries of ${property} must not be empty` })
        .max(2048, { error: `entries of ${property} must be at most 2048 characters` }),
      { error: `${property} must be a list of strings` },
    )
    .max(100, { error: `${property} may hold at most 100 tags` })
    .optional();
}

/** The zod schema of the inputs (built lazily, memoized per process). */
export function vmInstanceRecoverySchema(): z.ZodObject<z.ZodRawShape> {
  return memo("zstack.schemas.vmInstanceRecovery", () =>
    z.object({
      vmInstanceUuid: z
        .string({ error: "vmInstanceUuid is required: the uuid of a ZStack VM (32 hex characters)" })
        .transform((value, context) => {
          const normalized = normalizeZstackUuid(value);
          if (normalized === undefined) {
            context.addIssue({
              code: "custom",
              message: `vmInstanceUuid must be a ZStack uuid: 32 hex characters (hyphenated 8-4-4-4-12 is accepted); got ${JSON.stringify(value)}`,
            });
            return z.NEVER;
          }
          return normalized;
        }),
      startAfterRecovery: z
        .boolean({ error: "startAfterRecovery must be true or false (default false)" })
        .default(false),
      systemTags: tagList("systemTags"),
      userTags: tagList("userTags"),
      timeoutSeconds: z
        .number({ error: "timeoutSeconds must be a number of seconds from 1 to 21600 (default 600)" })
        .int({ error: "timeoutSeconds must be a whole number of seconds from 1 to 21600 (default 600)" })
        .min(1, { error: "timeoutSeconds must be at least 1 (default 600)" })
        .max(21_600, { error: "timeoutSeconds must be at most 21600 (6 hours; default 600)" })
        .default(600),
    }),
  );
}
