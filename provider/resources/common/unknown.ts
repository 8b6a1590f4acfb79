/** The value the engine sends for an input that is not known yet (during preview), whatever the field's type. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
}

/** True when any of the named inputs is unknown (preview with values computed by other resources). */
export function anyUnknown(inputs: Record<string, unknown>, names: readonly string[]): boolean {
  return names.some((name) => isUnknown(inputs[name]));
}

/** True when the value is unknown or holds an unknown anywhere inside (a list with one computed element). */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
