/**
 * The resources of the matrix: how each is driven (its provider.ts CRUD, in this process) and how its world is audited
 * against what state records. Every cell gets a fresh object (VM, ZStack VM, Veeam plan), so anything the audit finds
 * on it comes from that cell.
 */
import * as failoverPlanRun from "../../provider/resources/veeam/failoverPlanRun/provider";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import * as vmSnapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import * as vmInstanceRecovery from "../../provider/resources/zstack/vmInstanceRecovery/provider";
import { SEED } from "../../simulator/vsphere";
import { fromAdmin } from "../../simulator/zstack/errors";
import type { Operation, ResourceAdapter, StateRecord, Target } from "./model";
import { veeamApiVersion, type ReliabilityTwin } from "./twin";

const OTHER_CLIENT_TASK = "ReconfigVM_Task";
const OTHER_CLIENT_TASK_MS = 600;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- vSphere helpers ------------------------------------------------------------------------------------------------

function addVm(twin: ReliabilityTwin, label: string, powerState: "poweredOn" | "poweredOff"): Target {
  const vm = twin.vsphere.world.addVm({ name: label, clusterId: SEED.haClusterId, powerState, toolsInstalled: true, toolsRunning: powerState === "poweredOn" });
  return { key: vm.id, names: [vm.id, label], label };
}

function vmOf(twin: ReliabilityTwin, vmId: string) {
  return twin.vsphere.world.inventory().vms.find((vm) => vm.id === vmId);
}

function armTask(twin: ReliabilityTwin, vmId: string, method: string | undefined, faultType: string): (() => boolean) | undefined {
  if (!method) return undefined;
  const runner = twin.vsphere.world.taskRunner;
  twin.vsphere.world.failNextTask(faultType, { vmId, method, message: `The simulator failed ${method} on ${vmId} (injected).` });
  return () => !runner.failurePlans.some((plan) => plan.vmId === vmId && plan.method === method);
}

function armVsphereHang(twin: ReliabilityTwin, vmId: string, method: string | undefined): (() => boolean) | undefined {
  if (!method) return undefined;
  const runner = twin.vsphere.world.taskRunner;
  twin.vsphere.world.hangNextTask(vmId, method);
  return () => !runner.hangPlans.some((plan) => plan.vmId === vmId && plan.method === method);
}

function disarmVsphere(twin: ReliabilityTwin, vmId: string): void {
  const runner = twin.vsphere.world.taskRunner;
  for (const list of [runner.failurePlans, runner.hangPlans] as Array<Array<{ vmId?: string }>>) {
    for (let index = list.length - 1; index >= 0; index -= 1) if (list[index]?.vmId === vmId) list.splice(index, 1);
  }
}

async function settleVsphere(twin: ReliabilityTwin): Promise<void> {
  twin.vsphere.world.finishHungTasks();
  await sleep(twin.vsphere.world.defaultTaskDurationMs * 3);
}

/** Another client's task holds the VM for a while (TaskInProgress for anyone else). */
function occupyVm(twin: ReliabilityTwin, target: Target): void {
  const world = twin.vsphere.world;
  world.setTaskDuration(OTHER_CLIENT_TASK_MS, OTHER_CLIENT_TASK);
  world.taskRunner.start({
    name: OTHER_CLIENT_TASK,
    descriptionId: "VirtualMachine.reconfigure",
    entityType: "VirtualMachine",
    entityId: target.key,
    entityName: target.label,
    lockVmId: target.key,
    cancelable: false,
    userName: "VSPHERE.LOCAL\\other-admin",
    complete: () => undefined,
  });
}

const VSPHERE_FAULT = "GenericVmConfigFault";

// ---- vSphere: VmSnapshot --------------------------------------------------------------------------------------------

const SNAPSHOT_METHODS: Record<Operation, string | undefined> = { create: "CreateSnapshotEx_Task", update: "RenameSnapshot", delete: "RemoveSnapshot_Task", read: undefined };

