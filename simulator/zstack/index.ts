import * as crypto from "node:crypto";
import { startHttpServer, type SimulatorServer } from "../common/httpServer";
import { routeLabel, zstackHandler, type RecordedRequest } from "./api";
import { zstackAdminHandler } from "./admin";
import { seedZstackVms } from "./seedInventory";
import { ZstackWorld } from "./world";

export { ZstackWorld } from "./world";
export type { RecordedRequest } from "./api";
export { ZSTACK_SEED } from "./seedInventory";

export interface ZstackSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  tls?: { key: string; cert: string };
  /** Default "admin". */
  accountName?: string;
  /** Clear text; the client must send its SHA-512 hex digest. Default "password". */
  password?: string;
  /** How long each asynchronous job runs before its result is available. Default 50 ms. */
  jobDurationMs?: number;
  /** Idle lifetime of a session. Default 7200 s (ZStack's session.timeout). */
  sessionLifetimeSeconds?: number;
  /** How long a Destroyed VM stays recoverable before it is expunged. Default 86400 s (vm.expungePeriod). */
  expungePeriodSeconds?: number;
  /** Admin token for `/_sim/` routes. Default: random. */
  adminToken?: string;
  /**
   * host:port written into job locations, like a management node advertising an internal address. Default
   * "zstack-mn.internal:8080", deliberately not the address the simulator listens on: clients must rewrite it.
   */
  advertisedHost?: string;
  /** Start with the seeded VMs of `ZSTACK_SEED` (default true). */
  seed?: boolean;
}

export interface ZstackSimulator {
  url: string;
  accountName: string;
  password: string;
  adminToken: string;
  world: ZstackWorld;
  server: SimulatorServer;
  /** Vendor requests received, oldest first (also at GET /_sim/zstack/requests). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the ZStack simulator on loopback. */
export async function startZstackSimulator(options: ZstackSimulatorOptions = {}): Promise<ZstackSimulator> {
  const accountName = options.accountName ?? "admin";
  const password = options.password ?? "password";
  const adminToken = options.adminToken ?? crypto.randomBytes(16).toString("hex");
  const world = new ZstackWorld({
    accountName,
    password,
    jobDurationMs: options.jobDurationMs ?? 50,
    sessionLifetimeSeconds: options.sessionLifetimeSeconds ?? 7200,
    expungePeriodSeconds: options.expungePeriodSeconds ?? 86_400,
  });
  if (options.seed ?? true) seedZstackVms(world);
  let advertisedHost = options.advertisedHost ?? "zstack-mn.internal:8080";
  const requests: RecordedRequest[] = [];
  const server = await startHttpServer({
    name: "zstack",
    host: options.host,
    port: options.port,
    tls: options.tls,
    adminToken,
    handler: zstackHandler({ world, requests, advertisedHost: () => advertisedHost }),
    adminHandler: zstackAdminHandler({
      world,
      requests,
      advertisedHost: () => advertisedHost,
      setAdvertisedHost: (host) => {
        advertisedHost = host;
      },
    }),
    routeLabel,
  });
  return { url: server.url, accountName, password, adminToken, world, server, requests, close: () => server.close() };
}
