import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Lays the built package out as npm installs it (`<dir>/node_modules/pulumi-vm-availability` with the files
 * package.json ships) and links the stack's other dependencies beside it. Serializing providers from there gives
 * exactly what a user's stack stores: the package's own files captured by `require`, not by value. The package test
 * does the same with a real `npm pack` and `npm install`; this is the fast variant for engine tests and the demo.
 */
export function stageInstall(repo: string, dir: string): string {
  const dependencies = stackDependencies(repo);
  const modules = path.join(dir, "node_modules");
  const target = path.join(modules, "pulumi-vm-availability");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(repo, "package.json"), path.join(target, "package.json"));
  for (const folder of ["provider", "simulator"]) {
    fs.cpSync(path.join(repo, "dist", folder), path.join(target, "dist", folder), { recursive: true, filter: (source) => !source.endsWith(".map") });
  }
  for (const entry of fs.readdirSync(dependencies)) {
    if (entry === "pulumi-vm-availability" || entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(dependencies, entry), path.join(modules, entry), "dir");
  }
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "staged-stack", private: true }));
  return dir;
}

/** The `@pulumi/pulumi` version a run asks for (`PVA_PULUMI_VERSION`, set by each leg of the CI matrix), if any. */
export function requestedPulumiVersion(): string | undefined {
  return process.env["PVA_PULUMI_VERSION"] || undefined;
}

/**
 * The node_modules a staged stack links. Without a requested SDK version, the repo's own. With one, a folder where npm,
 * on the Node running this, installed that `@pulumi/pulumi` and the package's other dependencies (what a user on that
 * Node gets), plus ts-node and TypeScript to run example programs. Installed once per SDK version and Node major;
 * concurrent callers each install into their own folder and the first to rename it into place wins.
 */
export function stackDependencies(repo: string, version = requestedPulumiVersion()): string {
  if (!version) return path.join(repo, "node_modules");
  const nodeMajor = process.versions.node.split(".")[0]!;
  const dir = path.join(repo, ".tmp", "sdk", `pulumi-${version}-node${nodeMajor}`);
  const modules = path.join(dir, "node_modules");
  if (fs.existsSync(path.join(modules, "@pulumi", "pulumi", "package.json"))) return modules;

  const manifest = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const partial = `${dir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const dependencies = {
    ...manifest.dependencies,
    "@pulumi/pulumi": version,
    "ts-node": manifest.devDependencies["ts-node"]!,
    typescript: manifest.devDependencies["typescript"]!,
  };
  fs.writeFileSync(path.join(partial, "package.json"), JSON.stringify({ name: "staged-dependencies", private: true, dependencies }));
  try {
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: partial, stdio: ["ignore", "ignore", "pipe"] });
    fs.renameSync(partial, dir);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    if (!fs.existsSync(path.join(modules, "@pulumi", "pulumi", "package.json"))) throw error;
  }
  return modules;
}
