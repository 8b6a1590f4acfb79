import type { ZstackSettings } from "../config";
import { ServerError } from "../errors";
import { submitJob, type JobHandle } from "./jobs";
import { getJson } from "./query";
import { zstackSchemas, type VmInstanceInventory } from "./schemas";
import { uuidSegment } from "./uuid";

/**
 * VmInstance calls, one function per ZStack API. Actions return a job handle; waiting is `waitForJob`/`runJob`.
 * API tags (`systemTags`, `userTags`) sit at the top level of the body, next to the action object, where ZStack's
 * RestServer reads them for every non-GET API.
 */

export function vmObject(uuid: string): string {
  return `VmInstance:${uuid}`;
}

export interface ApiTags {
  systemTags?: string[];
  userTags?: string[];
}

function withTags(body: Record<string, unknown>, tags: ApiTags): Record<string, unknown> {
  return {
    ...body,
    ...(tags.systemTags && tags.systemTags.length > 0 ? { systemTags: tags.systemTags } : {}),
    ...(tags.userTags && tags.userTags.length > 0 ? { userTags: tags.userTags } : {}),
  };
}

/**
 * QueryVmInstance by uuid: `GET /zstack/v1/vm-instances/{uuid}` → `{"inventories":[…]}`. Undefined when the list is
 * empty: ZStack answers the same for a VM that was expunged and for one that never existed.
 */
export async function queryVmInstance(
  settings: ZstackSettings,
  uuid: string,
  options: { deadline?: number; signal?: AbortSignal } = {},
): Promise<VmInstanceInventory | undefined> {
  const segment = uuidSegment(uuid, "vmInstanceUuid");
  uuid = decodeURIComponent(segment);
  const body = await getJson(settings, { path: `/vm-instances/${segment}`, operation: "QueryVmInstance", object: vmObject(uuid), ...options });
  const parsed = zstackSchemas().vmQueryReply.safeParse(body);
  if (!parsed.success) {
    throw new ServerError(`QueryVmInstance on ${vmObject(uuid)}: the answer has no "inventories" list of VM instances.`, 200, {
      operation: "QueryVmInstance",
      object: vmObject(uuid),
    });
  }
  return parsed.data.inventories.find((vm) => vm.uuid.toLowerCase() === uuid);
}

/** RecoverVmInstance: `PUT /zstack/v1/vm-instances/{uuid}/actions` `{"recoverVmInstance":{}}`; the VM comes back Stopped. */
export function recoverVmInstance(
  settings: ZstackSettings,
  uuid: string,
  options: ApiTags & { deadline: number; signal?: AbortSignal },
): Promise<JobHandle> {
  const segment = uuidSegment(uuid, "vmInstanceUuid");
  uuid = decodeURIComponent(segment);
  return submitJob(settings, {
    path: `/vm-instances/${segment}/actions`,
    body: withTags({ recoverVmInstance: {} }, options),
    operation: "RecoverVmInstance",
    object: vmObject(uuid),
    deadline: options.deadline,
    signal: options.signal,
  });
}

/** StartVmInstance: `{"startVmInstance":{}}` (optionally on `hostUuid`). */
export function startVmInstance(
  settings: ZstackSettings,
  uuid: string,
  options: { hostUuid?: string; deadline: number; signal?: AbortSignal },
): Promise<JobHandle> {
  const segment = uuidSegment(uuid, "vmInstanceUuid");
  uuid = decodeURIComponent(segment);
  return submitJob(settings, {
    path: `/vm-instances/${segment}/actions`,
    body: { startVmInstance: options.hostUuid ? { hostUuid: options.hostUuid } : {} },
    operation: "StartVmInstance",
    object: vmObject(uuid),
    deadline: options.deadline,
    signal: options.signal,
  });
}

/** The VM inventory of a finished Recover/Start job (`{"inventory":{…}}`), or undefined when the body has none. */
export function vmFromJobResult(result: unknown): VmInstanceInventory | undefined {
  const parsed = zstackSchemas().vmActionReply.safeParse(result);
  return parsed.success ? parsed.data.inventory : undefined;
}

/** The VM states ZStack documents (VmInstanceState.java); the intermediate ones change on their own. */
export function isTransitionalVmState(state: string): boolean {
  return ["Starting", "Stopping", "Rebooting", "Destroying", "Migrating", "Pausing", "Resuming", "VolumeMigrating", "VolumeRecovering", "Expunging"].includes(state);
}
