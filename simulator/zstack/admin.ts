import { z } from "zod";
import { noBodySchema, withBody } from "../common/adminBody";
import type { SimReply, SimRequest } from "../common/httpServer";
import * as zerr from "./errors";
import type { RecordedRequest } from "./api";
import type { SimVm, ZstackWorld } from "./world";

/**
 * Admin API of the ZStack simulator (header `x-simulator-admin-token` required on every `/_sim/` request; the common
 * `/_sim/faults` and `/_sim/stats` routes are served by simulator/common/httpServer.ts). Bodies are JSON objects whose
 * fields are checked: a wrong type or an unknown field is 400 with a message naming the field.
 *
 *   GET    /_sim/zstack/inventory                  world dump: VMs (with tags), expunged VMs, session count, jobs, config
 *   POST   /_sim/zstack/vms                        add a VM: {uuid?, name?, state? (default Running), hostUuid?, ip?, …} → inventory
 *   POST   /_sim/zstack/vms/{uuid}/destroy         out of band: Destroyed now (Delay policy; expunged after the expunge period)
 *   POST   /_sim/zstack/vms/{uuid}/expunge         out of band: gone now (queries list nothing, recover fails)
 *   POST   /_sim/zstack/vms/{uuid}/start           out of band: Running now {hostUuid?}
 *   POST   /_sim/zstack/vms/{uuid}/stop            out of band: Stopped now
 *   POST   /_sim/zstack/vms/{uuid}/state           force a state: {state} (e.g. Destroying, Unknown)
 *   POST   /_sim/zstack/sessions/expire            expire every session, or {uuid} for one → {expired}
 *   POST   /_sim/zstack/jobs/fail-next             the next job (of {action} if given) fails with {error:{code,description,details,cause?}}
 *   POST   /_sim/zstack/jobs/expire                forget every job, or {uuid} for one: its location answers 404 → {expired}
 *   POST   /_sim/zstack/config                     {jobDurationMs?, sessionLifetimeSeconds?, expungePeriodSeconds?, advertisedHost?}
 *   GET    /_sim/zstack/requests                   the vendor requests received (method, path, query, headers, body)
 *   DELETE /_sim/zstack/requests                   clear that log
 */

export interface AdminContext {
  world: ZstackWorld;
  requests: RecordedRequest[];
  setAdvertisedHost: (host: string) => void;
  advertisedHost: () => string;
}

/** VmInstanceState values of ZStack (org.zstack.header.vm.VmInstanceState). */
export const VM_STATES = [
  "Created",
  "Starting",
  "Running",
  "Stopping",
  "Stopped",
  "Rebooting",
  "Destroying",
  "Destroyed",
  "Migrating",
  "Expunging",
  "Pausing",
  "Paused",
  "Resuming",
  "VolumeMigrating",
  "Crashed",
  "NoState",
  "Unknown",
] as const;

const uuidSchema = z.string().regex(/^[0-9a-f]{32}$/, "expected 32 lowercase hex characters");
const stateSchema = z.enum(VM_STATES);
const addVmSchema = z.strictObject({
  uuid: uuidSchema.optional(),
  name: z.string().min(1).optional(),
  description: z.string().nullable().optional(),
  state: stateSchema.optional(),
  hostUuid: uuidSchema.nullable().optional(),
  ip: z.string().min(1).optional(),
  zoneUuid: uuidSchema.optional(),
  clusterUuid: uuidSchema.optional(),
  imageUuid: uuidSchema.optional(),
  defaultL3NetworkUuid: uuidSchema.optional(),
  platform: z.string().optional(),
  architecture: z.string().optional(),
  hypervisorType: z.string().optional(),
  cpuNum: z.number().int().positive().optional(),
  memorySize: z.number().int().positive().optional(),
  systemTags: z.array(z.string()).optional(),
  userTags: z.array(z.string()).optional(),
});
const startSchema = z.strictObject({ hostUuid: uuidSchema.optional() });
const forceStateSchema = z.strictObject({ state: stateSchema });
const oneOrAllSchema = z.strictObject({ uuid: z.string().min(1).optional() });
const adminErrorSchema: z.ZodType<zerr.AdminErrorSpec> = z.lazy(() =>
  z.strictObject({
    code: z.string().optional(),
    description: z.string().optional(),
    details: z.string().optional(),
    elaboration: z.string().nullable().optional(),
    opaque: z.unknown().optional(),
    cause: adminErrorSchema.optional(),
  }),
);
const failNextSchema = z.strictObject({ action: z.string().min(1).optional(), error: adminErrorSchema.optional() });
const configSchema = z.strictObject({
  jobDurationMs: z.number().nonnegative().optional(),
  sessionLifetimeSeconds: z.number().nonnegative().optional(),
  expungePeriodSeconds: z.number().nonnegative().optional(),
  advertisedHost: z.string().min(1).optional(),
});

