import { parseAnswer } from "../http/parseAnswer";
import type * as connections from "./connection";
import { unescapeEntityName } from "./entityNames";
import { invokeMethod } from "./invoke";
import { describeMoRef, moRef, unbox, type MoRef } from "./moref";
import { vimSchemas } from "./schemas";

/**
 * Finding VMs the way the VI/JSON spec offers it:
 * - by inventory path: `SearchIndex.FindByInventoryPath {inventoryPath}`;
 * - by instance uuid: `SearchIndex.FindByUuid {uuid, vmSearch: true, instanceUuid: true}`;
 * - by name: `ViewManager.CreateContainerView {container: rootFolder, type: ["VirtualMachine"], recursive: true}`,
 *   one `RetrievePropertiesEx` over the view (followed by `ContinueRetrievePropertiesEx` while a token comes back),
 *   then `ContainerView.DestroyView`, also when the read failed.
 * Every read of VMs also follows `parent` from each VM up to the root folder in the same PropertyCollector call, so a
 * VM's inventory path costs no further request. FT secondaries carry their primary's name and sit beside it:
 * `config.ftInfo.role` (1 = primary) tells them apart.
 */

export interface FoundVm {
  vmId: string;
  /** The name as a person typed it (vCenter's `%25`, `%2f`, `%5c` escapes decoded). */
  name: string;
  /**
   * The path `FindByInventoryPath` takes: `dc1/vm/app/app-01`, names as vCenter escapes them. Empty when the `parent`
   * chain does not reach the root folder (a VM inside a vApp has no `parent`).
   */
  inventoryPath: string;
  /** The VM's role in an FT group, when it is in one. */
  ftRole?: "primary" | "secondary";
  /** An FT secondary's primary. */
  primaryVmId?: string;
}

interface LookupOptions {
  deadline: number;
}

/** Types whose `name` and `parent` make up inventory paths above a VM. */
const ANCESTOR_TYPES = ["Folder", "Datacenter"];
const VM_PATHS = ["name", "parent", "config.ftInfo"];
const PARENTS_TRAVERSAL = "parents";
/** DestroyView gets this long even when the lookup's own deadline has passed: a view left behind lives until logout. */
const DESTROY_GRACE_MS = 10_000;

/** Follows `parent` from any managed entity, again and again, up to the root folder. */
function parentsTraversal(): Record<string, unknown> {
  return {
    _typeName: "TraversalSpec",
    name: PARENTS_TRAVERSAL,
    type: "ManagedEntity",
    path: "parent",
    skip: false,
    selectSet: [{ _typeName: "SelectionSpec", name: PARENTS_TRAVERSAL }],
  };
}

function propertySpecs(): Record<string, unknown>[] {
  return [
    { _typeName: "PropertySpec", type: "VirtualMachine", pathSet: VM_PATHS },
    ...ANCESTOR_TYPES.map((type) => ({ _typeName: "PropertySpec", type, pathSet: ["name", "parent"] })),
  ];
}

/** One PropertyFilterSpec reading the VMs `objectSet` selects, and their ancestors. */
function filterSpec(objectSet: Record<string, unknown>[]): Record<string, unknown> {
  return { _typeName: "PropertyFilterSpec", propSet: propertySpecs(), objectSet };
}

