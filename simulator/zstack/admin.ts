import type { SimReply, SimRequest } from "../common/httpServer";
import * as zerr from "./errors";
import type { RecordedRequest } from "./api";
import type { SimVm, ZstackWorld } from "./world";

/**
 * Admin API of the ZStack simulator (header `x-simulator-admin-token` required on every `/_sim/` request; the common
 * `/_sim/faults` and `/_sim/stats` routes are served by simulator/common/httpServer.ts):
 *
 *   GET    /_sim/zstack/inventory                  world dump: VMs (with tags), expunged VMs, session count, jobs, config
 *   POST   /_sim/zstack/vms                        add a VM: {uuid?, name?, state? (default Running), hostUuid?, ip?, …} → inventory
 *   POST   /_sim/zstack/vms/{uuid}/destroy         out of band: Destroyed now (Delay policy; expunged after the expunge period)
 *   POST   /_sim/zstack/vms/{uuid}/expunge         out of band: gone now (queries list nothing, recover fails)
 *   POST   /_sim/zstack/vms/{uuid}/start           out of band: Running now
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

function body(request: SimRequest): Record<string, unknown> {
  if (!request.bodyText) return {};
  try {
    const value = JSON.parse(request.bodyText) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function zstackAdminHandler(context: AdminContext): (request: SimRequest) => SimReply {
  return (request) => {
    const { world } = context;
    const path = request.path;
    const input = body(request);
    if (path === "/_sim/zstack/inventory" && request.method === "GET") {
      return { status: 200, body: { ...world.dump(), advertisedHost: context.advertisedHost() } };
    }
    if (path === "/_sim/zstack/vms" && request.method === "POST") {
      if (input["uuid"] !== undefined && (typeof input["uuid"] !== "string" || !/^[0-9a-f]{32}$/.test(input["uuid"]))) {
        return { status: 400, body: { error: "uuid must be 32 lowercase hex characters" } };
      }
      if (typeof input["uuid"] === "string" && world.vms.has(input["uuid"])) return { status: 409, body: { error: "a VM with this uuid exists" } };
      const vm = world.addVm(input as Partial<SimVm> & { ip?: string });
      return { status: 201, body: world.inventory(vm) };
    }
    const vmRoute = /^\/_sim\/zstack\/vms\/([0-9a-fA-F]{32})\/(destroy|expunge|start|stop|state)$/.exec(path);
    if (vmRoute && request.method === "POST") {
      const uuid = (vmRoute[1] as string).toLowerCase();
      world.advance();
      if (!world.vms.has(uuid)) return { status: 404, body: { error: `no VM ${uuid}` } };
      switch (vmRoute[2]) {
        case "destroy":
          world.destroyVm(uuid);
          break;
        case "expunge":
          world.expungeNow(uuid);
          return { status: 200, body: { uuid, state: "Expunged" } };
        case "start":
          world.startVmNow(uuid, typeof input["hostUuid"] === "string" ? input["hostUuid"] : undefined);
          break;
        case "stop":
          world.stopVmNow(uuid);
          break;
        case "state": {
          if (typeof input["state"] !== "string") return { status: 400, body: { error: "state is required" } };
          const vm = world.vms.get(uuid) as SimVm;
          vm.state = input["state"];
          vm.lastOpDate = Date.now();
          if (vm.state === "Destroyed") vm.destroyedAt = Date.now();
          break;
        }
      }
      return { status: 200, body: world.inventory(world.vms.get(uuid) as SimVm) };
    }
    if (path === "/_sim/zstack/sessions/expire" && request.method === "POST") {
      return { status: 200, body: { expired: world.expireSessions(typeof input["uuid"] === "string" ? input["uuid"] : undefined) } };
    }
    if (path === "/_sim/zstack/jobs/fail-next" && request.method === "POST") {
      world.injectedFailures.push({ action: typeof input["action"] === "string" ? input["action"] : undefined, error: zerr.fromAdmin(input["error"]) });
      return { status: 200, body: { pending: world.injectedFailures.length } };
    }
    if (path === "/_sim/zstack/jobs/expire" && request.method === "POST") {
      return { status: 200, body: { expired: world.expireJobs(typeof input["uuid"] === "string" ? input["uuid"] : undefined) } };
    }
    if (path === "/_sim/zstack/config" && request.method === "POST") {
      const jobDurationMs = nonNegative(input["jobDurationMs"]);
      const sessionLifetimeSeconds = nonNegative(input["sessionLifetimeSeconds"]);
      const expungePeriodSeconds = nonNegative(input["expungePeriodSeconds"]);
      if (jobDurationMs !== undefined) world.jobDurationMs = jobDurationMs;
      if (sessionLifetimeSeconds !== undefined) world.sessionLifetimeSeconds = sessionLifetimeSeconds;
      if (expungePeriodSeconds !== undefined) world.expungePeriodSeconds = expungePeriodSeconds;
      if (typeof input["advertisedHost"] === "string" && input["advertisedHost"]) context.setAdvertisedHost(input["advertisedHost"]);
      return { status: 200, body: { jobDurationMs: world.jobDurationMs, sessionLifetimeSeconds: world.sessionLifetimeSeconds, expungePeriodSeconds: world.expungePeriodSeconds, advertisedHost: context.advertisedHost() } };
    }
    if (path === "/_sim/zstack/requests" && request.method === "GET") return { status: 200, body: context.requests };
    if (path === "/_sim/zstack/requests" && request.method === "DELETE") {
      context.requests.splice(0, context.requests.length);
      return { status: 204 };
    }
    return { status: 404, body: { error: `no admin route ${request.method} ${path}` } };
  };
}
