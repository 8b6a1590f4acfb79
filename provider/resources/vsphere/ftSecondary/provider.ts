import type * as pulumi from "@pulumi/pulumi";
import * as errors from "../../../errors";
import { backoffDelay, sleep } from "../../../http/backoff";
import { deadlineAfter } from "../../../http/waiter";
import * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import { getProperty } from "../../../vsphere/invoke";
import { isValidMoId } from "../../../vsphere/moref";
import * as ft from "../../../vsphere/methods/faultTolerance";
import { readProperties } from "../../../vsphere/properties";
import { waitForTask, type TaskHandle } from "../../../vsphere/taskWaiter";
import { withVmLock } from "../../../vsphere/vmLock";
import { checkInputs } from "../../common/checkInputs";
import { containsUnknown } from "../../common/unknown";
import { connectForCheck, knownAndChanged } from "../shared/check";
import { isTaskInProgress, runTask } from "../shared/tasks";
import { vmNotFound } from "../shared/vm";
import * as args from "./args";
import { ftSecondarySchema, type FtSecondaryInputs, type FtSecondaryOutputs } from "./args";
import { clusterOfHost, objectExists, readGroup, readPreconditions, readPrimaryDisks, type GroupReadOptions } from "./observe";
import {
  describeVm,
  driftOf,
  moRefId,
  outputsFrom,
  parseSecondaryOpResult,
  powerRecordOf,
  refusalReasons,
  secondaryEnabled,
  unescapeEntityName,
  type FtGroupView,
  type PowerOnRecord,
} from "./state";

/**
 * CRUD of `vsphere:FtSecondary` (id = the primary VM's id, stable when vSphere re-spawns the secondary).
 *
 * - check: validates the inputs; when `vmId` is known and new (or changed), reads the VM and asks vSphere whether FT can
 *   be turned on (template, already in an FT group, snapshots, HA cluster, QueryFaultToleranceCompatibilityEx), and
 *   checks new placement targets, so preview shows every refusal before anything changes.
 * - create: CreateSecondaryVMEx_Task (with a FaultToleranceConfigSpec when placement is given), records the secondary
 *   and the power-on outcome from FaultToleranceSecondaryOpResult, then DisableSecondaryVM_Task when `enabled: false`.
 *   Anything that goes wrong after vSphere may have acted is reconciled by reading config.ftInfo back (see reconcileCreate).
 * - read: config.ftInfo + runtime of the group; FT turned off by hand → the resource is gone; a re-spawned secondary
 *   is reported (new secondaryVmId/secondaryHost), not fought.
 * - update: `enabled` toggles EnableSecondaryVM_Task / DisableSecondaryVM_Task; FT found off is turned on again.
 * - delete: TurnOffFaultToleranceForVM_Task on the group's primary; FT already off (or the VM gone) is success.
 */

const RESOURCE = "FtSecondary";
/** How long an ambiguous create (no task handle) looks for a secondary vSphere may still be making. */
const SETTLE_MS = 5_000;

function parseInputs(raw: Record<string, unknown>, operation: string): FtSecondaryInputs {
  const parsed = ftSecondarySchema().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const property = issue ? issue.path.map(String).join(".") || "(inputs)" : "(inputs)";
    throw new errors.ValidationError(`${property}: ${issue?.message ?? "invalid input"}`, property, { operation });
  }
  return parsed.data as unknown as FtSecondaryInputs;
}

/** The inputs as recorded in old outputs (defaults for anything missing: state written by an older version). */
function inputsFromProps(id: string, props: Record<string, unknown>, operation: string): FtSecondaryInputs {
  const text = (key: string): string | undefined => (typeof props[key] === "string" && props[key] !== "" ? (props[key] as string) : undefined);
  const vmId = text("vmId") ?? id;
  // The id comes from state (hand-edited or corrupted ones included): validated before it can reach vCenter.
  if (typeof vmId !== "string" || !isValidMoId(vmId)) {
    throw new errors.ValidationError(`The resource id must be a VM managed object id such as "vm-42"; got ${JSON.stringify(vmId)}.`, "vmId", { operation });
  }
  return {
    vmId,
    host: text("host"),
    datastore: text("datastore"),
    metaDataDatastore: text("metaDataDatastore"),
    enabled: typeof props["enabled"] === "boolean" ? props["enabled"] : args.FT_SECONDARY_DEFAULTS.enabled,
    timeoutSeconds: typeof props["timeoutSeconds"] === "number" && props["timeoutSeconds"] > 0 ? props["timeoutSeconds"] : args.FT_SECONDARY_DEFAULTS.timeoutSeconds,
  };
}

