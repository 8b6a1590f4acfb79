import * as fs from "node:fs";
import { ConfigurationError } from "./errors";
import { registerSecret } from "./redact";
import { runtimeState } from "./runtime";

/**
 * Connection settings: stack config first (recorded by `configure`, secrets arrive unwrapped), then environment
 * variables, then defaults. Read at call time, never captured in the serialized provider.
 *
 * Each vendor's settings live in a stack-config namespace: `vsphere`, `veeam` and `zstack` by default, or any namespace a
 * resource names in its `connection` input (`vsphere-dr`), holding the same keys. The environment fallback of a
 * namespace is its name upper-cased with every run of characters other than A-Z and 0-9 turned into `_`, then `_` and the
 * key's suffix: `vsphere-dr:vsphereServer` → `VSPHERE_DR_SERVER`.
 */

export type Vendor = "vsphere" | "veeam" | "zstack";

export interface TlsSettings {
  /** PEM text of the CA that signed the server certificate. */
  caCertificate?: string;
  allowUnverifiedSsl: boolean;
}

interface ConnectionIdentity {
  /** The stack-config namespace the settings were read from, e.g. "vsphere" or "vsphere-dr". */
  namespace: string;
  /** The origin requests go to: `https://vc.example.com` (default ports left out, as URL.origin has them). */
  origin: string;
  /** The server as scheme://host:port, port always given: what outputs record and caches are keyed by. */
  endpoint: string;
}

export interface VsphereSettings extends TlsSettings, ConnectionIdentity {
  user: string;
  password: string;
  apiRelease?: string;
}

export interface VeeamSettings extends TlsSettings, ConnectionIdentity {
  username: string;
  password: string;
  /** Undefined: detect from the server. */
  apiVersion?: string;
}

export interface ZstackSettings extends TlsSettings, ConnectionIdentity {
  accountName: string;
  accountPassword: string;
}

/** A setting of a vendor: its key inside the namespace and the suffix of its environment variable. */
interface SettingSpec {
  key: string;
  envSuffix: string;
  /** For messages: "The vCenter address". */
  what: string;
  secret?: boolean;
}

const SETTINGS = {
  vsphere: {
    server: { key: "vsphereServer", envSuffix: "SERVER", what: "The vCenter address" },
    user: { key: "user", envSuffix: "USER", what: "The vSphere user" },
    password: { key: "password", envSuffix: "PASSWORD", what: "The vSphere password", secret: true },
    allowUnverifiedSsl: { key: "allowUnverifiedSsl", envSuffix: "ALLOW_UNVERIFIED_SSL", what: "Skipping TLS verification" },
    apiRelease: { key: "apiRelease", envSuffix: "API_RELEASE", what: "The VI/JSON release" },
    caCertificate: { key: "caCertificate", envSuffix: "CA_CERTIFICATE", what: "The CA certificate" },
  },
  veeam: {
    server: { key: "server", envSuffix: "SERVER", what: "The Veeam Orchestrator address" },
    username: { key: "username", envSuffix: "USERNAME", what: "The Veeam user name" },
    password: { key: "password", envSuffix: "PASSWORD", what: "The Veeam password", secret: true },
    apiVersion: { key: "apiVersion", envSuffix: "API_VERSION", what: "The Orchestrator API version" },
    allowUnverifiedSsl: { key: "allowUnverifiedSsl", envSuffix: "ALLOW_UNVERIFIED_SSL", what: "Skipping TLS verification" },
    caCertificate: { key: "caCertificate", envSuffix: "CA_CERTIFICATE", what: "The CA certificate" },
  },
  zstack: {
    endpoint: { key: "endpoint", envSuffix: "ENDPOINT", what: "The ZStack endpoint" },
    accountName: { key: "accountName", envSuffix: "ACCOUNT_NAME", what: "The ZStack account name" },
    accountPassword: { key: "accountPassword", envSuffix: "ACCOUNT_PASSWORD", what: "The ZStack account password", secret: true },
    allowUnverifiedSsl: { key: "allowUnverifiedSsl", envSuffix: "ALLOW_UNVERIFIED_SSL", what: "Skipping TLS verification" },
    caCertificate: { key: "caCertificate", envSuffix: "CA_CERTIFICATE", what: "The CA certificate" },
  },
} as const satisfies Record<Vendor, Record<string, SettingSpec>>;

