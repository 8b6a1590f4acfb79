/**
 * Pure logic of `vsphere:FtSecondary`: reading vSphere's FT data objects, the FT group as outputs, drift, and the
 * sentences preview shows when FT cannot be turned on. No I/O here (unit-tested in-process).
 */
import type { VendorFault } from "../../../errors";
import { unescapeEntityName } from "../../../vsphere/entityNames";
import type { FtSecondaryInputs, FtSecondaryOutputs, PowerOnOutcome } from "./args";

/** The `value` of a ManagedObjectReference, or undefined. */
export function moRefId(value: unknown): string | undefined {
  if (value && typeof value === "object" && typeof (value as { value?: unknown }).value === "string") return (value as { value: string }).value;
  return undefined;
}

export { unescapeEntityName };

/** `VM "app-01" (vm-101)`, or `VM vm-101` when the name is not known. */
export function describeVm(vmId: string, name?: string): string {
  return name ? `VM "${name}" (${vmId})` : `VM ${vmId}`;
}

/** config.ftInfo, read: FaultTolerancePrimaryConfigInfo or FaultToleranceSecondaryConfigInfo. */
export interface FtInfo {
  role: "primary" | "secondary";
  instanceUuids: string[];
  /** Primary: its secondaries (FaultTolerancePrimaryConfigInfo.secondaries). */
  secondaryVmIds: string[];
  /** Secondary: its primary (FaultToleranceSecondaryConfigInfo.primaryVM). */
  primaryVmId?: string;
  orphaned: boolean;
}

/**
 * Reads config.ftInfo. The role comes from the data object type when it is given, else from its fields:
 * `primaryVM` means a secondary, `secondaries` a primary, and FaultToleranceConfigInfo.role (1 = primary) decides last.
 */
export function parseFtInfo(raw: unknown): FtInfo | undefined {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const info = raw as { _typeName?: unknown; role?: unknown; instanceUuids?: unknown; secondaries?: unknown; primaryVM?: unknown; orphaned?: unknown };
  const typeName = typeof info._typeName === "string" ? info._typeName : "";
  let role: "primary" | "secondary";
  if (typeName === "FaultToleranceSecondaryConfigInfo" || info.primaryVM !== undefined) role = "secondary";
  else if (typeName === "FaultTolerancePrimaryConfigInfo" || Array.isArray(info.secondaries)) role = "primary";
  else role = typeof info.role === "number" && info.role > 1 ? "secondary" : "primary";
  const instanceUuids = Array.isArray(info.instanceUuids) ? info.instanceUuids.filter((uuid): uuid is string => typeof uuid === "string") : [];
  const secondaryVmIds = Array.isArray(info.secondaries) ? info.secondaries.map(moRefId).filter((id): id is string => id !== undefined) : [];
  return { role, instanceUuids, secondaryVmIds, primaryVmId: moRefId(info.primaryVM), orphaned: info.orphaned === true };
}

/** What a CreateSecondaryVMEx_Task / EnableSecondaryVM_Task result (FaultToleranceSecondaryOpResult) says. */
export interface SecondaryOpOutcome {
  secondaryVmId?: string;
  powerOnAttempted: boolean;
  powerOnOutcome: PowerOnOutcome;
  powerOnFault?: string;
}

function faultText(raw: unknown): string | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const fault = raw as { _typeName?: unknown; faultMessage?: unknown; fault?: unknown; localizedMessage?: unknown };
  if (fault._typeName === undefined && fault.fault) return faultText(fault.fault) ?? (typeof fault.localizedMessage === "string" ? fault.localizedMessage : undefined);
  const type = typeof fault._typeName === "string" ? fault._typeName : "MethodFault";
  const messages = Array.isArray(fault.faultMessage)
    ? fault.faultMessage.map((m) => (m && typeof m === "object" ? (m as { message?: unknown }).message : undefined)).filter((m): m is string => typeof m === "string" && m.length > 0)
    : [];
  return messages.length > 0 ? `${type}: ${messages.join(" ")}` : type;
}

