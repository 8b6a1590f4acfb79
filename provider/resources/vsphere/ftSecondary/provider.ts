import type * as pulumi from "@pulumi/pulumi";
import { deadlineAfter } from "../../../deadline";
import * as errors from "../../../errors";
import * as connections from "../../../vsphere/connection";
import { isFault } from "../../../vsphere/faults";
import * as ft from "../../../vsphere/methods/faultTolerance";
import { isValidMoId } from "../../../vsphere/moref";
import { withVmLock } from "../../../vsphere/vmLock";
import * as declared from "../../common/declaration";
import { containsUnknown } from "../../common/unknown";
import { connectForCheck, knownAndChanged, previewDeadline } from "../shared/check";
import { runToEnd } from "../shared/tasks";
import { vmNotFound } from "../shared/vm";
import type { FtSecondaryInputs } from "./args";
import { explain } from "./explain";
import { readGroup, readGroupQuietly } from "./observe";
import { changedPlacement, liveFailures } from "./preview";
import { recordGroup, untilProtected } from "./protect";
import { ftSecondaryDeclaration as declaration } from "./spec";
import { describeVm, driftOf, parseSecondaryOpResult, powerRecordOf, refusalReasons, secondaryEnabled, type FtGroupView, type PowerOnRecord } from "./state";
import { turnOn } from "./turnOn";

/**
 * CRUD of `vsphere:FtSecondary` (id = the primary VM's id, stable when vSphere re-spawns the secondary).
 *
 * - check: validates the inputs; when `vmId` is known and new (or changed), asks vCenter whether FT can be turned on
 *   (preview.ts), and checks new placement targets, so preview shows every refusal before anything changes.
 * - create: turns FT on (turnOn.ts): the secondary and its power-on outcome are recorded; a lost answer or a failure
 *   after vSphere may have acted is settled by reading config.ftInfo back.
 * - read: config.ftInfo + runtime of the group; FT turned off by hand → the resource is gone; a re-spawned secondary
 *   is reported (new secondaryVmId/secondaryHost), not fought.
 * - update: `enabled` toggles EnableSecondaryVM_Task / DisableSecondaryVM_Task; FT found off is turned on again.
 * - delete: TurnOffFaultToleranceForVM_Task on the group's primary, after making vmId the primary again when a failover
 *   made it the secondary (so the declared VM is not the one removed); FT already off (or the VM gone) is success.
 */

const ENABLE_FAULTS = ["SecondaryVmAlreadyDisabled", "SecondaryVmAlreadyEnabled", "InvalidState"];

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = declared.checkDeclared<FtSecondaryInputs>(declaration, news);
  if (result.failures.length > 0) return { inputs: result.inputs, failures: result.failures };
  const inputs = result.inputs;
  // containsUnknown, not isUnknown: a value holding the sentinel anywhere is not known and must not reach vCenter.
  const vmChanged = knownAndChanged(olds, inputs, "vmId", containsUnknown);
  const placement = changedPlacement(olds, inputs, vmChanged);
  // A no-op preview costs no API call: live checks only for known inputs that are new or changed.
  if (!vmChanged && placement.length === 0) return { inputs, failures: [] };
  const connection = await connectForCheck(declaration.type, vmChanged ? "vmId" : placement[0]!, declared.namespaceOf(declaration, inputs));
  return { inputs, failures: await liveFailures(connection, inputs, { vm: vmChanged, placement }, previewDeadline()) };
}

/**
 * Pure: the declared inputs against the recorded ones, plus drift recorded by refresh. vmId or placement changes
 * replace; a placement change on the same VM deletes first (vSphere allows one FT group per VM).
 */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const inputs = declared.diffInputs(declaration, olds, news);
  const enabled = news["enabled"] ?? declared.inputDefault(declaration, "enabled");
  const drift = typeof enabled === "boolean" && driftOf(olds, enabled) !== undefined ? ["enabled"] : [];
  const result = declared.diffResult(declaration, inputs, drift);
  return { ...result, deleteBeforeReplace: inputs.replaces.length > 0 && !inputs.replaces.includes("vmId") };
}

