import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Lays the built package out as npm installs it (`<dir>/node_modules/pulumi-vm-availability` with the files
 * package.json ships) and links the repo's installed dependencies beside it. Serializing providers from there gives
 * exactly what a user's stack stores: the package's own files captured by `require`, not by value. The package test
 * does the same with a real `npm pack` and `npm install`; this is the fast variant for engine tests and the demo.
 */
export function stageInstall(repo: string, dir: string): string {
  const modules = path.join(dir, "node_modules");
  const target = path.join(modules, "pulumi-vm-availability");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(repo, "package.json"), path.join(target, "package.json"));
  for (const folder of ["provider", "simulator"]) {
    fs.cpSync(path.join(repo, "dist", folder), path.join(target, "dist", folder), { recursive: true, filter: (source) => !source.endsWith(".map") });
  }
  for (const entry of fs.readdirSync(path.join(repo, "node_modules"))) {
    if (entry === "pulumi-vm-availability" || entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(repo, "node_modules", entry), path.join(modules, entry), "dir");
  }
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "staged-stack", private: true }));
  return dir;
}