/** Reads FaultToleranceSecondaryOpResult {vm, powerOnAttempted, powerOnResult?: ClusterPowerOnVmResult}. */
export function parseSecondaryOpResult(raw: unknown): SecondaryOpOutcome {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { powerOnAttempted: false, powerOnOutcome: "unknown" };
  const result = raw as { vm?: unknown; powerOnAttempted?: unknown; powerOnResult?: unknown };
  const secondaryVmId = moRefId(result.vm);
  const powerOnAttempted = result.powerOnAttempted === true;
  if (!powerOnAttempted) return { secondaryVmId, powerOnAttempted, powerOnOutcome: "notAttempted" };
  const power = (result.powerOnResult && typeof result.powerOnResult === "object" ? result.powerOnResult : {}) as {
    attempted?: unknown;
    notAttempted?: unknown;
    recommendations?: unknown;
  };
  const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => !!item && typeof item === "object") : []);
  const concerns = (item: Record<string, unknown>): boolean => secondaryVmId === undefined || moRefId(item["vm"]) === undefined || moRefId(item["vm"]) === secondaryVmId;
  const failed = list(power.notAttempted).find(concerns);
  if (failed) return { secondaryVmId, powerOnAttempted, powerOnOutcome: "failed", powerOnFault: faultText(failed["fault"]) };
  if (list(power.attempted).some(concerns)) return { secondaryVmId, powerOnAttempted, powerOnOutcome: "poweredOn" };
  if (list(power.recommendations).length > 0) return { secondaryVmId, powerOnAttempted, powerOnOutcome: "pendingRecommendation" };
  return { secondaryVmId, powerOnAttempted, powerOnOutcome: "unknown" };
}

/** The FT group of a VM as read from vSphere. */
export interface FtGroupView {
  vmId: string;
  vmName?: string;
  /** The role of `vmId` in its group; `none` when FT is not configured on it. */
  role: "primary" | "secondary" | "none";
  primaryVmId: string;
  primaryHost?: string;
  /** The group primary's runtime.powerState. */
  primaryPowerState?: string;
  secondaryVmId?: string;
  secondaryHost?: string;
  secondaryPowerState?: string;
  /** The secondary's own runtime.faultToleranceState (`disabled` for a disabled secondary). */
  secondaryFaultToleranceState?: string;
  /** The group primary's runtime.faultToleranceState. */
  faultToleranceState: string;
  needSecondaryReason?: string;
  faultToleranceType: string;
  instanceUuids: string[];
}

/** runtime.faultToleranceType when the server reports it, else what a configured group created by CreateSecondaryVMEx is. */
export function faultToleranceTypeOf(runtime: unknown, configured: boolean): string {
  const reported = runtime && typeof runtime === "object" ? (runtime as { faultToleranceType?: unknown }).faultToleranceType : undefined;
  if (typeof reported === "string" && reported.length > 0) return reported;
  return configured ? "checkpointing" : "unset";
}

/** Whether the group has an enabled secondary, as far as the states tell. Undefined when not configured. */
export function secondaryEnabled(view: FtGroupView): boolean | undefined {
  if (view.role === "none") return undefined;
  if (view.secondaryFaultToleranceState !== undefined) return view.secondaryFaultToleranceState !== "disabled";
  return view.faultToleranceState !== "disabled";
}

/** What the last create or enable reported about powering the secondary on. */
export interface PowerOnRecord {
  powerOnAttempted: boolean;
  powerOnOutcome: PowerOnOutcome;
  powerOnFault?: string;
}

/** The outputs that are not inputs: the group as read, the last power-on record. */
export type FtGroupOutputs = Omit<FtSecondaryOutputs, keyof FtSecondaryInputs | "endpoint">;

export function groupOutputs(view: FtGroupView, power: PowerOnRecord, placedDisks: number): FtGroupOutputs {
  return {
    vmName: view.vmName,
    primaryVmId: view.primaryVmId,
    secondaryVmId: view.secondaryVmId,
    secondaryHost: view.secondaryHost,
    secondaryPowerState: view.secondaryPowerState,
    primaryHost: view.primaryHost,
    faultToleranceState: view.faultToleranceState,
    needSecondaryReason: view.needSecondaryReason,
    faultToleranceType: view.faultToleranceType,
    instanceUuids: view.instanceUuids,
    powerOnAttempted: power.powerOnAttempted,
    powerOnOutcome: power.powerOnOutcome,
    powerOnFault: power.powerOnFault,
    placedDisks,
  };
}

/** The power-on record kept in the old outputs (refresh cannot read it back: it describes an operation). */
export function powerRecordOf(props: Record<string, unknown>): PowerOnRecord {
  const outcomes: PowerOnOutcome[] = ["notAttempted", "poweredOn", "failed", "pendingRecommendation", "unknown"];
  const outcome = outcomes.find((candidate) => candidate === props["powerOnOutcome"]) ?? "unknown";
  return {
    powerOnAttempted: props["powerOnAttempted"] === true,
    powerOnOutcome: outcome,
    powerOnFault: typeof props["powerOnFault"] === "string" ? props["powerOnFault"] : undefined,
  };
}