const notFound = (request: SimRequest): SimReply => ({ status: 404, body: { error: `no admin route ${request.method} ${request.path}` } });

export function zstackAdminHandler(context: AdminContext): (request: SimRequest) => SimReply {
  const { world } = context;
  const inventoryOf = (uuid: string): SimReply => ({ status: 200, body: world.inventory(world.vms.get(uuid) as SimVm) });
  const routes: Record<string, (request: SimRequest) => SimReply> = {
    "GET /_sim/zstack/inventory": withBody(noBodySchema, () => ({ status: 200, body: { ...world.dump(), advertisedHost: context.advertisedHost() } })),
    "POST /_sim/zstack/vms": withBody(addVmSchema, (spec) => {
      if (spec.uuid !== undefined && world.vms.has(spec.uuid)) return { status: 409, body: { error: `a VM with uuid ${spec.uuid} exists` } };
      return { status: 201, body: world.inventory(world.addVm(spec)) };
    }),
    "POST /_sim/zstack/sessions/expire": withBody(oneOrAllSchema, ({ uuid }) => ({ status: 200, body: { expired: world.expireSessions(uuid) } })),
    "POST /_sim/zstack/jobs/fail-next": withBody(failNextSchema, ({ action, error }) => {
      world.injectedFailures.push({ action, error: zerr.fromAdmin(error ?? {}) });
      return { status: 200, body: { pending: world.injectedFailures.length } };
    }),
    "POST /_sim/zstack/jobs/expire": withBody(oneOrAllSchema, ({ uuid }) => ({ status: 200, body: { expired: world.expireJobs(uuid) } })),
    "POST /_sim/zstack/config": withBody(configSchema, (config) => {
      if (config.jobDurationMs !== undefined) world.jobDurationMs = config.jobDurationMs;
      if (config.sessionLifetimeSeconds !== undefined) world.sessionLifetimeSeconds = config.sessionLifetimeSeconds;
      if (config.expungePeriodSeconds !== undefined) world.expungePeriodSeconds = config.expungePeriodSeconds;
      if (config.advertisedHost !== undefined) context.setAdvertisedHost(config.advertisedHost);
      const { jobDurationMs, sessionLifetimeSeconds, expungePeriodSeconds } = world;
      return { status: 200, body: { jobDurationMs, sessionLifetimeSeconds, expungePeriodSeconds, advertisedHost: context.advertisedHost() } };
    }),
    "GET /_sim/zstack/requests": withBody(noBodySchema, () => ({ status: 200, body: context.requests })),
    "DELETE /_sim/zstack/requests": withBody(noBodySchema, () => {
      context.requests.splice(0, context.requests.length);
      return { status: 204 };
    }),
  };
  const vmActions: Record<string, (request: SimRequest, uuid: string) => SimReply> = {
    destroy: vmRoute(noBodySchema, (_body, uuid) => {
      world.destroyVm(uuid);
      return inventoryOf(uuid);
    }),
    expunge: vmRoute(noBodySchema, (_body, uuid) => {
      world.expungeNow(uuid);
      return { status: 200, body: { uuid, state: "Expunged" } };
    }),
    start: vmRoute(startSchema, ({ hostUuid }, uuid) => {
      world.startVmNow(uuid, hostUuid);
      return inventoryOf(uuid);
    }),
    stop: vmRoute(noBodySchema, (_body, uuid) => {
      world.stopVmNow(uuid);
      return inventoryOf(uuid);
    }),
    state: vmRoute(forceStateSchema, ({ state }, uuid) => {
      world.forceState(uuid, state);
      return inventoryOf(uuid);
    }),
  };

  /** A route on one VM: the body is checked first, then the VM must exist (404 otherwise). */
  function vmRoute<T>(schema: z.ZodType<T>, run: (body: T, uuid: string) => SimReply): (request: SimRequest, uuid: string) => SimReply {
    return (request, uuid) =>
      withBody(schema, (body) => {
        world.advance();
        return world.vms.has(uuid) ? run(body, uuid) : { status: 404, body: { error: `no VM ${uuid}` } };
      })(request);
  }

  return (request) => {
    const route = routes[`${request.method} ${request.path}`];
    if (route) return route(request);
    const vmPath = /^\/_sim\/zstack\/vms\/([0-9a-fA-F]{32})\/([a-z]+)$/.exec(request.path);
    const name = vmPath?.[2];
    const action = name !== undefined && request.method === "POST" && Object.hasOwn(vmActions, name) ? vmActions[name] : undefined;
    return vmPath && action ? action(request, (vmPath[1] as string).toLowerCase()) : notFound(request);
  };
}
