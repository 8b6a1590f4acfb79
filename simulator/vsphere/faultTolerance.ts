/**
 * Fault Tolerance, all invoked on the primary: CreateSecondaryVMEx_Task (and the deprecated CreateSecondaryVM_Task),
 * DisableSecondaryVM_Task, EnableSecondaryVM_Task, TurnOffFaultToleranceForVM_Task, TerminateFaultTolerantVM_Task,
 * MakePrimaryVM_Task, QueryFaultToleranceCompatibility(Ex).
 * States (VirtualMachineFaultToleranceState_enum): a primary is `disabled` with no enabled secondary, `enabled` when
 * powered off with an enabled secondary, `needSecondary` when on with no active secondary, `starting` while a secondary
 * synchronizes, `running` when protected. A secondary is `disabled`, `enabled` (not powered on), `starting` or `running`.
 * Refusals: NotSupported (template, not in an HA cluster), VmConfigIncompatibleForFaultTolerance (the VM has snapshots),
 * SecondaryVmAlreadyRegistered (already FT), InvalidOperationOnSecondaryVm (called on a secondary),
 * NoHostSuitableForFtSecondary (no other live host), ManagedObjectNotFound / InvalidArgument (host), InvalidState
 * (not FT; enabling a secondary that is not disabled), SecondaryVmAlreadyDisabled.
 */
import { randomUUID } from "node:crypto";
import { faultBody, faults, vimFault, type FaultBody } from "./faults";
import { defineMethod, expectMoRef, startCheckedTask, type MethodCall, type RegisteredMethod } from "./methodRegistry";
import {
  createSecondaryVmBody,
  createSecondaryVmExBody,
  disableSecondaryVmBody,
  enableSecondaryVmBody,
  makePrimaryVmBody,
  NO_BODY,
  optionalBody,
  queryFaultToleranceCompatibilityExBody,
  requiredBody,
  terminateFaultTolerantVmBody,
  type BodyRule,
  type MoRefInput,
} from "./requestBodies";
import type { HostState, VmState } from "./stateTypes";
import { moRef } from "./wire";
import type { VsphereWorld } from "./world";

export type FaultToleranceState = "notConfigured" | "disabled" | "enabled" | "needSecondary" | "starting" | "running";

const syncTimers = new WeakMap<VmState, NodeJS.Timeout>();

export function secondariesOf(world: VsphereWorld, primary: VmState): VmState[] {
  if (primary.ft?.role !== "primary") return [];
  return primary.ft.secondaryIds.map((id) => world.vms.get(id)).filter((vm): vm is VmState => vm !== undefined);
}

export function ftStateOf(world: VsphereWorld, vm: VmState): FaultToleranceState {
  const ft = vm.ft;
  if (!ft) return "notConfigured";
  if (ft.role === "secondary") {
    if (!ft.enabled) return "disabled";
    return vm.powerState === "poweredOn" ? ft.sync : "enabled";
  }
  const enabled = secondariesOf(world, vm).filter((secondary) => secondary.ft?.role === "secondary" && secondary.ft.enabled);
  if (enabled.length === 0) return "disabled";
  if (vm.powerState !== "poweredOn") return "enabled";
  const active = enabled.filter((secondary) => secondary.powerState === "poweredOn");
  if (active.some((secondary) => secondary.ft?.role === "secondary" && secondary.ft.sync === "running")) return "running";
  if (active.length > 0) return "starting";
  return "needSecondary";
}

function notifyGroup(world: VsphereWorld, primary: VmState): void {
  world.notify("VirtualMachine", primary.id);
  for (const secondary of secondariesOf(world, primary)) world.notify("VirtualMachine", secondary.id);
}

/** Hosts of the primary's cluster that could take a secondary: live, not the primary's, not another member's. */
function candidateHosts(world: VsphereWorld, primary: VmState, moving?: VmState): HostState[] {
  const taken = new Set([primary.hostId, ...secondariesOf(world, primary).filter((member) => member !== moving).map((member) => member.hostId)]);
  return world
    .clusterOf(primary)
    .hostIds.map((id) => world.hosts.get(id))
    .filter((host): host is HostState => host !== undefined && !host.failed && !taken.has(host.id));
}

