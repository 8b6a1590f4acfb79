import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, ConnectionOutputs } from "../../common/connectionArgs";

/**
 * Inputs of `vsphere:FtSecondary`: declares that a vSphere VM is protected by Fault Tolerance, i.e. that it has one FT
 * secondary VM created with `CreateSecondaryVMEx_Task`. The resource id is the primary VM's id.
 */
export interface FtSecondaryArgs extends ConnectionArgs {
  /**
   * The managed object id of the VM to protect (the FT primary), e.g. `vm-42`. It must be in a vSphere HA-enabled
   * cluster, must not be a template, must have no snapshots and must not already be fault tolerant: preview checks all
   * of that. Changing it replaces the resource (the new VM is protected first, then FT is turned off on the old one).
   */
  vmId: pulumi.Input<string>;
  /**
   * The HostSystem id (e.g. `host-12`) where the secondary is created and powered on. Default: vSphere picks a host (DRS
   * when the cluster has it). Must be a host of the primary's cluster other than the primary's own host. Only used when
   * the secondary is created: if vSphere later re-spawns the secondary elsewhere (host failure), the resource reports the
   * new host in `secondaryHost` and does not move it back. Changing it replaces the resource.
   */
  host?: pulumi.Input<string>;
  /**
   * The Datastore id (e.g. `datastore-12`) for the secondary's configuration files and virtual disks
   * (FaultToleranceConfigSpec.secondaryVmSpec: `vmConfig`, and one FaultToleranceDiskSpec per VirtualDisk of the primary).
   * Default: vSphere chooses. Changing it replaces the resource.
   */
  datastore?: pulumi.Input<string>;
  /**
   * The Datastore id for the FT metadata (tie-breaker) file (FaultToleranceConfigSpec.metaDataPath). Default: vSphere
   * chooses. Changing it replaces the resource.
   */
  metaDataDatastore?: pulumi.Input<string>;
  /**
   * Whether the secondary is enabled. Default `true`. `false` keeps the secondary registered but disabled
   * (`DisableSecondaryVM_Task`: it is powered off and not started with the primary; the VM is not protected). Toggling it
   * is an in-place update (`EnableSecondaryVM_Task` / `DisableSecondaryVM_Task`). A secondary disabled or enabled outside
   * Pulumi shows as drift after `pulumi refresh`, and `pulumi up` puts it back as declared.
   */
  enabled?: pulumi.Input<boolean>;
  /**
   * Whether create (and an update that enables the secondary) ends only when the group is protected: `running` when the
   * primary is powered on, `enabled` when it is off (vSphere starts the secondary with the primary). Default `true`. A
   * group that does not get there within `timeoutSeconds` is a partial failure: the group is recorded in the stack, and
   * the error says what vSphere reports (needSecondaryReason, the secondary's power state, the last FT state seen).
   * `false` returns as soon as vSphere has registered the secondary (it may still be `starting`). Changing it is an
   * in-place update that makes no call.
   */
  waitForProtection?: pulumi.Input<boolean>;
  /**
   * How long one create, update or delete may take, waiting for a busy VM and for protection included (another task in
   * progress on it). Creating a secondary copies the primary's disks: allow for their size. Default 1800, from 1 to 21600.
   */
  timeoutSeconds?: pulumi.Input<number>;
}

/** Checked inputs, defaults applied. */
export interface FtSecondaryInputs {
  vmId: string;
  host?: string;
  datastore?: string;
  metaDataDatastore?: string;
  enabled: boolean;
  waitForProtection: boolean;
  timeoutSeconds: number;
  connection: string;
}

/**
 * How powering on the secondary went, from FaultToleranceSecondaryOpResult {powerOnAttempted, powerOnResult}:
 * - `notAttempted`: no power-on was attempted (the primary was not powered on);
 * - `poweredOn`: powerOnResult.attempted lists the secondary (ClusterAttemptedVmInfo: the power-on succeeded);
 * - `failed`: powerOnResult.notAttempted lists it with a fault (see `powerOnFault`): the secondary stays powered off;
 * - `pendingRecommendation`: a manual DRS cluster returned a recommendation to approve (ClusterComputeResource.ApplyRecommendation);
 * - `unknown`: an attempt was made but vSphere returned no powerOnResult.
 */
export type PowerOnOutcome = "notAttempted" | "poweredOn" | "failed" | "pendingRecommendation" | "unknown";

/** Outputs: every input (as applied), plus the FT group as vSphere reports it. */
export interface FtSecondaryOutputs extends FtSecondaryInputs, ConnectionOutputs {
  /** The primary VM's name (as vCenter reports it, `%`, `/` and `\` unescaped). */
  vmName?: string;
  /** The current primary of the FT group: `vmId`, unless vSphere failed over and made the former secondary the primary. */
  primaryVmId: string;
  /** The secondary VM's managed object id (e.g. `vm-230`). Absent while vSphere has no secondary registered. */
  secondaryVmId?: string;
  /** The HostSystem id the secondary is registered on (follows vSphere when it re-spawns the secondary elsewhere). */
  secondaryHost?: string;
  /** The secondary's power state (poweredOn while it protects a running primary). */
  secondaryPowerState?: string;
  /** The HostSystem id the primary runs on. */
  primaryHost?: string;
  /**
   * runtime.faultToleranceState of the group's primary: notConfigured | disabled | enabled | needSecondary | starting |
   * running. `needSecondary` and `starting` are transient states vSphere works through by itself: reported, not fought.
   */
  faultToleranceState: string;
  /** needSecondaryReason from the primary's runtime, when vSphere reports why it needs a secondary. */
  needSecondaryReason?: string;
  /**
   * unset | recordReplay | checkpointing: `runtime.faultToleranceType` when the server reports it; otherwise `checkpointing`
   * for a configured group (the only kind CreateSecondaryVMEx_Task creates since vSphere 6.5) and `unset` when not configured.
   */
  faultToleranceType: string;
  /** config.ftInfo.instanceUuids: the instance uuids of the group, primary first. */
  instanceUuids: string[];
  /** Whether vSphere attempted to power on the secondary in the last create or enable (true when the primary was on). */
  powerOnAttempted: boolean;
  /** The outcome of that power-on attempt (see PowerOnOutcome). */
  powerOnOutcome: PowerOnOutcome;
  /** The fault vSphere gave for a power-on it could not attempt ("Type: message"), when there was one. */
  powerOnFault?: string;
  /** How many VirtualDisk placements were sent with `datastore` (0: only the configuration files were placed). */
  placedDisks: number;
}
