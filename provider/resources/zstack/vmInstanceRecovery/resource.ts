import type * as pulumi from "@pulumi/pulumi";
import * as shell from "../../common/dynamicProvider";
import { DeclaredResource } from "../../common/declaredResource";
import type { VmInstanceRecoveryArgs } from "./args";
import * as crud from "./provider";
import { vmInstanceRecoveryDeclaration } from "./spec";

export const vmInstanceRecoveryProvider: pulumi.dynamic.ResourceProvider = shell.dynamicProvider(crud);

/**
 * Declares that a destroyed ZStack VM is back: a Destroyed VM is recovered with RecoverVmInstance (it comes back
 * Stopped) and optionally started; a VM in any other state is left alone. Deleting the resource leaves the VM.
 */
export class VmInstanceRecovery extends DeclaredResource {
  declare public readonly vmInstanceUuid: pulumi.Output<string>;
  declare public readonly startAfterRecovery: pulumi.Output<boolean>;
  declare public readonly systemTags: pulumi.Output<string[] | undefined>;
  declare public readonly userTags: pulumi.Output<string[] | undefined>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** The VM's name. */
  declare public readonly name: pulumi.Output<string>;
  /** The VM's state as of the last create, update or refresh (Running, Stopped, Destroyed, …). */
  declare public readonly state: pulumi.Output<string>;
  /** The state the VM was in when the resource was created. */
  declare public readonly initialState: pulumi.Output<string>;
  /** Whether this resource recovered the VM (false: it was not Destroyed, nothing was needed). */
  declare public readonly recovered: pulumi.Output<boolean>;
  /** Whether this resource started the VM after recovering it. */
  declare public readonly startedAfterRecovery: pulumi.Output<boolean>;
  declare public readonly recoveredAt: pulumi.Output<string | undefined>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly hostUuid: pulumi.Output<string | undefined>;
  declare public readonly lastHostUuid: pulumi.Output<string | undefined>;
  declare public readonly zoneUuid: pulumi.Output<string | undefined>;
  declare public readonly clusterUuid: pulumi.Output<string | undefined>;
  declare public readonly imageUuid: pulumi.Output<string | undefined>;
  declare public readonly instanceOfferingUuid: pulumi.Output<string | undefined>;
  declare public readonly rootVolumeUuid: pulumi.Output<string | undefined>;
  declare public readonly defaultL3NetworkUuid: pulumi.Output<string | undefined>;
  declare public readonly hypervisorType: pulumi.Output<string | undefined>;
  declare public readonly platform: pulumi.Output<string | undefined>;
  declare public readonly architecture: pulumi.Output<string | undefined>;
  declare public readonly type: pulumi.Output<string | undefined>;
  declare public readonly cpuNum: pulumi.Output<number | undefined>;
  declare public readonly memorySize: pulumi.Output<number | undefined>;
  declare public readonly createDate: pulumi.Output<string | undefined>;
  declare public readonly lastOpDate: pulumi.Output<string | undefined>;
  declare public readonly ipAddresses: pulumi.Output<string[]>;

  constructor(name: string, args: VmInstanceRecoveryArgs, opts?: pulumi.CustomResourceOptions) {
    super(vmInstanceRecoveryProvider, vmInstanceRecoveryDeclaration, name, args, opts);
  }
}
