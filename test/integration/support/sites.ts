import { siteConnection, type OfflineTwinSite, type SiteConnection, type StackConfigEntry } from "../../../simulator";
import type { SimulatorServer } from "../../../simulator/common/httpServer";

/**
 * Helpers for tests that point a stack at several sites of the offline twin: the stack config of every site together,
 * other namespaces for a site's endpoints, and the request counts at every endpoint.
 */

/** The stack config entries of `connections`, merged (`pulumi config set` for every site). */
export function stackConfigOf(...connections: SiteConnection[]): Record<string, StackConfigEntry> {
  return Object.assign({}, ...connections.map((connection) => connection.stackConfig)) as Record<string, StackConfigEntry>;
}

/** The same, as the key → value record `configure` hands to `recordStackConfig`. */
export function stackConfigValues(...connections: SiteConnection[]): Record<string, string> {
  return Object.fromEntries(Object.entries(stackConfigOf(...connections)).map(([key, entry]) => [key, entry.value]));
}

/** The environment variables of `connections`, merged. */
export function environmentOf(...connections: SiteConnection[]): Record<string, string> {
  return Object.assign({}, ...connections.map((connection) => connection.environment)) as Record<string, string>;
}

/** A site's endpoints and logins under other namespace names (`<vendor>-<suffix>`): a second name for the same servers. */
export function aliasOf(site: OfflineTwinSite, suffix: string): SiteConnection {
  return siteConnection({ vsphere: `vsphere-${suffix}`, veeam: `veeam-${suffix}`, zstack: `zstack-${suffix}` }, site);
}

/** The vendor servers of every site, named `<site>/<vendor>` (`primary/vsphere`, `dr/zstack`). */
export function serversOf(sites: OfflineTwinSite[]): Record<string, SimulatorServer> {
  const servers: Record<string, SimulatorServer> = {};
  for (const site of sites) {
    servers[`${site.name}/vsphere`] = site.vsphere.server;
    servers[`${site.name}/veeam`] = site.veeam.server;
    servers[`${site.name}/zstack`] = site.zstack.server;
  }
  return servers;
}

/** Vendor requests each server received so far. */
export function requestCounts(sites: OfflineTwinSite[]): Record<string, number> {
  return Object.fromEntries(Object.entries(serversOf(sites)).map(([name, server]) => [name, server.stats.requests]));
}

/** The servers that received requests since `before` (a `requestCounts` result), with how many. */
export function requestsSince(sites: OfflineTwinSite[], before: Record<string, number>): Record<string, number> {
  const now = requestCounts(sites);
  return Object.fromEntries(Object.entries(now).filter(([name, count]) => count > (before[name] ?? 0)).map(([name, count]) => [name, count - (before[name] ?? 0)]));
}

/** How often a route (`POST SessionManager/Login`) was called at a server. */
export function routeCount(server: SimulatorServer, route: string): number {
  return server.stats.byRoute[route] ?? 0;
}