/** Every object a RetrievePropertiesEx selects, page after page until no token comes back. */
async function retrieveAll(connection: connections.VsphereConnection, spec: Record<string, unknown>, object: string, options: LookupOptions): Promise<Map<string, Record<string, unknown>>> {
  const collector = connection.content.propertyCollector;
  const objects = new Map<string, Record<string, unknown>>();
  let method = "RetrievePropertiesEx";
  let raw = await invokeMethod(connection, collector, method, { specSet: [spec], options: { _typeName: "RetrieveOptions" } }, { idempotent: true, deadline: options.deadline, object });
  for (;;) {
    if (raw === undefined || raw === null) return objects;
    const page = parseAnswer(vimSchemas().RetrieveResult, raw, { operation: method, object });
    for (const content of page.objects) {
      const values: Record<string, unknown> = {};
      for (const property of content.propSet ?? []) values[property.name] = unbox(property.val);
      objects.set(describeMoRef(content.obj), values);
    }
    if (!page.token) return objects;
    method = "ContinueRetrievePropertiesEx";
    // A token is good for one call: repeated after a lost answer, it would only be refused.
    raw = await invokeMethod(connection, collector, method, { token: page.token }, { idempotent: false, deadline: options.deadline, object });
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function reference(value: unknown): MoRef | undefined {
  const parsed = vimSchemas().MoRef.safeParse(value);
  return parsed.success ? moRef(parsed.data.type, parsed.data.value) : undefined;
}

/** The inventory path of the object whose parent is `parent`, from the names and parents read. */
function pathUpTo(connection: connections.VsphereConnection, objects: Map<string, Record<string, unknown>>, rawName: string, parent: MoRef | undefined): string {
  const root = describeMoRef(connection.content.rootFolder);
  const names = [rawName];
  const seen = new Set<string>();
  for (let current = parent; current; ) {
    const key = describeMoRef(current);
    if (key === root) return names.join("/");
    const values = objects.get(key);
    const name = text(values?.["name"]);
    if (!values || name === undefined || seen.has(key)) return "";
    seen.add(key);
    names.unshift(name);
    current = reference(values["parent"]);
  }
  return "";
}

function ftRoleOf(raw: unknown): Pick<FoundVm, "ftRole" | "primaryVmId"> {
  if (raw === undefined || raw === null) return {};
  const info = parseAnswer(vimSchemas().FaultToleranceConfigInfo, raw, { operation: "RetrievePropertiesEx", object: "config.ftInfo" });
  const secondary = info.role > 1 || info._typeName === "FaultToleranceSecondaryConfigInfo";
  return secondary ? { ftRole: "secondary", ...(info.primaryVM ? { primaryVmId: info.primaryVM.value } : {}) } : { ftRole: "primary" };
}

/** The VMs among the objects read, with their paths. */
function foundVms(connection: connections.VsphereConnection, objects: Map<string, Record<string, unknown>>, keep: (rawName: string) => boolean): FoundVm[] {
  const found: FoundVm[] = [];
  for (const [key, values] of objects) {
    if (!key.startsWith("VirtualMachine:")) continue;
    const rawName = text(values["name"]);
    if (rawName === undefined || !keep(rawName)) continue;
    found.push({
      vmId: key.slice("VirtualMachine:".length),
      name: unescapeEntityName(rawName),
      inventoryPath: pathUpTo(connection, objects, rawName, reference(values["parent"])),
      ...ftRoleOf(values["config.ftInfo"]),
    });
  }
  return found;
}

/**
 * Every VM whose name passes `keep` (given the name as a person typed it), FT secondaries included (see `ftRole`):
 * one recursive container view of the root folder, read to its last page, then destroyed.
 */
export async function findVmsByName(connection: connections.VsphereConnection, keep: (name: string) => boolean, options: LookupOptions): Promise<FoundVm[]> {
  const viewManager = singleton(connection.content.viewManager, "ViewManager");
  const created = await invokeMethod(
    connection,
    viewManager,
    "CreateContainerView",
    { container: connection.content.rootFolder, type: ["VirtualMachine"], recursive: true },
    // It makes a session object: repeated after a lost answer, it would leave a view behind.
    { idempotent: false, deadline: options.deadline },
  );
  const view = parseAnswer(vimSchemas().MoRef, unbox(created), { operation: "CreateContainerView", object: describeMoRef(viewManager) });
  try {
    const spec = filterSpec([
      {
        _typeName: "ObjectSpec",
        obj: moRef(view.type, view.value),
        skip: true,
        selectSet: [{ _typeName: "TraversalSpec", type: "ContainerView", path: "view", skip: false, selectSet: [parentsTraversal()] }],
      },
    ]);
    const objects = await retrieveAll(connection, spec, "the VMs of a container view", options);
    return foundVms(connection, objects, (rawName) => keep(unescapeEntityName(rawName)));
  } finally {
    // The caller's deadline may be spent: the view is destroyed on a grace period of its own; failing that, it ends with the session.
    await invokeMethod(connection, view, "DestroyView", undefined, { idempotent: true, deadline: Math.max(options.deadline, Date.now() + DESTROY_GRACE_MS) }).catch(() => undefined);
  }
}

/** Name, FT role and inventory path of the given VMs, in one RetrievePropertiesEx (missing VMs are left out). */
export async function describeVms(connection: connections.VsphereConnection, vmIds: string[], options: LookupOptions): Promise<FoundVm[]> {
  if (vmIds.length === 0) return [];
  const spec = {
    ...filterSpec(vmIds.map((vmId) => ({ _typeName: "ObjectSpec", obj: moRef("VirtualMachine", vmId), skip: false, selectSet: [parentsTraversal()] }))),
    reportMissingObjectsInResults: true,
  };
  const objects = await retrieveAll(connection, spec, vmIds.length === 1 ? `VirtualMachine:${vmIds[0]}` : `${vmIds.length} VMs`, options);
  const found = foundVms(connection, objects, () => true);
  return vmIds.map((vmId) => found.find((vm) => vm.vmId === vmId)).filter((vm): vm is FoundVm => vm !== undefined);
}

/** A singleton named in ServiceContent; vCenter's own id when a server leaves it out. */
function singleton(named: { type: string; value: string } | undefined, type: string): MoRef {
  return named ? moRef(named.type, named.value) : moRef(type, type);
}

async function search(connection: connections.VsphereConnection, method: string, body: Record<string, unknown>, options: LookupOptions): Promise<MoRef | undefined> {
  const searchIndex = singleton(connection.content.searchIndex, "SearchIndex");
  const raw = await invokeMethod(connection, searchIndex, method, body, { idempotent: true, deadline: options.deadline });
  const found = parseAnswer(vimSchemas().MoRef.nullish(), raw === undefined ? null : unbox(raw), { operation: method, object: describeMoRef(searchIndex) });
  return found ? moRef(found.type, found.value) : undefined;
}

/** SearchIndex.FindByInventoryPath: the entity at the path (of any type), or undefined. */
export function findByInventoryPath(connection: connections.VsphereConnection, inventoryPath: string, options: LookupOptions): Promise<MoRef | undefined> {
  return search(connection, "FindByInventoryPath", { inventoryPath }, options);
}

/** SearchIndex.FindByUuid on VMs' instance uuids: the VM, or undefined. */
export function findVmByInstanceUuid(connection: connections.VsphereConnection, instanceUuid: string, options: LookupOptions): Promise<MoRef | undefined> {
  return search(connection, "FindByUuid", { uuid: instanceUuid, vmSearch: true, instanceUuid: true }, options);
}
