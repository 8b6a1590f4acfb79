import type * as connections from "../../../vsphere/connection";
import { readProperties } from "../../../vsphere/properties";

/** One node of VirtualMachineSnapshotInfo.rootSnapshotList, flattened. */
export interface SnapshotNode {
  id: string;
  /** As the server sent it (see `observedText`). */
  name: string;
  description: string;
  createTime: string;
  state: string;
  quiesced: boolean;
  parentId?: string;
}

export interface SnapshotTree {
  currentId?: string;
  nodes: SnapshotNode[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function refValue(value: unknown): string | undefined {
  const ref = record(value);
  return typeof ref?.["value"] === "string" ? ref["value"] : undefined;
}

/** Flattens a VirtualMachineSnapshotInfo (null/absent: no snapshots). Walks every root and every child, depth first. */
export function flattenSnapshotInfo(info: unknown): SnapshotTree {
  const root = record(info);
  const nodes: SnapshotNode[] = [];
  const walk = (list: unknown, parentId: string | undefined): void => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const tree = record(item);
      const id = refValue(tree?.["snapshot"]);
      if (!tree || !id) continue;
      nodes.push({
        id,
        name: typeof tree["name"] === "string" ? tree["name"] : "",
        description: typeof tree["description"] === "string" ? tree["description"] : "",
        createTime: typeof tree["createTime"] === "string" ? tree["createTime"] : "",
        state: typeof tree["state"] === "string" ? tree["state"] : "",
        quiesced: tree["quiesced"] === true,
        parentId,
      });
      walk(tree["childSnapshotList"], id);
    }
  };
  walk(root?.["rootSnapshotList"], undefined);
  return { currentId: refValue(root?.["currentSnapshot"]), nodes };
}

/** The VM's snapshot tree (VirtualMachine.snapshot). Throws NotFoundError when the VM does not exist. */
export async function readSnapshotTree(connection: connections.VsphereConnection, vmId: string, deadline: number): Promise<SnapshotTree> {
  const values = await readProperties(connection, { type: "VirtualMachine", value: vmId }, ["snapshot"], { deadline });
  return flattenSnapshotInfo(values["snapshot"]);
}

/** Decodes `%XX` escapes (UTF-8); undefined when the text holds a malformed escape or no escape at all. */
export function decodeEscapes(raw: string): string | undefined {
  if (!raw.includes("%")) return undefined;
  const bytes: number[] = [];
  for (let index = 0; index < raw.length; ) {
    if (raw[index] === "%") {
      const hex = raw.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      index += 3;
      continue;
    }
    const codePoint = raw.codePointAt(index) as number;
    bytes.push(...Buffer.from(String.fromCodePoint(codePoint), "utf8"));
    index += codePoint > 0xffff ? 2 : 1;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/**
 * The text a user declared, as read back: vCenter may return a snapshot name as stored (decoded) or still escaped
 * (`%25`). When either form equals the recorded value, that value is what vCenter holds; otherwise (changed out of
 * band) the text is taken as returned.
 */
export function observedText(raw: string, recorded: string | undefined): string {
  if (recorded === undefined || raw === recorded) return raw;
  return decodeEscapes(raw) === recorded ? recorded : raw;
}
