import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { requestedPulumiVersion } from "../../tools/engine/stageInstall";
import { REPO } from "../engine/support";

/**
 * The package as a user gets it: `npm pack` of the built repo, installed from the tarball into a clean folder with npm
 * on the Node running the tests. `@pulumi/pulumi` is the version the run asks for (a CI matrix leg), otherwise
 * whatever npm picks for this Node from the package's range.
 */
export interface PackedInstall {
  tarball: string;
  /** Paths inside the tarball. */
  shipped: string[];
  /** The folder the tarball was installed into (it has a package.json and node_modules). */
  stackDir: string;
}

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

/** `npm pack` skips `prepare` here: `npm test` built dist/ already, and a rebuild would rewrite it under other suites. */
function pack(workDir: string): { tarball: string; shipped: string[] } {
  const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", workDir], REPO)) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(workDir, packed[0]!.filename), shipped: packed[0]!.files.map((f) => f.path) };
}

/** Installs the tarball (and `extra` registry packages, e.g. TypeScript) into `<workDir>/<name>`. */
export function packAndInstall(workDir: string, name: string, extra: Record<string, string> = {}, options: { omitDev?: boolean } = {}): PackedInstall {
  const { tarball, shipped } = pack(workDir);
  const stackDir = path.join(workDir, name);
  fs.mkdirSync(stackDir, { recursive: true });
  const version = requestedPulumiVersion();
  const dependencies = { "pulumi-vm-availability": `file:${tarball}`, ...(version ? { "@pulumi/pulumi": version } : {}) };
  fs.writeFileSync(path.join(stackDir, "package.json"), JSON.stringify({ name: `user-${name}`, private: true, dependencies, devDependencies: extra }, null, 2));
  npm(["install", ...(options.omitDev ? ["--omit=dev"] : []), "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], stackDir);
  return { tarball, shipped, stackDir };
}

/** The version of a package installed in `stackDir`. */
export function installedVersion(stackDir: string, name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(stackDir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}