// ---- check --------------------------------------------------------------------------------------------------------

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = checkInputs<FtSecondaryInputs>(ftSecondarySchema(), news, args.FT_SECONDARY_OUTPUT_NAMES);
  if (result.failures.length > 0) return { inputs: result.inputs, failures: result.failures };
  const inputs = result.inputs;
  // containsUnknown, not isUnknown: a value holding the sentinel anywhere is not known and must not reach vCenter.
  const vmChanged = knownAndChanged(olds, inputs, "vmId", containsUnknown);
  const placementChanged = args.FT_PLACEMENT_INPUTS.filter(
    (key) => knownAndChanged(olds, inputs, key, containsUnknown) || (vmChanged && typeof inputs[key] === "string" && !containsUnknown(inputs[key])),
  );
  // A no-op preview costs no API call: live checks only for known inputs that are new or changed.
  if (!vmChanged && placementChanged.length === 0) return { inputs, failures: [] };
  const connection = await connectForCheck(RESOURCE, vmChanged ? "vmId" : placementChanged[0]!);
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const vmId = typeof inputs["vmId"] === "string" && !containsUnknown(inputs["vmId"]) ? inputs["vmId"] : undefined;
  let primaryHost: string | undefined;
  let vmName: string | undefined;
  if (vmChanged && vmId) {
    const facts = await readPreconditions(connection, vmId);
    if (!facts) {
      failures.push({ property: "vmId", reason: `VM ${vmId} does not exist in vCenter (or this user cannot see it): Fault Tolerance cannot be turned on for it.` });
      return { inputs, failures };
    }
    vmName = facts.vmName;
    primaryHost = facts.host;
    for (const reason of refusalReasons(facts)) failures.push({ property: "vmId", reason });
  }
  if (vmId && !vmChanged && placementChanged.includes("host")) {
    const values = await readProperties(connection, { type: "VirtualMachine", value: vmId }, ["runtime.host", "name"]).catch((error: unknown) => {
      if (error instanceof errors.NotFoundError) return {} as Record<string, unknown>;
      throw error;
    });
    primaryHost = moRefId(values["runtime.host"]);
    vmName ??= typeof values["name"] === "string" ? unescapeEntityName(values["name"]) : undefined;
  }
  failures.push(...(await placementFailures(connection, inputs, placementChanged, vmId, vmName, primaryHost)));
  return { inputs, failures };
}

async function placementFailures(
  connection: connections.VsphereConnection,
  inputs: Record<string, unknown>,
  changed: readonly string[],
  vmId: string | undefined,
  vmName: string | undefined,
  primaryHost: string | undefined,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const vm = vmId ? describeVm(vmId, vmName) : "the VM";
  const host = changed.includes("host") ? (inputs["host"] as string) : undefined;
  if (host) {
    const exists = await objectExists(connection, "HostSystem", host);
    if (exists === false) {
      failures.push({ property: "host", reason: `host: HostSystem ${host} does not exist in vCenter (or this user cannot see it): vSphere would refuse the secondary's placement (ManagedObjectNotFound).` });
    } else if (primaryHost && host === primaryHost) {
      failures.push({ property: "host", reason: `host: ${vm} runs on ${host}; Fault Tolerance needs the secondary on a different host of the same cluster.` });
    } else if (primaryHost && exists) {
      const [wanted, current] = await Promise.all([clusterOfHost(connection, host), clusterOfHost(connection, primaryHost)]);
      if (wanted && current && wanted.id !== current.id) {
        failures.push({ property: "host", reason: `host: ${host} is not in the cluster of ${vm} (${current.name ?? current.id}): the secondary must run on another host of the primary's cluster.` });
      }
    }
  }
  for (const key of ["datastore", "metaDataDatastore"] as const) {
    const datastore = changed.includes(key) ? (inputs[key] as string | undefined) : undefined;
    if (!datastore) continue;
    if ((await objectExists(connection, "Datastore", datastore)) === false) {
      failures.push({ property: key, reason: `${key}: Datastore ${datastore} does not exist in vCenter (or this user cannot see it).` });
    }
  }
  return failures;
}

