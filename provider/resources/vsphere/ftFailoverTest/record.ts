/**
 * Pure logic of `vsphere:FtFailoverTest`: when a test must not run, and the record of a run. No I/O here.
 */
import { describeVm, type FtGroupView } from "../ftSecondary/state";
import { notAnIdHint } from "../shared/vm";
import type { FtFailoverTestInputs, FtFailoverTestOutputs, FtTestMode, FtTestResult } from "./args";

/** "failover test", "restart-secondary test": for messages. */
export function testLabel(mode: FtTestMode): string {
  return mode === "failover" ? "failover test" : "restart-secondary test";
}

/**
 * Why the test must not run on the group of `vmId` (one sentence naming the VM), or undefined when it may: the VM must
 * exist, be in an FT group, and the group must be `running` (a test on an unprotected group takes the workload down).
 */
export function testRefusal(vmId: string, view: FtGroupView | undefined, mode: FtTestMode): string | undefined {
  if (!view) return `VM ${vmId} does not exist in vCenter (or this user cannot see it): there is no Fault Tolerance group to test.${notAnIdHint(vmId)}`;
  const vm = describeVm(view.vmId, view.vmName);
  if (view.role === "none") {
    return `${vm} is not in a Fault Tolerance group (faultToleranceState ${view.faultToleranceState}), so there is nothing to test: protect it with an FtSecondary first.`;
  }
  if (view.faultToleranceState !== "running" || view.secondaryVmId === undefined) {
    const reason = view.needSecondaryReason ? ` (needSecondaryReason ${view.needSecondaryReason})` : "";
    return `${vm} is in a Fault Tolerance group whose state is ${view.faultToleranceState}${reason}, not running: a ${testLabel(mode)} on an unprotected group would take the workload down, so run it once vSphere reports running.`;
  }
  return undefined;
}

/** A hint per fault type vSphere gives when it refuses or fails a test. */
export function testHint(faultType: string | undefined): string {
  switch (faultType) {
    case "InvalidState":
      return "vSphere runs a test only while the group is running (its secondary powered on and in sync): wait until it is, then run `pulumi up` again.";
    case "InvalidArgument":
      return "The group changed between the read and the test (another secondary, or roles swapped): run `pulumi up` again.";
    case "InvalidOperationOnSecondaryVm":
      return "Roles swapped between the read and the test: run `pulumi up` again.";
    case "NotSupported":
      return "vSphere does not support this test for the group (e.g. legacy record/replay FT).";
    default:
      return "";
  }
}

/** The VM that is the group's primary once the test is over: the former secondary after a failover. */
export function primaryAfterTest(before: FtGroupView, mode: FtTestMode): string {
  return mode === "failover" && before.secondaryVmId ? before.secondaryVmId : before.primaryVmId;
}

/** Seconds (ms precision) from the method call until protection was seen again. */
export function secondsBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.round(toMs - fromMs)) / 1000;
}

/** What a run saw. `after` is the group read when the resource finished (absent when it could not be read). */
export interface RunObservation {
  before: FtGroupView;
  after?: FtGroupView;
  mode: FtTestMode;
  startedAt: string;
  finishedAt: string;
  secondsUnprotected: number | null;
  result: FtTestResult;
  /** The last FT state the wait saw, for when the group could not be read at the end. */
  lastState?: string;
}

export type RunRecord = Omit<FtFailoverTestOutputs, keyof FtFailoverTestInputs | "endpoint">;

export function runRecord(run: RunObservation): RunRecord {
  const { before, after } = run;
  return {
    primaryVmIdBefore: before.primaryVmId,
    secondaryVmIdBefore: before.secondaryVmId ?? "",
    secondaryHostBefore: before.secondaryHost,
    primaryVmIdAfter: after?.primaryVmId ?? primaryAfterTest(before, run.mode),
    secondaryVmIdAfter: after ? after.secondaryVmId : run.mode === "failover" ? before.primaryVmId : before.secondaryVmId,
    secondaryHostAfter: after?.secondaryHost,
    faultToleranceState: after?.faultToleranceState ?? run.lastState ?? "unknown",
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    secondsUnprotected: run.secondsUnprotected,
    result: run.result,
  };
}
