/**
 * Text a server sent that ends up in an error message: bounded and cleaned. `pulumi up` prints errors to the user's
 * terminal and CI logs, so escape sequences (ANSI/CSI/OSC), other C0 and C1 control characters and line breaks never pass
 * through as they came, and a huge fault message becomes an excerpt that says it was cut. Values a server sent in the
 * wrong place are described without walking them (a value nested without end cannot exhaust the stack).
 */

import { redact } from "../redact";

/** Longest excerpt of server text kept in an error message. */
export const VENDOR_TEXT_LIMIT = 500;

// ESC [ … final byte (CSI), ESC ] … BEL/ST (OSC), and two-byte ESC sequences.
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// C0 controls except tab/newline/carriage return, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// The same, carriage return included (a bare CR lets a line overwrite what the terminal showed before it).
const CONTROL_OR_CR = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function shown(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** The text with escape sequences removed, other control characters shown as `\uXXXX`, and white space runs folded. */
export function cleanVendorText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL, shown).replace(/\s+/g, " ").trim();
}

/**
 * A message safe to print: escape sequences removed, control characters other than tab and newline shown as `\uXXXX`
 * (line structure kept, nothing folded). Every error message goes through it, whatever built it.
 */
export function printable(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL_OR_CR, shown);
}

/** Characters beyond the part of a text that is kept, redacted with it so that a secret cut at the edge is still recognized. */
const SECRET_MARGIN = 1_024;

/**
 * A redacted, cleaned excerpt of at most `limit` characters; a longer text is cut and says how much was left out.
 * Redaction comes before the cut: a credential cut in half would no longer be recognized.
 */
export function vendorExcerpt(text: string, limit = VENDOR_TEXT_LIMIT): string {
  // Cleaning a multi-megabyte answer only to cut it would waste time: look at a bounded prefix.
  const prefix = text.length > limit * 4 ? redact(text.slice(0, limit * 4 + SECRET_MARGIN)).slice(0, limit * 4) : redact(text);
  const clean = cleanVendorText(prefix);
  if (clean.length <= limit && text.length <= limit * 4) return clean;
  const omitted = Math.max(0, text.length - limit);
  return `${clean.slice(0, limit)}… (cut: ${omitted} more characters)`;
}

/**
 * A server value as an error message shows it, without serializing it: a string as a short cleaned excerpt in quotes,
 * a number or boolean as itself, an array or object by its size and first keys (never walked, so a value nested a
 * million levels deep costs nothing).
 */
export function describeVendorValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return `"${vendorExcerpt(value, 60)}"`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    const shownKeys = keys.slice(0, 5).map((key) => vendorExcerpt(key, 30));
    return keys.length === 0 ? "an empty object" : `an object with ${shownKeys.join(", ")}${keys.length > 5 ? ` and ${keys.length - 5} more keys` : ""}`;
  }
  return `a value of type ${typeof value}`;
}

/** Limits of vendorData: what a fault's `details` may keep of what the server sent. */
export const VENDOR_DATA_LIMITS = { depth: 6, entries: 50, text: 500 } as const;

/**
 * A bounded, cleaned copy of data a server sent (a fault's fields): strings become cleaned excerpts, at most `entries`
 * keys or items per level (the rest counted), nothing deeper than `depth` levels (replaced by a note). What an error
 * keeps of a hostile answer stays small and printable however the answer was built.
 */
export function vendorData(value: unknown, depth = 0): unknown {
  const limits = VENDOR_DATA_LIMITS;
  if (typeof value === "string") return vendorExcerpt(value, limits.text);
  if (value === null || typeof value !== "object") return typeof value === "function" || typeof value === "symbol" || typeof value === "bigint" ? String(value) : value;
  if (depth >= limits.depth) return `(${describeVendorValue(value)}, nested too deep to keep)`;
  if (Array.isArray(value)) {
    const items = value.slice(0, limits.entries).map((item: unknown) => vendorData(item, depth + 1));
    if (value.length > limits.entries) items.push(`(cut: ${value.length - limits.entries} more items)`);
    return items;
  }
  const copy: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, member] of entries.slice(0, limits.entries)) {
    // defineProperty: a key "__proto__" stays a key instead of replacing the copy's prototype.
    Object.defineProperty(copy, vendorExcerpt(key, 100), { value: vendorData(member, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  if (entries.length > limits.entries) copy["(cut)"] = `${entries.length - limits.entries} more keys`;
  return copy;
}