// ---- diff ---------------------------------------------------------------------------------------------------------

function same(oldValue: unknown, newValue: unknown): boolean {
  if (containsUnknown(newValue)) return false;
  return (oldValue ?? undefined) === (newValue ?? undefined);
}

/**
 * Pure: compares the inputs recorded in the old outputs with the new checked inputs, plus drift recorded by refresh.
 * vmId or placement changes replace; a placement change on the same VM deletes first (one FT group per VM).
 */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  if (!same(olds["vmId"], news["vmId"])) replaces.push("vmId");
  for (const key of args.FT_PLACEMENT_INPUTS) if (!same(olds[key], news[key])) replaces.push(key);
  const changed: string[] = [];
  const oldEnabled = olds["enabled"] ?? args.FT_SECONDARY_DEFAULTS.enabled;
  const newEnabled = news["enabled"] ?? args.FT_SECONDARY_DEFAULTS.enabled;
  if (!same(oldEnabled, newEnabled)) changed.push("enabled");
  if (!same(olds["timeoutSeconds"] ?? args.FT_SECONDARY_DEFAULTS.timeoutSeconds, news["timeoutSeconds"] ?? args.FT_SECONDARY_DEFAULTS.timeoutSeconds)) changed.push("timeoutSeconds");
  const drift = typeof newEnabled === "boolean" ? driftOf(olds, newEnabled) : undefined;
  return {
    changes: replaces.length > 0 || changed.length > 0 || drift !== undefined,
    replaces,
    // The same VM cannot get a second FT group: turn FT off before turning it on with the new placement.
    deleteBeforeReplace: replaces.length > 0 && !replaces.includes("vmId"),
  };
}

// ---- create -------------------------------------------------------------------------------------------------------

/** A failure that proves vSphere did not start the call (its own refusal, or a request that never reached it). */
function provablyNotStarted(error: unknown): boolean {
  if (error instanceof errors.ConnectionError) return !error.requestSent;
  if (error instanceof errors.ServerError) return [429, 503].includes(error.status);
  return (
    error instanceof errors.VendorFaultError ||
    error instanceof errors.NotFoundError ||
    error instanceof errors.ConflictError ||
    error instanceof errors.AuthenticationError ||
    error instanceof errors.ValidationError ||
    error instanceof errors.ConfigurationError
  );
}

/** A hint per fault type vSphere gives when FT cannot be turned on. */
function hintFor(faultType: string | undefined): string {
  switch (faultType) {
    case "NoHostSuitableForFtSecondary":
      return " vSphere found no host for the secondary: it needs another connected host of the cluster with FT logging and vMotion networking.";
    case "NotSupported":
      return " vSphere answers NotSupported for a template or a VM that is not in a vSphere HA-enabled cluster.";
    case "SecondaryVmAlreadyRegistered":
      return " The VM is already fault tolerant: one secondary per VM.";
    case "InvalidOperationOnSecondaryVm":
      return " The VM is an FT secondary: set vmId to its primary.";
    case "VmConfigIncompatibleForFaultTolerance":
      return " Remove the VM's snapshots and unsupported devices first.";
    case "FaultToleranceNotLicensed":
      return " The hosts need a license that includes Fault Tolerance.";
    case "ManagedObjectNotFound":
      return " Check the host, datastore and metaDataDatastore inputs.";
    case "InvalidArgument":
      return " Check the placement inputs: the secondary's host must be another host of the primary's cluster.";
    default:
      return "";
  }
}

