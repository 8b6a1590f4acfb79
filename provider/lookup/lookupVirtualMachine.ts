import * as pulumi from "@pulumi/pulumi";
import * as config from "../config";
import { deadlineAfter, PREVIEW_READ_SECONDS } from "../deadline";
import * as errors from "../errors";
import * as connections from "../vsphere/connection";
import { unescapeEntityName } from "../vsphere/entityNames";
import * as lookup from "../vsphere/lookup";

/** Which VM to find: exactly one of `name`, `inventoryPath` or `instanceUuid`. */
export interface LookupVirtualMachineArgs {
  /** The VM's name as the vSphere Client shows it (`app-01`). FT secondaries, which share it, are not matches. */
  name?: string;
  /** Its inventory path as `FindByInventoryPath` takes it: `<datacenter>/vm/<folders>/<name>`, a `/` inside a name written `%2f`. */
  inventoryPath?: string;
  /** Its instance uuid (`config.instanceUuid`, vCenter's own id of the VM), e.g. `502b1e9a-…`. */
  instanceUuid?: string;
  /** The stack-config namespace of the vCenter settings (default `vsphere`), as the resources' `connection` input. */
  connection?: string;
}

/** The one VM found. */
export interface LookupVirtualMachineResult {
  /** The managed object id every vSphere resource takes as `vmId` (`vm-101`). */
  vmId: string;
  name: string;
  /** As `FindByInventoryPath` takes it (`dc1/vm/app/app-01`); empty for a VM inside a vApp (it has no `parent`). */
  inventoryPath: string;
}

const CRITERIA = ["name", "inventoryPath", "instanceUuid"] as const;
type Criterion = (typeof CRITERIA)[number];
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The most VMs an error lists. */
const LISTED = 10;
const OPERATION = "lookupVirtualMachine";

function invalid(message: string, property: string): errors.ValidationError {
  return new errors.ValidationError(`${OPERATION}: ${message}`, property, { operation: OPERATION });
}

/** The one criterion given, checked before any call. */
function criterionOf(args: LookupVirtualMachineArgs): { criterion: Criterion; value: string } {
  if (!args || typeof args !== "object") throw invalid("give an object with exactly one of name, inventoryPath or instanceUuid.", "name");
  const given = CRITERIA.filter((key) => args[key] !== undefined && args[key] !== null);
  if (given.length !== 1) {
    const got = given.length === 0 ? "none of them" : given.join(" and ");
    throw invalid(`give exactly one of name, inventoryPath or instanceUuid; got ${got}.`, given[1] ?? "name");
  }
  const criterion = given[0]!;
  const value: unknown = args[criterion];
  if (pulumi.Output.isInstance(value)) {
    throw invalid(`${criterion} must be a plain string, not an Output: call it inside \`.apply(...)\` or \`pulumi.all(...)\` of that Output.`, criterion);
  }
  if (typeof value !== "string" || value.trim() === "") throw invalid(`${criterion} must be a non-empty string; got ${JSON.stringify(value) ?? String(value)}.`, criterion);
  if (criterion === "instanceUuid" && !UUID_PATTERN.test(value)) {
    throw invalid(`instanceUuid must be a uuid such as 502b1e9a-3c4d-5e6f-7a8b-9c0d1e2f3a4b (the VM's config.instanceUuid); got ${JSON.stringify(value)}.`, "instanceUuid");
  }
  return { criterion, value };
}

function namespaceOf(args: LookupVirtualMachineArgs): string {
  const namespace = args.connection ?? "vsphere";
  const problem = config.connectionNameProblem("vsphere", namespace);
  if (problem) throw invalid(problem, "connection");
  return namespace;
}

/** `vm-101 (dc1/vm/app/app-01)`. */
function describe(vm: lookup.FoundVm): string {
  return vm.inventoryPath ? `${vm.vmId} (${vm.inventoryPath})` : `${vm.vmId} "${vm.name}"`;
}

/** At most LISTED of them, and how many more. */
function listOf(vms: lookup.FoundVm[]): string {
  const listed = vms.slice(0, LISTED).map(describe).join(", ");
  return vms.length > LISTED ? `${listed} and ${vms.length - LISTED} more` : listed;
}

function result(vm: lookup.FoundVm): LookupVirtualMachineResult {
  return { vmId: vm.vmId, name: vm.name, inventoryPath: vm.inventoryPath };
}

function notFound(message: string, where: string): errors.NotFoundError {
  return new errors.NotFoundError(`${OPERATION}: ${message}`, { operation: OPERATION, object: where });
}

