/**
 * How long an operation takes when the endpoint never answers the call that changes the world, or trickles its answer,
 * against the operation's deadline (timeoutSeconds): the create of every resource, through the misbehaving front before
 * the offline twin, all at once. Prints one line per case; a case still running a minute past its deadline is reported
 * as such and left behind.
 *
 *   npm run build && node dist/tools/hostile/deadlines.js [timeoutSeconds, default 5]
 */
import type { Misbehaviour } from "./front";
import { matrixResources } from "../reliability/resources";
import type { ResourceAdapter } from "../reliability/model";
import { startReliabilityTwin, type ReliabilityTwin } from "../reliability/twin";

const CASES: Array<[string, Misbehaviour]> = [
  ["never answers", { kind: "hang" }],
  ["trickles (1 byte / 250 ms)", { kind: "trickle", intervalMs: 250 }],
];
const GIVE_UP_AFTER_DEADLINE_MS = 60_000;

interface Timing {
  resource: string;
  fault: string;
  ms: number;
  outcome: string;
}

async function timeCreate(twin: ReliabilityTwin, adapter: ResourceAdapter, fault: string, misbehave: Misbehaviour, timeoutSeconds: number, index: number): Promise<Timing> {
  const target = await adapter.prepare(twin, `deadline-${index}`);
  const call = adapter.mutatingPath("create") ?? "";
  twin.front(adapter.vendor).arm({ match: (request) => request.path.includes(call) && request.path.includes(target.key), misbehave });
  const checked = await adapter.crud.check({}, adapter.createInputs(target, 0, timeoutSeconds));
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`still running ${GIVE_UP_AFTER_DEADLINE_MS / 1000} s past the deadline`), timeoutSeconds * 1000 + GIVE_UP_AFTER_DEADLINE_MS);
  });
  const outcome = await Promise.race([
    adapter.crud.create(checked.inputs ?? {}).then(
      () => "succeeded",
      (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`,
    ),
    giveUp,
  ]);
  clearTimeout(timer);
  return { resource: adapter.type, fault, ms: Date.now() - started, outcome };
}

async function main(): Promise<void> {
  const timeoutSeconds = Number(process.argv[2] ?? 5);
  const twin = await startReliabilityTwin();
  try {
    twin.reset({ throughFronts: true });
    let index = 0;
    const runs = matrixResources().flatMap((adapter) => CASES.map(([fault, misbehave]) => timeCreate(twin, adapter, fault, misbehave, timeoutSeconds, (index += 1))));
    const timings = await Promise.all(runs);
    const lines = [`create with timeoutSeconds ${timeoutSeconds} behind an endpoint that misbehaves on the call that changes the world:`, ""];
    for (const timing of timings) {
      const over = timing.ms - timeoutSeconds * 1000;
      const excerpt = timing.outcome.length > 160 ? `${timing.outcome.slice(0, 160)}…` : timing.outcome;
      lines.push(`${timing.resource.padEnd(26)} ${timing.fault.padEnd(28)} ${String(timing.ms).padStart(6)} ms (${over >= 0 ? "+" : ""}${over} ms)  ${excerpt}`);
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await twin.close();
  }
  // Work left behind by a case that never ended (a client not bounded by the deadline) must not keep the process up.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