/** The same kind of error, saying which VM and what to do. */
function explain(error: unknown, what: string, vm: string): unknown {
  if (!(error instanceof errors.VmAvailabilityError)) return error;
  const message = `${what} for ${vm} failed: ${error.message}.${hintFor(error.fault?.type)}`.replace(/\.\./g, ".");
  const context = { operation: error.operation, object: error.object, fault: error.fault, cause: error, transient: error.transient };
  if (error instanceof errors.VendorFaultError) return new errors.VendorFaultError(message, context);
  if (error instanceof errors.NotFoundError) return new errors.NotFoundError(message, context);
  if (error instanceof errors.ConflictError) return new errors.ConflictError(message, context);
  if (error instanceof errors.ConnectionError) return new errors.ConnectionError(message, error.requestSent, context);
  if (error instanceof errors.TimeoutError) return new errors.TimeoutError(message, error.lastState, context);
  if (error instanceof errors.ServerError) return new errors.ServerError(message, error.status, context);
  return error;
}

function emptyView(vmId: string, vmName?: string): FtGroupView {
  return { vmId, vmName, role: "none", primaryVmId: vmId, faultToleranceState: "notConfigured", faultToleranceType: "unset", instanceUuids: [] };
}

async function readGroupQuietly(connection: connections.VsphereConnection, vmId: string, options: GroupReadOptions = {}): Promise<FtGroupView | undefined> {
  try {
    return await readGroup(connection, vmId, options);
  } catch {
    return undefined;
  }
}

