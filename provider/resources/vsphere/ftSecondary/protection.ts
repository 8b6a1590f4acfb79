import type * as connections from "../../../vsphere/connection";
import { vmRef } from "../../../vsphere/moref";
import { waitForProperties } from "../../../vsphere/watch";
import { parseFtInfo } from "./state";

/**
 * Waiting for an FT group to be protected again, watching its primary (runtime.faultToleranceState, runtime.powerState,
 * runtime.needSecondaryReason, config.ftInfo). Used by FtSecondary (create, enable) and FtFailoverTest (after a test).
 */

/**
 * `protected`: as far as the primary's power state allows: `running` when it is powered on, `enabled` when it is not
 * (vSphere starts the secondary with the primary). `running`: the group runs protected again.
 */
export type ProtectionGoal = "protected" | "running";

/** The primary's FT facts at the last look. */
export interface PrimaryFtState {
  faultToleranceState?: string;
  powerState?: string;
  needSecondaryReason?: string;
  /** The watched VM's role in its group at that look (`none` when FT is off). */
  role?: "primary" | "secondary" | "none";
}

export interface ProtectionOutcome {
  reached: boolean;
  /** Epoch ms at which the look that saw the goal reached returned. */
  seenAt?: number;
  last: PrimaryFtState;
}

/** States vSphere does not leave by itself: no point waiting for protection once the group is in one. */
const SETTLED_UNPROTECTED = new Set(["notConfigured", "disabled"]);

function field(object: unknown, key: string): string | undefined {
  const value = object && typeof object === "object" ? (object as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function primaryStateOf(values: Record<string, unknown>): PrimaryFtState {
  const runtime = values["runtime"];
  return {
    faultToleranceState: field(runtime, "faultToleranceState") ?? "notConfigured",
    powerState: field(runtime, "powerState"),
    needSecondaryReason: field(runtime, "needSecondaryReason"),
    role: parseFtInfo(values["config.ftInfo"])?.role ?? "none",
  };
}

/** Whether the primary's state is the goal. Only a VM that is the group's primary counts (not a secondary still reporting running). */
export function isProtected(state: PrimaryFtState, goal: ProtectionGoal): boolean {
  if (state.role !== "primary") return false;
  if (state.faultToleranceState === "running") return true;
  return goal === "protected" && state.powerState !== "poweredOn" && state.faultToleranceState === "enabled";
}

/** "faultToleranceState needSecondary (needSecondaryReason userAction), primary poweredOn". */
export function describePrimaryState(state: PrimaryFtState): string {
  const reason = state.needSecondaryReason ? ` (needSecondaryReason ${state.needSecondaryReason})` : "";
  const power = state.powerState ? `, primary ${state.powerState}` : "";
  return `faultToleranceState ${state.faultToleranceState ?? "unknown"}${reason}${power}`;
}

/**
 * Watches `primaryVmId` until its group reaches `goal`, or sits in a state vSphere does not leave by itself
 * (notConfigured, disabled), or the deadline passes. A VM that no longer exists is thrown (NotFoundError).
 */
export async function waitForProtection(connection: connections.VsphereConnection, primaryVmId: string, goal: ProtectionGoal, deadline: number): Promise<ProtectionOutcome> {
  let seenAt: number | undefined;
  let last: PrimaryFtState = {};
  const wait = await waitForProperties(
    connection,
    vmRef(primaryVmId),
    ["runtime", "config.ftInfo"],
    (values) => {
      last = primaryStateOf(values);
      if (isProtected(last, goal)) {
        seenAt = Date.now();
        return true;
      }
      return SETTLED_UNPROTECTED.has(last.faultToleranceState ?? "");
    },
    {
      deadline,
      what: `the FT group of VirtualMachine:${primaryVmId} to be ${goal === "running" ? "running" : "protected"}`,
      describe: (values) => describePrimaryState(primaryStateOf(values)),
      initialDelayMs: 100,
      maxDelayMs: 1_000,
    },
  );
  return { reached: wait.reached && seenAt !== undefined, seenAt, last };
}
