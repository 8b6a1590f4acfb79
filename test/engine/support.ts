import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stageInstall } from "../../tools/engine/stageInstall";

export const REPO = path.resolve(__dirname, "..", "..");

/**
 * Serializes the providers in a separate Node process, as `pulumi.dynamic.Resource` does in a user's program (jest's
 * module registry is not Node's, and the closure serializer reads Node's). `target` is the repo's compiled package
 * (local files captured by value) or an installed package name resolved from `fromDir` (captured by require).
 */
export function serializeProviders(target = path.join(REPO, "dist", "provider", "index.js"), fromDir = REPO): Record<string, string> {
  const script = path.join(REPO, "dist", "tools", "engine", "serializeProviders.js");
  const text = execFileSync(process.execPath, [script, target, fromDir], { cwd: fromDir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(text) as Record<string, string>;
}

/** Serializes from a staged install of the built package: what a user's stack stores. */
export function serializeInstalledProviders(): { providers: Record<string, string>; stackDir: string } {
  const stackDir = stageInstall(REPO, path.join(os.tmpdir(), `pva-engine-${process.pid}-${Date.now()}`));
  return { providers: serializeFromStack(stackDir), stackDir };
}

/**
 * Runs the serializer from inside the stack's folder, as a user's program runs: run from the repo, the SDK resolves
 * package.json files from the repo (which is itself "pulumi-vm-availability") and captures everything by value.
 */
export function serializeFromStack(stackDir: string): Record<string, string> {
  const script = path.join(stackDir, "serialize-providers.js");
  fs.copyFileSync(path.join(REPO, "dist", "tools", "engine", "serializeProviders.js"), script);
  const text = execFileSync(process.execPath, [script, "pulumi-vm-availability", stackDir], { cwd: stackDir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(text) as Record<string, string>;
}

/** The stack config a user would set, pointing at the twin; passwords as secrets. */
export function stackConfigFor(environment: Record<string, string>): Record<string, { value: string; secret?: boolean }> {
  return {
    "vsphere:vsphereServer": { value: environment["VSPHERE_SERVER"]! },
    "vsphere:user": { value: environment["VSPHERE_USER"]! },
    "vsphere:password": { value: environment["VSPHERE_PASSWORD"]!, secret: true },
    "veeam:server": { value: environment["VEEAM_SERVER"]! },
    "veeam:username": { value: environment["VEEAM_USERNAME"]! },
    "veeam:password": { value: environment["VEEAM_PASSWORD"]!, secret: true },
    "zstack:endpoint": { value: environment["ZSTACK_ENDPOINT"]! },
    "zstack:accountName": { value: environment["ZSTACK_ACCOUNT_NAME"]! },
    "zstack:accountPassword": { value: environment["ZSTACK_ACCOUNT_PASSWORD"]!, secret: true },
  };
}

/** A host environment without the providers' environment variables: settings must come from Configure. */
export function hostEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VSPHERE|VEEAM|ZSTACK)_/.test(key)) continue;
    env[key] = value;
  }
  return env;
}