async function taskStateOf(connection: connections.VsphereConnection, handle: TaskHandle): Promise<string> {
  try {
    const info = await getProperty(connection, handle.task, "info");
    const state = info && typeof info === "object" ? (info as { state?: unknown }).state : undefined;
    return typeof state === "string" ? state : "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * A create that failed after vSphere may have acted: read config.ftInfo back so no secondary is left untracked.
 * - vSphere has a secondary → PartialFailureError carrying the primary's id and the group as outputs: the stack records
 *   it; `pulumi up` finishes the configuration and `pulumi destroy` turns FT off.
 * - no secondary and the task ended (failed, or was cancelled at the deadline) → the original error: nothing changed.
 * - no secondary yet but the outcome is unknown (task still running and not cancelable, or the call was cut off) →
 *   PartialFailureError as well: recorded rather than forgotten; `pulumi refresh` drops it if FT never came up.
 * Why not undo: turning FT off is a second long-running task after the deadline has already passed, and it would
 * collide with a create task that is still running (TaskInProgress); recording what exists is always possible.
 */
async function reconcileCreate(
  connection: connections.VsphereConnection,
  inputs: FtSecondaryInputs,
  cause: unknown,
  handle: TaskHandle | undefined,
  vmName: string | undefined,
  placedDisks: number,
  power: PowerOnRecord,
): Promise<never> {
  const vm = describeVm(inputs.vmId, vmName);
  const taskState = handle ? await taskStateOf(connection, handle) : "unknown";
  let view = await readGroupQuietly(connection, inputs.vmId);
  const settleUntil = Date.now() + (handle === undefined ? SETTLE_MS : 0);
  for (let round = 0; (!view || view.role === "none") && taskState === "unknown" && Date.now() < settleUntil; round += 1) {
    await sleep(Math.min(backoffDelay(round, 250, 1_000), Math.max(0, settleUntil - Date.now())));
    view = await readGroupQuietly(connection, inputs.vmId);
  }
  const why = errors.errorMessage(cause);
  const context = { operation: `create ${RESOURCE}`, object: `VirtualMachine:${inputs.vmId}`, cause, fault: errors.faultOf(cause) };
  if (view && view.role !== "none") {
    throw new errors.PartialFailureError(
      `Turning Fault Tolerance on for ${vm} did not finish (${why}), but vSphere created the secondary ${view.secondaryVmId ?? "(id not reported yet)"}. ` +
        "It is recorded in the stack: `pulumi up` finishes the declared configuration, `pulumi destroy` turns FT off.",
      inputs.vmId,
      outputsFrom(inputs, view, power, placedDisks) as unknown as Record<string, unknown>,
      [why],
      context,
    );
  }
  // The task ended without a secondary (its own fault, or cancelled at the deadline): nothing changed.
  if (taskState === "error" && cause instanceof errors.TimeoutError) {
    throw new errors.TimeoutError(
      `Turning Fault Tolerance on for ${vm} did not finish within timeoutSeconds (${inputs.timeoutSeconds}): ${why} Nothing was changed: vSphere has no secondary for the VM. ` +
        "Creating a secondary copies the VM's disks: raise timeoutSeconds for large VMs.",
      cause.lastState,
      { ...context, operation: cause.operation },
    );
  }
  if (taskState === "error" || (handle === undefined && provablyNotStarted(cause))) throw explain(cause, "Turning Fault Tolerance on", vm);
  const task = handle ? ` (task ${handle.task.value}: ${taskState})` : "";
  throw new errors.PartialFailureError(
    `Turning Fault Tolerance on for ${vm} was interrupted (${why}) and its outcome is unknown${task}: vSphere may still create the secondary. ` +
      "The resource is recorded so that a secondary cannot be left untracked: `pulumi refresh` shows what vSphere did (and drops the resource if FT stayed off), `pulumi up` finishes the job.",
    inputs.vmId,
    outputsFrom(inputs, view ?? emptyView(inputs.vmId, vmName), power, placedDisks) as unknown as Record<string, unknown>,
    [why],
    context,
  );
}

/** CreateSecondaryVMEx_Task and everything after it; shared by create and by an update that finds FT turned off. */
async function turnOn(connection: connections.VsphereConnection, inputs: FtSecondaryInputs, deadline: number, vmName: string | undefined): Promise<FtSecondaryOutputs> {
  const vm = describeVm(inputs.vmId, vmName);
  const disks = inputs.datastore ? (await readPrimaryDisks(connection, inputs.vmId)).disks : [];
  const placement: ft.SecondaryPlacement = {
    hostId: inputs.host,
    datastoreId: inputs.datastore,
    metaDataDatastoreId: inputs.metaDataDatastore,
    disks,
  };
  const notAttempted: PowerOnRecord = { powerOnAttempted: false, powerOnOutcome: "unknown" };
  let power: PowerOnRecord & { secondaryVmId?: string };
  for (let round = 0; ; round += 1) {
    let handle: TaskHandle | undefined;
    try {
      handle = await ft.createSecondaryVmEx(connection, inputs.vmId, placement);
      power = parseSecondaryOpResult((await waitForTask(connection, handle, { deadline })).result);
      break;
    } catch (error) {
      // TaskInProgress (answered, or as the task's error) means vSphere refused: wait for the other task, then retry.
      const delay = backoffDelay(round, 500, 10_000);
      if (isTaskInProgress(error) && Date.now() + delay < deadline) {
        await sleep(delay);
        continue;
      }
      if (handle === undefined && provablyNotStarted(error)) throw explain(error, "Turning Fault Tolerance on", vm);
      return reconcileCreate(connection, inputs, error, handle, vmName, disks.length, notAttempted);
    }
  }
  const record: PowerOnRecord = { powerOnAttempted: power.powerOnAttempted, powerOnOutcome: power.powerOnOutcome, powerOnFault: power.powerOnFault };
  let secondaryVmId = power.secondaryVmId;
  if (!inputs.enabled) {
    try {
      secondaryVmId ??= (await readGroup(connection, inputs.vmId))?.secondaryVmId;
      if (!secondaryVmId) throw new errors.ServerError(`CreateSecondaryVMEx_Task on ${vm} reported no secondary VM.`, 200, { operation: "CreateSecondaryVMEx_Task" });
      const secondary = secondaryVmId;
      await runTask(connection, `DisableSecondaryVM_Task on ${vm}`, deadline, () => ft.disableSecondaryVm(connection, inputs.vmId, secondary));
    } catch (error) {
      const view = (await readGroupQuietly(connection, inputs.vmId)) ?? { ...emptyView(inputs.vmId, vmName), role: "primary", secondaryVmId, faultToleranceState: "unknown" };
      throw new errors.PartialFailureError(
        `Fault Tolerance was turned on for ${vm} (secondary ${secondaryVmId ?? "unknown"}), but disabling the secondary as declared (enabled: false) failed: ${errors.errorMessage(error)}. ` +
          "The secondary is recorded in the stack: `pulumi up` disables it, `pulumi destroy` turns FT off.",
        inputs.vmId,
        outputsFrom(inputs, view, record, disks.length) as unknown as Record<string, unknown>,
        [errors.errorMessage(error)],
        { operation: `create ${RESOURCE}`, object: `VirtualMachine:${inputs.vmId}`, cause: error },
      );
    }
  }
  let view: FtGroupView | undefined;
  try {
    // The secondary named by the task result is read in the same call as the primary.
    view = await readGroup(connection, inputs.vmId, { expected: [secondaryVmId] });
  } catch (error) {
    const known: FtGroupView = { ...emptyView(inputs.vmId, vmName), role: "primary", secondaryVmId, faultToleranceState: inputs.enabled ? "starting" : "disabled", faultToleranceType: "checkpointing" };
    throw new errors.PartialFailureError(
      `Fault Tolerance was turned on for ${vm} (secondary ${secondaryVmId ?? "unknown"}), but reading the group back failed: ${errors.errorMessage(error)}. Run \`pulumi refresh\`.`,
      inputs.vmId,
      outputsFrom(inputs, known, record, disks.length) as unknown as Record<string, unknown>,
      [errors.errorMessage(error)],
      { operation: `create ${RESOURCE}`, object: `VirtualMachine:${inputs.vmId}`, cause: error },
    );
  }
  return outputsFrom(inputs, view ?? { ...emptyView(inputs.vmId, vmName), secondaryVmId }, record, disks.length);
}

/** The error for a VM that is already in an FT group when this resource is about to create one. */
function alreadyFaultTolerant(view: FtGroupView): errors.ConflictError {
  const [reason] = refusalReasons({
    vmId: view.vmId,
    vmName: view.vmName,
    template: false,
    snapshotNames: [],
    ftInfo: {
      role: view.role === "secondary" ? "secondary" : "primary",
      instanceUuids: view.instanceUuids,
      secondaryVmIds: view.secondaryVmId ? [view.secondaryVmId] : [],
      primaryVmId: view.role === "secondary" ? view.primaryVmId : undefined,
      orphaned: false,
    },
  });
  return new errors.ConflictError(`vmId: ${reason}`, { operation: `create ${RESOURCE}`, object: `VirtualMachine:${view.vmId}`, fault: { type: "SecondaryVmAlreadyRegistered" } });
}

export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${RESOURCE}`;
  const inputs = parseInputs(raw, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect();
  return withVmLock(inputs.vmId, async () => {
    const before = await readGroup(connection, inputs.vmId);
    if (!before) throw vmNotFound(inputs.vmId, operation);
    if (before.role !== "none") throw alreadyFaultTolerant(before);
    const outs = await turnOn(connection, inputs, deadline, before.vmName);
    return { id: inputs.vmId, outs: outs as unknown as Record<string, unknown> };
  });
}

// ---- read ---------------------------------------------------------------------------------------------------------

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const inputs = inputsFromProps(id, props ?? {}, `read ${RESOURCE}`);
  const connection = await connections.connect();
  // The recorded secondary (and primary, after a failover) is read speculatively in the same call as the VM; only a
  // group that names another VM costs a second read.
  const recorded = (key: string): string | undefined => (typeof props?.[key] === "string" ? (props[key] as string) : undefined);
  const view = await readGroup(connection, inputs.vmId, { expected: [recorded("secondaryVmId"), recorded("primaryVmId")] });
  // The VM is gone, or FT was turned off outside Pulumi: the resource no longer exists.
  if (!view || view.role === "none") return { id: "", props: {} };
  const placedDisks = typeof props?.["placedDisks"] === "number" ? props["placedDisks"] : 0;
  return { id: inputs.vmId, props: outputsFrom(inputs, view, powerRecordOf(props ?? {}), placedDisks) as unknown as Record<string, unknown> };
}

// ---- update -------------------------------------------------------------------------------------------------------

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const operation = `update ${RESOURCE}`;
  const inputs = parseInputs(news, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect();
  const recorded = (key: string): string | undefined => (typeof olds?.[key] === "string" ? (olds[key] as string) : undefined);
  return withVmLock(inputs.vmId, async () => {
    let view = await readGroup(connection, inputs.vmId, { expected: [recorded("secondaryVmId"), recorded("primaryVmId")] });
    if (!view) throw vmNotFound(inputs.vmId, operation);
    // FT was turned off (outside Pulumi, or a create that never finished): turn it on again as declared.
    if (view.role === "none") return { outs: (await turnOn(connection, inputs, deadline, view.vmName)) as unknown as Record<string, unknown> };
    const primary = view.primaryVmId;
    const vm = describeVm(primary, primary === inputs.vmId ? view.vmName : undefined);
    let power = powerRecordOf(olds);
    const enabledNow = secondaryEnabled(view);
    const secondary = view.secondaryVmId;
    if (enabledNow !== inputs.enabled) {
      if (!secondary) {
        throw new errors.ConflictError(`${vm} is fault tolerant but vSphere reports no secondary VM to ${inputs.enabled ? "enable" : "disable"}: run \`pulumi refresh\`.`, {
          operation,
          object: `VirtualMachine:${inputs.vmId}`,
        });
      }
      for (let attempt = 0; ; attempt += 1) {
        try {
          if (inputs.enabled) {
            const outcome = await runTask(connection, `EnableSecondaryVM_Task on ${vm}`, deadline, () => ft.enableSecondaryVm(connection, primary, secondary));
            const result = parseSecondaryOpResult(outcome.result);
            power = { powerOnAttempted: result.powerOnAttempted, powerOnOutcome: result.powerOnOutcome, powerOnFault: result.powerOnFault };
          } else {
            await runTask(connection, `DisableSecondaryVM_Task on ${vm}`, deadline, () => ft.disableSecondaryVm(connection, primary, secondary));
          }
          break;
        } catch (error) {
          // Someone made the same change meanwhile (SecondaryVmAlreadyDisabled / SecondaryVmAlreadyEnabled / InvalidState),
          // or the answer was lost: read the group back.
          const ambiguous = error instanceof errors.ConnectionError && error.requestSent;
          const again = ambiguous || isFault(error, "SecondaryVmAlreadyDisabled", "SecondaryVmAlreadyEnabled", "InvalidState") ? await readGroupQuietly(connection, inputs.vmId) : undefined;
          if (again && secondaryEnabled(again) === inputs.enabled) break;
          // Not changed (yet): ask again; a task the lost call started answers TaskInProgress and is waited for.
          if (ambiguous && attempt < 2 && Date.now() < deadline) continue;
          throw explain(error, inputs.enabled ? "Enabling the FT secondary" : "Disabling the FT secondary", vm);
        }
      }
      view = (await readGroupQuietly(connection, inputs.vmId, { expected: [secondary, primary] })) ?? view;
    }
    const placedDisks = typeof olds["placedDisks"] === "number" ? olds["placedDisks"] : 0;
    return { outs: outputsFrom(inputs, view, power, placedDisks) as unknown as Record<string, unknown> };
  });
}

