import type * as pulumi from "@pulumi/pulumi";
import * as config from "../../../config";
import * as errors from "../../../errors";
import { deadlineAfter, waitFor } from "../../../http/waiter";
import { checkInputs } from "../../common/checkInputs";
import { containsUnknown } from "../../common/unknown";
import { isJobExpired, runJob } from "../../../zstack/jobs";
import type { VmInstanceInventory } from "../../../zstack/schemas";
import { normalizeZstackUuid } from "../../../zstack/uuid";
import {
  queryVmInstance,
  recoverVmInstance,
  startVmInstance,
  vmFromJobResult,
  vmObject,
} from "../../../zstack/vmInstances";
import * as args from "./args";
import { vmInstanceRecoverySchema, type VmInstanceRecoveryInputs, type VmInstanceRecoveryOutputs } from "./args";

/**
 * CRUD of `zstack:VmInstanceRecovery`.
 *
 * - create: a Destroyed VM is recovered (RecoverVmInstance; it comes back Stopped) and, with `startAfterRecovery`,
 *   started. A VM in any other state is left alone (`recovered: false`). A VM that is Destroying is waited for first.
 *   A VM that ZStack does not list (expunged, or never existed: the API answers the same) is an error naming the uuid.
 * - read: refreshes every output from the VM; a VM destroyed again shows `state: "Destroyed"` (drift: the next diff
 *   asks for an update, and `up` recovers it again); a VM that is gone (expunged) removes the resource from state.
 * - update: recovers again when the VM is Destroyed; starts the VM when `startAfterRecovery` is turned on, this resource
 *   recovered the VM and it is Stopped; tag and timeout changes are recorded (they only apply to the next recovery).
 * - delete: leaves the VM as it is (a recovery cannot be undone short of destroying the VM, which is not this resource's
 *   to decide).
 */

const RESOURCE = "VmInstanceRecovery";

function parseInputs(raw: Record<string, unknown>, operation: string): VmInstanceRecoveryInputs {
  const parsed = vmInstanceRecoverySchema().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const property = issue ? issue.path.map(String).join(".") || "(inputs)" : "(inputs)";
    throw new errors.ValidationError(`${property}: ${issue?.message ?? "invalid input"}`, property, { operation });
  }
  return parsed.data as unknown as VmInstanceRecoveryInputs;
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = checkInputs<VmInstanceRecoveryInputs>(vmInstanceRecoverySchema(), news, args.VM_INSTANCE_RECOVERY_OUTPUT_NAMES);
  const uuid = result.inputs["vmInstanceUuid"];
  // Preview says at once when the VM is gone for good: only when every input is valid (no call for input that fails
  // anyway) and the uuid is new or changed (a no-op preview costs no call).
  if (result.failures.length === 0 && typeof uuid === "string" && !containsUnknown(uuid) && normalizeZstackUuid(olds["vmInstanceUuid"]) !== uuid) {
    const vm = await queryForCheck(uuid);
    if (!vm) return { inputs: result.inputs, failures: [...result.failures, { property: "vmInstanceUuid", reason: `vmInstanceUuid: ${notFound(uuid, "check").message}` }] };
  }
  return { inputs: result.inputs, failures: result.failures };
}

/** The VM for a preview-time check; an unconfigured or unreachable ZStack is an error saying the check needed it. */
async function queryForCheck(uuid: string): Promise<VmInstanceInventory | undefined> {
  const operation = `check ${RESOURCE}`;
  try {
    return await queryVmInstance(config.zstackSettings(), uuid);
  } catch (error) {
    const message = `Checking vmInstanceUuid of ${RESOURCE} needs ZStack: ${errors.errorMessage(error)}`;
    if (error instanceof errors.ConfigurationError) throw new errors.ConfigurationError(message, error.setting, { operation, cause: error });
    if (error instanceof errors.VmAvailabilityError) throw Object.assign(error, { message });
    throw error;
  }
}