export const snapshotAdapter: ResourceAdapter = {
  type: "vsphere:VmSnapshot",
  vendor: "vsphere",
  crud: vmSnapshot,
  basePerCopy: true,
  prepare: async (twin, label) => addVm(twin, label, "poweredOn"),
  createInputs: (target, copy, timeoutSeconds) => ({ vmId: target.key, name: `rel-${copy}`, timeoutSeconds }),
  updateInputs: (target, record, timeoutSeconds) => ({ vmId: target.key, name: `${String(record.outs["name"])}-renamed`, timeoutSeconds }),
  mutatingPath: (op) => SNAPSHOT_METHODS[op],
  audit: (twin, target, records) => {
    const problems: string[] = [];
    const world = twin.vsphere.world.inventory().snapshots.filter((snapshot) => snapshot.vmId === target.key);
    const recorded = new Set(records.map((record) => record.id));
    for (const snapshot of world) if (!recorded.has(snapshot.id)) problems.push(`orphaned snapshot ${snapshot.id} ("${snapshot.name}") on ${target.key}: state does not record it`);
    for (const record of records) {
      const found = world.find((snapshot) => snapshot.id === record.id);
      if (!found) problems.push(`state records snapshot ${record.id}, vSphere has no such snapshot on ${target.key}`);
      else if (record.outs["name"] !== found.name) problems.push(`state says snapshot ${record.id} is named "${String(record.outs["name"])}", vSphere says "${found.name}"`);
    }
    return problems;
  },
  reached: (twin, target, op, records, bases) => {
    const world = twin.vsphere.world.inventory().snapshots.filter((snapshot) => snapshot.vmId === target.key);
    if (op === "create" && records.length === 0) return ["create succeeded but recorded no snapshot"];
    if (op === "update") {
      return records.filter((record) => !String(world.find((snapshot) => snapshot.id === record.id)?.name ?? "").endsWith("-renamed")).map((record) => `snapshot ${record.id} was not renamed`);
    }
    if (op === "delete") return bases.filter((base) => world.some((snapshot) => snapshot.id === base.id)).map((base) => `snapshot ${base.id} still exists after delete`);
    return [];
  },
  armTaskFailure: (twin, target, op) => armTask(twin, target.key, op === "update" ? undefined : SNAPSHOT_METHODS[op], VSPHERE_FAULT),
  armHang: (twin, target, op) => armVsphereHang(twin, target.key, op === "update" ? undefined : SNAPSHOT_METHODS[op]),
  disarm: (twin, target) => disarmVsphere(twin, target.key),
  settleHang: (twin) => settleVsphere(twin),
  occupy: occupyVm,
  outOfBand: (twin, target, op, records) => {
    if (op === "create") {
      twin.vsphere.world.removeVm(target.key);
      return `VM ${target.key} deleted`;
    }
    const id = records[0]?.id ?? "";
    twin.vsphere.world.deleteSnapshotOutOfBand(id);
    return `snapshot ${id} deleted by hand`;
  },
  expireSessions: (twin) => void twin.vsphere.world.expireAllSessions(),
};

// ---- vSphere: VmPowerState ------------------------------------------------------------------------------------------

const POWER_METHODS: Record<Operation, string | undefined> = { create: "PowerOnVM_Task", update: "PowerOffVM_Task", read: undefined, delete: undefined };

export const powerAdapter: ResourceAdapter = {
  type: "vsphere:VmPowerState",
  vendor: "vsphere",
  crud: vmPowerState,
  basePerCopy: false,
  prepare: async (twin, label) => addVm(twin, label, "poweredOff"),
  createInputs: (target, _copy, timeoutSeconds) => ({ vmId: target.key, state: "poweredOn", timeoutSeconds }),
  updateInputs: (target, _record, timeoutSeconds) => ({ vmId: target.key, state: "poweredOff", shutdownMode: "hard", timeoutSeconds }),
  mutatingPath: (op) => POWER_METHODS[op],
  audit: (twin, target, records) => {
    const vm = vmOf(twin, target.key);
    const problems: string[] = [];
    for (const record of records) {
      if (!vm) problems.push(`state records VmPowerState ${record.id}, the VM does not exist`);
      else if (record.outs["powerState"] !== vm.powerState) problems.push(`state says ${record.id} is ${String(record.outs["powerState"])}, vSphere says ${vm.powerState}`);
    }
    return problems;
  },
  reached: (twin, target, op, records) => {
    const vm = vmOf(twin, target.key);
    if (op === "create" && vm?.powerState !== "poweredOn") return [`declared poweredOn, the VM is ${vm?.powerState ?? "gone"}`];
    if (op === "create" && records.length === 0) return ["create succeeded but recorded nothing"];
    if (op === "update" && vm?.powerState !== "poweredOff") return [`declared poweredOff, the VM is ${vm?.powerState ?? "gone"}`];
    return [];
  },
  armTaskFailure: (twin, target, op) => armTask(twin, target.key, POWER_METHODS[op], VSPHERE_FAULT),
  armHang: (twin, target, op) => armVsphereHang(twin, target.key, POWER_METHODS[op]),
  disarm: (twin, target) => disarmVsphere(twin, target.key),
  settleHang: (twin) => settleVsphere(twin),
  occupy: occupyVm,
  outOfBand: (twin, target, op) => {
    const state = op === "create" ? "poweredOn" : op === "read" ? "poweredOff" : "suspended";
    twin.vsphere.world.setPowerState(target.key, state);
    return `VM ${target.key} set ${state} by hand`;
  },
  expireSessions: (twin) => void twin.vsphere.world.expireAllSessions(),
};

