/**
 * Fault Tolerance rules. A group is a primary and its secondary (one: SecondaryVmAlreadyRegistered for a second);
 * the secondary shares the primary's name, folder and BIOS uuid, has its own instance uuid, runs on another host of
 * the primary's cluster and follows the primary's power.
 * States (VirtualMachineFaultToleranceState_enum): a primary is `disabled` with no enabled secondary, `enabled` when
 * powered off with an enabled secondary, `needSecondary` when on with no active secondary (needSecondaryReason says
 * why), `starting` while a secondary synchronizes (`ftSyncMs`), `running` when protected. A secondary is `disabled`,
 * `enabled` (not powered on), `starting` or `running`.
 * A secondary that goes down while its primary runs (host failure, TerminateFaultTolerantVM, the former primary after
 * MakePrimaryVM) is re-spawned after `ftSyncMs` unless the group's `respawnSecondaries` is off (admin knob).
 * Refusals: NotSupported (template, not in an HA cluster), VmConfigIncompatibleForFaultTolerance (the VM has
 * snapshots), SecondaryVmAlreadyRegistered, InvalidOperationOnSecondaryVm (called on a secondary),
 * NoHostSuitableForFtSecondary (no other live host), InvalidArgument (host, or a vm that is not this primary's
 * secondary), InvalidState (not FT; a secondary or group not in the state the operation needs), SecondaryVmAlreadyDisabled.
 */
import { randomUUID } from "node:crypto";
import { faultBody, faults, vimFault, type FaultBody } from "../faults";
import { moRef } from "../wire";
import type { Inventory } from "./inventory";
import { cancelGuestOperation } from "./powerState";
import { requireEntity } from "./inventoryTree";
import type { EntityRef, HostState, NeedSecondaryReason, VmState } from "./stateTypes";
import { addVm, removeVm } from "./vms";

export type FaultToleranceState = "notConfigured" | "disabled" | "enabled" | "needSecondary" | "starting" | "running";

const syncTimers = new WeakMap<VmState, NodeJS.Timeout>();

export function secondariesOf(inventory: Inventory, primary: VmState): VmState[] {
  if (primary.ft?.role !== "primary") return [];
  return primary.ft.secondaryIds.map((id) => inventory.vms.get(id)).filter((vm): vm is VmState => vm !== undefined);
}

/** The primary of the VM's group (the VM itself for a primary); undefined when not FT. */
export function primaryOf(inventory: Inventory, vm: VmState): VmState | undefined {
  if (vm.ft?.role === "primary") return vm;
  if (vm.ft?.role === "secondary") {
    const primary = inventory.vms.get(vm.ft.primaryId);
    return primary?.ft?.role === "primary" ? primary : undefined;
  }
  return undefined;
}

function isEnabledSecondary(vm: VmState): boolean {
  return vm.ft?.role === "secondary" && vm.ft.enabled;
}

export function ftStateOf(inventory: Inventory, vm: VmState): FaultToleranceState {
  const ft = vm.ft;
  if (!ft) return "notConfigured";
  if (ft.role === "secondary") {
    if (!ft.enabled) return "disabled";
    return vm.powerState === "poweredOn" ? ft.sync : "enabled";
  }
  const enabled = secondariesOf(inventory, vm).filter(isEnabledSecondary);
  if (enabled.length === 0) return "disabled";
  if (vm.powerState !== "poweredOn") return "enabled";
  const active = enabled.filter((secondary) => secondary.powerState === "poweredOn");
  if (active.some((secondary) => secondary.ft?.role === "secondary" && secondary.ft.sync === "running")) return "running";
  if (active.length > 0) return "starting";
  return "needSecondary";
}

/** Why a primary in `needSecondary` needs one; undefined in any other state. */
export function needSecondaryReasonOf(inventory: Inventory, vm: VmState): NeedSecondaryReason | undefined {
  if (ftStateOf(inventory, vm) !== "needSecondary") return undefined;
  for (const secondary of secondariesOf(inventory, vm)) {
    if (secondary.ft?.role === "secondary" && secondary.ft.enabled && secondary.ft.downReason) return secondary.ft.downReason;
  }
  return "lostConnection";
}