function setSecondaryPower(world: VsphereWorld, secondary: VmState, on: boolean): void {
  world.unschedule(syncTimers.get(secondary));
  syncTimers.delete(secondary);
  secondary.powerState = on ? "poweredOn" : "poweredOff";
  secondary.bootTime = on ? Date.now() : undefined;
  secondary.toolsRunning = false;
  if (secondary.ft?.role === "secondary") secondary.ft.sync = "starting";
}

/** Powers a secondary on (on `hostId` or a chosen host): starting, then running after world.ftSyncMs. False when no host. */
export function startSecondary(world: VsphereWorld, primary: VmState, secondary: VmState, hostId?: string): boolean {
  const hosts = candidateHosts(world, primary, secondary);
  const target = hostId ?? (hosts.some((host) => host.id === secondary.hostId) ? secondary.hostId : hosts[0]?.id);
  if (!target) return false;
  secondary.hostId = target;
  setSecondaryPower(world, secondary, true);
  notifyGroup(world, primary);
  const handle = world.schedule(world.ftSyncMs, () => {
    syncTimers.delete(secondary);
    if (secondary.ft?.role !== "secondary" || secondary.powerState !== "poweredOn") return;
    secondary.ft.sync = "running";
    notifyGroup(world, primary);
  });
  if (handle) syncTimers.set(secondary, handle);
  return true;
}

function stopSecondary(world: VsphereWorld, primary: VmState, secondary: VmState): void {
  setSecondaryPower(world, secondary, false);
  notifyGroup(world, primary);
}

/** After the primary's power changed: enabled secondaries run while it is on, and stop when it is not. */
export function followPrimaryPower(world: VsphereWorld, primary: VmState): void {
  if (primary.ft?.role !== "primary") return;
  for (const secondary of secondariesOf(world, primary)) {
    const enabled = secondary.ft?.role === "secondary" && secondary.ft.enabled;
    if (primary.powerState === "poweredOn" && enabled && secondary.powerState !== "poweredOn") startSecondary(world, primary, secondary);
    else if (primary.powerState !== "poweredOn" && secondary.powerState === "poweredOn") stopSecondary(world, primary, secondary);
  }
  notifyGroup(world, primary);
}

/** The primary restarted (reset, HA restart): active secondaries synchronize again. */
export function restartSecondaries(world: VsphereWorld, primary: VmState): void {
  for (const secondary of secondariesOf(world, primary)) {
    if (secondary.powerState === "poweredOn") startSecondary(world, primary, secondary, secondary.hostId);
  }
}

/** Removes the secondaries and the FT configuration of a primary. */
export function turnOffFaultTolerance(world: VsphereWorld, primary: VmState): void {
  for (const secondary of secondariesOf(world, primary)) {
    world.unschedule(syncTimers.get(secondary));
    world.removeVm(secondary.id);
  }
  primary.ft = undefined;
  world.notify("VirtualMachine", primary.id);
}

/** A host failed: secondaries there are lost and re-spawned elsewhere (needSecondary, then starting, running); other
 * VMs there restart on a live host of an HA cluster, or are powered off in a cluster without HA. */