// ---- vSphere: FtSecondary -------------------------------------------------------------------------------------------

const FT_METHODS: Record<Operation, string | undefined> = {
  create: "CreateSecondaryVMEx_Task",
  update: "DisableSecondaryVM_Task",
  delete: "TurnOffFaultToleranceForVM_Task",
  read: undefined,
};

export const ftAdapter: ResourceAdapter = {
  type: "vsphere:FtSecondary",
  vendor: "vsphere",
  crud: ftSecondary,
  basePerCopy: false,
  prepare: async (twin, label) => addVm(twin, label, "poweredOn"),
  createInputs: (target, _copy, timeoutSeconds) => ({ vmId: target.key, timeoutSeconds }),
  updateInputs: (target, _record, timeoutSeconds) => ({ vmId: target.key, enabled: false, timeoutSeconds }),
  mutatingPath: (op) => FT_METHODS[op],
  audit: (twin, target, records) => {
    const vm = vmOf(twin, target.key);
    const problems: string[] = [];
    const ftOn = vm?.ftRole === "primary";
    if (ftOn && records.length === 0) problems.push(`FT secondary ${vm.secondaryIds.join(", ") || "(starting)"} of ${target.key} left behind: state does not record it`);
    for (const record of records) {
      if (!ftOn) {
        problems.push(`state records FtSecondary ${record.id}, but ${target.key} is not fault tolerant`);
        continue;
      }
      const secondary = record.outs["secondaryVmId"];
      if (typeof secondary === "string" && secondary !== "" && !vm.secondaryIds.includes(secondary)) {
        problems.push(`state says the secondary is ${secondary}, vSphere says ${vm.secondaryIds.join(", ") || "none"}`);
      }
      const recordedDisabled = record.outs["faultToleranceState"] === "disabled";
      if (recordedDisabled !== (vm.faultToleranceState === "disabled")) {
        problems.push(`state says faultToleranceState ${String(record.outs["faultToleranceState"])}, vSphere says ${vm.faultToleranceState}`);
      }
    }
    return problems;
  },
  reached: (twin, target, op, records) => {
    const vm = vmOf(twin, target.key);
    if (op === "create" && (vm?.ftRole !== "primary" || records.length === 0)) return [`create succeeded but ${target.key} is not fault tolerant or nothing was recorded`];
    if (op === "update" && vm?.faultToleranceState !== "disabled") return [`declared enabled: false, vSphere says ${vm?.faultToleranceState ?? "gone"}`];
    if (op === "delete" && vm?.ftRole === "primary") return [`delete succeeded but FT is still on for ${target.key}`];
    return [];
  },
  armTaskFailure: (twin, target, op) => armTask(twin, target.key, FT_METHODS[op], op === "create" ? "NoHostSuitableForFtSecondary" : VSPHERE_FAULT),
  armHang: (twin, target, op) => armVsphereHang(twin, target.key, FT_METHODS[op]),
  disarm: (twin, target) => disarmVsphere(twin, target.key),
  settleHang: (twin) => settleVsphere(twin),
  occupy: occupyVm,
  outOfBand: (twin, target, op) => {
    if (op === "create") {
      twin.vsphere.world.removeVm(target.key);
      return `VM ${target.key} deleted`;
    }
    twin.vsphere.world.turnOffFtOutOfBand(target.key);
    return `FT turned off by hand on ${target.key}`;
  },
  expireSessions: (twin) => void twin.vsphere.world.expireAllSessions(),
};

// ---- ZStack: VmInstanceRecovery ---------------------------------------------------------------------------------------

const ZSTACK_ACTIONS: Record<Operation, string | undefined> = { create: "recoverVmInstance", update: "startVmInstance", read: undefined, delete: undefined };

