import type * as pulumi from "@pulumi/pulumi";
import * as shell from "../../common/dynamicProvider";
import { DeclaredResource } from "../../common/declaredResource";
import type { DeclaredPowerState, VmPowerStateArgs } from "./args";
import * as crud from "./provider";
import { vmPowerStateDeclaration } from "./spec";

export const vmPowerStateProvider: pulumi.dynamic.ResourceProvider = shell.dynamicProvider(crud);

/**
 * Declares the power state of an existing vSphere VM (poweredOn, poweredOff or suspended). `pulumi up` reaches it
 * from wherever the VM is, with a guest shutdown that is awaited and falls back to a hard power-off only when allowed;
 * `pulumi refresh` reports a VM switched by hand as drift; deleting the resource leaves the VM as it is.
 */
export class VmPowerState extends DeclaredResource {
  declare public readonly vmId: pulumi.Output<string>;
  /** The declared power state. */
  declare public readonly state: pulumi.Output<DeclaredPowerState>;
  declare public readonly shutdownMode: pulumi.Output<"guest" | "hard">;
  declare public readonly guestShutdownTimeoutSeconds: pulumi.Output<number>;
  declare public readonly forceAfterTimeout: pulumi.Output<boolean>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** The VM's actual power state (runtime.powerState) as of the last create, update or refresh. */
  declare public readonly powerState: pulumi.Output<DeclaredPowerState>;
  /** guest.toolsRunningStatus as of the last create, update or refresh. */
  declare public readonly toolsRunningStatus: pulumi.Output<string | undefined>;
  /** The HostSystem id the VM runs on (runtime.host). */
  declare public readonly host: pulumi.Output<string | undefined>;
  /** What the last create or update did (none, powerOn, suspend, guestShutdown, guestShutdownThenPowerOff, powerOff, …). */
  declare public readonly lastAction: pulumi.Output<string>;

  constructor(name: string, args: VmPowerStateArgs, opts?: pulumi.CustomResourceOptions) {
    super(vmPowerStateProvider, vmPowerStateDeclaration, name, args, opts);
  }
}
