import { ValidationError } from "../errors";

/**
 * ZStack resource uuids: 32 lowercase hex characters, no hyphens (a v4 UUID with '-' stripped).
 *
 * Decision: a hyphenated 8-4-4-4-12 form and upper case are accepted and normalized, because people copy uuids from
 * tools that print them hyphenated; anything else is refused before it reaches a URL.
 */

/** The normalized uuid, or undefined when `raw` is not a ZStack uuid in either accepted form. */
export function normalizeZstackUuid(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const trimmed = raw.trim();
  if (/^[0-9a-fA-F]{32}$/.test(trimmed)) return trimmed.toLowerCase();
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(trimmed)) {
    return trimmed.replace(/-/g, "").toLowerCase();
  }
  return undefined;
}

/** True for the exact form ZStack uses (and X-Job-UUID requires). */
export function isZstackUuid(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

/** URL path segment for a uuid; validates again so that nothing unchecked is ever interpolated into a path. */
export function uuidSegment(uuid: string, property = "uuid"): string {
  const normalized = normalizeZstackUuid(uuid);
  if (normalized === undefined) {
    throw new ValidationError(`${property} must be a ZStack uuid (32 hex characters, e.g. 3f2a…); got ${JSON.stringify(uuid)}.`, property);
  }
  return encodeURIComponent(normalized);
}
