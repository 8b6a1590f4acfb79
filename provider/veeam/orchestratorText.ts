import { VENDOR_TEXT_LIMIT, vendorExcerpt } from "../http/vendorText";
import { redact } from "../redact";

/**
 * Characters of server text that are redacted: more than an excerpt ever shows (vendorExcerpt reads at most four
 * times its limit), plus room for a credential that starts inside that and runs past it.
 */
const REDACTED_HEAD = VENDOR_TEXT_LIMIT * 4 + 4096;

/**
 * Server text with the credentials it echoes redacted, before anything cleans it: cleaning folds white space, which
 * would hide a password with spaces from the redaction. Only the head an excerpt can show is redacted, so a 32 MiB
 * answer costs no more than a short one; the tail only counts towards "cut: N more characters" (V8 joins the two
 * without copying it).
 */
export function redactedText(text: string): string {
  if (text.length <= REDACTED_HEAD) return redact(text);
  return redact(text.slice(0, REDACTED_HEAD)) + text.slice(REDACTED_HEAD);
}

/**
 * Text the Orchestrator sent (an error body, a plan's name or state) as it may reach an error, an output or a log:
 * credentials redacted, escape and control characters removed, cut to `limit` characters.
 */
export function orchestratorText(text: string, limit = VENDOR_TEXT_LIMIT): string {
  return vendorExcerpt(redactedText(text), limit);
}