function sameList(a: unknown, b: unknown): boolean {
  const left = Array.isArray(a) ? a : [];
  const right = Array.isArray(b) ? b : [];
  return JSON.stringify(left) === JSON.stringify(right);
}

/** Pure: compares the inputs recorded in the old outputs with the new checked inputs. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  const oldUuid = normalizeZstackUuid(olds["vmInstanceUuid"]) ?? olds["vmInstanceUuid"];
  const newUuid = containsUnknown(news["vmInstanceUuid"]) ? news["vmInstanceUuid"] : normalizeZstackUuid(news["vmInstanceUuid"]) ?? news["vmInstanceUuid"];
  if (containsUnknown(newUuid) || oldUuid !== newUuid) replaces.push("vmInstanceUuid");

  const changed: string[] = [];
  const oldStart = olds["startAfterRecovery"] ?? false;
  const newStart = news["startAfterRecovery"] ?? false;
  if (containsUnknown(newStart) || oldStart !== newStart) changed.push("startAfterRecovery");
  for (const key of ["systemTags", "userTags"]) {
    if (containsUnknown(news[key]) || !sameList(olds[key], news[key])) changed.push(key);
  }
  const oldTimeout = olds["timeoutSeconds"] ?? 600;
  const newTimeout = news["timeoutSeconds"] ?? 600;
  if (containsUnknown(newTimeout) || oldTimeout !== newTimeout) changed.push("timeoutSeconds");

  // Drift: refresh saw the VM Destroyed again; an update recovers it.
  const destroyedAgain = olds["state"] === "Destroyed";
  return { changes: replaces.length > 0 || changed.length > 0 || destroyedAgain, replaces, deleteBeforeReplace: false };
}

interface RecoveryRecord {
  initialState: string;
  recovered: boolean;
  startedAfterRecovery: boolean;
  recoveredAt?: string;
}

function text(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : value;
}

function outputsFrom(inputs: VmInstanceRecoveryInputs, vm: VmInstanceInventory, record: RecoveryRecord): VmInstanceRecoveryOutputs {
  return {
    vmInstanceUuid: inputs.vmInstanceUuid,
    startAfterRecovery: inputs.startAfterRecovery,
    systemTags: inputs.systemTags,
    userTags: inputs.userTags,
    timeoutSeconds: inputs.timeoutSeconds,
    name: vm.name ?? "",
    state: vm.state,
    initialState: record.initialState,
    recovered: record.recovered,
    startedAfterRecovery: record.startedAfterRecovery,
    recoveredAt: record.recoveredAt,
    description: text(vm.description),
    hostUuid: text(vm.hostUuid),
    lastHostUuid: text(vm.lastHostUuid),
    zoneUuid: text(vm.zoneUuid),
    clusterUuid: text(vm.clusterUuid),
    imageUuid: text(vm.imageUuid),
    instanceOfferingUuid: text(vm.instanceOfferingUuid),
    rootVolumeUuid: text(vm.rootVolumeUuid),
    defaultL3NetworkUuid: text(vm.defaultL3NetworkUuid),
    hypervisorType: text(vm.hypervisorType),
    platform: text(vm.platform),
    architecture: text(vm.architecture),
    type: text(vm.type),
    cpuNum: vm.cpuNum ?? undefined,
    memorySize: vm.memorySize ?? undefined,
    createDate: text(vm.createDate),
    lastOpDate: text(vm.lastOpDate),
    ipAddresses: (vm.vmNics ?? []).map((nic) => nic.ip).filter((ip): ip is string => typeof ip === "string" && ip.length > 0),
  };
}

function notFound(uuid: string, operation: string, cause?: unknown): errors.NotFoundError {
  return new errors.NotFoundError(
    `ZStack VM instance ${uuid} not found: expunged or never existed. A Destroyed VM can only be recovered until it is expunged (global config vm.expungePeriod, 1 day by default).`,
    { operation, object: vmObject(uuid), cause },
  );
}

/** The VM, after any Destroying/Expunging in progress has settled. Throws NotFoundError when ZStack does not list it. */
async function settledVm(uuid: string, operation: string, deadline: number): Promise<VmInstanceInventory> {
  const settings = config.zstackSettings();
  const vm = await waitFor<VmInstanceInventory | undefined>({
    what: `${vmObject(uuid)} to finish being destroyed`,
    operation,
    object: vmObject(uuid),
    deadline,
    observe: async () => {
      const current = await queryVmInstance(settings, uuid, { deadline });
      if (current && (current.state === "Destroying" || current.state === "Expunging")) return { done: false, state: current.state };
      return { done: true, value: current };
    },
  });
  if (!vm) throw notFound(uuid, operation);
  return vm;
}

