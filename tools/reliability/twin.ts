/**
 * The offline twin the fault matrix runs against: the three vendor simulators on loopback, with short task/job/run
 * durations, distinctive credentials (so a leak is unmistakable), the in-process providers pointed at them, and a log
 * of every credential the clients sent (session ids, tokens), so the audit can look for them in error messages.
 */
import { recordStackConfig } from "../../provider/config";
import { forget } from "../../provider/runtime";
import type { SimRequest, SimulatorServer } from "../../simulator/common/httpServer";
import { startVeeamSimulator, type VeeamSimulator } from "../../simulator/veeam";
import { startVsphereSimulator, type VsphereSimulator } from "../../simulator/vsphere";
import { startZstackSimulator, type ZstackSimulator } from "../../simulator/zstack";
import { startHostileFront, type HostileFront } from "../hostile/front";

export type Vendor = "vsphere" | "veeam" | "zstack";

export interface ReliabilityTwin {
  vsphere: VsphereSimulator;
  veeam: VeeamSimulator;
  zstack: ZstackSimulator;
  server(vendor: Vendor): SimulatorServer;
  /** The misbehaving front before each simulator (tools/hostile/front.ts): used when a cell is routed through it. */
  front(vendor: Vendor): HostileFront;
  /** Passwords, and every session id / token a client sent so far. */
  secrets(): string[];
  /**
   * Clears faults on every server and front and drops the provider's cached sessions; the providers talk to the
   * simulators directly, or through the fronts when `throughFronts` (what a cell's scenario asks for).
   */
  reset(options?: { throughFronts?: boolean }): void;
  close(): Promise<void>;
}

export interface TwinTiming {
  /** vSphere task duration (ms). */
  taskMs: number;
  /** ZStack job duration (ms). */
  jobMs: number;
  /** Veeam run/undo duration (ms). */
  runMs: number;
}

export const DEFAULT_TIMING: TwinTiming = { taskMs: 120, jobMs: 80, runMs: 200 };

/**
 * The Veeam API the matrix speaks: RELIABILITY_VEEAM_API_VERSION (default v2), any `veeam:apiVersion` value such as
 * v7.21, v13 or v13.2, or "detect" to leave it unset so that the provider detects the newest version the twin serves.
 */
export function veeamApiVersion(): string {
  return process.env["RELIABILITY_VEEAM_API_VERSION"] ?? "v2";
}

/** Credential header values: vSphere session id, Veeam bearer token, ZStack session uuid. */
function credentialsIn(request: SimRequest): string[] {
  const found: string[] = [];
  const session = request.headers["vmware-api-session-id"];
  if (typeof session === "string" && session.length >= 8) found.push(session);
  const authorization = request.headers["authorization"];
  if (typeof authorization === "string") {
    const value = authorization.replace(/^(Bearer|OAuth|Basic)\s+/i, "").trim();
    if (value.length >= 8) found.push(value);
  }
  return found;
}

export async function startReliabilityTwin(timing: TwinTiming = DEFAULT_TIMING): Promise<ReliabilityTwin> {
  const vsphere = await startVsphereSimulator({ taskDurationMs: timing.taskMs, guestOperationMs: 100, ftSyncMs: 50, password: "Rel!vsphere-Secret-7731" });
  const veeam = await startVeeamSimulator({ runDurationMs: timing.runMs, password: "Rel!veeam-Secret-4410" });
  const zstack = await startZstackSimulator({ jobDurationMs: timing.jobMs, password: "Rel!zstack-Secret-9902" });
  const seen = new Set<string>([vsphere.password, veeam.password, zstack.password]);
  for (const server of [vsphere.server, veeam.server, zstack.server]) {
    server.onHandled((request) => {
      for (const credential of credentialsIn(request)) seen.add(credential);
    });
  }
  const servers: Record<Vendor, SimulatorServer> = { vsphere: vsphere.server, veeam: veeam.server, zstack: zstack.server };
  const fronts: Record<Vendor, HostileFront> = {
    vsphere: await startHostileFront(vsphere.url),
    veeam: await startHostileFront(veeam.url),
    zstack: await startHostileFront(zstack.url),
  };
  const configure = (throughFronts: boolean): void => {
    const url = (vendor: Vendor, direct: string): string => (throughFronts ? fronts[vendor].url : direct);
    recordStackConfig({
      "vsphere:vsphereServer": url("vsphere", vsphere.url),
      "vsphere:user": vsphere.username,
      "vsphere:password": vsphere.password,
      "veeam:server": url("veeam", veeam.url),
      "veeam:username": veeam.username,
      "veeam:password": veeam.password,
      ...(veeamApiVersion() === "detect" ? {} : { "veeam:apiVersion": veeamApiVersion() }),
      "zstack:endpoint": url("zstack", zstack.url),
      "zstack:accountName": zstack.accountName,
      "zstack:accountPassword": zstack.password,
    });
  };
  configure(false);
  const twin: ReliabilityTwin = {
    vsphere,
    veeam,
    zstack,
    server: (vendor) => servers[vendor],
    front: (vendor) => fronts[vendor],
    secrets: () => [...seen],
    reset: (options = {}) => {
      for (const server of Object.values(servers)) server.faults.reset();
      for (const front of Object.values(fronts)) front.disarm();
      configure(options.throughFronts === true);
      forget("vsphere.");
      forget("veeam.");
      forget("zstack.");
    },
    close: async () => {
      await Promise.all(Object.values(fronts).map((front) => front.close()));
      await Promise.all([vsphere.close(), veeam.close(), zstack.close()]);
    },
  };
  return twin;
}
