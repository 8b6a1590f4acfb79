import { NotFoundError } from "../errors";
import { parseAnswer } from "../http/parseAnswer";
import * as connections from "./connection";
import { isFault } from "./faults";
import { invokeMethod } from "./invoke";
import { describeMoRef, moRef, unbox } from "./moref";
import { vimSchemas, type RetrieveResult } from "./schemas";

type Target = { type: string; value: string };

interface PendingRead {
  target: Target;
  paths: string[];
  resolve: (values: Record<string, unknown>) => void;
  reject: (error: unknown) => void;
}

interface BatchState {
  queue: PendingRead[];
  scheduled: boolean;
}

/** How long the first read of a batch waits for others to join it; concurrent refreshes then cost one call per batch. */
const LINGER_MS = 3;
const MAX_OBJECTS_PER_CALL = 1000;

/**
 * Reads properties of one managed object (paths like "runtime.powerState", "config.ftInfo"), unboxed. Reads issued
 * concurrently are coalesced into one PropertyCollector RetrievePropertiesEx call. A property that is unset is absent
 * from the result; an object that does not exist throws NotFoundError.
 */
export function readProperties(connection: connections.VsphereConnection, target: Target, paths: string[]): Promise<Record<string, unknown>> {
  const holder = connection as connections.VsphereConnection & { propertyBatch?: BatchState };
  const batch = (holder.propertyBatch ??= { queue: [], scheduled: false });
  return new Promise((resolve, reject) => {
    batch.queue.push({ target, paths, resolve, reject });
    if (!batch.scheduled) {
      batch.scheduled = true;
      setTimeout(() => {
        batch.scheduled = false;
        const reads = batch.queue.splice(0, batch.queue.length);
        for (let start = 0; start < reads.length; start += MAX_OBJECTS_PER_CALL) {
          void retrieveBatch(connection, reads.slice(start, start + MAX_OBJECTS_PER_CALL));
        }
      }, LINGER_MS);
    }
  });
}

async function retrieveBatch(connection: connections.VsphereConnection, reads: PendingRead[]): Promise<void> {
  let remaining = reads;
  // A server that ignores reportMissingObjectsInResults faults the whole call for one missing object: drop it and ask again.
  for (let round = 0; remaining.length > 0 && round <= reads.length; round += 1) {
    try {
      const objects = await retrieve(connection, remaining);
      for (const read of remaining) {
        const found = objects.get(`${read.target.type}:${read.target.value}`);
        if (!found) {
          read.reject(notFound(read.target));
          continue;
        }
        const values: Record<string, unknown> = {};
        for (const path of read.paths) if (path in found) values[path] = found[path];
        read.resolve(values);
      }
      return;
    } catch (error) {
      const missing = missingObject(error);
      if (!missing) {
        for (const read of remaining) read.reject(error);
        return;
      }
      const [gone, rest] = partition(remaining, (read) => read.target.type === missing.type && read.target.value === missing.value);
      if (gone.length === 0) {
        for (const read of remaining) read.reject(error);
        return;
      }
      for (const read of gone) read.reject(notFound(read.target));
      remaining = rest;
    }
  }
}

async function retrieve(connection: connections.VsphereConnection, reads: PendingRead[]): Promise<Map<string, Record<string, unknown>>> {
  const pathsByType = new Map<string, Set<string>>();
  const objects = new Map<string, Target>();
  for (const read of reads) {
    const paths = pathsByType.get(read.target.type) ?? new Set<string>();
    for (const path of read.paths) paths.add(path);
    pathsByType.set(read.target.type, paths);
    objects.set(`${read.target.type}:${read.target.value}`, read.target);
  }
  const specSet = [
    {
      _typeName: "PropertyFilterSpec",
      propSet: [...pathsByType].map(([type, paths]) => ({ _typeName: "PropertySpec", type, pathSet: [...paths] })),
      objectSet: [...objects.values()].map((target) => ({ _typeName: "ObjectSpec", obj: moRef(target.type, target.value), skip: false })),
      reportMissingObjectsInResults: true,
    },
  ];
  const collector = connection.content.propertyCollector;
  const results = new Map<string, Record<string, unknown>>();
  const single = reads.length === 1 ? describeMoRef(reads[0]!.target) : `${reads.length} objects`;
  let answer = parseResult(await invokeMethod(connection, collector, "RetrievePropertiesEx", { specSet, options: { _typeName: "RetrieveOptions" } }, { idempotent: true, object: single }));
  for (;;) {
    for (const content of answer?.objects ?? []) {
      const values: Record<string, unknown> = {};
      for (const property of content.propSet ?? []) values[property.name] = unbox(property.val);
      results.set(`${content.obj.type}:${content.obj.value}`, values);
    }
    if (!answer?.token) return results;
    answer = parseResult(await invokeMethod(connection, collector, "ContinueRetrievePropertiesEx", { token: answer.token }, { idempotent: true, object: single }));
  }
}

function parseResult(raw: unknown): RetrieveResult | undefined {
  if (raw === undefined || raw === null) return undefined;
  return parseAnswer(vimSchemas().RetrieveResult, raw, { operation: "RetrievePropertiesEx" });
}

function missingObject(error: unknown): Target | undefined {
  if (!isFault(error, "ManagedObjectNotFound")) return undefined;
  const obj = (error as { fault?: { details?: Record<string, unknown> } }).fault?.details?.["obj"];
  const parsed = vimSchemas().MoRef.safeParse(obj);
  return parsed.success ? { type: parsed.data.type, value: parsed.data.value } : undefined;
}

function notFound(target: Target): NotFoundError {
  return new NotFoundError(`${describeMoRef(target)} does not exist (or this user cannot see it).`, {
    operation: "RetrievePropertiesEx",
    object: describeMoRef(target),
    fault: { type: "ManagedObjectNotFound" },
  });
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