/**
 * Drift between the declared `enabled` and the state recorded by the last create, update or refresh:
 * - `missing`: no FT group recorded (notConfigured, or a create that did not finish): `up` creates the secondary;
 * - `disabled`: enabled=true declared, the secondary is disabled: `up` enables it;
 * - `enabled`: enabled=false declared, the secondary is enabled: `up` disables it.
 * `needSecondary` and `starting` are vSphere working to restore protection: not drift.
 */
export function driftOf(olds: Record<string, unknown>, enabled: boolean): "missing" | "disabled" | "enabled" | undefined {
  const state = olds["faultToleranceState"];
  if (typeof state !== "string" || state === "notConfigured") return "missing";
  if (enabled && state === "disabled") return "disabled";
  if (!enabled && state !== "disabled") return "enabled";
  return undefined;
}

// ---- preview refusals ------------------------------------------------------------------------------------------

/** What check learned about a VM before FT is turned on for it. */
export interface FtPreconditions {
  vmId: string;
  vmName?: string;
  template: boolean;
  ftInfo?: FtInfo;
  snapshotNames: string[];
  /** runtime.host: the HostSystem the VM runs on (or is registered to). */
  host?: string;
  /** The compute resource the VM's host belongs to, when it could be read. */
  cluster?: { kind: "cluster" | "standalone"; id: string; name?: string; haEnabled?: boolean };
  /** QueryFaultToleranceCompatibilityEx answered these faults (empty: compatible; undefined: not asked). */
  compatibility?: VendorFault[];
  /** QueryFaultToleranceCompatibilityEx itself failed with this fault (NotSupported for a template, InvalidState, VmConfigFault). */
  compatibilityRefusal?: VendorFault;
}

/** VmFaultToleranceConfigIssue reasons already covered by this resource's own checks (no second sentence for them). */
const COVERED_REASONS: Record<string, "template" | "ha" | "snapshots" | "alreadyFt"> = {
  templateVm: "template",
  haNotEnabled: "ha",
  hasSnapshots: "snapshots",
  ftSecondaryVm: "alreadyFt",
  moreThanOneSecondary: "alreadyFt",
};

function faultSentence(fault: VendorFault): string {
  return `${fault.type}${fault.message ? `: ${fault.message.replace(/\s*\.?$/, "")}` : ""}`;
}

/** One clear sentence per reason FT cannot be turned on for the VM, each naming it. Empty: nothing stands in the way. */
export function refusalReasons(facts: FtPreconditions): string[] {
  const vm = describeVm(facts.vmId, facts.vmName);
  const reasons: string[] = [];
  const covered = new Set<string>();
  if (facts.template) {
    reasons.push(`${vm} is a template: vSphere Fault Tolerance cannot protect a template (vSphere answers NotSupported). Deploy a VM from it and protect that VM.`);
    covered.add("template");
  }
  if (facts.ftInfo?.role === "secondary") {
    const primary = facts.ftInfo.primaryVmId ? ` of ${facts.ftInfo.primaryVmId}` : "";
    reasons.push(`${vm} is itself a Fault Tolerance secondary${primary}: FT is turned on for the primary VM, so set vmId to the primary.`);
    covered.add("alreadyFt");
  } else if (facts.ftInfo?.role === "primary") {
    const secondary = facts.ftInfo.secondaryVmIds.length > 0 ? ` (secondary ${facts.ftInfo.secondaryVmIds.join(", ")})` : "";
    reasons.push(
      `${vm} is already fault tolerant${secondary}: vSphere allows one secondary per VM. Turn FT off for it first (vSphere Client, or TurnOffFaultToleranceForVM_Task), or manage it with the FtSecondary that created it.`,
    );
    covered.add("alreadyFt");
  }
  // vSphere's own words about the VM's configuration, when they come without a specific issue, go into the snapshot
  // sentence rather than a second sentence about the same snapshots.
  const snapshotEchoes: string[] = [];
  const snapshotSentence = (): string => {
    const names = facts.snapshotNames.slice(0, 5).map((name) => `"${name}"`).join(", ");
    const more = facts.snapshotNames.length > 5 ? ` and ${facts.snapshotNames.length - 5} more` : "";
    const count = facts.snapshotNames.length === 1 ? "1 snapshot" : `${facts.snapshotNames.length} snapshots`;
    const echo = snapshotEchoes.length > 0 ? ` (vSphere's compatibility check: ${snapshotEchoes.join("; ")})` : "";
    return `${vm} has ${count} (${names}${more}): vSphere does not allow snapshots on Fault Tolerance VMs${echo}. Remove them (or the VmSnapshot resources on this VM) first.`;
  };
  const snapshotIndex = facts.snapshotNames.length > 0 ? reasons.push(snapshotSentence()) - 1 : -1;
  if (snapshotIndex >= 0) covered.add("snapshots");
  if (facts.cluster?.kind === "standalone") {
    reasons.push(`${vm} runs on a standalone host (${facts.cluster.id}), not in a cluster: Fault Tolerance needs a vSphere HA-enabled cluster.`);
    covered.add("ha");
  } else if (facts.cluster?.haEnabled === false) {
    const cluster = facts.cluster.name ? `"${facts.cluster.name}" (${facts.cluster.id})` : facts.cluster.id;
    reasons.push(`${vm} is in cluster ${cluster}, where vSphere HA is not enabled: Fault Tolerance needs a vSphere HA-enabled cluster. Turn on vSphere HA for the cluster or move the VM.`);
    covered.add("ha");
  }
  const refusal = facts.compatibilityRefusal;
  const relation = (fault: VendorFault): "covered" | "aboutSnapshots" | "own" => {
    if (alreadyExplained(fault, covered)) return "covered";
    return snapshotIndex >= 0 && isUnspecifiedConfigFault(fault) ? "aboutSnapshots" : "own";
  };
  if (refusal && relation(refusal) === "aboutSnapshots") snapshotEchoes.push(faultSentence(refusal));
  else if (refusal && relation(refusal) === "own") {
    reasons.push(`${vm} cannot be fault tolerant: vSphere's compatibility check (QueryFaultToleranceCompatibilityEx) refused with ${faultSentence(refusal)}.`);
  }
  for (const fault of facts.compatibility ?? []) {
    const related = relation(fault);
    if (related === "aboutSnapshots") snapshotEchoes.push(faultSentence(fault));
    if (related !== "own") continue;
    const reason = reasonOf(fault);
    const detail = reason ? ` (reason ${reason})` : "";
    reasons.push(`${vm} is not compatible with Fault Tolerance: vSphere's compatibility check (QueryFaultToleranceCompatibilityEx) reports ${faultSentence(fault)}${detail}.`);
  }
  if (snapshotEchoes.length > 0) reasons[snapshotIndex] = snapshotSentence();
  return dedupe(reasons);
}