/** The inputs recorded in state, with the id validated before it can reach vCenter (state may be edited by hand). */
function recordedInputs(id: string, props: Record<string, unknown>, operation: string): FtSecondaryInputs {
  const recorded = declared.recordedInputs(declaration, props);
  const vmId = typeof recorded["vmId"] === "string" ? recorded["vmId"] : id;
  if (!isValidMoId(vmId)) {
    throw new errors.ValidationError(`The resource id must be a VM managed object id such as "vm-42"; got ${JSON.stringify(vmId)}.`, "vmId", { operation });
  }
  return { ...recorded, vmId } as FtSecondaryInputs;
}

function recorded(values: Record<string, unknown>, key: string): string | undefined {
  return typeof values[key] === "string" ? (values[key] as string) : undefined;
}

function outputs(connection: connections.VsphereConnection, inputs: FtSecondaryInputs, view: FtGroupView, power: PowerOnRecord, placedDisks: unknown): Record<string, unknown> {
  return recordGroup(connection, inputs, view, power, placedDiskCount(placedDisks));
}

function placedDiskCount(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

/** The error for a VM that is already in an FT group when this resource is about to create one. */
function alreadyFaultTolerant(view: FtGroupView, operation: string): errors.ConflictError {
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
  return new errors.ConflictError(`vmId: ${reason}`, { operation, object: `VirtualMachine:${view.vmId}`, fault: { type: "SecondaryVmAlreadyRegistered" } });
}

export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const operation = `create ${declaration.type}`;
  const inputs = declared.parseInputs<FtSecondaryInputs>(declaration, raw, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect(inputs.connection, deadline);
  return withVmLock(connection, inputs.vmId, async () => {
    const before = await readGroup(connection, inputs.vmId, { deadline });
    if (!before) throw vmNotFound(inputs.vmId, operation);
    if (before.role !== "none") throw alreadyFaultTolerant(before, operation);
    return { id: inputs.vmId, outs: await turnOn(connection, inputs, deadline, before.vmName) };
  });
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const inputs = recordedInputs(id, props, `read ${declaration.type}`);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect(inputs.connection, deadline);
  // The recorded secondary (and primary, after a failover) is read speculatively in the same call as the VM; only a
  // group that names another VM costs a second read.
  const view = await readGroup(connection, inputs.vmId, { deadline, expected: [recorded(props, "secondaryVmId"), recorded(props, "primaryVmId")] });
  // The VM is gone, or FT was turned off outside Pulumi: the resource no longer exists.
  if (!view || view.role === "none") return { id: "", props: {} };
  return { id: inputs.vmId, props: outputs(connection, inputs, view, powerRecordOf(props), props["placedDisks"]) };
}

/** Enables or disables the secondary; someone making the same change meanwhile, or a lost answer, is read back. */
async function setEnabled(connection: connections.VsphereConnection, inputs: FtSecondaryInputs, view: FtGroupView, deadline: number): Promise<PowerOnRecord | undefined> {
  const primary = view.primaryVmId;
  const secondary = view.secondaryVmId;
  const vm = describeVm(primary, primary === inputs.vmId ? view.vmName : undefined);
  if (!secondary) {
    throw new errors.ConflictError(`${vm} is fault tolerant but vSphere reports no secondary VM to ${inputs.enabled ? "enable" : "disable"}: run \`pulumi refresh\`.`, {
      operation: `update ${declaration.type}`,
      object: `VirtualMachine:${inputs.vmId}`,
    });
  }
  const reached = async (): Promise<boolean> => {
    const again = await readGroupQuietly(connection, inputs.vmId, { deadline });
    return again !== undefined && secondaryEnabled(again) === inputs.enabled;
  };
  const reconcile = async (): Promise<"done" | "notStarted"> => ((await reached()) ? "done" : "notStarted");
  try {
    const outcome = inputs.enabled
      ? await runToEnd(connection, (options) => ft.enableSecondaryVm(connection, primary, secondary, options), { deadline, reconcile })
      : await runToEnd(connection, (options) => ft.disableSecondaryVm(connection, primary, secondary, options), { deadline, reconcile });
    if (!inputs.enabled || "reconciled" in outcome) return undefined;
    const result = parseSecondaryOpResult(outcome.result);
    return { powerOnAttempted: result.powerOnAttempted, powerOnOutcome: result.powerOnOutcome, powerOnFault: result.powerOnFault };
  } catch (error) {
    if (isFault(error, ...ENABLE_FAULTS) && (await reached())) return undefined;
    throw explain(error, inputs.enabled ? "Enabling the FT secondary" : "Disabling the FT secondary", vm);
  }
}

export async function update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const operation = `update ${declaration.type}`;
  const inputs = declared.parseInputs<FtSecondaryInputs>(declaration, news, operation);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect(inputs.connection, deadline);
  const expected = [recorded(olds, "secondaryVmId"), recorded(olds, "primaryVmId")];
  return withVmLock(connection, inputs.vmId, async () => {
    let view = await readGroup(connection, inputs.vmId, { deadline, expected });
    if (!view) throw vmNotFound(inputs.vmId, operation);
    // FT was turned off (outside Pulumi, or a create that never finished): turn it on again as declared.
    if (view.role === "none") return { outs: await turnOn(connection, inputs, deadline, view.vmName) };
    let power = powerRecordOf(olds);
    if (secondaryEnabled(view) === inputs.enabled) return { outs: outputs(connection, inputs, view, power, olds["placedDisks"]) };
    power = (await setEnabled(connection, inputs, view, deadline)) ?? power;
    view = (await readGroupQuietly(connection, inputs.vmId, { deadline, expected: [view.secondaryVmId, view.primaryVmId] })) ?? view;
    return { outs: await untilProtected(connection, inputs, view, power, placedDiskCount(olds["placedDisks"]), deadline, { operation, done: "The secondary was enabled" }) };
  });
}

