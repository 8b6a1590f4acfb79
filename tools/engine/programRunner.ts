/**
 * Runs a Pulumi TypeScript program the way the nodejs language host does (ts-node, the program's own folder), but with
 * `pulumi.runtime.setMocks` in place of an engine, and prints the resources it registered as JSON: type, name and
 * inputs, `__provider` included (serialized here, by the SDK, from the installed package). Each resource's id is
 * `<name>-id` here: declaredProgram.ts turns an input holding one into a reference to the real id.
 *
 * Given a fourth argument, the JSON file of a stack's recorded state (`{name: {id, outputs}}`), each resource gets its
 * recorded outputs, as the engine hands them back to a program, and the runner prints the program's exports (the
 * stack outputs) resolved from them instead.
 *
 * Usage (cwd = a stack folder with the package installed):
 *   node programRunner.js <program dir> <project> <config JSON> [<recorded state JSON file>]
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

async function main(): Promise<void> {
  const [programDir, project, configJson, recordedPath] = process.argv.slice(2);
  if (!programDir || !project) throw new Error("usage: programRunner <program dir> <project> [config JSON]");
  const fromStack = (request: string): string => require.resolve(request, { paths: [process.cwd()] });
  (require(fromStack("ts-node")) as { register(options: object): void }).register({
    transpileOnly: true,
    dir: programDir,
    compilerOptions: { module: "commonjs", target: "ES2020", esModuleInterop: true },
  });
  const pulumi = require(fromStack("@pulumi/pulumi")) as typeof import("@pulumi/pulumi");
  const registered: Registration[] = [];
  const recorded = recordedPath ? (JSON.parse(fs.readFileSync(recordedPath, "utf8")) as Record<string, { id: string; outputs: Record<string, unknown> }>) : undefined;
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const known = recorded?.[args.name];
        return known ? { id: known.id, state: known.outputs } : { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    project,
    "dev",
    false,
  );
  const config = JSON.parse(configJson ?? "{}") as Record<string, string>;
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([key, value]) => [key.includes(":") ? key : `${project}:${key}`, value])));
  const exported = require(path.resolve(programDir)) as Record<string, unknown>;
  if (recorded) {
    const outputs = await new Promise((resolve) => pulumi.output(exported).apply(resolve));
    process.stdout.write(JSON.stringify(outputs));
    return;
  }
  for (let stable = 0, last = -1; stable < 10; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    stable = registered.length === last ? stable + 1 : 0;
    last = registered.length;
  }
  process.stdout.write(JSON.stringify(registered));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
