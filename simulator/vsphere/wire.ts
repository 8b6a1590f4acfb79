/**
 * VI/JSON wire shapes shared by the simulator's handlers: managed object references, `_typeName` boxing of `Any` slots,
 * timestamps. The declared-type strings are the ones of `specSchemas.ts` (`string`, `int`, `enum:Name`, `Name[]`, a data
 * object type name).
 */

export interface MoRef {
  _typeName: "ManagedObjectReference";
  type: string;
  value: string;
}

export function moRef(type: string, value: string): MoRef {
  return { _typeName: "ManagedObjectReference", type, value };
}

/** Primitive type names as they appear in `_typeName` of a boxed primitive (see the `Any` discriminator mapping). */
const PRIMITIVES = new Set(["boolean", "byte", "short", "int", "long", "float", "double", "string", "dateTime", "anyURI", "base64Binary"]);

export function isPrimitiveType(declared: string): boolean {
  return PRIMITIVES.has(declared);
}

/** `ArrayOfX` name for an array of the declared element type. */
export function arrayBoxName(elementType: string): string {
  const name = elementType.startsWith("enum:") ? elementType.slice("enum:".length) : elementType;
  return `ArrayOf${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/**
 * Puts a value into an `Any` slot (TaskInfo.result, DynamicProperty.val, PropertyChange.val): primitives, enums and arrays
 * are boxed as `{_typeName, _value}`; data objects and MoRefs already carry their own `_typeName` and go as they are.
 */
export function boxAny(value: unknown, declaredType: string): unknown {
  if (value === undefined || value === null) return undefined;
  if (declaredType.endsWith("[]")) return { _typeName: arrayBoxName(declaredType.slice(0, -2)), _value: value };
  if (declaredType.startsWith("enum:")) return { _typeName: declaredType.slice("enum:".length), _value: value };
  if (isPrimitiveType(declaredType)) return { _typeName: declaredType, _value: value };
  return value;
}

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
