/**
 * Names as vSphere stores and shows them. Entity names are stored as given and shown with `%`, `/` and `\` escaped
 * (spec: VirtualMachine.name); snapshot names and inventory path segments arrive with `%XX` escapes to decode.
 */

/** Entity names escape `%`, `/` and `\` (spec: VirtualMachine.name). */
export function escapeEntityName(name: string): string {
  return name.replace(/%/g, "%25").replace(/\//g, "%2f").replace(/\\/g, "%5c");
}

/** Decodes `%XX` escapes (UTF-8). Undefined when an escape is malformed. */
export function decodeEscapedName(raw: string): string | undefined {
  const bytes: number[] = [];
  for (let index = 0; index < raw.length; ) {
    const char = raw[index];
    if (char === "%") {
      const hex = raw.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      index += 3;
      continue;
    }
    const codePoint = raw.codePointAt(index) as number;
    const encoded = Buffer.from(String.fromCodePoint(codePoint), "utf8");
    bytes.push(...encoded);
    index += codePoint > 0xffff ? 2 : 1;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** Whether a name as a client sends it (escaped, as read from `name`, or as a path segment) names this entity. */
export function nameMatches(storedName: string, requested: string): boolean {
  return escapeEntityName(storedName) === requested || decodeEscapedName(requested) === storedName;
}
