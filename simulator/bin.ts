#!/usr/bin/env node
/**
 * `npm run simulator`: the offline twin (vSphere VI/JSON, Veeam Orchestrator, ZStack) on loopback, for previews and CI
 * without real infrastructure. Fixed ports by default (vSphere 8989, Veeam 8990, ZStack 8991); `--help` lists the flags.
 * A bad flag exits 2, a port in use exits 1, SIGINT/SIGTERM stop the twin and exit 0.
 */
import { PortInUseError, startOfflineTwin, type OfflineTwin } from "./index";
import { HELP, parseArguments, USAGE, UsageError, type BinOptions, type ParsedArguments } from "./cli/arguments";
import { renderBanner } from "./cli/banner";

const SIMULATOR_NAMES: Record<string, string> = { vsphere: "vSphere", veeam: "Veeam", zstack: "ZStack" };

function readArguments(): BinOptions {
  let parsed: ParsedArguments;
  try {
    parsed = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}.\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  return parsed.options;
}

async function shutDown(twin: OfflineTwin): Promise<never> {
  await twin.close();
  process.stdout.write("offline twin stopped\n");
  process.exit(0);
}

async function main(): Promise<void> {
  const chosen = readArguments();
  let twin: OfflineTwin | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    if (twin) void shutDown(twin);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  twin = await startOfflineTwin({ host: chosen.host, portBase: chosen.portBase, sites: chosen.sites, durationMs: chosen.durationMs });
  if (stopping) await shutDown(twin); // a signal came while the twin was starting
  process.stdout.write(renderBanner(twin));
}

main().catch((error: unknown) => {
  if (error instanceof PortInUseError) {
    const name = SIMULATOR_NAMES[error.simulator] ?? error.simulator;
    process.stderr.write(`Port ${error.port} on ${error.host} (${name}) is already in use: stop what listens there, or start the twin on other ports with --port-base N.\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
