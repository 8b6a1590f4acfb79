import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { containsUnknown } from "./unknown";

export interface CheckedInputs<T> {
  /** The inputs with defaults applied; unknown values kept as they came. */
  inputs: Record<string, unknown>;
  failures: pulumi.dynamic.CheckFailure[];
  /** The parsed value, only when every input is known and valid. */
  value?: T;
}

/**
 * Validates inputs with a zod object schema. Unknown values (preview) pass: each known field is checked on its own,
 * so a failure names the property (dotted path for nested values) and says what is allowed.
 */
export function checkInputs<T>(schema: z.ZodObject<z.ZodRawShape>, news: Record<string, unknown>, knownKeys?: readonly string[]): CheckedInputs<T> {
  const shape = schema.shape;
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const inputs: Record<string, unknown> = {};
  let allKnown = true;
  for (const key of Object.keys(news)) {
    if (key === "__provider") continue;
    // Own keys only: `"constructor" in shape` or `"__proto__" in shape` is true through Object.prototype.
    if (!Object.prototype.hasOwnProperty.call(shape, key) && !(knownKeys ?? []).includes(key)) {
      failures.push({ property: key, reason: `"${key}" is not an input of this resource; allowed inputs: ${Object.keys(shape).join(", ")}.` });
    }
  }
  for (const [key, fieldSchema] of Object.entries(shape)) {
    const raw = news[key];
    if (containsUnknown(raw)) {
      allKnown = false;
      inputs[key] = raw;
      continue;
    }
    const parsed = (fieldSchema as z.ZodType).safeParse(raw);
    if (parsed.success) {
      if (parsed.data !== undefined) inputs[key] = parsed.data;
      continue;
    }
    for (const issue of parsed.error.issues) {
      const path = [key, ...issue.path.map(String)].join(".");
      failures.push({ property: path, reason: namingTheProperty(path, issue.message) });
    }
  }
  if (failures.length > 0 || !allKnown) return { inputs: { ...news, ...inputs }, failures };
  const whole = schema.safeParse(inputs);
  if (!whole.success) {
    for (const issue of whole.error.issues) {
      const path = issue.path.map(String).join(".") || "(inputs)";
      failures.push({ property: path, reason: namingTheProperty(path, issue.message) });
    }
    return { inputs, failures };
  }
  return { inputs, failures, value: whole.data as T };
}

/** The reason as the user reads it: it names the property once (messages of this package's fields already start with it). */
function namingTheProperty(path: string, message: string): string {
  return message.startsWith(path) ? message : `${path}: ${message}`;
}