async function readBack(uuid: string): Promise<VmInstanceInventory | undefined> {
  try {
    return await queryVmInstance(config.zstackSettings(), uuid);
  } catch {
    return undefined;
  }
}

/** Recovers a Destroyed VM and starts it when asked. Returns the VM and what was done. */
async function recoverVm(
  inputs: VmInstanceRecoveryInputs,
  initialState: string,
  operation: string,
  deadline: number,
): Promise<{ vm: VmInstanceInventory; record: RecoveryRecord }> {
  const settings = config.zstackSettings();
  const uuid = inputs.vmInstanceUuid;
  let vm: VmInstanceInventory;
  try {
    const result = await runJob(
      settings,
      () => recoverVmInstance(settings, uuid, { systemTags: inputs.systemTags, userTags: inputs.userTags, deadline }),
      { what: `${vmObject(uuid)} to be recovered`, deadline },
    );
    vm = vmFromJobResult(result) ?? (await readBack(uuid)) ?? { uuid, state: "Stopped" };
  } catch (error) {
    // The outcome is unknown (timeout, job expired, connection lost) or the VM vanished: look at the VM.
    const current = await readBack(uuid);
    if (!current) {
      if (error instanceof errors.VendorFaultError || error instanceof errors.NotFoundError || isJobExpired(error)) throw notFound(uuid, operation, error);
      throw error;
    }
    if (current.state === "Destroyed" || current.state === "Destroying") throw error;
    // VM.1010 (wrong state) for a VM that is no longer Destroyed: another recovery of it won the race; it is back as declared.
    const recoveredMeanwhile = error instanceof errors.ConflictError && error.fault?.type === "VM.1010";
    if (!(error instanceof errors.TimeoutError) && !isJobExpired(error) && !(error instanceof errors.ConnectionError) && !recoveredMeanwhile) throw error;
    vm = current; // the recovery happened even though its job could not be followed to the end
  }
  const recoveredAt = new Date().toISOString();
  const record: RecoveryRecord = { initialState, recovered: true, startedAfterRecovery: false, recoveredAt };
  if (!inputs.startAfterRecovery) return { vm, record };
  const started = await startRecoveredVm(inputs, vm, record, operation, deadline);
  return { vm: started, record: { ...record, startedAfterRecovery: true } };
}

/** Starts a VM this resource recovered; a failure is a partial failure (the VM stays recovered and Stopped). */
async function startRecoveredVm(
  inputs: VmInstanceRecoveryInputs,
  vm: VmInstanceInventory,
  record: RecoveryRecord,
  operation: string,
  deadline: number,
): Promise<VmInstanceInventory> {
  const settings = config.zstackSettings();
  const uuid = inputs.vmInstanceUuid;
  try {
    const result = await runJob(settings, () => startVmInstance(settings, uuid, { deadline }), {
      what: `${vmObject(uuid)} to start`,
      deadline,
    });
    return vmFromJobResult(result) ?? (await readBack(uuid)) ?? { ...vm, state: "Running" };
  } catch (error) {
    const current = (await readBack(uuid)) ?? vm;
    if (current.state === "Running") return current;
    const reason = `${vmObject(uuid)} was recovered (state ${current.state}) but could not be started: ${errors.errorMessage(error)}`;
    throw new errors.PartialFailureError(reason, uuid, { ...outputsFrom(inputs, current, { ...record, startedAfterRecovery: false }) }, [reason], {
      operation,
      object: vmObject(uuid),
      cause: error,
      fault: errors.faultOf(error),
    });
  }
}

