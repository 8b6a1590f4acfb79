/**
 * Makes outputs safe for the engine: `undefined` anywhere fails the RPC ("Unexpected struct type") and a Date becomes
 * `{}`, so undefined members are dropped, Dates become ISO strings and non-finite numbers become null.
 */
export function jsonOutputs<T extends Record<string, unknown>>(outputs: T): Record<string, unknown> {
  return clean(outputs) as Record<string, unknown>;
}

function clean(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(clean);
  if (typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
      const cleaned = clean(member);
      // defineProperty keeps a "__proto__" key (JSON from a user or a server) as data instead of setting the prototype.
      if (cleaned !== undefined) Object.defineProperty(result, key, { value: cleaned, enumerable: true, writable: true, configurable: true });
    }
    return result;
  }
  return value;
}
