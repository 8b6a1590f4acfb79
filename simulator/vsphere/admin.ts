/**
 * Admin HTTP API of the vSphere simulator (header `x-simulator-admin-token` required; the common `/_sim/faults` and
 * `/_sim/stats` routes are served by simulator/common/httpServer.ts). Bodies are JSON; a duration may be a number of ms,
 * `"Infinity"` or `null` (= Infinity, never). Answers: 200 JSON, 204, 400 {error} for a bad body, 404 {error} for an
 * unknown object or route. Each route calls the `VsphereWorld` method of the same purpose.
 *
 *   GET    /_sim/vsphere/inventory                          whole inventory as JSON (VMs, snapshots, secondaries, running tasks)
 *   POST   /_sim/vsphere/vms                                add a VM {id?, name, clusterId?, hostId?, powerState?, template?, toolsInstalled?, toolsRunning?}
 *   DELETE /_sim/vsphere/vms/{vmId}                         unregister a VM
 *   POST   /_sim/vsphere/vms/{vmId}/power                   set the power state out of band {state: poweredOn|poweredOff|suspended}
 *   POST   /_sim/vsphere/vms/{vmId}/tools                   {running: boolean, installed?: boolean}
 *   POST   /_sim/vsphere/vms/{vmId}/guest-operation-ms      time the guest takes to act on ShutdownGuest etc. {ms}
 *   POST   /_sim/vsphere/vms/{vmId}/turn-off-ft             turn FT off out of band (secondaries removed)
 *   POST   /_sim/vsphere/vms/{vmId}/ft-respawn              {respawn: boolean}: whether vSphere re-spawns a lost secondary of
 *                                                           this VM's FT group (false: it stays needSecondary); 409 when not FT
 *   POST   /_sim/vsphere/vms/bulk                           add many VMs {count, namePrefix, folderId?, clusterId?, hostId?,
 *                                                           powerState?, toolsInstalled?} → {ids}; names <namePrefix>-0001…
 *   POST   /_sim/vsphere/folders                            add a VM folder {name, parentId?} → {id, inventoryPath}
 *   DELETE /_sim/vsphere/snapshots/{snapshotId}             delete a snapshot out of band (?removeChildren=true for its subtree)
 *   POST   /_sim/vsphere/tasks/duration                     {ms, method?, vmId?}: default, per-method or per-VM task duration
 *   POST   /_sim/vsphere/tasks/hang-next                    {vmId?, method?}: the next matching task never finishes
 *   POST   /_sim/vsphere/tasks/fail-next                    {faultType, vmId?, method?, fields?, message?}: the next matching task ends in error
 *   POST   /_sim/vsphere/tasks/finish-hung                  let hung tasks finish now
 *   POST   /_sim/vsphere/sessions/expire                    end every session (next call → NotAuthenticated)
 *   POST   /_sim/vsphere/hosts/{hostId}/fail                host failure (secondaries re-spawn elsewhere)
 *   POST   /_sim/vsphere/hosts/{hostId}/restore             host back
 *   POST   /_sim/vsphere/precondition-faults                {delivery: "response" | "task"}
 */
import { z } from "zod";
import { noBodySchema, parseAdminBody } from "../common/adminBody";
import type { SimHandler, SimReply, SimRequest } from "../common/httpServer";
import { VimFaultError } from "./faults";
import type { VsphereWorld } from "./model/world";

const powerStateSchema = z.enum(["poweredOn", "poweredOff", "suspended"]);
const durationSchema = z
  .union([z.number().nonnegative(), z.literal("Infinity"), z.null()], { error: 'expected a number of ms >= 0, "Infinity" or null' })
  .transform((value) => (typeof value === "number" ? value : Number.POSITIVE_INFINITY));

const addVmSchema = z.strictObject({
  id: z.string().regex(/^vm-\d+$/).optional(),
  name: z.string().min(1),
  clusterId: z.string().optional(),
  hostId: z.string().optional(),
  datastoreId: z.string().optional(),
  powerState: powerStateSchema.optional(),
  template: z.boolean().optional(),
  toolsInstalled: z.boolean().optional(),
  toolsRunning: z.boolean().optional(),
  guestOperationMs: durationSchema.optional(),
});
const powerSchema = z.strictObject({ state: powerStateSchema });
const toolsSchema = z.strictObject({ running: z.boolean(), installed: z.boolean().optional() });
const msSchema = z.strictObject({ ms: durationSchema });
const durationBodySchema = z.strictObject({ ms: durationSchema, method: z.string().optional(), vmId: z.string().optional() });
const hangSchema = z.strictObject({ vmId: z.string().optional(), method: z.string().optional() });
const failSchema = z.strictObject({
  faultType: z.string().min(1),
  vmId: z.string().optional(),
  method: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  message: z.string().optional(),
});
const deliverySchema = z.strictObject({ delivery: z.enum(["response", "task"]) });
const respawnSchema = z.strictObject({ respawn: z.boolean() });
const addVmsSchema = z.strictObject({
  count: z.number().int().min(1).max(100_000),
  namePrefix: z.string().min(1),
  folderId: z.string().optional(),
  clusterId: z.string().optional(),
  hostId: z.string().optional(),
  powerState: powerStateSchema.optional(),
  toolsInstalled: z.boolean().optional(),
});
const addFolderSchema = z.strictObject({ name: z.string().min(1), parentId: z.string().optional() });

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function body<T>(schema: z.ZodType<T>, request: SimRequest): T {
  const parsed = parseAdminBody(schema, request.bodyText);
  if (!parsed.ok) throw new AdminError(400, parsed.error);
  return parsed.value;
}