export function hostFailed(world: VsphereWorld, host: HostState): void {
  for (const vm of [...world.vms.values()].filter((candidate) => candidate.hostId === host.id)) {
    const cluster = world.clusterOf(vm);
    if (vm.ft?.role === "secondary") {
      const primary = world.vms.get(vm.ft.primaryId);
      if (!primary) continue;
      const wasOn = vm.powerState === "poweredOn";
      setSecondaryPower(world, vm, false);
      const next = candidateHosts(world, primary, vm)[0];
      if (next) vm.hostId = next.id;
      notifyGroup(world, primary);
      if (wasOn && next && primary.powerState === "poweredOn") {
        world.schedule(world.ftSyncMs, () => {
          if (vm.ft?.role === "secondary" && vm.ft.enabled && primary.powerState === "poweredOn" && vm.powerState !== "poweredOn") startSecondary(world, primary, vm, vm.hostId);
        });
      }
      continue;
    }
    const live = cluster.hostIds.find((id) => id !== host.id && !world.hosts.get(id)?.failed && !secondariesOf(world, vm).some((secondary) => secondary.hostId === id));
    if (cluster.haEnabled && live) {
      vm.hostId = live;
      if (vm.powerState === "poweredOn") {
        vm.bootTime = Date.now();
        world.notify("VirtualMachine", vm.id);
        restartSecondaries(world, vm);
      } else world.notify("VirtualMachine", vm.id);
    } else if (vm.powerState !== "poweredOff") {
      vm.powerState = "poweredOff";
      vm.toolsRunning = false;
      vm.bootTime = undefined;
      world.notify("VirtualMachine", vm.id);
      followPrimaryPower(world, vm);
    }
  }
}

// ---- preconditions -----------------------------------------------------------------------------------------------

/** Why this VM cannot get a secondary (the checks CreateSecondaryVMEx makes and QueryFaultToleranceCompatibilityEx lists). */
export function ftIncompatibilities(world: VsphereWorld, vm: VmState): FaultBody[] {
  const reasons: FaultBody[] = [];
  if (vm.template) reasons.push(faultBody("NotSupported", {}, "Fault tolerance is not supported on a template."));
  if (!world.clusterOf(vm).haEnabled) reasons.push(faultBody("NotSupported", {}, "The virtual machine is not in a vSphere HA enabled cluster."));
  if (vm.rootSnapshotIds.length > 0) reasons.push(faultBody("VmConfigIncompatibleForFaultTolerance", {}, "The virtual machine has snapshots; fault tolerance cannot be turned on."));
  return reasons;
}

function checkSecondaryHost(world: VsphereWorld, primary: VmState, hostRef: MoRefInput | undefined, moving?: VmState): string | undefined {
  if (!hostRef) {
    if (candidateHosts(world, primary, moving).length === 0) {
      throw vimFault("NoHostSuitableForFtSecondary", { vm: moRef("VirtualMachine", primary.id), vmName: primary.name }, "No compatible host for the secondary virtual machine.");
    }
    return undefined;
  }
  const hostId = expectMoRef(world, hostRef, "HostSystem", "host");
  const host = world.requireHost(hostId);
  if (host.clusterId !== primary.clusterId) throw faults.invalidArgument("host", `Host ${hostId} is not in the cluster of ${primary.id}.`);
  if (hostId === primary.hostId) throw faults.invalidArgument("host", `The secondary cannot run on the primary's host ${hostId}.`);
  if (host.failed) throw faults.invalidState(`Host ${hostId} is not responding.`);
  if (!candidateHosts(world, primary, moving).some((candidate) => candidate.id === hostId)) {
    throw faults.invalidArgument("host", `Host ${hostId} already runs a member of this fault tolerance group.`);
  }
  return hostId;
}

function requirePrimary(vm: VmState, operation: string): void {
  if (vm.ft?.role === "secondary") throw vimFault("InvalidOperationOnSecondaryVm", { instanceUuid: vm.instanceUuid }, `${operation} must be invoked on the primary virtual machine.`);
  if (vm.ft?.role !== "primary") throw faults.invalidState(`The virtual machine ${vm.name} is not fault tolerant.`);
}

function requireSecondaryOf(world: VsphereWorld, primary: VmState, ref: MoRefInput): VmState {
  const secondaryId = expectMoRef(world, ref, "VirtualMachine", "vm");
  const secondary = world.requireVm(secondaryId);
  if (secondary.ft?.role !== "secondary" || secondary.ft.primaryId !== primary.id) {
    throw faults.invalidArgument("vm", `${secondaryId} is not a secondary of ${primary.id}.`);
  }
  return secondary;
}