/**
 * After a failover (a test, or vSphere's own), vmId is the group's secondary, and turning FT off removes the secondaries:
 * the VM this resource names would be removed. While the group runs, vmId is made the primary again first
 * (MakePrimaryVM_Task, as a failover test does: no downtime), so FT is turned off through it and it stays. A group that
 * does not run cannot fail over: FT is turned off through its current primary. Returns the primary to turn FT off on.
 */
async function reclaimPrimary(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<string> {
  const group = await readGroup(connection, vmId, { deadline });
  if (!group || group.role !== "secondary" || group.faultToleranceState !== "running") return group?.primaryVmId ?? vmId;
  const primary = group.primaryVmId;
  const reclaimed = async (): Promise<boolean> => (await readGroupQuietly(connection, vmId, { deadline, members: false }))?.primaryVmId === vmId;
  try {
    await runToEnd(connection, (options) => ft.makePrimaryVm(connection, primary, vmId, options), { deadline, reconcile: async () => ((await reclaimed()) ? "done" : "notStarted") });
  } catch (error) {
    throw explain(error, `Making ${vmId} the primary again before turning Fault Tolerance off (MakePrimaryVM_Task)`, describeVm(primary));
  }
  return vmId;
}

async function deleteImpl(id: string, props: Record<string, unknown>): Promise<void> {
  const inputs = recordedInputs(id, props, `delete ${declaration.type}`);
  const deadline = deadlineAfter(inputs.timeoutSeconds);
  const connection = await connections.connect(inputs.connection, deadline);
  await withVmLock(connection, inputs.vmId, async () => {
    // Role and primary are all delete needs when vmId is the primary: the members' runtime is not read.
    const view = await readGroup(connection, inputs.vmId, { deadline, members: false });
    // The VM is gone, or FT is already off: nothing to undo.
    if (!view || view.role === "none") return;
    const primary = view.role === "secondary" ? await reclaimPrimary(connection, inputs.vmId, deadline) : view.primaryVmId;
    const vm = describeVm(primary, primary === inputs.vmId ? view.vmName : undefined);
    // The VM gone counts as FT off; a group that cannot be read leaves the outcome open.
    const off = async (): Promise<boolean> => ((await readGroup(connection, inputs.vmId, { deadline, members: false }))?.role ?? "none") === "none";
    try {
      await runToEnd(connection, (options) => ft.turnOffFaultToleranceForVm(connection, primary, options), {
        deadline,
        reconcile: async () => ((await off()) ? "done" : "notStarted"),
      });
    } catch (error) {
      // Turned off (or the VM removed) by someone else meanwhile: done.
      if (error instanceof errors.NotFoundError || isFault(error, "InvalidState", "InvalidOperationOnSecondaryVm")) {
        const again = await readGroupQuietly(connection, inputs.vmId, { deadline, members: false });
        if (again === undefined ? error instanceof errors.NotFoundError : again.role === "none") return;
      }
      throw explain(error, "Turning Fault Tolerance off", vm);
    }
  });
}

export { deleteImpl as delete };