function notifyGroup(inventory: Inventory, primary: VmState): void {
  inventory.notify("VirtualMachine", primary.id);
  for (const secondary of secondariesOf(inventory, primary)) inventory.notify("VirtualMachine", secondary.id);
}

/** Hosts of the primary's cluster that could take a secondary: live, not the primary's, not another member's. */
function candidateHosts(inventory: Inventory, primary: VmState, moving?: VmState): HostState[] {
  const taken = new Set([primary.hostId, ...secondariesOf(inventory, primary).filter((member) => member !== moving).map((member) => member.hostId)]);
  return inventory
    .clusterOf(primary)
    .hostIds.map((id) => inventory.hosts.get(id))
    .filter((host): host is HostState => host !== undefined && !host.failed && !taken.has(host.id));
}

function setSecondaryPower(inventory: Inventory, secondary: VmState, on: boolean): void {
  inventory.unschedule(syncTimers.get(secondary));
  syncTimers.delete(secondary);
  cancelGuestOperation(inventory, secondary);
  secondary.powerState = on ? "poweredOn" : "poweredOff";
  secondary.bootTime = on ? Date.now() : undefined;
  secondary.suspendTime = undefined;
  secondary.toolsRunning = false;
  if (secondary.ft?.role === "secondary") secondary.ft.sync = "starting";
}

/** Powers a secondary on (on `hostId` or a chosen host): starting, then running after ftSyncMs. False when no host. */
export function startSecondary(inventory: Inventory, primary: VmState, secondary: VmState, hostId?: string): boolean {
  const hosts = candidateHosts(inventory, primary, secondary);
  const target = hostId ?? (hosts.some((host) => host.id === secondary.hostId) ? secondary.hostId : hosts[0]?.id);
  if (!target) {
    if (secondary.ft?.role === "secondary") secondary.ft.downReason ??= "other";
    notifyGroup(inventory, primary);
    return false;
  }
  secondary.hostId = target;
  setSecondaryPower(inventory, secondary, true);
  if (secondary.ft?.role === "secondary") secondary.ft.downReason = undefined;
  notifyGroup(inventory, primary);
  const handle = inventory.schedule(inventory.ftSyncMs, () => {
    syncTimers.delete(secondary);
    if (secondary.ft?.role !== "secondary" || secondary.powerState !== "poweredOn") return;
    secondary.ft.sync = "running";
    notifyGroup(inventory, primary);
  });
  if (handle) syncTimers.set(secondary, handle);
  return true;
}

function stopSecondary(inventory: Inventory, primary: VmState, secondary: VmState): void {
  setSecondaryPower(inventory, secondary, false);
  notifyGroup(inventory, primary);
}

/** After the primary's power changed: enabled secondaries run while it is on, and stop when it is not. */
export function followPrimaryPower(inventory: Inventory, primary: VmState): void {
  if (primary.ft?.role !== "primary") return;
  for (const secondary of secondariesOf(inventory, primary)) {
    if (primary.powerState === "poweredOn" && isEnabledSecondary(secondary) && secondary.powerState !== "poweredOn") startSecondary(inventory, primary, secondary);
    else if (primary.powerState !== "poweredOn" && secondary.powerState === "poweredOn") stopSecondary(inventory, primary, secondary);
  }
  notifyGroup(inventory, primary);
}

/** The primary restarted (reset, HA restart): active secondaries synchronize again. */
export function restartSecondaries(inventory: Inventory, primary: VmState): void {
  for (const secondary of secondariesOf(inventory, primary)) {
    if (secondary.powerState === "poweredOn") startSecondary(inventory, primary, secondary, secondary.hostId);
  }
}

/** Removes the secondaries and the FT configuration of a primary. */
export function turnOffFaultTolerance(inventory: Inventory, primary: VmState): void {
  for (const secondary of secondariesOf(inventory, primary)) {
    inventory.unschedule(syncTimers.get(secondary));
    removeVm(inventory, secondary.id);
  }
  primary.ft = undefined;
  inventory.notify("VirtualMachine", primary.id);
}

/**
 * A secondary went down while its group runs: the group needs a secondary (`reason`), and vSphere re-spawns it after
 * ftSyncMs (on another host when `preferAnotherHost` and one is free) unless the group's re-spawn is off.
 */
