import { runtimeState } from "./runtime";

const REDACTED = "[redacted]";

/** Registers a credential, token or session id so that it never appears in an error message or log line. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) runtimeState().secrets.add(secret);
}

/** Replaces every registered secret, and anything that looks like an auth header value, with "[redacted]". */
export function redact(text: string): string {
  let result = text;
  for (const secret of runtimeState().secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && result.includes(encoded)) result = result.split(encoded).join(REDACTED);
  }
  return result
    .replace(/(vmware-api-session-id["']?\s*[:=]\s*["']?)[^"',\s}]+/gi, `$1${REDACTED}`)
    .replace(/(authorization["']?\s*[:=]\s*["']?(?:bearer|oauth|basic)?\s*)[^"',\s}]+/gi, `$1${REDACTED}`)
    .replace(/((?:access|refresh)_token["']?\s*[:=]\s*["']?)[^"',\s}&]+/gi, `$1${REDACTED}`)
    .replace(/(password["']?\s*[:=]\s*["']?)[^"',\s}&]+/gi, `$1${REDACTED}`);
}

/**
 * A copy of JSON-like data with every string (and key) redacted; levels deeper than `maxDepth` are replaced by a note.
 * Keys such as "__proto__" stay keys of the copy.
 */
export function redactData(value: unknown, depth = 0, maxDepth = 32): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= maxDepth) return "(nested too deep to keep)";
  if (Array.isArray(value)) return value.map((item: unknown) => redactData(item, depth + 1, maxDepth));
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    Object.defineProperty(copy, redact(key), { value: redactData(member, depth + 1, maxDepth), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