/** Outputs captured mid-transition (another resource was starting the VM) match the state the transition ends in. */
const ZSTACK_TRANSITIONS: Record<string, string> = { Starting: "Running", Stopping: "Stopped", Destroying: "Destroyed" };

function zstackVm(twin: ReliabilityTwin, uuid: string) {
  twin.zstack.world.advance();
  return twin.zstack.world.vms.get(uuid);
}

export const recoveryAdapter: ResourceAdapter = {
  type: "zstack:VmInstanceRecovery",
  vendor: "zstack",
  crud: vmInstanceRecovery,
  basePerCopy: false,
  prepare: async (twin, label) => {
    const vm = twin.zstack.world.addVm({ name: label, state: "Running" });
    twin.zstack.world.destroyVm(vm.uuid);
    return { key: vm.uuid, names: [vm.uuid, label], label };
  },
  createInputs: (target, _copy, timeoutSeconds) => ({ vmInstanceUuid: target.key, timeoutSeconds }),
  updateInputs: (target, _record, timeoutSeconds) => ({ vmInstanceUuid: target.key, startAfterRecovery: true, timeoutSeconds }),
  mutatingPath: (op) => (ZSTACK_ACTIONS[op] ? "/actions" : undefined),
  audit: (twin, target, records) => {
    const vm = zstackVm(twin, target.key);
    const problems: string[] = [];
    for (const record of records) {
      if (!vm) problems.push(`state records VmInstanceRecovery ${record.id}, ZStack lists no such VM`);
      else if (record.outs["state"] !== vm.state && ZSTACK_TRANSITIONS[String(record.outs["state"])] !== vm.state) {
        problems.push(`state says ${record.id} is ${String(record.outs["state"])}, ZStack says ${vm.state}`);
      }
    }
    return problems;
  },
  reached: (twin, target, op, records) => {
    const vm = zstackVm(twin, target.key);
    if (op === "create" && (vm?.state !== "Stopped" || records.length === 0)) return [`declared recovered (Stopped), ZStack says ${vm?.state ?? "gone"}`];
    if (op === "update" && vm?.state !== "Running") return [`declared startAfterRecovery, ZStack says ${vm?.state ?? "gone"}`];
    return [];
  },
  armTaskFailure: (twin, _target, op) => {
    const action = ZSTACK_ACTIONS[op];
    if (!action) return undefined;
    const entry = { action, error: fromAdmin({ code: "SYS.1006", description: "An operation failed", details: `the host agent did not answer ${action} (injected)` }) };
    twin.zstack.world.injectedFailures.push(entry);
    return () => !twin.zstack.world.injectedFailures.includes(entry);
  },
  armHang: (twin, target, op) => {
    if (!ZSTACK_ACTIONS[op]) return undefined;
    const before = twin.zstack.world.jobs.size;
    twin.zstack.world.jobDurationMs = 1e9;
    return () => twin.zstack.world.jobs.size > before || [...twin.zstack.world.jobs.values()].some((job) => job.vmUuid === target.key && job.state === "processing");
  },
  disarm: (twin) => {
    twin.zstack.world.injectedFailures.splice(0, twin.zstack.world.injectedFailures.length);
  },
  settleHang: async (twin) => {
    const world = twin.zstack.world;
    world.jobDurationMs = 80;
    const now = Date.now();
    for (const job of world.jobs.values()) if (job.state === "processing" && job.completeAt > now) job.completeAt = now;
    world.advance();
  },
  outOfBand: (twin, target, op) => {
    if (op === "update" || op === "read") {
      twin.zstack.world.destroyVm(target.key);
      return `VM ${target.key} destroyed again by hand`;
    }
    twin.zstack.world.advance();
    if (twin.zstack.world.vms.get(target.key)?.state !== "Destroyed") twin.zstack.world.destroyVm(target.key);
    twin.zstack.world.expungeNow(target.key);
    return `VM ${target.key} expunged by hand`;
  },
  expireSessions: (twin) => void twin.zstack.world.expireSessions(),
};

// ---- Veeam: FailoverPlanRun -----------------------------------------------------------------------------------------

/** The call that starts work: Run on VAO v2, Failover on Recovery Orchestrator (every path version); Undo on both. */
function veeamMutatingPath(op: Operation): string | undefined {
  if (op === "create") return veeamApiVersion() === "v2" ? "/Run" : "/Failover";
  return op === "delete" ? "/Undo" : undefined;
}