const ok = (value: unknown): SimReply => ({ status: 200, body: value });
const done: SimReply = { status: 204 };

export function createAdminHandler(world: VsphereWorld): SimHandler {
  const routes: Array<{ method: string; pattern: RegExp; run: (request: SimRequest, params: string[]) => SimReply }> = [
    {
      method: "GET",
      pattern: /^\/inventory$/,
      run: (request) => {
        body(noBodySchema, request);
        return ok(world.inventory());
      },
    },
    {
      method: "POST",
      pattern: /^\/vms$/,
      run: (request) => {
        const spec = body(addVmSchema, request);
        const vm = world.addVm(spec);
        return ok(world.inventory().vms.find((entry) => entry.id === vm.id));
      },
    },
    {
      method: "POST",
      pattern: /^\/vms\/bulk$/,
      run: (request) => ok({ ids: world.addVms(body(addVmsSchema, request)).map((vm) => vm.id) }),
    },
    {
      method: "POST",
      pattern: /^\/folders$/,
      run: (request) => {
        const { name, parentId } = body(addFolderSchema, request);
        const folder = world.addFolder(name, parentId);
        return ok({ id: folder.id, inventoryPath: world.inventoryPathOf({ type: "Folder", id: folder.id }) });
      },
    },
    {
      method: "DELETE",
      pattern: /^\/vms\/([^/]+)$/,
      run: (request, [vmId]) => {
        body(noBodySchema, request);
        world.requireVm(vmId);
        world.removeVm(vmId);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/vms\/([^/]+)\/power$/,
      run: (request, [vmId]) => {
        world.setPowerState(vmId, body(powerSchema, request).state);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/vms\/([^/]+)\/tools$/,
      run: (request, [vmId]) => {
        const { running, installed } = body(toolsSchema, request);
        if (installed !== undefined) world.setToolsInstalled(vmId, installed);
        world.setToolsRunning(vmId, running);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/vms\/([^/]+)\/guest-operation-ms$/,
      run: (request, [vmId]) => {
        world.setGuestShutdownMs(vmId, body(msSchema, request).ms);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/vms\/([^/]+)\/turn-off-ft$/,
      run: (request, [vmId]) => {
        body(noBodySchema, request);
        world.turnOffFtOutOfBand(vmId);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/vms\/([^/]+)\/ft-respawn$/,
      run: (request, [vmId]) => {
        world.setFtSecondaryRespawn(vmId, body(respawnSchema, request).respawn);
        return done;
      },
    },
    {
      method: "DELETE",
      pattern: /^\/snapshots\/([^/]+)$/,
      run: (request, [snapshotId]) => {
        body(noBodySchema, request);
        world.deleteSnapshotOutOfBand(snapshotId, request.query.get("removeChildren") === "true");
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/tasks\/duration$/,
      run: (request) => {
        const { ms, method, vmId } = body(durationBodySchema, request);
        if (vmId !== undefined) world.setVmTaskDuration(vmId, ms);
        else world.setTaskDuration(ms, method);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/tasks\/hang-next$/,
      run: (request) => {
        const { vmId, method } = body(hangSchema, request);
        world.hangNextTask(vmId, method);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/tasks\/fail-next$/,
      run: (request) => {
        const { faultType, ...plan } = body(failSchema, request);
        world.failNextTask(faultType, plan);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/tasks\/finish-hung$/,
      run: (request) => {
        body(noBodySchema, request);
        return ok({ finished: world.finishHungTasks() });
      },
    },
    {
      method: "POST",
      pattern: /^\/sessions\/expire$/,
      run: (request) => {
        body(noBodySchema, request);
        return ok({ expired: world.expireAllSessions() });
      },
    },
    {
      method: "POST",
      pattern: /^\/hosts\/([^/]+)\/fail$/,
      run: (request, [hostId]) => {
        body(noBodySchema, request);
        world.failHost(hostId);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/hosts\/([^/]+)\/restore$/,
      run: (request, [hostId]) => {
        body(noBodySchema, request);
        world.restoreHost(hostId);
        return done;
      },
    },
    {
      method: "POST",
      pattern: /^\/precondition-faults$/,
      run: (request) => {
        world.setPreconditionFaultDelivery(body(deliverySchema, request).delivery);
        return done;
      },
    },
  ];

  return (request) => {
    const prefix = "/_sim/vsphere";
    if (!request.path.startsWith(`${prefix}/`)) return { status: 404, body: { error: `no admin route ${request.method} ${request.path}` } };
    const rest = request.path.slice(prefix.length);
    for (const route of routes) {
      const match = route.pattern.exec(rest);
      if (!match || route.method !== request.method) continue;
      try {
        return route.run(
          request,
          match.slice(1).map((segment) => decodeURIComponent(segment)),
        );
      } catch (error) {
        if (error instanceof AdminError) return { status: error.status, body: { error: error.message } };
        if (error instanceof VimFaultError) {
          const status = error.body._typeName === "ManagedObjectNotFound" ? 404 : 409;
          return { status, body: { error: error.message, fault: error.body } };
        }
        if (error instanceof Error) return { status: 400, body: { error: error.message } };
        throw error;
      }
    }
    return { status: 404, body: { error: `no admin route ${request.method} ${request.path}` } };
  };
}