export function loseSecondary(inventory: Inventory, primary: VmState, secondary: VmState, reason: NeedSecondaryReason, preferAnotherHost: boolean): void {
  setSecondaryPower(inventory, secondary, false);
  if (secondary.ft?.role === "secondary") secondary.ft.downReason = reason;
  notifyGroup(inventory, primary);
  scheduleRespawn(inventory, primary, secondary, preferAnotherHost);
}

function respawnAllowed(primary: VmState): boolean {
  return primary.ft?.role === "primary" && primary.ft.respawnSecondaries !== false;
}

function scheduleRespawn(inventory: Inventory, primary: VmState, secondary: VmState, preferAnotherHost: boolean): void {
  inventory.schedule(inventory.ftSyncMs, () => {
    const stillDown =
      secondary.ft?.role === "secondary" &&
      secondary.ft.primaryId === primary.id &&
      secondary.ft.enabled &&
      inventory.vms.has(secondary.id) &&
      primary.powerState === "poweredOn" &&
      secondary.powerState !== "poweredOn";
    if (!stillDown || !respawnAllowed(primary)) return;
    const elsewhere = preferAnotherHost ? candidateHosts(inventory, primary, secondary).find((host) => host.id !== secondary.hostId)?.id : undefined;
    startSecondary(inventory, primary, secondary, elsewhere);
  });
}

/** Admin knob: whether the group of `vm` re-spawns lost secondaries. Turned back on, a lost secondary comes back. */
export function setSecondaryRespawn(inventory: Inventory, vm: VmState, respawn: boolean): void {
  const primary = primaryOf(inventory, vm);
  if (!primary || primary.ft?.role !== "primary") throw faults.invalidState(`The virtual machine ${vm.name} is not fault tolerant.`);
  primary.ft.respawnSecondaries = respawn;
  if (!respawn) return;
  for (const secondary of secondariesOf(inventory, primary)) {
    if (isEnabledSecondary(secondary) && secondary.powerState !== "poweredOn") scheduleRespawn(inventory, primary, secondary, false);
  }
}

// ---- preconditions -----------------------------------------------------------------------------------------------

/** Why this VM cannot get a secondary (the checks CreateSecondaryVMEx makes and QueryFaultToleranceCompatibilityEx lists). */
export function ftIncompatibilities(inventory: Inventory, vm: VmState): FaultBody[] {
  const reasons: FaultBody[] = [];
  if (vm.template) reasons.push(faultBody("NotSupported", {}, "Fault tolerance is not supported on a template."));
  if (!inventory.clusterOf(vm).haEnabled) reasons.push(faultBody("NotSupported", {}, "The virtual machine is not in a vSphere HA enabled cluster."));
  if (vm.rootSnapshotIds.length > 0) reasons.push(faultBody("VmConfigIncompatibleForFaultTolerance", {}, "The virtual machine has snapshots; fault tolerance cannot be turned on."));
  return reasons;
}

function refuseOnSecondary(vm: VmState, operation: string): void {
  if (vm.ft?.role === "secondary") throw vimFault("InvalidOperationOnSecondaryVm", { instanceUuid: vm.instanceUuid }, `${operation} must be invoked on the primary virtual machine.`);
}

export function requirePrimary(vm: VmState, operation: string): void {
  refuseOnSecondary(vm, operation);
  if (vm.ft?.role !== "primary") throw faults.invalidState(`The virtual machine ${vm.name} is not fault tolerant.`);
}

/** The `vm` argument of an FT operation: a secondary of this primary (InvalidArgument otherwise). */
export function requireSecondaryOf(inventory: Inventory, primary: VmState, vm: EntityRef): VmState {
  const secondaryId = requireEntity(inventory, vm, "VirtualMachine", "vm");
  const secondary = inventory.requireVm(secondaryId);
  if (secondary.ft?.role !== "secondary" || secondary.ft.primaryId !== primary.id) {
    throw faults.invalidArgument("vm", `${secondaryId} is not a secondary of ${primary.id}.`);
  }
  return secondary;
}