/** The setting that holds the server address, per vendor. */
const SERVER_SETTING = { vsphere: SETTINGS.vsphere.server, veeam: SETTINGS.veeam.server, zstack: SETTINGS.zstack.endpoint } as const;

/** The settings a namespace needs before anything can be called: server, user and password. */
const REQUIRED_SETTINGS: Record<Vendor, readonly SettingSpec[]> = {
  vsphere: [SETTINGS.vsphere.server, SETTINGS.vsphere.user, SETTINGS.vsphere.password],
  veeam: [SETTINGS.veeam.server, SETTINGS.veeam.username, SETTINGS.veeam.password],
  zstack: [SETTINGS.zstack.endpoint, SETTINGS.zstack.accountName, SETTINGS.zstack.accountPassword],
};

/** A stack config key and the environment variable behind it. */
export interface SettingSource {
  configKey: string;
  envVar: string;
}

const NAMESPACE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

/** Why a `connection` value is not a usable namespace name, or undefined when it is one. */
export function namespaceProblem(namespace: unknown): string | undefined {
  if (typeof namespace !== "string") return "must be a string: the name of a stack-config namespace such as \"vsphere-dr\"";
  if (namespace === "") return "must not be empty: give the name of a stack-config namespace such as \"vsphere-dr\", or leave it out for the default";
  if (!NAMESPACE_PATTERN.test(namespace)) {
    return `must be a namespace name (a letter, then letters, digits, "-" or "_"; at most 63 characters); got ${JSON.stringify(namespace.length > 80 ? `${namespace.slice(0, 80)}…` : namespace)}`;
  }
  return undefined;
}

/** The environment-variable prefix of a namespace: `vsphere-dr` → `VSPHERE_DR`. */
export function environmentPrefix(namespace: string): string {
  return namespace.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

export function settingSource(namespace: string, spec: SettingSpec): SettingSource {
  return { configKey: `${namespace}:${spec.key}`, envVar: `${environmentPrefix(namespace)}_${spec.envSuffix}` };
}

/** The source of the server address of a vendor in a namespace (e.g. `vsphere-dr:vsphereServer` / `VSPHERE_DR_SERVER`). */
export function serverSource(vendor: Vendor, namespace: string = vendor): SettingSource {
  return settingSource(namespace, SERVER_SETTING[vendor]);
}

/**
 * Records the stack config handed to `configure`: every key of every namespace (a resource may name any namespace in its
 * `connection`), in memory only. Never throws: validation happens when a setting is used.
 */
export function recordStackConfig(values: Record<string, string | undefined>): void {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || typeof value !== "string" || !key.includes(":")) continue;
    Object.defineProperty(kept, key, { value, enumerable: true, writable: true, configurable: true });
    if (/password|secret|token/i.test(key)) registerSecret(value);
  }
  const state = runtimeState();
  state.stackConfig = kept;
  state.configured = true;
}

/**
 * Records one vendor's settings in one namespace as a Pulumi program reads them (`get` answers a key of the namespace,
 * e.g. `new pulumi.Config(namespace).get`), in place of what was recorded for them before; other keys stay. A program process never gets `configure`:
 * this lets the same settings functions (stack config, then environment) serve it. Secrets are registered for redaction.
 */
export function recordNamespaceSettings(vendor: Vendor, namespace: string, get: (key: string) => string | undefined): void {
  const problem = namespaceProblem(namespace);
  if (problem) throw new ConfigurationError(`connection ${problem}.`, "connection");
  const state = runtimeState();
  const kept: Record<string, string> = { ...state.stackConfig };
  for (const spec of Object.values(SETTINGS[vendor]) as SettingSpec[]) {
    const value = get(spec.key);
    const { configKey } = settingSource(namespace, spec);
    if (typeof value !== "string") {
      delete kept[configKey];
      continue;
    }
    Object.defineProperty(kept, configKey, { value, enumerable: true, writable: true, configurable: true });
    if (spec.secret) registerSecret(value);
  }
  state.stackConfig = kept;
}

