import type * as pulumi from "@pulumi/pulumi";
import * as config from "../../../config";
import { deadlineAfter, PREVIEW_READ_SECONDS } from "../../../deadline";
import * as errors from "../../../errors";
import { isJobExpired, outcomeUnknown, runJob } from "../../../zstack/jobs";
import type { VmInstanceInventory } from "../../../zstack/schemas";
import { normalizeZstackUuid } from "../../../zstack/uuid";
import { queryVmInstance, recoverVmInstance, startVmInstance, vmFromJobResult, vmObject, waitForVmState } from "../../../zstack/vmInstances";
import * as declared from "../../common/declaration";
import { containsUnknown } from "../../common/unknown";
import type { VmInstanceRecoveryInputs, VmInstanceRecoveryOutputs } from "./args";
import { vmInstanceRecoveryDeclaration as declaration } from "./spec";

/**
 * CRUD of `zstack:VmInstanceRecovery` (id = the VM uuid).
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

/** Time past the deadline to read the VM back after an action whose end could not be seen. */
const READ_BACK_GRACE_MS = 5_000;
const BEING_DESTROYED = ["Destroying", "Expunging"];

function parseInputs(raw: Record<string, unknown>, operation: string): VmInstanceRecoveryInputs {
  return declared.parseInputs<VmInstanceRecoveryInputs>(declaration, raw, operation);
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = declared.checkDeclared<VmInstanceRecoveryInputs>(declaration, news);
  const uuid = result.inputs["vmInstanceUuid"];
  // Preview says at once when the VM is gone for good: only when every input is valid (no call for input that fails
  // anyway), the uuid and the namespace are known, and the uuid is new or changed (a no-op preview costs no call).
  const known = typeof uuid === "string" && !containsUnknown(uuid) && !containsUnknown(result.inputs["connection"]);
  const lookUp = result.failures.length === 0 && known && normalizeZstackUuid(olds["vmInstanceUuid"]) !== uuid;
  if (lookUp && !(await queryForCheck(uuid as string, declared.namespaceOf(declaration, result.inputs)))) {
    return { inputs: result.inputs, failures: [{ property: "vmInstanceUuid", reason: `vmInstanceUuid: ${notFound(uuid, "check").message}` }] };
  }
  return { inputs: result.inputs, failures: result.failures };
}

/** The VM for a preview-time check; an unconfigured or unreachable ZStack is an error saying the check needed it. */
async function queryForCheck(uuid: string, namespace: string): Promise<VmInstanceInventory | undefined> {
  const operation = `check ${declaration.type}`;
  try {
    return await queryVmInstance(config.zstackSettings(namespace), uuid, { deadline: deadlineAfter(PREVIEW_READ_SECONDS) });
  } catch (error) {
    const message = `Checking vmInstanceUuid of ${declaration.type} needs ZStack: ${errors.errorMessage(error)}`;
    if (error instanceof errors.ConfigurationError) throw new errors.ConfigurationError(message, error.setting, { operation, cause: error });
    if (error instanceof errors.VmAvailabilityError) throw Object.assign(error, { message });
    throw error;
  }
}

/** Values as the diff compares them: the uuid in ZStack's form, and an empty tag list the same as none. */
function comparable(values: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...values };
  const uuid = normalizeZstackUuid(values["vmInstanceUuid"]);
  if (uuid !== undefined) copy["vmInstanceUuid"] = uuid;
  for (const key of ["systemTags", "userTags"]) {
    const tags = copy[key];
    if (Array.isArray(tags) && tags.length === 0) delete copy[key];
  }
  return copy;
}

/** Pure: the declared inputs against the recorded ones, plus drift (refresh saw the VM Destroyed again: an update recovers it). */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const inputs = declared.diffInputs(declaration, comparable(olds), comparable(news));
  const destroyedAgain = olds["state"] === "Destroyed";
  return declared.diffResult(declaration, inputs, destroyedAgain ? ["state"] : []);
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

