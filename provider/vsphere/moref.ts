/** A VI/JSON ManagedObjectReference as sent and received on the wire. */
export interface MoRef {
  _typeName: "ManagedObjectReference";
  type: string;
  value: string;
}

export function moRef(type: string, value: string): MoRef {
  return { _typeName: "ManagedObjectReference", type, value };
}

export function vmRef(vmId: string): MoRef {
  return moRef("VirtualMachine", vmId);
}

export function describeMoRef(ref: { type: string; value: string }): string {
  return `${ref.type}:${ref.value}`;
}

/** Managed object ids as vCenter issues them (vm-42, snapshot-7, host-12, task-301, session[...]…): no slashes, no spaces. */
const MOID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:\-[\]]{0,127}$/;

export function isValidMoId(value: string): boolean {
  return MOID_PATTERN.test(value);
}

/**
 * Unwraps a boxed `Any` value: `{"_typeName":"boolean","_value":true}` → true. Data objects and MoRefs, which carry
 * their own `_typeName` and no `_value`, are returned as they are.
 */
export function unbox(value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value) && "_value" in value && "_typeName" in value) {
    return (value as { _value: unknown })._value;
  }
  return value;
}
