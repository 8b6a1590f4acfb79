import { ConfigurationError } from "./errors";

/**
 * Refuses a Node.js this package does not support, in one sentence, before `@pulumi/pulumi` or undici load and fail in
 * their own way. The supported range is package.json's `engines.node`: Node 20 from 20.18.1 (undici 7 needs it; the
 * last `@pulumi/pulumi` for Node 20 is 3.248) and Node 22 or later. Nothing lives at module level: only this function,
 * which index.ts runs first.
 */
export function assertSupportedNode(version: string = process.versions.node): void {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  const isSupported = major >= 22 || (major === 20 && (minor > 18 || (minor === 18 && patch >= 1)));
  if (isSupported) return;
  const error = new ConfigurationError(
    `pulumi-vm-availability supports Node.js 20.18.1 or later 20.x (with @pulumi/pulumi 3.248) and Node.js 22 or later (tested on 22 and 24), but this is Node.js ${version}.`,
    "engines.node",
    { operation: "load pulumi-vm-availability" },
  );
  // One sentence, no stack trace: `pulumi up` prints only the message of an error marked as the SDK's RunError, and Node
  // prints an uncaught error's stack followed by its own enumerable fields.
  error.stack = `${error.name}: ${error.message}`;
  for (const key of Object.keys(error)) Object.defineProperty(error, key, { enumerable: false });
  Object.defineProperty(error, "__pulumiRunError", { value: true });
  throw error;
}

assertSupportedNode();
