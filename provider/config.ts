import * as fs from "node:fs";
import { z } from "zod";
import { ConfigurationError } from "./errors";
import { registerSecret } from "./redact";
import { runtimeState } from "./runtime";

/**
 * Connection settings: stack config first (recorded by `configure`, secrets arrive unwrapped), then environment
 * variables, then defaults. Read at call time, never captured in the serialized provider.
 */

export interface TlsSettings {
  /** PEM text of the CA that signed the server certificate. */
  caCertificate?: string;
  allowUnverifiedSsl: boolean;
}

export interface VsphereSettings extends TlsSettings {
  origin: string;
  user: string;
  password: string;
  apiRelease?: string;
}

export interface VeeamSettings extends TlsSettings {
  origin: string;
  username: string;
  password: string;
  /** Undefined: detect from the server. */
  apiVersion?: string;
}

export interface ZstackSettings extends TlsSettings {
  origin: string;
  accountName: string;
  accountPassword: string;
}

interface SettingSource {
  configKey: string;
  envVar?: string;
}

const VSPHERE_KEYS = {
  server: { configKey: "vsphere:vsphereServer", envVar: "VSPHERE_SERVER" },
  user: { configKey: "vsphere:user", envVar: "VSPHERE_USER" },
  password: { configKey: "vsphere:password", envVar: "VSPHERE_PASSWORD" },
  allowUnverifiedSsl: { configKey: "vsphere:allowUnverifiedSsl", envVar: "VSPHERE_ALLOW_UNVERIFIED_SSL" },
  apiRelease: { configKey: "vsphere:apiRelease", envVar: "VSPHERE_API_RELEASE" },
  caCertificate: { configKey: "vsphere:caCertificate", envVar: "VSPHERE_CA_CERTIFICATE" },
};

const VEEAM_KEYS = {
  server: { configKey: "veeam:server", envVar: "VEEAM_SERVER" },
  username: { configKey: "veeam:username", envVar: "VEEAM_USERNAME" },
  password: { configKey: "veeam:password", envVar: "VEEAM_PASSWORD" },
  apiVersion: { configKey: "veeam:apiVersion", envVar: "VEEAM_API_VERSION" },
  allowUnverifiedSsl: { configKey: "veeam:allowUnverifiedSsl", envVar: "VEEAM_ALLOW_UNVERIFIED_SSL" },
  caCertificate: { configKey: "veeam:caCertificate", envVar: "VEEAM_CA_CERTIFICATE" },
};

const ZSTACK_KEYS = {
  endpoint: { configKey: "zstack:endpoint", envVar: "ZSTACK_ENDPOINT" },
  accountName: { configKey: "zstack:accountName", envVar: "ZSTACK_ACCOUNT_NAME" },
  accountPassword: { configKey: "zstack:accountPassword", envVar: "ZSTACK_ACCOUNT_PASSWORD" },
  allowUnverifiedSsl: { configKey: "zstack:allowUnverifiedSsl", envVar: "ZSTACK_ALLOW_UNVERIFIED_SSL" },
  caCertificate: { configKey: "zstack:caCertificate", envVar: "ZSTACK_CA_CERTIFICATE" },
};

/** The stack config namespaces this package reads; everything else in the stack config is ignored. */
const CONFIG_NAMESPACES = ["vsphere", "veeam", "zstack"];

/** Records the stack config handed to `configure`. Never throws: validation happens when a setting is used. */
export function recordStackConfig(values: Record<string, string | undefined>): void {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (!CONFIG_NAMESPACES.includes(key.split(":")[0] ?? "")) continue;
    kept[key] = value;
    if (/password|secret|token/i.test(key)) registerSecret(value);
  }
  const state = runtimeState();
  state.stackConfig = kept;
  state.configured = true;
}

function lookup(source: SettingSource): string | undefined {
  const fromStack = runtimeState().stackConfig[source.configKey];
  if (fromStack !== undefined && fromStack !== "") return fromStack;
  const fromEnv = source.envVar ? process.env[source.envVar] : undefined;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

function settingName(source: SettingSource): string {
  return source.envVar ? `${source.configKey} (or ${source.envVar})` : source.configKey;
}

function required(source: SettingSource, what: string): string {
  const value = lookup(source);
  if (value === undefined) {
    throw new ConfigurationError(
      `${what} is not set: run \`pulumi config set ${source.configKey}${/password/i.test(source.configKey) ? " --secret" : ""} <value>\` or set ${source.envVar}.`,
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
export function parseServerOrigin(raw: string, source: SettingSource): string {
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
  return url.origin;
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
  throw new ConfigurationError(
    `${settingName(source)} must be PEM text or the path of a readable PEM file; "${value}" is neither.`,
    source.configKey,
  );
}

function tlsSettings(keys: { allowUnverifiedSsl: SettingSource; caCertificate: SettingSource }): TlsSettings {
  return { allowUnverifiedSsl: booleanSetting(keys.allowUnverifiedSsl), caCertificate: caCertificate(keys.caCertificate) };
}

export function vsphereSettings(): VsphereSettings {
  const origin = parseServerOrigin(required(VSPHERE_KEYS.server, "The vCenter address"), VSPHERE_KEYS.server);
  const user = required(VSPHERE_KEYS.user, "The vSphere user");
  const password = required(VSPHERE_KEYS.password, "The vSphere password");
  registerSecret(password);
  const apiRelease = lookup(VSPHERE_KEYS.apiRelease);
  if (apiRelease !== undefined && !z.string().regex(/^\d+\.\d+\.\d+\.\d+$/).safeParse(apiRelease).success) {
    throw new ConfigurationError(
      `${settingName(VSPHERE_KEYS.apiRelease)} must be a VI/JSON release such as 8.0.3.0 or 9.0.0.0; got "${apiRelease}".`,
      VSPHERE_KEYS.apiRelease.configKey,
    );
  }
  return { origin, user, password, apiRelease, ...tlsSettings(VSPHERE_KEYS) };
}

export function veeamSettings(): VeeamSettings {
  const origin = parseServerOrigin(required(VEEAM_KEYS.server, "The Veeam Orchestrator address"), VEEAM_KEYS.server);
  const username = required(VEEAM_KEYS.username, "The Veeam user name");
  const password = required(VEEAM_KEYS.password, "The Veeam password");
  registerSecret(password);
  const apiVersion = lookup(VEEAM_KEYS.apiVersion);
  if (apiVersion !== undefined && !/^v\d+(\.\d+)*$/.test(apiVersion)) {
    throw new ConfigurationError(
      `${settingName(VEEAM_KEYS.apiVersion)} must be v2 (Availability Orchestrator) or a Recovery Orchestrator version such as v7.21 or v13; got "${apiVersion}".`,
      VEEAM_KEYS.apiVersion.configKey,
    );
  }
  return { origin, username, password, apiVersion, ...tlsSettings(VEEAM_KEYS) };
}

export function zstackSettings(): ZstackSettings {
  const origin = parseServerOrigin(required(ZSTACK_KEYS.endpoint, "The ZStack endpoint"), ZSTACK_KEYS.endpoint);
  const accountName = required(ZSTACK_KEYS.accountName, "The ZStack account name");
  const accountPassword = required(ZSTACK_KEYS.accountPassword, "The ZStack account password");
  registerSecret(accountPassword);
  return { origin, accountName, accountPassword, ...tlsSettings(ZSTACK_KEYS) };
}

/** The stack config key behind a setting, for error messages that must name it. */
export const SETTING_KEYS = { vsphere: VSPHERE_KEYS, veeam: VEEAM_KEYS, zstack: ZSTACK_KEYS };