export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${RESOURCE}`;
  const inputs = parseInputs(raw, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const vm = await settledVm(inputs.vmInstanceUuid, operation, deadline);
  if (vm.state !== "Destroyed") {
    const outs = outputsFrom(inputs, vm, { initialState: vm.state, recovered: false, startedAfterRecovery: false });
    return { id: inputs.vmInstanceUuid, outs };
  }
  const done = await recoverVm(inputs, vm.state, operation, deadline);
  return { id: inputs.vmInstanceUuid, outs: outputsFrom(inputs, done.vm, done.record) };
}

function recordFrom(props: Record<string, unknown>, fallbackState: string): RecoveryRecord {
  return {
    initialState: typeof props["initialState"] === "string" ? props["initialState"] : fallbackState,
    recovered: props["recovered"] === true,
    startedAfterRecovery: props["startedAfterRecovery"] === true,
    recoveredAt: typeof props["recoveredAt"] === "string" ? props["recoveredAt"] : undefined,
  };
}

/** The inputs recorded in state (or defaults, for an import that starts from the id alone). */
function recordedInputs(id: string, props: Record<string, unknown>): VmInstanceRecoveryInputs {
  const uuid = normalizeZstackUuid(id) ?? normalizeZstackUuid(props["vmInstanceUuid"]);
  if (uuid === undefined) {
    throw new errors.ValidationError(`The resource id must be a ZStack VM uuid (32 hex characters); got ${JSON.stringify(id)}.`, "vmInstanceUuid", {
      operation: `read ${RESOURCE}`,
    });
  }
  const strings = (value: unknown): string[] | undefined =>
    Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : undefined;
  return {
    vmInstanceUuid: uuid,
    startAfterRecovery: props["startAfterRecovery"] === true,
    systemTags: strings(props["systemTags"]),
    userTags: strings(props["userTags"]),
    timeoutSeconds: typeof props["timeoutSeconds"] === "number" ? props["timeoutSeconds"] : 600,
  };
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const inputs = recordedInputs(id, props);
  const vm = await queryVmInstance(config.zstackSettings(), inputs.vmInstanceUuid);
  if (!vm) return { id: "", props: {} };
  return { id: inputs.vmInstanceUuid, props: outputsFrom(inputs, vm, recordFrom(props, vm.state)) };
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const operation = `update ${RESOURCE}`;
  const inputs = parseInputs(news, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const vm = await settledVm(inputs.vmInstanceUuid, operation, deadline).catch((error: unknown) => {
    if (error instanceof errors.NotFoundError) {
      throw new errors.NotFoundError(`${errors.errorMessage(error)} Run \`pulumi refresh\` to drop resource ${id} from the stack.`, {
        operation,
        object: vmObject(inputs.vmInstanceUuid),
        cause: error,
      });
    }
    throw error;
  });
  const previous = recordFrom(olds, vm.state);
  if (vm.state === "Destroyed") {
    const done = await recoverVm(inputs, previous.initialState, operation, deadline);
    return { outs: outputsFrom(inputs, done.vm, done.record) };
  }
  const turnedOn = inputs.startAfterRecovery && olds["startAfterRecovery"] !== true;
  if (turnedOn && previous.recovered && vm.state === "Stopped") {
    const started = await startRecoveredVm(inputs, vm, previous, operation, deadline);
    return { outs: outputsFrom(inputs, started, { ...previous, startedAfterRecovery: true }) };
  }
  return { outs: outputsFrom(inputs, vm, previous) };
}

/** Leaves the VM as it is: nothing to undo. */
export async function delete_(_id: string, _props: Record<string, unknown>): Promise<void> {
  return;
}

export { delete_ as delete };
