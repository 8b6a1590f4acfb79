import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, ConnectionOutputs } from "../../common/connectionArgs";

/**
 * Inputs of `zstack:VmInstanceRecovery`: declares that a ZStack VM which is Destroyed (deleted under the default
 * `vm.deletionPolicy` Delay, not yet expunged) is recovered.
 */
export interface VmInstanceRecoveryArgs extends ConnectionArgs {
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
  connection: string;
}

/** Outputs: every input (as applied), plus the VM as ZStack reports it. */
export interface VmInstanceRecoveryOutputs extends VmInstanceRecoveryInputs, ConnectionOutputs {
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
