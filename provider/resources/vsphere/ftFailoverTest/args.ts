import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, ConnectionOutputs } from "../../common/connectionArgs";

/**
 * What the test does to the group's current primary and its secondary:
 * - `failover`: the secondary takes over as primary (MakePrimaryVM_Task {vm: secondary} on the primary); vSphere then
 *   starts a new secondary for it;
 * - `restartSecondary`: the secondary is killed (TerminateFaultTolerantVM_Task {vm: secondary} on the primary) and
 *   vSphere re-spawns it; the primary stays the primary.
 */
export type FtTestMode = "failover" | "restartSecondary";

/**
 * Inputs of `vsphere:FtFailoverTest`: one Fault Tolerance test of a protected VM, run on create, like a Command of
 * pulumi-command. It runs again when `vmId`, `mode` or `triggers` change (a replace); deleting it changes nothing.
 */
export interface FtFailoverTestArgs extends ConnectionArgs {
  /**
   * Any VM of the FT group, primary or secondary (`vm-42`): the test always acts on the group's current primary and its
   * secondary. Use the same vmId as the group's FtSecondary: it stays valid while roles swap, whereas the primary's id
   * changes with every failover test (and would make the next `up` run the test again). Changing it runs the test again.
   */
  vmId: pulumi.Input<string>;
  /** `"failover"` (default) or `"restartSecondary"` (see FtTestMode). Changing it runs the test again. */
  mode?: pulumi.Input<FtTestMode>;
  /** An array of any values, e.g. `[drillMonth]`: any change runs the test again (a replace). */
  triggers?: pulumi.Input<unknown[]>;
  /**
   * Whether the test ends only when the group is protected again (runtime.faultToleranceState `running`). Default
   * `true`; then `secondsUnprotected` says how long it was not. A group that is not running again within
   * `timeoutSeconds` is a partial failure recorded with what was seen. Changing it is an in-place update (no run).
   */
  waitForProtection?: pulumi.Input<boolean>;
  /** How long the test may take, the task and the wait for protection included. Default 1800, from 1 to 21600. In place. */
  timeoutSeconds?: pulumi.Input<number>;
}

/** Checked inputs, defaults applied. */
export interface FtFailoverTestInputs {
  vmId: string;
  mode: FtTestMode;
  triggers?: unknown[];
  waitForProtection: boolean;
  timeoutSeconds: number;
  connection: string;
}

/**
 * How the run ended: `protected` (the group was seen running again), `notWaited` (waitForProtection: false), or
 * `notProtected` (recorded by a partial failure: the group was not running again before the deadline).
 */
export type FtTestResult = "protected" | "notWaited" | "notProtected";

/** Outputs: every input, plus the record of the run. */
export interface FtFailoverTestOutputs extends FtFailoverTestInputs, ConnectionOutputs {
  /** The group's primary and secondary before the test, and the secondary's host. */
  primaryVmIdBefore: string;
  secondaryVmIdBefore: string;
  secondaryHostBefore?: string;
  /** The same after the test (after a failover, the former secondary is the primary). */
  primaryVmIdAfter: string;
  secondaryVmIdAfter?: string;
  secondaryHostAfter?: string;
  /** runtime.faultToleranceState of the group's primary when the resource finished. */
  faultToleranceState: string;
  /** When the test method was called and when the resource finished (ISO 8601). */
  startedAt: string;
  finishedAt: string;
  /** Seconds from the method call until the group was seen running again; null when not waited for (or not seen). */
  secondsUnprotected: number | null;
  result: FtTestResult;
}
