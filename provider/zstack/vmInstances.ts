import type { ZstackSettings } from "../config";
import { deadlineAfter, PREVIEW_READ_SECONDS } from "../deadline";
import { submitJob, type JobHandle } from "./jobs";
import { waitFor } from "../http/waiter";
import { query } from "./query";
import { zstackSchemas, type VmInstanceInventory } from "./schemas";
import { uuidSegment } from "./uuid";

/**
 * VmInstance calls, one function per ZStack API. Actions return a job handle; waiting is `waitForJob`/`runJob` (jobs)
 * or `waitForVmState` (the VM itself). API tags (`systemTags`, `userTags`) sit at the top level of the body, next to the
 * action object, where ZStack's RestServer reads them for every non-GET API.
 */

export function vmObject(uuid: string): string {
  return `VmInstance:${uuid}`;
}

export interface ApiTags {
  systemTags?: string[];
  userTags?: string[];
}

export interface CallOptions {
  /** Epoch ms: the operation's deadline, which bounds every request and wait of the call. */
  deadline: number;
  signal?: AbortSignal;
}

function withTags(body: Record<string, unknown>, tags: ApiTags): Record<string, unknown> {
  return {
    ...body,
    ...(tags.systemTags && tags.systemTags.length > 0 ? { systemTags: tags.systemTags } : {}),
    ...(tags.userTags && tags.userTags.length > 0 ? { userTags: tags.userTags } : {}),
  };
}

/**
 * QueryVmInstance by uuid: `GET /zstack/v1/vm-instances/{uuid}` → `{"inventories":[…]}`. Undefined when the list holds
 * no such VM: ZStack answers the same for a VM that was expunged and for one that never existed. Without options, the
 * query is bounded like a preview read.
 */
export async function queryVmInstance(
  settings: ZstackSettings,
  uuid: string,
  options: CallOptions = { deadline: deadlineAfter(PREVIEW_READ_SECONDS) },
): Promise<VmInstanceInventory | undefined> {
  const segment = uuidSegment(uuid, "vmInstanceUuid");
  const normalized = decodeURIComponent(segment);
  const reply = await query(settings, {
    path: `/vm-instances/${segment}`,
    schema: zstackSchemas().vmQueryReply,
    operation: "QueryVmInstance",
    object: vmObject(normalized),
    ...options,
  });
  return reply.inventories.find((vm) => vm.uuid.toLowerCase() === normalized);
}

export interface VmStateWait extends CallOptions {
  /** For messages: "VmInstance:<uuid> to finish being destroyed". */
  what: string;
  operation: string;
  /** True when the VM as seen (undefined: ZStack lists no such VM) is what the caller waits for. */
  until: (vm: VmInstanceInventory | undefined) => boolean;
  /** How the VM is shown as the last state seen. */
  describe?: (vm: VmInstanceInventory | undefined) => string;
}

/**
 * Queries the VM until `until` holds, then returns it. The first query's failure is thrown as it came; later ones are
 * tolerated while transient, until the deadline (then a TimeoutError naming the last state seen).
 */
export async function waitForVmState(settings: ZstackSettings, uuid: string, wait: VmStateWait): Promise<VmInstanceInventory | undefined> {
  const options = { deadline: wait.deadline, signal: wait.signal };
  const first = await queryVmInstance(settings, uuid, options);
  if (wait.until(first)) return first;
  const describe = wait.describe ?? ((vm: VmInstanceInventory | undefined) => vm?.state ?? "not listed");
  return waitFor<VmInstanceInventory | undefined>({
    what: wait.what,
    operation: wait.operation,
    object: vmObject(uuid),
    deadline: wait.deadline,
    signal: wait.signal,
    initialDelayMs: 250,
    maxDelayMs: 5_000,
    observe: async () => {
      const vm = await queryVmInstance(settings, uuid, options);
      return wait.until(vm) ? { done: true, value: vm } : { done: false, state: describe(vm) };
    },
  });
}

/** RecoverVmInstance: `PUT /zstack/v1/vm-instances/{uuid}/actions` `{"recoverVmInstance":{}}`; the VM comes back Stopped. */
export function recoverVmInstance(settings: ZstackSettings, uuid: string, options: ApiTags & CallOptions): Promise<JobHandle> {
  const segment = uuidSegment(uuid, "vmInstanceUuid");
  return submitJob(settings, {
    path: `/vm-instances/${segment}/actions`,
    body: withTags({ recoverVmInstance: {} }, options),
    operation: "RecoverVmInstance",
    object: vmObject(decodeURIComponent(segment)),
    deadline: options.deadline,
    signal: options.signal,
  });
}

/** StartVmInstance: `{"startVmInstance":{}}` (optionally on `hostUuid`). */
export function startVmInstance(settings: ZstackSettings, uuid: string, options: { hostUuid?: string } & CallOptions): Promise<JobHandle> {
  const segment = uuidSegment(uuid, "vmInstanceUuid");
  return submitJob(settings, {
    path: `/vm-instances/${segment}/actions`,
    body: { startVmInstance: options.hostUuid ? { hostUuid: options.hostUuid } : {} },
    operation: "StartVmInstance",
    object: vmObject(decodeURIComponent(segment)),
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
