/**
 * Text a server sent that ends up in an error message: bounded and cleaned. `pulumi up` prints errors to the user's
 * terminal and CI logs, so escape sequences (ANSI/CSI/OSC), other C0 and C1 control characters and line breaks never pass
 * through as they came, and a huge fault message becomes an excerpt that says it was cut.
 */

/** Longest excerpt of server text kept in an error message. */
export const VENDOR_TEXT_LIMIT = 500;

// ESC [ … final byte (CSI), ESC ] … BEL/ST (OSC), and two-byte ESC sequences.
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// C0 controls except tab/newline/carriage return, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** The text with escape sequences removed, other control characters shown as `\uXXXX`, and white space runs folded. */
export function cleanVendorText(text: string): string {
  return text
    .replace(ESCAPE_SEQUENCE, "")
    .replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\s+/g, " ")
    .trim();
}

/** A cleaned excerpt of at most `limit` characters; a longer text is cut and says how much was left out. */
export function vendorExcerpt(text: string, limit = VENDOR_TEXT_LIMIT): string {
  // Cleaning a multi-megabyte answer only to cut it would waste time: look at a bounded prefix.
  const clean = cleanVendorText(text.length > limit * 4 ? text.slice(0, limit * 4) : text);
  if (clean.length <= limit && text.length <= limit * 4) return clean;
  const omitted = Math.max(0, text.length - limit);
  return `${clean.slice(0, limit)}… (cut: ${omitted} more characters)`;
}
