import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";

/**
 * One resource operation in its own Node process, as a second stack's dynamic-provider host would run it: the compiled
 * package (dist/, `npm run build` first) with its connection settings from environment variables. The process loads
 * the provider and runs `check`, says it is ready, and runs `create` when told to go, so several processes can be
 * released at the same moment; then it prints what came back: the id and outputs, or the error as data.
 */
export interface ProviderProcess {
  /** Resolves once the process has checked its inputs and waits for `go`. */
  readonly ready: Promise<void>;
  go(): void;
  /** The create's outcome; rejects if the process ends without one. */
  readonly outcome: Promise<CreateOutcome>;
}

export type CreateOutcome = { ok: true; id: string; outs: Record<string, unknown> } | { ok: false; error: ReportedError };

export interface ReportedError {
  /** Whether it is one of the package's typed errors (VmAvailabilityError). */
  typed: boolean;
  name: string;
  kind?: string;
  message: string;
  fault?: string;
  /** A partial failure's id and outputs: what exists and must be recorded. */
  id?: string;
  properties?: Record<string, unknown>;
}

const REPO = path.resolve(__dirname, "..", "..", "..");
const DIST_INDEX = path.join(REPO, "dist", "provider", "index.js");

/** The child's program: plain JavaScript for `node -e`, taking its work from environment variables. */
const CHILD = `
const pkg = require(process.env.PVA_PACKAGE);
const provider = pkg[process.env.PVA_PROVIDER];
const say = (message) => new Promise((resolve) => process.stdout.write(JSON.stringify(message) + "\\n", resolve));
const described = (error) => ({
  typed: error instanceof pkg.VmAvailabilityError,
  name: error && error.constructor ? error.constructor.name : typeof error,
  kind: error && error.kind,
  message: String(error && error.message),
  fault: error && error.fault ? error.fault.type : undefined,
  id: error && error.kind === "partial" ? error.id : undefined,
  properties: error && error.kind === "partial" ? error.properties : undefined,
});
(async () => {
  const checked = await provider.check({}, JSON.parse(process.env.PVA_INPUTS));
  if (checked.failures && checked.failures.length > 0) throw new Error("check failed: " + JSON.stringify(checked.failures));
  await say({ ready: true });
  await new Promise((resolve) => process.stdin.once("data", resolve));
  try {
    const created = await provider.create(checked.inputs);
    await say({ outcome: { ok: true, id: created.id, outs: created.outs || {} } });
  } catch (error) {
    await say({ outcome: { ok: false, error: described(error) } });
  }
  process.exit(0);
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(2);
});
`;

export function startProviderProcess(options: { provider: string; inputs: Record<string, unknown>; environment: Record<string, string> }): ProviderProcess {
  if (!fs.existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: run \`npm run build\` first`);
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(VSPHERE|VEEAM|ZSTACK)_/.test(key)) environment[key] = value;
  const child = spawn(process.execPath, ["-e", CHILD], {
    cwd: REPO,
    env: { ...environment, ...options.environment, PVA_PACKAGE: DIST_INDEX, PVA_PROVIDER: options.provider, PVA_INPUTS: JSON.stringify(options.inputs) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const lines = readline.createInterface({ input: child.stdout });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const outcome = new Promise<CreateOutcome>((resolve, reject) => {
    lines.on("line", (line) => {
      const message = JSON.parse(line) as { ready?: boolean; outcome?: CreateOutcome };
      if (message.ready) markReady();
      if (message.outcome) resolve(message.outcome);
    });
    child.on("exit", (code) => reject(new Error(`the ${options.provider} process ended (exit ${code}) without an outcome: ${stderr.trim()}`)));
  });
  // A process that dies before it is ready fails the test through `outcome` rather than hanging on `ready`.
  outcome.catch(() => markReady());
  return { ready, go: () => child.stdin.end("go\n"), outcome };
}
