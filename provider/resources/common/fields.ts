import { z } from "zod";

/**
 * zod fields shared by the resources, with messages that name the property, say what is allowed and echo what was
 * given. Build them inside a memoized schema builder (zod instances cannot be serialized with the provider).
 */

/** A value as an error message shows it: JSON, cut short. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** "property must be …; got X" for a wrong value, "property is required: …" when it is missing (and required). */
export function expectation(property: string, allowed: string, required = false) {
  return (issue: { input?: unknown }): string =>
    issue.input === undefined && required ? `${property} is required: ${allowed}` : `${property} must be ${allowed}; got ${describeValue(issue.input)}`;
}

/** A timeout in whole seconds, from 1 to `max`, with a default. */
export function secondsField(property: string, defaultValue: number, max: number) {
  const allowed = `a whole number of seconds from 1 to ${max} (default ${defaultValue})`;
  return z
    .number({ error: expectation(property, allowed) })
    .int({ error: expectation(property, allowed) })
    .min(1, { error: expectation(property, allowed) })
    .max(max, { error: expectation(property, allowed) })
    .default(defaultValue);
}

/** A boolean with a default. */
export function booleanField(property: string, defaultValue: boolean) {
  return z.boolean({ error: expectation(property, `true or false (default ${defaultValue})`) }).default(defaultValue);
}

/** One of a few strings; required unless a default is given. */
export function choiceField<const T extends readonly [string, ...string[]]>(property: string, values: T, defaultValue?: T[number]) {
  const allowed = `one of ${values.map((value) => `"${value}"`).join(", ")}${defaultValue === undefined ? "" : ` (default "${defaultValue}")`}`;
  const field = z.enum(values, { error: expectation(property, allowed, defaultValue === undefined) });
  return defaultValue === undefined ? field : field.default(defaultValue as never);
}

/** `triggers` of a run-style resource: any JSON array or object; a change runs the resource again (replace). */
export function triggersField(what: string) {
  return z
    .union([z.array(z.unknown()), z.record(z.string(), z.unknown())], { error: expectation("triggers", `a JSON array or object; any change ${what}`) })
    .optional();
}

/** `triggers` as a JSON array only (e.g. `[drillMonth]`); a change runs the resource again (replace). */
export function triggerListField(what: string) {
  return z.array(z.unknown(), { error: expectation("triggers", `an array of values (e.g. ["2026-11"]); any change ${what}`) }).optional();
}
