import { randomBytes } from "node:crypto";
import { siteConnection, siteName, siteNamespaces, type SiteConnection, type SiteNamespaces } from "./sites";
import { startVeeamSimulator, type VeeamSimulator } from "./veeam";
import { startVsphereSimulator, type VsphereSimulator } from "./vsphere";
import { startZstackSimulator, type ZstackSimulator } from "./zstack";

export { startVsphereSimulator, startVeeamSimulator, startZstackSimulator };
export type { VsphereSimulator, VeeamSimulator, ZstackSimulator };
export { PortInUseError } from "./common/errors";
export { environmentVariable, siteConnection, siteName, siteNamespaces } from "./sites";
export type { SiteConnection, SiteEndpoints, SiteNamespaces, StackConfigEntry } from "./sites";
export { ZSTACK_SEED } from "./zstack";

/** One site: a vCenter, a Veeam Orchestrator and a ZStack management node with their own worlds, sessions and passwords. */
export interface OfflineTwinSite extends SiteConnection {
  /** 0 for the first site. */
  index: number;
  /** "primary", "dr", "dr2"… */
  name: string;
  /** The stack config namespaces a stack uses for this site (`vsphere`, … for the first; `vsphere-dr`, … for the second). */
  namespaces: SiteNamespaces;
  vsphere: VsphereSimulator;
  veeam: VeeamSimulator;
  zstack: ZstackSimulator;
  adminToken: string;
  close(): Promise<void>;
}

/**
 * The twin: its own fields are the first site's (`twin.vsphere`, `twin.environment`, `twin.stackConfig`…), `sites` holds
 * every site, the first included.
 */
export interface OfflineTwin extends OfflineTwinSite {
  sites: OfflineTwinSite[];
  /** Stops every site. */
  close(): Promise<void>;
}

export interface OfflineTwinOptions {
  host?: string;
  /** Ports of the first site's vSphere, Veeam and ZStack; 0 (default) picks free ones. */
  ports?: { vsphere?: number; veeam?: number; zstack?: number };
  /** Site k (from 0) listens on portBase + 3k (vSphere), + 1 (Veeam), + 2 (ZStack). Default: free ports. */
  portBase?: number;
  /** How many sites to start (default 1, at most MAX_SITES). */
  sites?: number;
  /** Default task/run/job duration in ms. */
  durationMs?: number;
  /** One admin token for every site (default: random). */
  adminToken?: string;
}

export const MAX_SITES = 9;
const HIGHEST_PORT = 65535;

export interface OptionProblem {
  option: "sites" | "portBase";
  /** What is allowed and what was given, to follow the option's name: "must be … ; got 0". */
  problem: string;
}

/** What is wrong with `sites` or `portBase`; undefined when both are fine. */
export function offlineTwinOptionProblem(options: Pick<OfflineTwinOptions, "sites" | "portBase">): OptionProblem | undefined {
  const sites = options.sites ?? 1;
  if (!Number.isInteger(sites) || sites < 1 || sites > MAX_SITES) return { option: "sites", problem: `must be a whole number from 1 to ${MAX_SITES}; got ${sites}` };
  if (options.portBase === undefined) return undefined;
  const highestBase = HIGHEST_PORT - (3 * sites - 1);
  if (!Number.isInteger(options.portBase) || options.portBase < 1 || options.portBase > highestBase) {
    const uses = `${sites} site${sites > 1 ? "s use" : " uses"} ${3 * sites} ports from it`;
    return { option: "portBase", problem: `must be a port number from 1 to ${highestBase} (${uses}); got ${options.portBase}` };
  }
  return undefined;
}

/** Starts the twin on loopback: one site by default, `sites: 2` for a primary and a DR site. One admin token for all. */
export async function startOfflineTwin(options: OfflineTwinOptions = {}): Promise<OfflineTwin> {
  const wrong = offlineTwinOptionProblem(options);
  if (wrong) throw new RangeError(`${wrong.option} ${wrong.problem}`);
  const adminToken = options.adminToken ?? randomBytes(16).toString("hex");
  const sites: OfflineTwinSite[] = [];
  try {
    for (let index = 0; index < (options.sites ?? 1); index += 1) sites.push(await startSite(index, options, adminToken));
  } catch (error) {
    await Promise.all(sites.map((site) => site.close()));
    throw error;
  }
  return twinOf(sites);
}

function sitePorts(options: OfflineTwinOptions, index: number): { vsphere: number; veeam: number; zstack: number } {
  if (options.portBase !== undefined) {
    const first = options.portBase + 3 * index;
    return { vsphere: first, veeam: first + 1, zstack: first + 2 };
  }
  const ports = index === 0 ? options.ports : undefined;
  return { vsphere: ports?.vsphere ?? 0, veeam: ports?.veeam ?? 0, zstack: ports?.zstack ?? 0 };
}

async function startSite(index: number, options: OfflineTwinOptions, adminToken: string): Promise<OfflineTwinSite> {
  const host = options.host ?? "127.0.0.1";
  const ports = sitePorts(options, index);
  // The first site keeps the simulators' default passwords; every other site gets its own.
  const password = (): string | undefined => (index === 0 ? undefined : randomBytes(12).toString("base64url"));
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const vsphere = await startVsphereSimulator({
      host,
      port: ports.vsphere,
      adminToken,
      taskDurationMs: options.durationMs,
      password: password(),
      datacenterName: index === 0 ? undefined : `dc-sim-${siteName(index)}`,
    });
    started.push(vsphere);
    const veeam = await startVeeamSimulator({ host, port: ports.veeam, adminToken, runDurationMs: options.durationMs });
    started.push(veeam);
    const zstack = await startZstackSimulator({ host, port: ports.zstack, adminToken, jobDurationMs: options.durationMs, password: password() });
    return siteOf(index, vsphere, veeam, zstack, adminToken);
  } catch (error) {
    await Promise.all(started.map((simulator) => simulator.close()));
    throw error;
  }
}

function siteOf(index: number, vsphere: VsphereSimulator, veeam: VeeamSimulator, zstack: ZstackSimulator, adminToken: string): OfflineTwinSite {
  const namespaces = siteNamespaces(index);
  return {
    index,
    name: siteName(index),
    namespaces,
    vsphere,
    veeam,
    zstack,
    adminToken,
    ...siteConnection(namespaces, { vsphere, veeam, zstack }),
    close: async () => {
      await Promise.all([vsphere.close(), veeam.close(), zstack.close()]);
    },
  };
}

function twinOf(sites: OfflineTwinSite[]): OfflineTwin {
  const [first] = sites as [OfflineTwinSite, ...OfflineTwinSite[]];
  return {
    ...first,
    sites,
    close: async () => {
      await Promise.all(sites.map((site) => site.close()));
    },
  };
}

/** A one-site twin around three simulators already started (tests start them with their own options). */
export function assembleOfflineTwin(vsphere: VsphereSimulator, veeam: VeeamSimulator, zstack: ZstackSimulator, adminToken: string): OfflineTwin {
  return twinOf([siteOf(0, vsphere, veeam, zstack, adminToken)]);
}