// ---- delete -------------------------------------------------------------------------------------------------------

async function deleteImpl(id: string, props: Record<string, unknown>): Promise<void> {
  const inputs = inputsFromProps(id, props ?? {}, `delete ${RESOURCE}`);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect();
  await withVmLock(inputs.vmId, async () => {
    // Role and primary are all delete needs: the members' runtime is not read.
    const view = await readGroup(connection, inputs.vmId, { members: false });
    // The VM is gone, or FT is already off: nothing to undo.
    if (!view || view.role === "none") return;
    const vm = describeVm(view.primaryVmId, view.primaryVmId === inputs.vmId ? view.vmName : undefined);
    for (let attempt = 0; ; attempt += 1) {
      try {
        await runTask(connection, `TurnOffFaultToleranceForVM_Task on ${vm}`, deadline, () => ft.turnOffFaultToleranceForVm(connection, view.primaryVmId));
        return;
      } catch (error) {
        // Turned off (or the VM removed) by someone else meanwhile, or by this call whose answer was lost: done.
        const ambiguous = error instanceof errors.ConnectionError && error.requestSent;
        if (ambiguous || error instanceof errors.NotFoundError || isFault(error, "InvalidState", "InvalidOperationOnSecondaryVm")) {
          const again = await readGroupQuietly(connection, inputs.vmId, { members: false });
          if (again === undefined ? error instanceof errors.NotFoundError : again.role === "none") return;
          // Still on: ask again; a task the lost call started answers TaskInProgress and is waited for.
          if (ambiguous && again !== undefined && attempt < 2 && Date.now() < deadline) continue;
        }
        throw explain(error, "Turning Fault Tolerance off", vm);
      }
    }
  });
}

export { deleteImpl as delete };