function secondaryOpResult(primary: VmState, secondary: VmState, attempted: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = { _typeName: "FaultToleranceSecondaryOpResult", vm: moRef("VirtualMachine", secondary.id), powerOnAttempted: attempted };
  if (attempted) {
    result.powerOnResult =
      secondary.powerState === "poweredOn"
        ? { _typeName: "ClusterPowerOnVmResult", attempted: [{ _typeName: "ClusterAttemptedVmInfo", vm: moRef("VirtualMachine", secondary.id) }] }
        : {
            _typeName: "ClusterPowerOnVmResult",
            notAttempted: [
              {
                _typeName: "ClusterNotAttemptedVmInfo",
                vm: moRef("VirtualMachine", secondary.id),
                fault: faultBody("NoHostSuitableForFtSecondary", { vm: moRef("VirtualMachine", primary.id), vmName: primary.name }, "No compatible host for the secondary."),
              },
            ],
          };
  }
  return result;
}

function ftTask(call: MethodCall<unknown>, primary: VmState, name: string, descriptionId: string, cancelable: boolean, precheck: () => void, complete: () => unknown) {
  return startCheckedTask(
    call.world,
    {
      name,
      descriptionId,
      entityType: "VirtualMachine",
      entityId: primary.id,
      entityName: primary.name,
      lockVmId: primary.id,
      cancelable,
      userName: call.session.userName,
      complete: () => {
        precheck();
        return complete();
      },
    },
    precheck,
  );
}

function createSecondary(
  call: MethodCall<{ host?: MoRefInput; spec?: { metaDataPath?: { metaDataDatastore: MoRefInput }; secondaryVmSpec?: { vmConfig?: MoRefInput; disks?: { datastore: MoRefInput }[] } } }>,
  name: string,
) {
  const world = call.world;
  const primary = world.requireVm(call.moId);
  const precheck = () => {
    if (primary.ft?.role === "secondary") throw vimFault("InvalidOperationOnSecondaryVm", { instanceUuid: primary.instanceUuid }, "The virtual machine is a fault tolerance secondary.");
    const [first] = ftIncompatibilities(world, primary);
    if (first) throw vimFault(first._typeName, {}, first.faultMessage?.[0]?.message);
    if (primary.ft?.role === "primary") {
      const existing = secondariesOf(world, primary)[0];
      throw vimFault("SecondaryVmAlreadyRegistered", { instanceUuid: existing?.instanceUuid ?? primary.instanceUuid }, `${primary.name} is already fault tolerant.`);
    }
    const spec = call.body.spec;
    if (spec?.metaDataPath) expectMoRef(world, spec.metaDataPath.metaDataDatastore, "Datastore", "spec.metaDataPath.metaDataDatastore");
    if (spec?.secondaryVmSpec?.vmConfig) expectMoRef(world, spec.secondaryVmSpec.vmConfig, "Datastore", "spec.secondaryVmSpec.vmConfig");
    (spec?.secondaryVmSpec?.disks ?? []).forEach((disk, index) => expectMoRef(world, disk.datastore, "Datastore", `spec.secondaryVmSpec.disks[${index}].datastore`));
    checkSecondaryHost(world, primary, call.body.host);
  };
  return ftTask(call, primary, name, name === "CreateSecondaryVMEx_Task" ? "VirtualMachine.createSecondaryEx" : "VirtualMachine.createSecondary", true, precheck, () => {
    const hostId = checkSecondaryHost(world, primary, call.body.host) ?? candidateHosts(world, primary)[0]?.id ?? primary.hostId;
    const secondary = world.addVm({
      name: primary.name,
      clusterId: primary.clusterId,
      hostId,
      datastoreId: call.body.spec?.secondaryVmSpec?.vmConfig?.value ?? primary.datastoreId,
      powerState: "poweredOff",
      toolsInstalled: primary.toolsInstalled,
      toolsRunning: false,
      guestId: primary.guestId,
      guestFullName: primary.guestFullName,
    });
    secondary.uuid = primary.uuid;
    secondary.instanceUuid = randomUUID();
    secondary.ft = { role: "secondary", primaryId: primary.id, enabled: true, sync: "starting" };
    primary.ft = { role: "primary", secondaryIds: [secondary.id] };
    const attempted = primary.powerState === "poweredOn";
    if (attempted) startSecondary(world, primary, secondary, hostId);
    notifyGroup(world, primary);
    return secondaryOpResult(primary, secondary, attempted);
  });
}

