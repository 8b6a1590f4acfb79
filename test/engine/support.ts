import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startOfflineTwin, type OfflineTwin } from "../../simulator";
import { pulumiDirFrom, startHost, type HostProcess } from "../../tools/engine/host";
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

/** What an engine test file shares: the installed providers, the offline twin and one dynamic-provider host. */
export interface InstalledHost {
  readonly providers: Record<string, string>;
  readonly twin: OfflineTwin;
  readonly host: HostProcess;
}

/** Installs beforeAll/afterAll hooks that stage the package, start the twin and the host, and take them down again. */
export function useInstalledHost(twinOptions: Parameters<typeof startOfflineTwin>[0] = { durationMs: 50 }): InstalledHost {
  let started: { providers: Record<string, string>; stackDir: string; twin: OfflineTwin; host: HostProcess } | undefined;
  const current = () => {
    if (!started) throw new Error("the engine host runs only between beforeAll and afterAll");
    return started;
  };
  beforeAll(async () => {
    const { providers, stackDir } = serializeInstalledProviders();
    const twin = await startOfflineTwin(twinOptions);
    const host = await startHost(pulumiDirFrom(stackDir), hostEnvironment(), stackDir);
    started = { providers, stackDir, twin, host };
  });
  afterAll(async () => {
    await started?.host.stop();
    await started?.twin.close();
    if (started) fs.rmSync(started.stackDir, { recursive: true, force: true });
    started = undefined;
  });
  return {
    get providers() {
      return current().providers;
    },
    get twin() {
      return current().twin;
    },
    get host() {
      return current().host;
    },
  };
}
