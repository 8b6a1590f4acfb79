import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stageInstall } from "../engine/stageInstall";

/** The repository root (this file runs from dist/tools/bench). */
export const REPO = path.resolve(__dirname, "..", "..", "..");

export interface StagedStack {
  dir: string;
  /** Serialized provider text by export name (ftSecondaryProvider, …), as a user's stack stores it in `__provider`. */
  providers: Record<string, string>;
  remove(): void;
}

/**
 * Lays the built package out as npm installs it and serializes the providers from inside that folder, as a user's
 * program does. Run from the repo instead, the serializer captures the package's files by value (60–150 KB each).
 */
export function stageStack(): StagedStack {
  const dir = stageInstall(REPO, path.join(os.tmpdir(), `pva-bench-${process.pid}-${Date.now()}`));
  const script = path.join(dir, "serialize-providers.js");
  fs.copyFileSync(path.join(REPO, "dist", "tools", "engine", "serializeProviders.js"), script);
  const text = execFileSync(process.execPath, [script, "pulumi-vm-availability", dir], { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return {
    dir,
    providers: JSON.parse(text) as Record<string, string>,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The host's environment without the providers' variables: settings come from Configure, as under the CLI. */
export function hostEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(VSPHERE|VEEAM|ZSTACK)_/.test(key)) env[key] = value;
  return env;
}

/** Peak and current resident set size of a process (Linux /proc), in bytes; undefined elsewhere. */
export function memoryOf(pid: number | undefined): { peakRss: number; rss: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { peakRss: kb("VmHWM"), rss: kb("VmRSS") };
  } catch {
    return undefined;
  }
}
