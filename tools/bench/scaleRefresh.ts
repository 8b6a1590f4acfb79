import { EngineSimulation } from "../engine/engine";
import { pulumiDirFrom, startHost, type HostProcess } from "../engine/host";
import type { VsphereSimulator } from "../../simulator/vsphere";
import { summarize, type Summary } from "./statistics";
import { hostEnvironment, memoryOf, type StagedStack } from "./stack";

/**
 * `pulumi refresh` of N VmPowerState resources as the engine runs it: one Read RPC per resource, all issued at once
 * (the engine refreshes in parallel) to ONE dynamic-provider host. Measured: wall time from the first Read sent to the
 * last answer, HTTP requests the simulator answered meanwhile, and the host's peak RSS (VmHWM).
 */
export interface ScaleRun {
  resources: number;
  wallMs: number;
  requests: number;
  byRoute: Record<string, number>;
  peakRssBytes: number;
  failures: number;
}

export interface ScaleFigures {
  resources: number;
  wallMs: Summary;
  requests: Summary;
  peakRssBytes: Summary;
  perResourceMs: Summary;
  byRoute: Record<string, number>;
  failures: number;
}

type Message = Record<string, (...args: never[]) => unknown>;

function message(host: HostProcess, name: string): Message {
  const Type = host.proto.provproto[name];
  if (!Type) throw new Error(`no ${name} in provider_pb`);
  return new Type();
}

function struct(host: HostProcess, value: Record<string, unknown>): unknown {
  return host.proto.structproto.Struct.fromJavaScript(value);
}

/** VMs for the refresh, added once to the twin and reused by every run. */
export function addScaleVms(sim: VsphereSimulator, count: number): string[] {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    ids.push(sim.world.addVm({ name: `scale-${String(index).padStart(4, "0")}`, clusterId: "domain-c7", powerState: "poweredOn", toolsInstalled: true, toolsRunning: true }).id);
  }
  return ids;
}

/**
 * One run with a fresh host: Configure, one real Create through the host (its outputs are the state template, and the
 * host logs in), then N concurrent Reads of resources whose state differs only in vmId.
 */
export async function refreshOnce(sim: VsphereSimulator, stack: StagedStack, vmIds: string[]): Promise<ScaleRun> {
  const host = await startHost(pulumiDirFrom(stack.dir), hostEnvironment(), stack.dir);
  try {
    const engine = new EngineSimulation(host, { project: "bench", stack: "scale" });
    await engine.configure({
      "vsphere:vsphereServer": { value: sim.url },
      "vsphere:user": { value: sim.username },
      "vsphere:password": { value: sim.password, secret: true },
    });
    const provider = stack.providers["vmPowerStateProvider"];
    if (!provider) throw new Error("no serialized vmPowerStateProvider");
    const template = vmIds[0]!;
    const steps = await engine.up([{ name: "template", type: "vsphere:VmPowerState", provider, inputs: { vmId: template, state: "poweredOn" } }]);
    if (steps[0]?.op !== "create") throw new Error(`the template create failed: ${JSON.stringify(steps[0])}`);
    const entry = engine.state.get("template")!;

    const requests = vmIds.map((vmId, index) => {
      const read = message(host, "ReadRequest");
      read["setId"]!(vmId as never);
      read["setUrn"]!(engine.urn("vsphere:VmPowerState", `vm-power-${index}`) as never);
      read["setProperties"]!(struct(host, { ...entry.outputs, vmId }) as never);
      read["setInputs"]!(struct(host, { ...entry.inputs, vmId }) as never);
      return read;
    });
    const before = { requests: sim.server.stats.requests, byRoute: { ...sim.server.stats.byRoute } };
    const started = performance.now();
    const answers = await Promise.allSettled(requests.map((read) => host.call<Message>("read", read)));
    const wallMs = performance.now() - started;
    const byRoute: Record<string, number> = {};
    for (const [route, count] of Object.entries(sim.server.stats.byRoute)) {
      const delta = count - (before.byRoute[route] ?? 0);
      if (delta > 0) byRoute[route] = delta;
    }
    let failures = 0;
    for (const answer of answers) if (answer.status === "rejected" || (answer.value["getId"]!() as string) === "") failures += 1;
    const memory = memoryOf(host.pid);
    return { resources: vmIds.length, wallMs, requests: sim.server.stats.requests - before.requests, byRoute, peakRssBytes: memory?.peakRss ?? NaN, failures };
  } finally {
    await host.stop();
  }
}

export async function scaleRefresh(sim: VsphereSimulator, stack: StagedStack, vmIds: string[], runs: number): Promise<ScaleFigures> {
  const results: ScaleRun[] = [];
  for (let run = 0; run < runs; run += 1) results.push(await refreshOnce(sim, stack, vmIds));
  const last = results[results.length - 1]!;
  return {
    resources: vmIds.length,
    wallMs: summarize(results.map((run) => run.wallMs)),
    requests: summarize(results.map((run) => run.requests)),
    peakRssBytes: summarize(results.map((run) => (Number.isFinite(run.peakRssBytes) ? run.peakRssBytes : 0))),
    perResourceMs: summarize(results.map((run) => run.wallMs / run.resources)),
    byRoute: last.byRoute,
    failures: results.reduce((sum, run) => sum + run.failures, 0),
  };
}
