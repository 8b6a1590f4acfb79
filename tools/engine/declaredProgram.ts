import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DeclaredResource, OutputLookup, StateEntry } from "./engine";

/**
 * The resources a Pulumi program declares, found by running it (see programRunner.ts) from a stack folder where the
 * package is installed, so that its providers are serialized exactly as in a user's stack.
 */
export function declaredProgram(repo: string, stackDir: string, programDir: string, project: string, config: Record<string, string>): DeclaredResource[] {
  const registered = JSON.parse(runProgram(repo, stackDir, programDir, project, config)) as { type: string; name: string; inputs: Record<string, unknown> }[];
  // Under the mocks a resource's id is "<name>-id" (see programRunner.ts): an input holding the id of a resource
  // registered before it becomes a reference to that resource's real id in the engine.
  const idOf = new Map<string, string>();
  return registered.map(({ type, name, inputs }) => {
    const { __provider: provider, ...rest } = inputs;
    if (typeof provider !== "string" || !type.startsWith("pulumi-nodejs:dynamic/")) throw new Error(`${name} (${type}) is not a dynamic resource of this package`);
    const references = Object.entries(rest).filter((entry): entry is [string, string] => typeof entry[1] === "string" && idOf.has(entry[1]));
    idOf.set(`${name}-id`, name);
    const declared = { name, type: type.slice("pulumi-nodejs:dynamic/".length), provider };
    if (references.length === 0) return { ...declared, inputs: rest };
    return { ...declared, inputs: (output: OutputLookup) => ({ ...rest, ...Object.fromEntries(references.map(([key, id]) => [key, output(idOf.get(id)!, "id")])) }) };
  });
}

/**
 * A program's exports (its stack outputs) as the program computes them when the engine hands each resource its
 * recorded outputs: what `pulumi up` prints under `Outputs:`.
 */
export function programOutputs(repo: string, stackDir: string, programDir: string, project: string, config: Record<string, string>, state: Map<string, StateEntry>): Record<string, unknown> {
  const recorded = path.join(stackDir, "recorded-state.json");
  fs.writeFileSync(recorded, JSON.stringify(Object.fromEntries([...state].map(([name, entry]) => [name, { id: entry.id, outputs: entry.outputs }]))));
  return JSON.parse(runProgram(repo, stackDir, programDir, project, config, recorded)) as Record<string, unknown>;
}

/** Runs a program with programRunner from the stack folder and returns what it printed. */
function runProgram(repo: string, stackDir: string, programDir: string, project: string, config: Record<string, string>, recorded?: string): string {
  const runner = path.join(stackDir, "program-runner.js");
  if (!fs.existsSync(runner)) fs.copyFileSync(path.join(repo, "dist", "tools", "engine", "programRunner.js"), runner);
  const copy = path.join(stackDir, "programs", path.basename(programDir));
  fs.mkdirSync(copy, { recursive: true });
  for (const file of ["index.ts", "tsconfig.json"]) if (fs.existsSync(path.join(programDir, file))) fs.copyFileSync(path.join(programDir, file), path.join(copy, file));
  const args = [runner, copy, project, JSON.stringify(config), ...(recorded ? [recorded] : [])];
  return execFileSync(process.execPath, args, { cwd: stackDir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}