/** Where a secondary may go: `host` when given (checked), else some free host must exist. Returns the host's id. */
export function checkSecondaryHost(inventory: Inventory, primary: VmState, hostRef: EntityRef | undefined, moving?: VmState): string | undefined {
  if (hostRef === undefined) {
    if (candidateHosts(inventory, primary, moving).length === 0) {
      throw vimFault("NoHostSuitableForFtSecondary", { vm: moRef("VirtualMachine", primary.id), vmName: primary.name }, "No compatible host for the secondary virtual machine.");
    }
    return undefined;
  }
  const hostId = requireEntity(inventory, hostRef, "HostSystem", "host");
  const host = inventory.requireHost(hostId);
  if (host.clusterId !== primary.clusterId) throw faults.invalidArgument("host", `Host ${hostId} is not in the cluster of ${primary.id}.`);
  if (hostId === primary.hostId) throw faults.invalidArgument("host", `The secondary cannot run on the primary's host ${hostId}.`);
  if (host.failed) throw faults.invalidState(`Host ${hostId} is not responding.`);
  if (!candidateHosts(inventory, primary, moving).some((candidate) => candidate.id === hostId)) {
    throw faults.invalidArgument("host", `Host ${hostId} already runs a member of this fault tolerance group.`);
  }
  return hostId;
}

// ---- operations (each `check…` is the precondition of the operation after it) -----------------------------------

/** Whether the VM can get a secondary at all (placement is checked with checkSecondaryHost). */
export function checkCreateSecondary(inventory: Inventory, primary: VmState): void {
  if (primary.ft?.role === "secondary") throw vimFault("InvalidOperationOnSecondaryVm", { instanceUuid: primary.instanceUuid }, "The virtual machine is a fault tolerance secondary.");
  const [first] = ftIncompatibilities(inventory, primary);
  if (first) throw vimFault(first._typeName, {}, first.faultMessage?.[0]?.message);
  if (primary.ft?.role === "primary") {
    const existing = secondariesOf(inventory, primary)[0];
    throw vimFault("SecondaryVmAlreadyRegistered", { instanceUuid: existing?.instanceUuid ?? primary.instanceUuid }, `${primary.name} is already fault tolerant.`);
  }
}

/** Creates the secondary (powered on with the primary when it runs). `attempted`: a power-on was tried. */
export function createSecondary(inventory: Inventory, primary: VmState, placement: { host?: EntityRef; datastoreId?: string }): { secondary: VmState; attempted: boolean } {
  const hostId = checkSecondaryHost(inventory, primary, placement.host) ?? candidateHosts(inventory, primary)[0]?.id ?? primary.hostId;
  const secondary = addVm(inventory, {
    name: primary.name,
    folderId: primary.folderId,
    clusterId: primary.clusterId,
    hostId,
    datastoreId: placement.datastoreId ?? primary.datastoreId,
    powerState: "poweredOff",
    toolsInstalled: primary.toolsInstalled,
    toolsRunning: false,
    guestId: primary.guestId,
    guestFullName: primary.guestFullName,
  });
  secondary.uuid = primary.uuid;
  secondary.instanceUuid = randomUUID();
  secondary.ft = { role: "secondary", primaryId: primary.id, enabled: true, sync: "starting" };
  primary.ft = { role: "primary", secondaryIds: [secondary.id], respawnSecondaries: true };
  const attempted = primary.powerState === "poweredOn";
  if (attempted) startSecondary(inventory, primary, secondary, hostId);
  notifyGroup(inventory, primary);
  return { secondary, attempted };
}

export function checkDisableSecondary(inventory: Inventory, primary: VmState, vm: EntityRef): void {
  requirePrimary(primary, "DisableSecondaryVM");
  const secondary = requireSecondaryOf(inventory, primary, vm);
  if (!isEnabledSecondary(secondary)) throw vimFault("SecondaryVmAlreadyDisabled", { instanceUuid: secondary.instanceUuid }, "The secondary virtual machine is already disabled.");
}

export function disableSecondary(inventory: Inventory, primary: VmState, vm: EntityRef): void {
  const secondary = requireSecondaryOf(inventory, primary, vm);
  if (secondary.ft?.role === "secondary") {
    secondary.ft.enabled = false;
    secondary.ft.downReason = undefined;
  }
  stopSecondary(inventory, primary, secondary);
}