function lookup(source: SettingSource): string | undefined {
  const config = runtimeState().stackConfig;
  const fromStack = Object.prototype.hasOwnProperty.call(config, source.configKey) ? config[source.configKey] : undefined;
  if (fromStack !== undefined && fromStack !== "") return fromStack;
  const fromEnv = process.env[source.envVar];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

function settingName(source: SettingSource): string {
  return `${source.configKey} (or ${source.envVar})`;
}

function required(source: SettingSource, spec: SettingSpec): string {
  const value = lookup(source);
  if (value === undefined) {
    throw new ConfigurationError(
      `${spec.what} is not set: run \`pulumi config set${spec.secret ? " --secret" : ""} ${source.configKey} <value>\` or set ${source.envVar}.`,
      source.configKey,
    );
  }
  return value;
}

function booleanSetting(source: SettingSource): boolean {
  const value = lookup(source);
  if (value === undefined) return false;
  const normalized = value.trim().toLowerCase();
  if (["true", "1", "yes"].includes(normalized)) return true;
  if (["false", "0", "no"].includes(normalized)) return false;
  throw new ConfigurationError(`${settingName(source)} must be true or false; got "${value}".`, source.configKey);
}

/** A bare host (https is assumed) or an http(s) URL; only the origin is kept. */
export function parseServerOrigin(raw: string, source: SettingSource): { origin: string; endpoint: string } {
  const trimmed = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigurationError(`${settingName(source)} must be a host name or an http(s) URL; got "${raw}".`, source.configKey);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`${settingName(source)} must use http or https; got "${url.protocol.replace(":", "")}".`, source.configKey);
  }
  if (!url.hostname || url.username || url.password) {
    throw new ConfigurationError(`${settingName(source)} must be a host name or an http(s) URL without credentials; got "${raw}".`, source.configKey);
  }
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return { origin: url.origin, endpoint: `${url.protocol}//${url.hostname}:${port}` };
}

function caCertificate(source: SettingSource): string | undefined {
  const value = lookup(source);
  if (value === undefined) return undefined;
  if (value.includes("-----BEGIN CERTIFICATE-----")) return value;
  try {
    // Only a regular file of sane size: a device (/dev/zero), a FIFO or a directory would hang or exhaust memory.
    const stat = fs.statSync(value);
    if (stat.isFile() && stat.size <= 1024 * 1024) {
      const text = fs.readFileSync(value, "utf8");
      if (text.includes("-----BEGIN CERTIFICATE-----")) return text;
    }
  } catch {
    // fall through to the error below
  }
  throw new ConfigurationError(`${settingName(source)} must be PEM text or the path of a readable PEM file; "${value}" is neither.`, source.configKey);
}

/** The keys of a namespace that are set in the stack config or the environment, whatever vendor they belong to. */
function keysSetIn(namespace: string): string[] {
  const found = new Set<string>();
  for (const key of Object.keys(runtimeState().stackConfig)) if (key.startsWith(`${namespace}:`)) found.add(key);
  for (const specs of Object.values(SETTINGS)) {
    for (const spec of Object.values(specs) as SettingSpec[]) {
      const source = settingSource(namespace, spec);
      if (process.env[source.envVar]) found.add(source.envVar);
    }
  }
  return [...found].sort();
}

/**
 * Opens a vendor's namespace: validates its name and finds its server. A namespace with no server set is one sentence
 * naming the namespace, the keys and the variables to set (and what the namespace does hold, when it holds something).
 */
