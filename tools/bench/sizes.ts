import { pulumiDirFrom, startHost } from "../engine/host";
import { summarize, type Summary } from "./statistics";
import { hostEnvironment, memoryOf, type StagedStack } from "./stack";

/** Resource type of each provider export. */
const PROVIDERS: Record<string, string> = {
  ftSecondaryProvider: "vsphere:FtSecondary",
  vmSnapshotProvider: "vsphere:VmSnapshot",
  vmPowerStateProvider: "vsphere:VmPowerState",
  failoverPlanRunProvider: "veeam:FailoverPlanRun",
  vmInstanceRecoveryProvider: "zstack:VmInstanceRecovery",
  ftFailoverTestProvider: "vsphere:FtFailoverTest",
  vmSnapshotRevertProvider: "vsphere:VmSnapshotRevert",
};

export interface ProviderSize {
  type: string;
  /** Bytes of the serialized provider text (UTF-8). */
  bytes: number;
  /** The state carries the text twice per resource: in its inputs and in its outputs. */
  stateBytes: number;
}

/** Size of each serialized provider from a staged install: what every resource of that type adds to state. */
export function providerSizes(stack: StagedStack): ProviderSize[] {
  return Object.entries(PROVIDERS).map(([exportName, type]) => {
    const text = stack.providers[exportName];
    // A provider the package does not export (yet) is reported, not fatal.
    if (text === undefined) return { type, bytes: NaN, stateBytes: NaN };
    const bytes = Buffer.byteLength(JSON.stringify(text), "utf8");
    return { type, bytes, stateBytes: 2 * bytes };
  });
}

export interface StartupFigures {
  /** Spawn of the dynamic-provider host until its gRPC port is known and a client is connected. */
  startupMs: Summary;
  /** Resident set size of the idle host just after start. */
  idleRss: Summary;
}

/** Starts the real dynamic-provider host from the staged stack `runs` times, one after another. */
export async function hostStartup(stack: StagedStack, runs: number): Promise<StartupFigures> {
  const pulumiDir = pulumiDirFrom(stack.dir);
  const times: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const host = await startHost(pulumiDir, hostEnvironment(), stack.dir);
    try {
      times.push(host.startupMs);
      const memory = memoryOf(host.pid);
      if (memory) rss.push(memory.rss);
    } finally {
      await host.stop();
    }
  }
  return { startupMs: summarize(times), idleRss: summarize(rss.length > 0 ? rss : [0]) };
}