export function checkEnableSecondary(inventory: Inventory, primary: VmState, vm: EntityRef, host: EntityRef | undefined): void {
  requirePrimary(primary, "EnableSecondaryVM");
  const secondary = requireSecondaryOf(inventory, primary, vm);
  if (isEnabledSecondary(secondary)) throw faults.invalidState("The secondary virtual machine is not disabled.");
  if (primary.powerState === "poweredOn" || host !== undefined) checkSecondaryHost(inventory, primary, host, secondary);
}

export function enableSecondary(inventory: Inventory, primary: VmState, vm: EntityRef, host: EntityRef | undefined): { secondary: VmState; attempted: boolean } {
  const secondary = requireSecondaryOf(inventory, primary, vm);
  const hostId = host?.id;
  if (secondary.ft?.role === "secondary") secondary.ft.enabled = true;
  if (hostId !== undefined) secondary.hostId = hostId;
  const attempted = primary.powerState === "poweredOn";
  if (attempted) startSecondary(inventory, primary, secondary, hostId);
  notifyGroup(inventory, primary);
  return { secondary, attempted };
}

export function checkTurnOff(primary: VmState): void {
  requirePrimary(primary, "TurnOffFaultToleranceForVM");
}

/** The secondaries TerminateFaultTolerantVM acts on: the one named, or every one. */
function terminationTargets(inventory: Inventory, primary: VmState, vm: EntityRef | undefined): VmState[] {
  return vm !== undefined ? [requireSecondaryOf(inventory, primary, vm)] : secondariesOf(inventory, primary);
}

export function checkTerminate(inventory: Inventory, primary: VmState, vm: EntityRef | undefined): void {
  requirePrimary(primary, "TerminateFaultTolerantVM");
  const targets = terminationTargets(inventory, primary, vm);
  if (targets.length === 0 || targets.some((secondary) => secondary.powerState !== "poweredOn")) throw faults.invalidState("The secondary virtual machine is not running.");
}

/** "Test Restart Secondary": the secondary is killed and re-spawned (same VM, possibly on another host). */
export function terminateSecondaries(inventory: Inventory, primary: VmState, vm: EntityRef | undefined): void {
  for (const secondary of terminationTargets(inventory, primary, vm)) loseSecondary(inventory, primary, secondary, "userAction", true);
}

export function checkMakePrimary(inventory: Inventory, primary: VmState, vm: EntityRef): void {
  requirePrimary(primary, "MakePrimaryVM");
  const secondary = requireSecondaryOf(inventory, primary, vm);
  if (ftStateOf(inventory, primary) !== "running" || secondary.ft?.role !== "secondary" || secondary.powerState !== "poweredOn" || secondary.ft.sync !== "running") {
    throw faults.invalidState(`The fault tolerance group of ${primary.name} is ${ftStateOf(inventory, primary)}: the secondary must be running to take over.`);
  }
}

/**
 * "Test Failover": the secondary takes over as primary (it keeps running where it runs); the former primary becomes
 * its secondary, goes down and is re-spawned on its host or another one (needSecondary → starting → running).
 */
export function makePrimary(inventory: Inventory, primary: VmState, vm: EntityRef): VmState {
  const secondary = requireSecondaryOf(inventory, primary, vm);
  const others = secondariesOf(inventory, primary).filter((member) => member !== secondary);
  const respawnSecondaries = primary.ft?.role === "primary" ? primary.ft.respawnSecondaries : undefined;
  inventory.unschedule(syncTimers.get(secondary));
  syncTimers.delete(secondary);
  secondary.ft = { role: "primary", secondaryIds: [primary.id, ...others.map((member) => member.id)], respawnSecondaries };
  secondary.toolsRunning = secondary.toolsInstalled;
  secondary.bootTime = primary.bootTime ?? secondary.bootTime;
  primary.ft = { role: "secondary", primaryId: secondary.id, enabled: true, sync: "starting" };
  for (const other of others) if (other.ft?.role === "secondary") other.ft.primaryId = secondary.id;
  loseSecondary(inventory, secondary, primary, "userAction", false);
  return secondary;
}