function serverOf(vendor: Vendor, namespace: string): { raw: string; source: SettingSource } {
  const problem = namespaceProblem(namespace);
  if (problem) throw new ConfigurationError(`connection ${problem}.`, "connection");
  const source = serverSource(vendor, namespace);
  const raw = lookup(source);
  if (raw !== undefined) return { raw, source };
  const [, user, password] = REQUIRED_SETTINGS[vendor].map((spec) => settingSource(namespace, spec)) as [SettingSource, SettingSource, SettingSource];
  const held = keysSetIn(namespace);
  const holding = held.length > 0 ? ` The namespace holds only ${held.join(", ")}: use one namespace per vendor and site.` : "";
  throw new ConfigurationError(
    `${SERVER_SETTING[vendor].what} is not set in namespace "${namespace}": run \`pulumi config set ${source.configKey} <value>\` (with ${user.configKey} and, as a secret, ${password.configKey}) or set ${source.envVar}, ${user.envVar} and ${password.envVar}.${holding}`,
    source.configKey,
  );
}

function tlsSettings(namespace: string, specs: { allowUnverifiedSsl: SettingSpec; caCertificate: SettingSpec }): TlsSettings {
  return {
    allowUnverifiedSsl: booleanSetting(settingSource(namespace, specs.allowUnverifiedSsl)),
    caCertificate: caCertificate(settingSource(namespace, specs.caCertificate)),
  };
}

export function vsphereSettings(namespace = "vsphere"): VsphereSettings {
  const specs = SETTINGS.vsphere;
  const server = serverOf("vsphere", namespace);
  const { origin, endpoint } = parseServerOrigin(server.raw, server.source);
  const user = required(settingSource(namespace, specs.user), specs.user);
  const password = required(settingSource(namespace, specs.password), specs.password);
  registerSecret(password);
  const releaseSource = settingSource(namespace, specs.apiRelease);
  const apiRelease = lookup(releaseSource);
  if (apiRelease !== undefined && !/^\d+\.\d+\.\d+\.\d+$/.test(apiRelease)) {
    throw new ConfigurationError(`${settingName(releaseSource)} must be a VI/JSON release such as 8.0.3.0 or 9.0.0.0; got "${apiRelease}".`, releaseSource.configKey);
  }
  return { namespace, origin, endpoint, user, password, apiRelease, ...tlsSettings(namespace, specs) };
}

export function veeamSettings(namespace = "veeam"): VeeamSettings {
  const specs = SETTINGS.veeam;
  const server = serverOf("veeam", namespace);
  const { origin, endpoint } = parseServerOrigin(server.raw, server.source);
  const username = required(settingSource(namespace, specs.username), specs.username);
  const password = required(settingSource(namespace, specs.password), specs.password);
  registerSecret(password);
  const versionSource = settingSource(namespace, specs.apiVersion);
  const apiVersion = lookup(versionSource);
  if (apiVersion !== undefined && !/^v\d+(\.\d+)*$/.test(apiVersion)) {
    throw new ConfigurationError(
      `${settingName(versionSource)} must be v2 (Availability Orchestrator) or a Recovery Orchestrator version such as v7.21 or v13; got "${apiVersion}".`,
      versionSource.configKey,
    );
  }
  return { namespace, origin, endpoint, username, password, apiVersion, ...tlsSettings(namespace, specs) };
}

export function zstackSettings(namespace = "zstack"): ZstackSettings {
  const specs = SETTINGS.zstack;
  const server = serverOf("zstack", namespace);
  const { origin, endpoint } = parseServerOrigin(server.raw, server.source);
  const accountName = required(settingSource(namespace, specs.accountName), specs.accountName);
  const accountPassword = required(settingSource(namespace, specs.accountPassword), specs.accountPassword);
  registerSecret(accountPassword);
  return { namespace, origin, endpoint, accountName, accountPassword, ...tlsSettings(namespace, specs) };
}

/** The source of any setting of a vendor in a namespace, for messages that must name it. */
export function sourceOf<V extends Vendor>(vendor: V, setting: keyof (typeof SETTINGS)[V], namespace: string = vendor): SettingSource {
  return settingSource(namespace, SETTINGS[vendor][setting] as SettingSpec);
}

/** Every setting of a vendor in a namespace, with its stack config key and environment variable. */
export function settingSources(vendor: Vendor, namespace: string = vendor): Record<string, SettingSource> {
  const sources: Record<string, SettingSource> = {};
  for (const [name, spec] of Object.entries(SETTINGS[vendor]) as [string, SettingSpec][]) sources[name] = settingSource(namespace, spec);
  return sources;
}
