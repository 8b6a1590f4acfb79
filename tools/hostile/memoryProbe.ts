/**
 * What a hostile answer costs in memory. A child process (so that nothing else shares its heap) sends requests through
 * the provider's transport to the misbehaving front, which answers with a body that never ends, then with oversized
 * bodies (declared length and chunked); the child samples its memory all along and reports before / peak / after.
 *
 *   npm run build && node dist/tools/hostile/memoryProbe.js
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { MAX_RESPONSE_BYTES, send, type Endpoint } from "../../provider/http/transport";
import { startHostileFront } from "./front";

const MIB = 1024 * 1024;

export interface ProbeCall {
  path: string;
  /** The error the call ended with (first line), or "answered" when it did not fail. */
  outcome: string;
}

export interface MemoryFigures {
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  heapPeakMiB: number;
  /** Peak of memory held in Buffers (outside the JS heap). */
  buffersPeakMiB: number;
  /** Peak RSS above the RSS before the first answer. */
  growthMiB: number;
  limitMiB: number;
  calls: ProbeCall[];
}

/** Hostile answers (measured), then a legitimate large one under the limit (which must still be read). */
const HOSTILE_PATHS = ["/endless", "/oversized", "/oversized-chunked", "/endless"];
const LARGE_BYTES = 24 * MIB;

/** Runs the probe: a front in this process, the client in a child running `script` (the compiled form of this file). */
export async function measureMemory(script = path.join(__dirname, "memoryProbe.js")): Promise<MemoryFigures> {
  // Nothing is passed through: every probed path is answered by a rule.
  const front = await startHostileFront("http://127.0.0.1:9");
  front.arm({ match: "/large", misbehave: { kind: "oversized", bytes: LARGE_BYTES } });
  front.arm({ match: "/endless", misbehave: { kind: "endless" } });
  front.arm({ match: "/oversized-chunked", misbehave: { kind: "oversized", bytes: 4 * MAX_RESPONSE_BYTES, chunked: true } });
  front.arm({ match: "/oversized", misbehave: { kind: "oversized", bytes: 4 * MAX_RESPONSE_BYTES } });
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--expose-gc", script, "--client", front.url], { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`the probe exited with ${code}: ${text}`))));
    });
    return JSON.parse(output.trim().split("\n").pop() as string) as MemoryFigures;
  } finally {
    await front.close();
  }
}

/** The child: sends the requests and samples its own memory. */
async function client(url: string): Promise<void> {
  const collect = (): void => (globalThis as { gc?: () => void }).gc?.();
  collect();
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  let buffersPeak = before.arrayBuffers;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    rssPeak = Math.max(rssPeak, now.rss);
    heapPeak = Math.max(heapPeak, now.heapUsed);
    buffersPeak = Math.max(buffersPeak, now.arrayBuffers);
  }, 2);
  const endpoint: Endpoint = { origin: url, settingKey: "probe:server", namespace: "probe", allowUnverifiedSsl: false };
  const calls: ProbeCall[] = [];
  const call = async (probed: string): Promise<void> => {
    try {
      const answer = await send(endpoint, { method: "GET", path: probed, operation: `GET ${probed}`, timeoutMs: 120_000 });
      calls.push({ path: probed, outcome: `answered (${round(answer.text.length / MIB)} MiB)` });
    } catch (error) {
      calls.push({ path: probed, outcome: `${(error as Error).name}: ${(error as Error).message}` });
    }
  };
  for (const probed of HOSTILE_PATHS) await call(probed);
  clearInterval(sampler);
  collect();
  const after = process.memoryUsage();
  await call("/large");
  const figures: MemoryFigures = {
    rssBeforeMiB: round(before.rss / MIB),
    rssPeakMiB: round(rssPeak / MIB),
    rssAfterMiB: round(after.rss / MIB),
    heapPeakMiB: round(heapPeak / MIB),
    buffersPeakMiB: round(buffersPeak / MIB),
    growthMiB: round((rssPeak - before.rss) / MIB),
    limitMiB: MAX_RESPONSE_BYTES / MIB,
    calls,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  // The agent keeps idle connections open: leave without waiting for them.
  process.exit(0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (require.main === module) {
  const at = process.argv.indexOf("--client");
  const url = at >= 0 ? process.argv[at + 1] : undefined;
  if (url) {
    void client(url);
  } else {
    measureMemory().then(
      (figures) => {
        process.stdout.write(
          [
            `answer size limit: ${figures.limitMiB} MiB`,
            `RSS before ${figures.rssBeforeMiB} MiB, peak ${figures.rssPeakMiB} MiB (+${figures.growthMiB} MiB), after ${figures.rssAfterMiB} MiB; heap peak ${figures.heapPeakMiB} MiB, buffers peak ${figures.buffersPeakMiB} MiB`,
            ...figures.calls.map((call) => `  ${call.path}: ${call.outcome}`),
            "",
          ].join("\n"),
        );
      },
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(2);
      },
    );
  }
}
