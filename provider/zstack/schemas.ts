import { z } from "zod";
import { memo } from "../runtime";

/**
 * Shapes of the ZStack REST answers this client reads (ZStack Cloud dev guide; zstackio/zstack RestServer.java).
 * Built lazily and memoized in the runtime cache: zod instances must not live at module level (serialization rules).
 * Unknown members are ignored, so newer ZStack releases with more fields still parse.
 */

/**
 * One link of ZStack's ErrorCode: `{code, description, details, elaboration, opaque, cause}`, where `cause` is another
 * ErrorCode. The link is parsed on its own and `cause` is left raw: the chain is walked link by link to a bounded depth
 * (a recursive schema would recurse as deep as the server nests, and overflow the stack).
 */
export interface ZstackErrorLink {
  code?: string;
  description?: string | null;
  details?: string | null;
  elaboration?: string | null;
  cause?: unknown;
}

export interface ZstackSessionInventory {
  uuid: string;
  accountUuid?: string;
  userUuid?: string;
  expiredDate?: string;
  createDate?: string;
}

export interface ZstackVmNic {
  uuid?: string;
  l3NetworkUuid?: string;
  ip?: string | null;
  mac?: string | null;
}

/** The VmInstanceInventory fields this package reads. */
export interface VmInstanceInventory {
  uuid: string;
  name?: string | null;
  description?: string | null;
  state: string;
  zoneUuid?: string | null;
  clusterUuid?: string | null;
  imageUuid?: string | null;
  hostUuid?: string | null;
  lastHostUuid?: string | null;
  instanceOfferingUuid?: string | null;
  rootVolumeUuid?: string | null;
  defaultL3NetworkUuid?: string | null;
  type?: string | null;
  hypervisorType?: string | null;
  platform?: string | null;
  architecture?: string | null;
  cpuNum?: number | null;
  memorySize?: number | null;
  createDate?: string | null;
  lastOpDate?: string | null;
  vmNics?: ZstackVmNic[] | null;
}

export interface ZstackSchemas {
  errorLink: z.ZodType<ZstackErrorLink>;
  errorBody: z.ZodType<{ error: ZstackErrorLink }>;
  loginReply: z.ZodType<{ inventory: ZstackSessionInventory }>;
  jobAccepted: z.ZodType<{ location: string; apiTimeout?: number }>;
  vmQueryReply: z.ZodType<{ inventories: VmInstanceInventory[] }>;
  vmActionReply: z.ZodType<{ inventory: VmInstanceInventory }>;
}

export function zstackSchemas(): ZstackSchemas {
  return memo("zstack.schemas", () => {
    const errorLink = z.object({
      code: z.string().optional(),
      description: z.string().nullish(),
      details: z.string().nullish(),
      elaboration: z.string().nullish().catch(null),
      cause: z.unknown().optional(),
    });
    const text = z.string().nullish();
    const vm = z.object({
      uuid: z.string(),
      name: text,
      description: text,
      state: z.string(),
      zoneUuid: text,
      clusterUuid: text,
      imageUuid: text,
      hostUuid: text,
      lastHostUuid: text,
      instanceOfferingUuid: text,
      rootVolumeUuid: text,
      defaultL3NetworkUuid: text,
      type: text,
      hypervisorType: text,
      platform: text,
      architecture: text,
      cpuNum: z.number().nullish(),
      memorySize: z.number().nullish(),
      createDate: text,
      lastOpDate: text,
      vmNics: z
        .array(z.object({ uuid: z.string().optional(), l3NetworkUuid: z.string().optional(), ip: text, mac: text }))
        .nullish(),
    });
    return {
      errorLink,
      errorBody: z.object({ error: errorLink }),
      loginReply: z.object({
        inventory: z.object({
          // Checked by the session module, which says what is wrong with a uuid it cannot use.
          uuid: z.string(),
          accountUuid: z.string().optional(),
          userUuid: z.string().optional(),
          expiredDate: z.string().optional(),
          createDate: z.string().optional(),
        }),
      }),
      jobAccepted: z.object({ location: z.string().min(1), apiTimeout: z.number().optional() }),
      vmQueryReply: z.object({ inventories: z.array(vm) }),
      vmActionReply: z.object({ inventory: vm }),
    };
  });
}

/** JSON.parse that returns undefined instead of throwing (an empty body, or text that is not JSON). */
export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
