/**
 * The offline vSphere twin: a vCenter speaking VI/JSON (vi-json-subset.yaml) on loopback, with an in-process `world` that
 * tests and the admin API (admin.ts) change directly.
 *
 *   const sim = await startVsphereSimulator({ taskDurationMs: 50 });
 *   // sim.url → http://127.0.0.1:PORT ; login at `${sim.url}/sdk/vim25/8.0.3.0/SessionManager/SessionManager/Login`
 *   sim.world.setPowerState("vm-101", "poweredOff");
 *
 * Layout: model/ holds the vCenter's state and rules (inventory tree, power, snapshots, FT, tasks, views);
 * handlers/ parse VI/JSON requests, call the model and shape the answers; router.ts is the wire protocol.
 *   await sim.close();
 */
import { randomBytes } from "node:crypto";
import { startHttpServer, type SimulatorServer } from "../common/httpServer";
import { createAdminHandler } from "./admin";
import { PropertyCollectorService } from "./handlers/propertyCollector";
import { DEFAULT_RELEASES, VsphereWorld } from "./model/world";
import { createVsphereHandler, routeLabel } from "./router";

export interface VsphereSimulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  tls?: { key: string; cert: string };
  /** Default task duration in ms (default 200; Infinity = tasks never finish). */
  taskDurationMs?: number;
  /** Default time a guest takes to act on ShutdownGuest/RebootGuest/StandbyGuest (default 300 ms). */
  guestOperationMs?: number;
  /** Time an FT secondary spends `starting` before `running` (default 100 ms). */
  ftSyncMs?: number;
  /** Default administrator@vsphere.local. */
  username?: string;
  /** Default sim-password. */
  password?: string;
  /** Releases served under /sdk/vim25/{release} (default 8.0.3.0, 8.0.2.0, 8.0.1.0, 9.0.0.0). */
  releases?: string[];
  /** Admin token for /_sim/ routes (default: random). */
  adminToken?: string;
  /** Datacenter name (default dc-sim). */
  datacenterName?: string;
}

export interface VsphereSimulator {
  /** Base URL, e.g. http://127.0.0.1:43123 (the SDK is under /sdk/vim25/{release}). */
  url: string;
  username: string;
  password: string;
  adminToken: string;
  world: VsphereWorld;
  propertyCollector: PropertyCollectorService;
  server: SimulatorServer;
  close(): Promise<void>;
}

export async function startVsphereSimulator(options: VsphereSimulatorOptions = {}): Promise<VsphereSimulator> {
  const world = new VsphereWorld({
    taskDurationMs: options.taskDurationMs,
    guestOperationMs: options.guestOperationMs,
    ftSyncMs: options.ftSyncMs,
    username: options.username,
    password: options.password,
    releases: options.releases ?? DEFAULT_RELEASES,
    datacenterName: options.datacenterName,
  });
  const propertyCollector = new PropertyCollectorService(world);
  const adminToken = options.adminToken ?? randomBytes(16).toString("hex");
  const server = await startHttpServer({
    name: "vsphere",
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    tls: options.tls,
    adminToken,
    handler: createVsphereHandler(world, propertyCollector),
    adminHandler: createAdminHandler(world),
    routeLabel,
  });
  let closed = false;
  return {
    url: server.url,
    username: world.credentials.username,
    password: world.credentials.password,
    adminToken,
    world,
    propertyCollector,
    server,
    close: async () => {
      if (closed) return;
      closed = true;
      propertyCollector.dispose();
      world.dispose();
      await server.close();
    },
  };
}

export { VsphereWorld, DEFAULT_RELEASES } from "./model/world";
export type { AddVmsSpec, InventoryDump, PreconditionFaultDelivery, VsphereWorldOptions } from "./model/world";
export type { AddVmSpec } from "./model/vms";
export { SEED } from "./model/seedInventory";
export { SESSION_HEADER } from "./sessions";