async function byName(connection: connections.VsphereConnection, name: string, deadline: number): Promise<LookupVirtualMachineResult> {
  const folded = name.toLowerCase();
  const found = await lookup.findVmsByName(connection, (candidate) => candidate.toLowerCase() === folded, { deadline });
  const named = found.filter((vm) => vm.name === name);
  const matches = named.filter((vm) => vm.ftRole !== "secondary");
  const where = `vCenter ${connection.endpoint.origin}`;
  if (matches.length === 1) return result(matches[0]!);
  if (matches.length > 1) {
    throw new errors.ConflictError(
      `${OPERATION}: ${matches.length} VMs are named ${JSON.stringify(name)} in ${where}: ${listOf(matches)}. Give inventoryPath or instanceUuid instead of name to say which one.`,
      { operation: OPERATION, object: where },
    );
  }
  const secondaries = named.length > 0 ? ` (${listOf(named)}: only Fault Tolerance secondaries, which are never matches)` : "";
  const otherCase = found.filter((vm) => vm.name !== name && vm.ftRole !== "secondary");
  const hint = otherCase.length > 0 ? ` Names differing only in case: ${otherCase.slice(0, LISTED).map((vm) => `${JSON.stringify(vm.name)} ${describe(vm)}`).join(", ")}.` : "";
  throw notFound(`no VM is named ${JSON.stringify(name)} in ${where} (or this user cannot see it)${secondaries}.${hint}`, where);
}

/** An FT secondary sits beside its primary with the same name, so a path naming it names the primary too. */
async function primaryOf(connection: connections.VsphereConnection, vm: lookup.FoundVm, deadline: number): Promise<lookup.FoundVm> {
  if (vm.ftRole !== "secondary" || !vm.primaryVmId) return vm;
  return (await lookup.describeVms(connection, [vm.primaryVmId], { deadline }))[0] ?? vm;
}

async function byInventoryPath(connection: connections.VsphereConnection, inventoryPath: string, deadline: number): Promise<LookupVirtualMachineResult> {
  const where = `vCenter ${connection.endpoint.origin}`;
  const entity = await lookup.findByInventoryPath(connection, inventoryPath, { deadline });
  if (!entity) {
    const last = inventoryPath.split("/").filter((segment) => segment !== "").pop();
    const elsewhere = last ? (await lookup.findVmsByName(connection, (candidate) => candidate === unescapeEntityName(last), { deadline })).filter((vm) => vm.ftRole !== "secondary") : [];
    const hint = elsewhere.length > 0 ? ` A VM of that name is at ${listOf(elsewhere)}.` : " Paths look like <datacenter>/vm/<folders>/<name> (a / inside a name is written %2f).";
    throw notFound(`nothing is at inventory path ${JSON.stringify(inventoryPath)} in ${where} (or this user cannot see it).${hint}`, where);
  }
  if (entity.type !== "VirtualMachine") {
    throw new errors.ValidationError(`${OPERATION}: inventory path ${JSON.stringify(inventoryPath)} is a ${entity.type} (${entity.value}), not a VM.`, "inventoryPath", {
      operation: OPERATION,
      object: `${entity.type}:${entity.value}`,
    });
  }
  const [vm] = await lookup.describeVms(connection, [entity.value], { deadline });
  if (!vm) throw notFound(`VirtualMachine ${entity.value} at ${JSON.stringify(inventoryPath)} vanished while it was being read.`, `VirtualMachine:${entity.value}`);
  return result(await primaryOf(connection, vm, deadline));
}

async function byInstanceUuid(connection: connections.VsphereConnection, instanceUuid: string, deadline: number): Promise<LookupVirtualMachineResult> {
  const where = `vCenter ${connection.endpoint.origin}`;
  const entity = await lookup.findVmByInstanceUuid(connection, instanceUuid, { deadline });
  const [vm] = entity ? await lookup.describeVms(connection, [entity.value], { deadline }) : [];
  if (!vm) throw notFound(`no VM has instance uuid ${instanceUuid} in ${where} (or this user cannot see it).`, where);
  if (vm.ftRole === "secondary") {
    const primary = vm.primaryVmId ? ` of ${vm.primaryVmId}` : "";
    throw notFound(
      `instance uuid ${instanceUuid} is the Fault Tolerance secondary ${describe(vm)}${primary}, which is never a match: give the primary's instance uuid, or its name.`,
      `VirtualMachine:${vm.vmId}`,
    );
  }
  return result(vm);
}

/**
 * Finds exactly one vSphere VM and returns the id every resource of this package takes as `vmId`. Call it from a
 * Pulumi program (awaited in an async program, or inside `pulumi.output(...)`): it reads the same vCenter settings as
 * the resources, from the stack config of namespace `connection` (default `vsphere`, secrets included) and then the
 * environment (`VSPHERE_SERVER`…). No VM, several VMs, or an FT secondary alone is an error that lists what was found.
 */
export async function lookupVirtualMachine(args: LookupVirtualMachineArgs): Promise<LookupVirtualMachineResult> {
  const { criterion, value } = criterionOf(args);
  const namespace = namespaceOf(args);
  const settings = new pulumi.Config(namespace);
  config.recordNamespaceSettings("vsphere", namespace, (key) => settings.get(key));
  const deadline = deadlineAfter(PREVIEW_READ_SECONDS);
  const connection = await connections.connect(namespace, deadline);
  switch (criterion) {
    case "name":
      return byName(connection, value, deadline);
    case "inventoryPath":
      return byInventoryPath(connection, value, deadline);
    case "instanceUuid":
      return byInstanceUuid(connection, value, deadline);
  }
}
