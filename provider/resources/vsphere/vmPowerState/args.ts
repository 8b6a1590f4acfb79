import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, ConnectionOutputs } from "../../common/connectionArgs";

/** The power states a VM can be declared in (VirtualMachinePowerState_enum). */
export type DeclaredPowerState = "poweredOn" | "poweredOff" | "suspended";

/**
 * Inputs of `vsphere:VmPowerState`: declares the power state of one existing vSphere VM. `pulumi up` reaches it from
 * whatever state the VM is in (no call when it is already there); `pulumi refresh` shows a VM switched by hand as drift.
 * Deleting the resource leaves the VM as it is.
 */
export interface VmPowerStateArgs extends ConnectionArgs {
  /** Managed object id of the VM, e.g. `"vm-42"`. Changing it replaces the resource (another VM). */
  vmId: pulumi.Input<string>;
  /** The declared power state: `"poweredOn"`, `"poweredOff"` or `"suspended"`. Required. */
  state: pulumi.Input<DeclaredPowerState>;
  /**
   * How a powered-on VM reaches `poweredOff`: `"guest"` (default) asks the guest OS to shut down through VMware Tools
   * (ShutdownGuest) and waits until vSphere reports poweredOff; `"hard"` powers it off at once (PowerOffVM_Task, like
   * pulling the plug). A suspended VM always gets a hard power-off (a suspended guest cannot shut down).
   */
  shutdownMode?: pulumi.Input<"guest" | "hard">;
  /** How long a guest shutdown may take before `forceAfterTimeout` applies. Default 300, from 1 to 3600. */
  guestShutdownTimeoutSeconds?: pulumi.Input<number>;
  /**
   * With `shutdownMode: "guest"`: power the VM off hard when the guest has not shut down within
   * `guestShutdownTimeoutSeconds`, or when VMware Tools is not running. Default `true`. With `false` those cases are errors.
   */
  forceAfterTimeout?: pulumi.Input<boolean>;
  /** Deadline of one create or update, every step and wait included. Default 900, from 1 to 21600. */
  timeoutSeconds?: pulumi.Input<number>;
}

/** Checked inputs, defaults applied. */
export interface VmPowerStateInputs {
  vmId: string;
  state: DeclaredPowerState;
  shutdownMode: "guest" | "hard";
  guestShutdownTimeoutSeconds: number;
  forceAfterTimeout: boolean;
  timeoutSeconds: number;
  connection: string;
}

/** Outputs: every input (as applied) plus the VM as vSphere reports it. */
export interface VmPowerStateOutputs extends VmPowerStateInputs, ConnectionOutputs {
  /** The VM's actual power state (runtime.powerState) as of the last create, update or refresh. */
  powerState: DeclaredPowerState;
  /** guest.toolsRunningStatus as of the last create, update or refresh (guestToolsRunning, guestToolsNotRunning, …). */
  toolsRunningStatus?: string;
  /** The HostSystem id the VM runs on (runtime.host), e.g. `"host-10"`. */
  host?: string;
  /**
   * What the last create or update did: `none` (already there), `powerOn`, `suspend`, `guestShutdown`,
   * `guestShutdownThenPowerOff`, `powerOff`, or steps joined with `+` (e.g. `powerOn+suspend`).
   */
  lastAction: string;
}