/** The plan holds a failover (done, running, halted): something a stack must record so that destroy can undo it. */
function holdsFailover(twin: ReliabilityTwin, planId: string): boolean {
  const plan = twin.veeam.world.plan(planId);
  if (!plan) return false;
  if (plan.operation) return plan.operation.kind === "failover";
  return plan.phase === "failover" || plan.phase === "halted" || plan.phase === "permanentFailover";
}

export const failoverAdapter: ResourceAdapter = {
  type: "veeam:FailoverPlanRun",
  vendor: "veeam",
  crud: failoverPlanRun,
  basePerCopy: false,
  prepare: async (twin, label) => {
    const plan = twin.veeam.world.addPlan({ name: label });
    return { key: plan.id, names: [plan.id, label], label };
  },
  createInputs: (target, _copy, timeoutSeconds) => ({ planId: target.key, timeoutSeconds }),
  updateInputs: (target, _record, timeoutSeconds) => ({ planId: target.key, timeoutSeconds: timeoutSeconds + 1 }),
  mutatingPath: veeamMutatingPath,
  audit: (twin, target, records) => {
    const problems: string[] = [];
    const holds = holdsFailover(twin, target.key);
    const plan = twin.veeam.world.plan(target.key);
    const where = `${plan?.phase ?? "gone"}${plan?.operation ? ` (${plan.operation.kind} running)` : ""}`;
    if (holds && records.length === 0) problems.push(`plan ${target.label} is failed over or failing over (${where}) and state does not record the run`);
    for (const record of records) {
      if (!holds) problems.push(`state records run ${record.id}, the plan is ${where}`);
      if (record.outs["planId"] !== target.key) problems.push(`state says planId ${String(record.outs["planId"])}, expected ${target.key}`);
    }
    return problems;
  },
  reached: (twin, target, op, records) => {
    const plan = twin.veeam.world.plan(target.key);
    if (op === "create" && (plan?.phase !== "failover" || records.length === 0)) return [`create succeeded, the plan is ${plan?.phase ?? "gone"}`];
    if (op === "delete" && holdsFailover(twin, target.key)) return [`delete succeeded, the plan is still ${plan?.phase ?? "gone"}`];
    return [];
  },
  armTaskFailure: (twin, target, op) => {
    if (!veeamMutatingPath(op)) return undefined;
    const plan = twin.veeam.world.modifyPlan(target.key, { nextOutcome: "error" });
    return () => (plan?.nextOutcomes.length ?? 0) === 0;
  },
  armHang: (twin, target, op) => {
    if (!veeamMutatingPath(op)) return undefined;
    const plan = twin.veeam.world.modifyPlan(target.key, { runDurationMs: 1e9 });
    return () => plan?.operation !== undefined || (plan?.launches.length ?? 0) > 0;
  },
  disarm: (twin, target) => {
    const plan = twin.veeam.world.plans.get(target.key);
    if (plan) plan.nextOutcomes.splice(0, plan.nextOutcomes.length);
  },
  settleHang: async (twin, target) => {
    const plan = twin.veeam.world.plans.get(target.key);
    if (!plan) return;
    plan.runDurationMs = undefined;
    twin.veeam.world.finishOperation(target.key);
  },
  outOfBand: (twin, target, op) => {
    if (op === "create") {
      twin.veeam.world.modifyPlan(target.key, { enabled: false });
      return `plan ${target.label} disabled by hand`;
    }
    const plan = twin.veeam.world.plan(target.key);
    if (plan) twin.veeam.world.startUndo(plan, 0);
    return `plan ${target.label} undone by hand`;
  },
  expireSessions: (twin) => void twin.veeam.world.expireTokens({ refreshTokens: true }),
};

export const VSPHERE_AND_ZSTACK: ResourceAdapter[] = [snapshotAdapter, ftAdapter, powerAdapter, recoveryAdapter];

/**
 * The resources in the matrix. FailoverPlanRun joins once the package exports it (provider/index.ts exports
 * `failoverPlanRunProvider`): until then it is not a published resource.
 */
export function matrixResources(): ResourceAdapter[] {
  return failoverPlanRunPublished() ? [...VSPHERE_AND_ZSTACK, failoverAdapter] : [...VSPHERE_AND_ZSTACK];
}

export function failoverPlanRunPublished(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const index = require("../../provider/index") as Record<string, unknown>;
  return "failoverPlanRunProvider" in index;
}

export type { StateRecord };
