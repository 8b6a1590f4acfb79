/**
 * Serializes every provider object of the package exactly as `pulumi.dynamic.Resource` does
 * (`runtime.serializeFunction(() => provider, {allowSecrets: true})`) and prints `{name: text}` as JSON.
 *
 * Usage: node serializeProviders.js <module to require> [<directory whose @pulumi/pulumi serializes>]
 * With the repo's dist/provider/index.js, local files are captured by value; with an installed package (a module name
 * resolved from a clean folder), they are captured by `require`, as in a user's stack.
 */
import * as path from "node:path";

/** The package's dynamic providers: every export named `…Provider` that has a `create` function. */
function providerExports(pkg: Record<string, unknown>): [string, object][] {
  return Object.entries(pkg).filter((entry): entry is [string, object] => {
    const [name, value] = entry;
    return name.endsWith("Provider") && typeof value === "object" && value !== null && typeof (value as { create?: unknown }).create === "function";
  });
}

async function main(): Promise<void> {
  const [target, fromDir] = process.argv.slice(2);
  if (!target) throw new Error("usage: serializeProviders <module> [<dir>]");
  const base = fromDir ?? process.cwd();
  const modulePath = target.startsWith(".") || path.isAbsolute(target) ? path.resolve(target) : require.resolve(target, { paths: [base] });
  const pkg = require(modulePath) as Record<string, unknown>;
  const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [path.dirname(modulePath)] })) as {
    runtime: { serializeFunction(fn: () => unknown, options: { allowSecrets: boolean }): Promise<{ text: string }> };
  };
  const result: Record<string, string> = {};
  for (const [name, provider] of providerExports(pkg)) {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    result[name] = serialized.text;
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
