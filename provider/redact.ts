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
