import { VENDOR_TEXT_LIMIT, vendorExcerpt } from "../http/vendorText";
import { redact } from "../redact";

/** Characters read past the excerpt so that a credential starting inside it is redacted whole. */
const SECRET_MARGIN = 4096;

/**
 * Text the Orchestrator sent (an error body, a plan's name or state) as it may reach an error, an output or a log:
 * credentials it echoes redacted first (cleaning folds white space, which would hide a password with spaces from the
 * redaction), then cleaned of escape and control characters and cut to `limit` characters. Only the head the excerpt
 * can show is redacted, so a 32 MiB answer costs no more than a short one.
 */
export function orchestratorText(text: string, limit = VENDOR_TEXT_LIMIT): string {
  const headLength = limit * 4 + SECRET_MARGIN;
  if (text.length <= headLength) return vendorExcerpt(redact(text), limit);
  // The tail only counts towards "cut: N more characters"; V8 joins the two without copying it.
  return vendorExcerpt(redact(text.slice(0, headLength)) + text.slice(headLength), limit);
}
