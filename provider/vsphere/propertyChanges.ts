import { unbox } from "./moref";
import type { ObjectUpdate } from "./schemas";

/** Watched paths → their values (unboxed) as `readProperties` returns them: a path that is unset is absent. */
export type WatchedValues = Record<string, unknown>;

type PropertyChange = NonNullable<ObjectUpdate["changeSet"]>[number];

/**
 * Follows an object's watched paths through one ObjectUpdate its PropertyFilter reported, as the spec shapes them: an
 * `enter` carries every set property, a `modify` only what changed. A change may name a watched path itself, a path
 * inside it (`runtime.powerState` while `runtime` is watched) or one around it (all of `runtime` while
 * `runtime.powerState` is watched), with op assign, add, remove or indirectRemove.
 *
 * Returns undefined when the update cannot be followed faithfully: the object left or is missing, a value could not be
 * retrieved, a `modify` came without a known starting point, a change addresses a keyed collection element
 * (`foo.arProp["key"]`), an op is unknown, or a nested change falls into a value not known. The caller then reads the
 * properties instead.
 */
export function applyObjectUpdate(current: WatchedValues | undefined, paths: readonly string[], update: ObjectUpdate): WatchedValues | undefined {
  if (update.kind !== "enter" && update.kind !== "modify") return undefined;
  if ((update.missingSet ?? []).length > 0) return undefined;
  if (update.kind === "modify" && current === undefined) return undefined;
  const values: WatchedValues = update.kind === "enter" ? {} : { ...current };
  for (const change of update.changeSet ?? []) {
    for (const path of paths) if (!applyChange(values, path, change)) return undefined;
  }
  return values;
}

/** Applies `change` to the value of `path` in `values`; false when it cannot be followed. Unrelated changes are ignored. */
function applyChange(values: WatchedValues, path: string, change: PropertyChange): boolean {
  const name = change.name;
  if (name === path) return applyAt(values, path, change);
  if (name.startsWith(`${path}.`)) return applyInside(values, path, name.slice(path.length + 1).split("."), change);
  if (path.startsWith(`${name}.`)) return applyAround(values, path, path.slice(name.length + 1).split("."), change);
  // A keyed element of a watched collection, or a collection element around a watched path: not followed.
  if (name.startsWith(`${path}[`) || path.startsWith(`${name}[`)) return false;
  return true;
}

function applyAt(holder: Record<string, unknown>, key: string, change: PropertyChange): boolean {
  switch (change.op) {
    case "assign": {
      const value = unbox(change.val);
      if (value === undefined || value === null) delete holder[key];
      else holder[key] = value;
      return true;
    }
    case "remove":
    case "indirectRemove":
      delete holder[key];
      return true;
    case "add": {
      const collection = holder[key] ?? [];
      if (!Array.isArray(collection)) return false;
      holder[key] = [...(collection as unknown[]), unbox(change.val)];
      return true;
    }
    default:
      return false;
  }
}

/** A change to `path.inner…`: applied to a copy of the watched value, which must be known down to the changed member. */
function applyInside(values: WatchedValues, path: string, inner: string[], change: PropertyChange): boolean {
  if (inner.some((segment) => segment.includes("["))) return false;
  const removal = change.op === "remove" || change.op === "indirectRemove";
  if (values[path] === undefined) return removal;
  const root: unknown = structuredClone(values[path]);
  let holder: unknown = root;
  for (const segment of inner.slice(0, -1)) {
    if (!isRecord(holder)) return false;
    if (holder[segment] === undefined && removal) return true;
    holder = holder[segment];
  }
  if (!isRecord(holder)) return false;
  if (!applyAt(holder, inner[inner.length - 1]!, change)) return false;
  values[path] = root;
  return true;
}

/** A change to a property around the watched path: the watched value is taken from the new enclosing value. */
function applyAround(values: WatchedValues, path: string, within: string[], change: PropertyChange): boolean {
  if (within.some((segment) => segment.includes("["))) return false;
  if (change.op === "remove" || change.op === "indirectRemove") {
    delete values[path];
    return true;
  }
  if (change.op !== "assign") return false;
  let value: unknown = unbox(change.val);
  for (const segment of within) value = isRecord(value) ? value[segment] : undefined;
  if (value === undefined || value === null) delete values[path];
  else values[path] = value;
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