function outputsFrom(inputs: VmInstanceRecoveryInputs, vm: VmInstanceInventory, record: RecoveryRecord, endpoint: string): Record<string, unknown> {
  const observed: Omit<VmInstanceRecoveryOutputs, keyof VmInstanceRecoveryInputs | "endpoint"> = {
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
  return declared.recordOutputs(declaration, inputs, observed, endpoint);
}

function notFound(uuid: string, operation: string, cause?: unknown): errors.NotFoundError {
  return new errors.NotFoundError(
    `ZStack VM instance ${uuid} not found: expunged or never existed. A Destroyed VM can only be recovered until it is expunged (global config vm.expungePeriod, 1 day by default).`,
    { operation, object: vmObject(uuid), cause },
  );
}

/** The VM, after any Destroying/Expunging in progress has settled. Throws NotFoundError when ZStack does not list it. */
async function settledVm(settings: config.ZstackSettings, uuid: string, operation: string, deadline: number): Promise<VmInstanceInventory> {
  const vm = await waitForVmState(settings, uuid, {
    what: `${vmObject(uuid)} to finish being destroyed`,
    operation,
    deadline,
    until: (current) => !current || !BEING_DESTROYED.includes(current.state),
  });
  if (!vm) throw notFound(uuid, operation);
  return vm;
}

/** The VM as ZStack lists it now (undefined: not listed), read even a little past the deadline: an action's end was not seen. */
function lookAgain(settings: config.ZstackSettings, uuid: string, deadline: number): Promise<VmInstanceInventory | undefined> {
  return queryVmInstance(settings, uuid, { deadline: Math.max(deadline, Date.now() + READ_BACK_GRACE_MS) });
}

/** The action's end could not be seen (its answer was lost, its job expired, the wait ran out of time): the VM tells. */
function endUnseen(error: unknown): boolean {
  return outcomeUnknown(error) || error instanceof errors.TimeoutError || error instanceof errors.ConnectionError;
}

/** Recovers a Destroyed VM and starts it when asked. Returns the VM and what was done. */
async function recoverVm(
  settings: config.ZstackSettings,
  inputs: VmInstanceRecoveryInputs,
  initialState: string,
  operation: string,
  deadline: number,
): Promise<{ vm: VmInstanceInventory; record: RecoveryRecord }> {
  const uuid = inputs.vmInstanceUuid;
  let vm: VmInstanceInventory;
  try {
    const result = await runJob(settings, () => recoverVmInstance(settings, uuid, { systemTags: inputs.systemTags, userTags: inputs.userTags, deadline }), {
      what: `${vmObject(uuid)} to be recovered`,
      deadline,
    });
    vm = vmFromJobResult(result) ?? (await lookAgain(settings, uuid, deadline).catch(() => undefined)) ?? { uuid, state: "Stopped" };
  } catch (error) {
    // An unreadable VM leaves the outcome as the error says it.
    const current = await lookAgain(settings, uuid, deadline).catch(() => {
      throw error;
    });
    if (!current) {
      if (error instanceof errors.VendorFaultError || error instanceof errors.NotFoundError || isJobExpired(error)) throw notFound(uuid, operation, error);
      throw error;
    }
    if (current.state === "Destroyed" || current.state === "Destroying") throw error;
    // VM.1010 (wrong state) for a VM that is no longer Destroyed: another recovery of it won the race; it is back as declared.
    const recoveredMeanwhile = error instanceof errors.ConflictError && error.fault?.type === "VM.1010";
    if (!endUnseen(error) && !recoveredMeanwhile) throw error;
    vm = current; // the recovery happened even though its job could not be followed to the end
  }
  const record: RecoveryRecord = { initialState, recovered: true, startedAfterRecovery: false, recoveredAt: new Date().toISOString() };
  if (!inputs.startAfterRecovery) return { vm, record };
  const started = await startRecoveredVm(settings, inputs, vm, record, operation, deadline);
  return { vm: started, record: { ...record, startedAfterRecovery: true } };
}

/** Starts a VM this resource recovered; a failure is a partial failure (the VM stays recovered and Stopped). */
async function startRecoveredVm(
  settings: config.ZstackSettings,
  inputs: VmInstanceRecoveryInputs,
  vm: VmInstanceInventory,
  record: RecoveryRecord,
  operation: string,
  deadline: number,
): Promise<VmInstanceInventory> {
  const uuid = inputs.vmInstanceUuid;
  try {
    const result = await runJob(settings, () => startVmInstance(settings, uuid, { deadline }), { what: `${vmObject(uuid)} to start`, deadline });
    return vmFromJobResult(result) ?? (await lookAgain(settings, uuid, deadline).catch(() => undefined)) ?? { ...vm, state: "Running" };
  } catch (error) {
    const current = (await lookAgain(settings, uuid, deadline).catch(() => undefined)) ?? vm;
    if (current.state === "Running") return current;
    const reason = `${vmObject(uuid)} was recovered (state ${current.state}) but could not be started: ${errors.errorMessage(error)}`;
    const properties = outputsFrom(inputs, current, { ...record, startedAfterRecovery: false }, settings.endpoint);
    throw new errors.PartialFailureError(reason, uuid, properties, [reason], { operation, object: vmObject(uuid), cause: error, fault: errors.faultOf(error) });
  }
}

export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${declaration.type}`;
  const inputs = parseInputs(raw, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const settings = config.zstackSettings(inputs.connection);
  const vm = await settledVm(settings, inputs.vmInstanceUuid, operation, deadline);
  if (vm.state !== "Destroyed") {
    return { id: inputs.vmInstanceUuid, outs: outputsFrom(inputs, vm, { initialState: vm.state, recovered: false, startedAfterRecovery: false }, settings.endpoint) };
  }
  const done = await recoverVm(settings, inputs, vm.state, operation, deadline);
  return { id: inputs.vmInstanceUuid, outs: outputsFrom(inputs, done.vm, done.record, settings.endpoint) };
}

function recordFrom(props: Record<string, unknown>, fallbackState: string): RecoveryRecord {
  return {
    initialState: typeof props["initialState"] === "string" ? props["initialState"] : fallbackState,
    recovered: props["recovered"] === true,
    startedAfterRecovery: props["startedAfterRecovery"] === true,
    recoveredAt: typeof props["recoveredAt"] === "string" ? props["recoveredAt"] : undefined,
  };
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const uuid = normalizeZstackUuid(id) ?? normalizeZstackUuid(props["vmInstanceUuid"]);
  if (uuid === undefined) {
    throw new errors.ValidationError(`The resource id must be a ZStack VM uuid (32 hex characters); got ${JSON.stringify(id)}.`, "vmInstanceUuid", {
      operation: `read ${declaration.type}`,
    });
  }
  // An import starts from the id alone: the other inputs take their defaults.
  const inputs = { ...declared.recordedInputs(declaration, props), vmInstanceUuid: uuid } as VmInstanceRecoveryInputs;
  const settings = config.zstackSettings(inputs.connection);
  const vm = await queryVmInstance(settings, uuid, { deadline: deadlineAfter(inputs.timeoutSeconds) });
  if (!vm) return { id: "", props: {} };
  return { id: uuid, props: outputsFrom(inputs, vm, recordFrom(props, vm.state), settings.endpoint) };
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const operation = `update ${declaration.type}`;
  const inputs = parseInputs(news, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const settings = config.zstackSettings(inputs.connection);
  const vm = await settledVm(settings, inputs.vmInstanceUuid, operation, deadline).catch((error: unknown) => {
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
    const done = await recoverVm(settings, inputs, previous.initialState, operation, deadline);
    return { outs: outputsFrom(inputs, done.vm, done.record, settings.endpoint) };
  }
  const turnedOn = inputs.startAfterRecovery && olds["startAfterRecovery"] !== true;
  if (turnedOn && previous.recovered && vm.state === "Stopped") {
    const started = await startRecoveredVm(settings, inputs, vm, previous, operation, deadline);
    return { outs: outputsFrom(inputs, started, { ...previous, startedAfterRecovery: true }, settings.endpoint) };
  }
  return { outs: outputsFrom(inputs, vm, previous, settings.endpoint) };
}

/** Leaves the VM as it is: nothing to undo. */
async function deleteImpl(_id: string, _props: Record<string, unknown>): Promise<void> {
  return;
}

export { deleteImpl as delete };
