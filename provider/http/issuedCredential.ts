import { registerSecret } from "../redact";

/** Longest token or session id accepted from a server (real ones are tens to a few hundred characters). */
export const MAX_ISSUED_CREDENTIAL_LENGTH = 4_096;

/**
 * What is wrong with a token or session id a server issued, or undefined when it can be sent back in a header as it
 * is: visible ASCII only (no spaces, no control characters, CR/LF above all, which HTTP refuses in a header), not empty,
 * not absurdly long. The value itself never appears in the answer (it is a credential); a refused value is still
 * registered for redaction, so that no other message can show it.
 */
export function issuedCredentialProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `is ${value === undefined ? "missing" : `not text (${value === null ? "null" : typeof value})`}`;
  registerSecret(value);
  if (value.length === 0) return "is empty";
  if (value.length > MAX_ISSUED_CREDENTIAL_LENGTH) return `is ${value.length} characters long (at most ${MAX_ISSUED_CREDENTIAL_LENGTH} are accepted)`;
  if (/[\r\n]/.test(value)) return "contains a line break (CR or LF)";
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return "contains control characters";
  if (/[^\x21-\x7e]/.test(value)) return "contains spaces or characters outside visible ASCII";
  return undefined;
}