export const faultToleranceMethods: RegisteredMethod[] = [
  defineMethod("VirtualMachine", "CreateSecondaryVMEx_Task", { body: optionalBody(createSecondaryVmExBody), privilege: "VirtualMachine.Interact.CreateSecondary" }, (call) =>
    createSecondary(call, "CreateSecondaryVMEx_Task"),
  ),
  defineMethod("VirtualMachine", "CreateSecondaryVM_Task", { body: optionalBody(createSecondaryVmBody), privilege: "VirtualMachine.Interact.CreateSecondary" }, (call) =>
    createSecondary(call, "CreateSecondaryVM_Task"),
  ),

  defineMethod("VirtualMachine", "DisableSecondaryVM_Task", { body: requiredBody(disableSecondaryVmBody), privilege: "VirtualMachine.Interact.DisableSecondary" }, (call) => {
    const world = call.world;
    const primary = world.requireVm(call.moId);
    const precheck = () => {
      requirePrimary(primary, "DisableSecondaryVM");
      const secondary = requireSecondaryOf(world, primary, call.body.vm);
      if (secondary.ft?.role === "secondary" && !secondary.ft.enabled) {
        throw vimFault("SecondaryVmAlreadyDisabled", { instanceUuid: secondary.instanceUuid }, "The secondary virtual machine is already disabled.");
      }
    };
    return ftTask(call, primary, "DisableSecondaryVM_Task", "VirtualMachine.disableSecondary", false, precheck, () => {
      const secondary = requireSecondaryOf(world, primary, call.body.vm);
      if (secondary.ft?.role === "secondary") secondary.ft.enabled = false;
      setSecondaryPower(world, secondary, false);
      notifyGroup(world, primary);
      return undefined;
    });
  }),

  defineMethod("VirtualMachine", "EnableSecondaryVM_Task", { body: requiredBody(enableSecondaryVmBody), privilege: "VirtualMachine.Interact.EnableSecondary" }, (call) => {
    const world = call.world;
    const primary = world.requireVm(call.moId);
    const precheck = () => {
      requirePrimary(primary, "EnableSecondaryVM");
      const secondary = requireSecondaryOf(world, primary, call.body.vm);
      if (secondary.ft?.role === "secondary" && secondary.ft.enabled) throw faults.invalidState("The secondary virtual machine is not disabled.");
      if (primary.powerState === "poweredOn") checkSecondaryHost(world, primary, call.body.host, secondary);
      else if (call.body.host) checkSecondaryHost(world, primary, call.body.host, secondary);
    };
    return ftTask(call, primary, "EnableSecondaryVM_Task", "VirtualMachine.enableSecondary", true, precheck, () => {
      const secondary = requireSecondaryOf(world, primary, call.body.vm);
      if (secondary.ft?.role === "secondary") secondary.ft.enabled = true;
      if (call.body.host) secondary.hostId = call.body.host.value;
      const attempted = primary.powerState === "poweredOn";
      if (attempted) startSecondary(world, primary, secondary, call.body.host?.value);
      notifyGroup(world, primary);
      return secondaryOpResult(primary, secondary, attempted);
    });
  }),

  defineMethod("VirtualMachine", "TurnOffFaultToleranceForVM_Task", { body: NO_BODY, privilege: "VirtualMachine.Interact.TurnOffFaultTolerance" }, (call) => {
    const primary = call.world.requireVm(call.moId);
    const precheck = () => requirePrimary(primary, "TurnOffFaultToleranceForVM");
    return ftTask(call, primary, "TurnOffFaultToleranceForVM_Task", "VirtualMachine.turnOffFaultTolerance", false, precheck, () => {
      turnOffFaultTolerance(call.world, primary);
      return undefined;
    });
  }),

  defineMethod("VirtualMachine", "TerminateFaultTolerantVM_Task", { body: optionalBody(terminateFaultTolerantVmBody), privilege: "VirtualMachine.Interact.TerminateFaultTolerantVM" }, (call) => {
    const world = call.world;
    const primary = world.requireVm(call.moId);
    const target = () => (call.body.vm ? requireSecondaryOf(world, primary, call.body.vm) : secondariesOf(world, primary)[0]);
    const precheck = () => {
      requirePrimary(primary, "TerminateFaultTolerantVM");
      const secondary = target();
      if (!secondary || secondary.powerState !== "poweredOn") throw faults.invalidState("The secondary virtual machine is not running.");
    };
    return ftTask(call, primary, "TerminateFaultTolerantVM_Task", "VirtualMachine.terminateFaultTolerantVM", false, precheck, () => {
      const secondary = target();
      if (!secondary) return undefined;
      stopSecondary(world, primary, secondary);
      world.schedule(world.ftSyncMs, () => {
        if (secondary.ft?.role === "secondary" && secondary.ft.enabled && primary.powerState === "poweredOn" && secondary.powerState !== "poweredOn") startSecondary(world, primary, secondary);
      });
      return undefined;
    });
  }),

  defineMethod("VirtualMachine", "MakePrimaryVM_Task", { body: requiredBody(makePrimaryVmBody), privilege: "VirtualMachine.Interact.MakePrimary" }, (call) => {
    const world = call.world;
    const primary = world.requireVm(call.moId);
    const precheck = () => {
      requirePrimary(primary, "MakePrimaryVM");
      const secondary = requireSecondaryOf(world, primary, call.body.vm);
      if (secondary.powerState !== "poweredOn") throw faults.invalidState("The secondary virtual machine is not running.");
    };
    return ftTask(call, primary, "MakePrimaryVM_Task", "VirtualMachine.makePrimary", false, precheck, () => {
      const secondary = requireSecondaryOf(world, primary, call.body.vm);
      const others = secondariesOf(world, primary).filter((member) => member !== secondary);
      secondary.ft = { role: "primary", secondaryIds: [primary.id, ...others.map((member) => member.id)] };
      secondary.toolsRunning = primary.toolsInstalled;
      primary.ft = { role: "secondary", primaryId: secondary.id, enabled: true, sync: "starting" };
      for (const other of others) if (other.ft?.role === "secondary") other.ft.primaryId = secondary.id;
      setSecondaryPower(world, primary, false);
      notifyGroup(world, secondary);
      world.schedule(world.ftSyncMs, () => {
        if (primary.ft?.role === "secondary" && secondary.powerState === "poweredOn") startSecondary(world, secondary, primary);
      });
      return undefined;
    });
  }),

  compatibilityQuery("QueryFaultToleranceCompatibilityEx", optionalBody(queryFaultToleranceCompatibilityExBody)),
  compatibilityQuery("QueryFaultToleranceCompatibility", NO_BODY),
];

function compatibilityQuery(name: string, body: BodyRule<{ forLegacyFt?: boolean }>): RegisteredMethod {
  return defineMethod("VirtualMachine", name, { body, privilege: "VirtualMachine.Config.QueryFTCompatibility" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    if (vm.template) throw faults.notSupported("The virtual machine is a template.");
    const reasons = ftIncompatibilities(call.world, vm);
    const legacy = name === "QueryFaultToleranceCompatibility" || call.body.forLegacyFt === true;
    if (legacy) reasons.push(faultBody("NotSupported", {}, "Legacy (record/replay) fault tolerance is not supported by this vCenter."));
    return reasons;
  });
}
