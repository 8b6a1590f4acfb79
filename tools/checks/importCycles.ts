/**
 * Finds import cycles among the TypeScript files under some folders: every `import`, `import type`, `export … from` and
 * `import("…")` with a relative specifier is an edge (a type-only import ties two modules as much as a value import:
 * neither can be read, moved or tested without the other). Other packages are not followed.
 *
 * Usage: node dist/tools/checks/importCycles.js [folder…]   (default: provider simulator; exits 1 when it finds a cycle)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** The .ts files under `folder` (declaration files excluded), as absolute paths. */
function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(full);
  }
  return files;
}

/** The file a relative specifier names (`./x` → x.ts or x/index.ts), or undefined when it is not one of ours. */
function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ""));
  return [`${base}.ts`, path.join(base, "index.ts"), base].find((candidate) => candidate.endsWith(".ts") && fs.existsSync(candidate));
}

/** Each file's relative imports (type-only ones included), resolved to files. */
export function importGraph(folders: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap(sourceFiles)) {
    const imported = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles;
    const targets = imported.map((reference) => resolveRelative(file, reference.fileName)).filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components with more than one file, or one file importing itself (Tarjan's algorithm). */
function tangledGroups(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (file: string): void => {
    index.set(file, counter);
    lowest.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowest.set(file, Math.min(lowest.get(file)!, lowest.get(next)!));
      } else if (onStack.has(next)) lowest.set(file, Math.min(lowest.get(file)!, index.get(next)!));
    }
    if (lowest.get(file) !== index.get(file)) return;
    const group: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member);
      group.push(member);
      if (member === file) break;
    }
    if (group.length > 1 || (graph.get(file) ?? []).includes(file)) groups.push(group);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return groups;
}

/** One cycle through `start` inside its group: the shortest path back to it (breadth first). */
function cycleThrough(start: string, group: Set<string>, graph: Map<string, string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of graph.get(file) ?? []) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path: string[] = [start];
        for (let step = file; step !== start; step = previous.get(step)!) path.splice(1, 0, step);
        return [...path, start];
      }
      if (previous.has(next)) continue;
      previous.set(next, file);
      queue.push(next);
    }
  }
  return [start, start];
}

/**
 * The import cycles under `folders`, one per tangled group of files, each written as the files it goes through
 * relative to `root` ("a.ts → b.ts → a.ts"), followed by the group's other files when the cycle shown misses some, sorted.
 */
export function findImportCycles(folders: string[], root: string): string[] {
  const graph = importGraph(folders.map((folder) => path.resolve(root, folder)));
  const relative = (file: string): string => path.relative(root, file).split(path.sep).join("/");
  return tangledGroups(graph)
    .map((group) => {
      const start = [...group].sort()[0]!;
      const cycle = cycleThrough(start, new Set(group), graph);
      const others = group.filter((file) => !cycle.includes(file)).map(relative).sort();
      return `${cycle.map(relative).join(" → ")}${others.length > 0 ? ` (also tied in: ${others.join(", ")})` : ""}`;
    })
    .sort();
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..", "..", "..");
  const folders = process.argv.slice(2);
  const cycles = findImportCycles(folders.length > 0 ? folders : ["provider", "simulator"], root);
  for (const cycle of cycles) process.stdout.write(`${cycle}\n`);
  process.exitCode = cycles.length > 0 ? 1 : 0;
}
