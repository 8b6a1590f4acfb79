/**
 * How a stack reaches one site of the offline twin: the stack-config namespaces of its three connections (`vsphere`,
 * `veeam`, `zstack` for the first site; `vsphere-dr`, … for the second), the keys under them, and the environment
 * variables that stand in for them (the namespace upper-cased, every run of other characters turned into `_`, then
 * `_` and the setting's suffix: `vsphere-dr` → `VSPHERE_DR_SERVER`). Written here again rather than imported from the
 * provider: the twin shares no code with the clients.
 */

export interface SiteNamespaces {
  vsphere: string;
  veeam: string;
  zstack: string;
}

/** The login of one vendor endpoint, as the simulators expose it. */
export interface SiteEndpoints {
  vsphere: { url: string; username: string; password: string };
  veeam: { url: string; username: string; password: string };
  zstack: { url: string; accountName: string; password: string };
}

export interface StackConfigEntry {
  value: string;
  /** Set with `pulumi config set --secret`. */
  secret: boolean;
}

export interface SiteConnection {
  /** Stack config key (`vsphere-dr:user`) → value, in the order `pulumi config set` lines are printed. */
  stackConfig: Record<string, StackConfigEntry>;
  /** Environment variable (`VSPHERE_DR_USER`) → value. */
  environment: Record<string, string>;
}

interface Setting<Vendor extends keyof SiteEndpoints> {
  key: string;
  environmentSuffix: string;
  secret: boolean;
  read: (endpoint: SiteEndpoints[Vendor]) => string;
}

const SETTINGS: { [Vendor in keyof SiteEndpoints]: Setting<Vendor>[] } = {
  vsphere: [
    { key: "vsphereServer", environmentSuffix: "SERVER", secret: false, read: (endpoint) => endpoint.url },
    { key: "user", environmentSuffix: "USER", secret: false, read: (endpoint) => endpoint.username },
    { key: "password", environmentSuffix: "PASSWORD", secret: true, read: (endpoint) => endpoint.password },
  ],
  veeam: [
    { key: "server", environmentSuffix: "SERVER", secret: false, read: (endpoint) => endpoint.url },
    { key: "username", environmentSuffix: "USERNAME", secret: false, read: (endpoint) => endpoint.username },
    { key: "password", environmentSuffix: "PASSWORD", secret: true, read: (endpoint) => endpoint.password },
  ],
  zstack: [
    { key: "endpoint", environmentSuffix: "ENDPOINT", secret: false, read: (endpoint) => endpoint.url },
    { key: "accountName", environmentSuffix: "ACCOUNT_NAME", secret: false, read: (endpoint) => endpoint.accountName },
    { key: "accountPassword", environmentSuffix: "ACCOUNT_PASSWORD", secret: true, read: (endpoint) => endpoint.password },
  ],
};

/** "primary" for the first site (index 0), "dr" for the second, "dr2", "dr3"… after that. */
export function siteName(index: number): string {
  if (index === 0) return "primary";
  return index === 1 ? "dr" : `dr${index}`;
}

/** The first site keeps the default namespaces; every other site appends `-<site name>` (`vsphere-dr`). */
export function siteNamespaces(index: number): SiteNamespaces {
  const suffix = index === 0 ? "" : `-${siteName(index)}`;
  return { vsphere: `vsphere${suffix}`, veeam: `veeam${suffix}`, zstack: `zstack${suffix}` };
}

/** `vsphere-dr` + `SERVER` → `VSPHERE_DR_SERVER`. */
export function environmentVariable(namespace: string, suffix: string): string {
  return `${namespace.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_${suffix}`;
}

/** The stack config and the environment that point a stack's connections (under `namespaces`) at `endpoints`. */
export function siteConnection(namespaces: SiteNamespaces, endpoints: SiteEndpoints): SiteConnection {
  const connection: SiteConnection = { stackConfig: {}, environment: {} };
  const add = <Vendor extends keyof SiteEndpoints>(vendor: Vendor): void => {
    for (const setting of SETTINGS[vendor]) {
      const value = setting.read(endpoints[vendor]);
      connection.stackConfig[`${namespaces[vendor]}:${setting.key}`] = { value, secret: setting.secret };
      connection.environment[environmentVariable(namespaces[vendor], setting.environmentSuffix)] = value;
    }
  };
  add("vsphere");
  add("veeam");
  add("zstack");
  return connection;
}
