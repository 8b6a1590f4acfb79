/**
 * Which objects a PropertyFilterSpec's objectSet selects: each ObjectSpec's object (left out of the results when
 * `skip`), plus what its selectSet reaches. A TraversalSpec {type, path, skip?, selectSet?} applies to objects of
 * `type` (or a subtype) and follows the MoRefs in property `path`; a SelectionSpec {name} reuses a named TraversalSpec
 * of the same filter spec. The usual use: ObjectSpec {obj: a ContainerView, skip: true, selectSet: [TraversalSpec
 * {type: "ContainerView", path: "view"}]} selects every object in the view.
 * Checked when the filter is made: InvalidType (unknown type), InvalidProperty (a path the type does not have),
 * InvalidArgument (a SelectionSpec name no TraversalSpec defines), ManagedObjectNotFound (an ObjectSpec object that
 * does not exist, unless missing objects are reported). Traversals are followed anew at every read, so a view's new
 * members enter and old ones leave.
 */
import { faults, vimFault } from "../faults";
import { isKindOf } from "../model/containerViews";
import type { VsphereWorld } from "../model/world";
import type { ObjectSpecInput, SelectionSpecInput, TraversalSpecInput } from "../requestTypes";
import { MO_TYPES } from "../specSchemas";
import { isRecord, moRef } from "../wire";
import { MANAGED_OBJECT_PROPERTIES, propertyPathType, readPropertyPath } from "./managedObjectProperties";

export interface SelectedObject {
  type: string;
  id: string;
  key: string;
  /** Selected only to traverse from: its properties are not reported. */
  skip: boolean;
}

export interface ObjectSelection {
  roots: Array<{ object: SelectedObject; selectSet: SelectionSpecInput[] }>;
  named: Map<string, TraversalSpecInput>;
  /** Whether what it selects, or a view's `view` it reads, can change with the inventory (a traversal or a view). */
  followsInventory: boolean;
}

export function objectKey(type: string, id: string): string {
  return `${type}:${id}`;
}

/** The type and id back from an objectKey. */
export function objectOfKey(key: string): { type: string; id: string } {
  const separator = key.indexOf(":");
  return { type: key.slice(0, separator), id: key.slice(separator + 1) };
}

function collectNamed(selections: SelectionSpecInput[], named: Map<string, TraversalSpecInput>): void {
  for (const selection of selections) {
    if (selection._typeName !== "TraversalSpec") continue;
    if (selection.name) named.set(selection.name, selection);
    collectNamed(selection.selectSet ?? [], named);
  }
}

function checkSelections(selections: SelectionSpecInput[], named: Map<string, TraversalSpecInput>): void {
  for (const selection of selections) {
    if (selection._typeName === "SelectionSpec") {
      if (!selection.name || !named.has(selection.name)) throw faults.invalidArgument("selectSet", `No TraversalSpec named '${selection.name ?? ""}' in this filter spec.`);
      continue;
    }
    if (!MO_TYPES.includes(selection.type)) throw vimFault("InvalidType", { argument: selection.type }, `Unknown managed object type '${selection.type}'.`);
    if (MANAGED_OBJECT_PROPERTIES[selection.type]) propertyPathType(selection.type, selection.path);
    checkSelections(selection.selectSet ?? [], named);
  }
}

/** Validates an objectSet the way CreateFilter does. `sessionToken`: the caller's (views belong to sessions). */
export function normalizeObjectSelection(world: VsphereWorld, sessionToken: string, objectSet: ObjectSpecInput[], reportMissing: boolean): ObjectSelection {
  const named = new Map<string, TraversalSpecInput>();
  for (const objectSpec of objectSet) collectNamed(objectSpec.selectSet ?? [], named);
  const roots: ObjectSelection["roots"] = [];
  const seen = new Set<string>();
  for (const objectSpec of objectSet) {
    const selectSet = objectSpec.selectSet ?? [];
    checkSelections(selectSet, named);
    const { type, value } = objectSpec.obj;
    if (!reportMissing && !world.exists(type, value, sessionToken)) throw faults.managedObjectNotFound(moRef(type, value));
    const key = objectKey(type, value);
    if (seen.has(key) && selectSet.length === 0) continue;
    seen.add(key);
    roots.push({ object: { type, id: value, key, skip: objectSpec.skip === true }, selectSet });
  }
  const followsInventory = roots.some((root) => root.selectSet.length > 0 || isKindOf(root.object.type, "View"));
  return { roots, named, followsInventory };
}

/** The MoRefs a property holds (one or an array); none when the object does not have the property. */
function referencesAt(world: VsphereWorld, type: string, id: string, path: string): Array<{ type: string; value: string }> {
  let value: unknown;
  try {
    value = readPropertyPath(world, type, id, path);
  } catch {
    return [];
  }
  const values = Array.isArray(value) ? value : [value];
  return values.filter((entry): entry is { type: string; value: string } => isRecord(entry) && entry._typeName === "ManagedObjectReference");
}

/** The objects the selection reaches now, each once (reported when any way to it does not skip it), roots first. */
export function selectObjects(world: VsphereWorld, sessionToken: string, selection: ObjectSelection): SelectedObject[] {
  const selected = new Map<string, SelectedObject>();
  const add = (object: SelectedObject) => {
    const existing = selected.get(object.key);
    if (!existing) selected.set(object.key, { ...object });
    else if (!object.skip) existing.skip = false;
  };
  const traversalIds = new Map<TraversalSpecInput, number>();
  const visited = new Set<string>();
  const traverse = (type: string, id: string, selections: SelectionSpecInput[]) => {
    for (const spec of selections) {
      const traversal = spec._typeName === "TraversalSpec" ? spec : selection.named.get(spec.name ?? "");
      if (!traversal || !isKindOf(type, traversal.type)) continue;
      if (!traversalIds.has(traversal)) traversalIds.set(traversal, traversalIds.size);
      const step = `${objectKey(type, id)}>${traversalIds.get(traversal)}`;
      if (visited.has(step)) continue;
      visited.add(step);
      for (const ref of referencesAt(world, type, id, traversal.path)) {
        if (!world.exists(ref.type, ref.value, sessionToken)) continue;
        add({ type: ref.type, id: ref.value, key: objectKey(ref.type, ref.value), skip: traversal.skip === true });
        traverse(ref.type, ref.value, traversal.selectSet ?? []);
      }
    }
  };
  for (const root of selection.roots) {
    add(root.object);
    if (root.selectSet.length > 0 && world.exists(root.object.type, root.object.id, sessionToken)) traverse(root.object.type, root.object.id, root.selectSet);
  }
  return [...selected.values()];
}