function reasonOf(fault: VendorFault): string | undefined {
  return typeof fault.details?.["reason"] === "string" ? (fault.details["reason"] as string) : undefined;
}

/**
 * Whether a fault of the compatibility check says what a check of this resource already said: by its reason when it
 * gives one; NotSupported is a template or no HA cluster.
 */
function alreadyExplained(fault: VendorFault, covered: Set<string>): boolean {
  const reason = reasonOf(fault);
  const area = reason ? COVERED_REASONS[reason] : undefined;
  if (area && covered.has(area)) return true;
  return fault.type === "NotSupported" && (covered.has("template") || covered.has("ha"));
}

/**
 * VmConfigIncompatibleForFaultTolerance without the specific issue (no reason, no nested `fault`): vSphere says the
 * VM's configuration is incompatible without saying which part, and the VM's snapshots are such a part.
 */
function isUnspecifiedConfigFault(fault: VendorFault): boolean {
  return fault.type === "VmConfigIncompatibleForFaultTolerance" && reasonOf(fault) === undefined && fault.details?.["fault"] === undefined;
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

/** Every snapshot name in a VirtualMachineSnapshotInfo (`snapshot` property), depth first. */
export function snapshotNamesOf(snapshotInfo: unknown): string[] {
  const names: string[] = [];
  const walk = (trees: unknown): void => {
    if (!Array.isArray(trees)) return;
    for (const tree of trees) {
      if (!tree || typeof tree !== "object") continue;
      const node = tree as { name?: unknown; childSnapshotList?: unknown };
      names.push(typeof node.name === "string" ? unescapeEntityName(node.name) : "(unnamed)");
      walk(node.childSnapshotList);
    }
  };
  if (snapshotInfo && typeof snapshotInfo === "object") walk((snapshotInfo as { rootSnapshotList?: unknown }).rootSnapshotList);
  return names;
}

/** The VirtualDisk devices of config.hardware (VirtualHardware.device), as vSphere reported them. */
export function virtualDisksOf(hardware: unknown): Record<string, unknown>[] {
  if (!hardware || typeof hardware !== "object") return [];
  const devices = (hardware as { device?: unknown }).device;
  if (!Array.isArray(devices)) return [];
  return devices.filter((device): device is Record<string, unknown> => !!device && typeof device === "object" && (device as { _typeName?: unknown })._typeName === "VirtualDisk");
}

/** The group of a VM before (or without) Fault Tolerance. */
export function emptyView(vmId: string, vmName?: string): FtGroupView {
  return { vmId, vmName, role: "none", primaryVmId: vmId, faultToleranceState: "notConfigured", faultToleranceType: "unset", instanceUuids: [] };
}
