/**
 * The two-site cells of the fault matrix: a fault on one site (session expiry, a 503 burst, a dropped connection) while
 * the same operation runs at once on the other site, through a resource whose `connection` names that site. The
 * faulted site's operation is judged as every cell is (survived / failed-clean / lost); the other site's operation must
 * not notice: it succeeds, no fault reaches its servers, it keeps the one session it opened, no credential of one site
 * is ever presented to the other, and its world ends as declared. A disturbed other site makes the cell lost.
 *
 * The first site is the matrix's own twin (default namespaces); the second is a second set of simulators under
 * `vsphere-dr`, `veeam-dr` and `zstack-dr`, with passwords of its own.
 */
import { recordStackConfig } from "../../provider/config";
import { runtimeState } from "../../provider/runtime";
import type { SimRequest, SimulatorServer } from "../../simulator/common/httpServer";
import { startVeeamSimulator } from "../../simulator/veeam";
import { startVsphereSimulator } from "../../simulator/vsphere";
import { startZstackSimulator } from "../../simulator/zstack";
import { firstLine } from "./errors";
import { runCell, runOp } from "./matrix";
import type { CellResult, Operation, ResourceAdapter, StateRecord, Verdict } from "./model";
import type { Scenario } from "./scenarios";
import { credentialsIn, DEFAULT_TIMING, startReliabilityTwin, veeamApiVersion, type ReliabilityTwin, type TwinTiming, type Vendor } from "./twin";

/** The faults a site may suffer without its neighbour noticing (SCENARIOS' short names). */
export const TWO_SITE_SCENARIOS = ["session expiry", "503 burst", "drop before", "drop after"];

const VENDORS: Vendor[] = ["vsphere", "veeam", "zstack"];

export interface Site {
  /** "primary" or "dr". */
  name: string;
  /** The `connection` of this site's resources, per vendor. */
  namespaces: Record<Vendor, string>;
  /** The site as the resource adapters and runCell see a twin. */
  twin: ReliabilityTwin;
}

export interface TwoSiteTwin {
  sites: [Site, Site];
  close(): Promise<void>;
}

/** Every credential header value a server was sent, as it arrives. */
function recordCredentials(server: SimulatorServer, into: Set<string>): void {
  server.onHandled((request: SimRequest) => {
    for (const credential of credentialsIn(request)) into.add(credential);
  });
}

function noFront(): never {
  throw new Error("the two-site cells do not route through the misbehaving fronts");
}

export async function startTwoSiteTwin(timing: TwinTiming = DEFAULT_TIMING): Promise<TwoSiteTwin> {
  const first = await startReliabilityTwin(timing);
  const vsphere = await startVsphereSimulator({ taskDurationMs: timing.taskMs, guestOperationMs: 100, ftSyncMs: 50, password: "Rel!vsphere-DR-Secret-5127", datacenterName: "dc-sim-dr" });
  const veeam = await startVeeamSimulator({ runDurationMs: timing.runMs, password: "Rel!veeam-DR-Secret-6630" });
  const zstack = await startZstackSimulator({ jobDurationMs: timing.jobMs, password: "Rel!zstack-DR-Secret-1184" });
  const servers: Record<Vendor, SimulatorServer> = { vsphere: vsphere.server, veeam: veeam.server, zstack: zstack.server };
  const seen = new Set<string>([vsphere.password, veeam.password, zstack.password]);
  for (const server of Object.values(servers)) recordCredentials(server, seen);
  const namespaces: Record<Vendor, string> = { vsphere: "vsphere-dr", veeam: "veeam-dr", zstack: "zstack-dr" };
  const secondConfig: Record<string, string> = {
    "vsphere-dr:vsphereServer": vsphere.url,
    "vsphere-dr:user": vsphere.username,
    "vsphere-dr:password": vsphere.password,
    "veeam-dr:server": veeam.url,
    "veeam-dr:username": veeam.username,
    "veeam-dr:password": veeam.password,
    ...(veeamApiVersion() === "detect" ? {} : { "veeam-dr:apiVersion": veeamApiVersion() }),
    "zstack-dr:endpoint": zstack.url,
    "zstack-dr:accountName": zstack.accountName,
    "zstack-dr:accountPassword": zstack.password,
  };
  // The first twin's reset records its own namespaces only: the second site's are added back every time. Two-site
  // cells never route through the misbehaving fronts (no TWO_SITE_SCENARIOS asks for them).
  const reset = (): void => {
    first.reset();
    for (const server of Object.values(servers)) server.faults.reset();
    recordStackConfig({ ...runtimeState().stackConfig, ...secondConfig });
  };
  reset();
  const secrets = (): string[] => [...first.secrets(), ...seen];
  const primary: Site = { name: "primary", namespaces: { vsphere: "vsphere", veeam: "veeam", zstack: "zstack" }, twin: { ...first, secrets, reset } };
  const dr: Site = {
    name: "dr",
    namespaces,
    twin: { vsphere, veeam, zstack, server: (vendor) => servers[vendor], front: noFront, secrets, reset, close: async () => undefined },
  };
  return {
    sites: [primary, dr],
    close: async () => {
      await Promise.all([vsphere.close(), veeam.close(), zstack.close()]);
      await first.close();
    },
  };
}

/** The adapter with every resource on `site` (its inputs name the site's namespace in `connection`). */
export function onSite(adapter: ResourceAdapter, site: Site): ResourceAdapter {
  const connection = site.namespaces[adapter.vendor];
  return {
    ...adapter,
    createInputs: (target, copy, timeoutSeconds) => ({ ...adapter.createInputs(target, copy, timeoutSeconds), connection }),
    updateInputs: (target, record, timeoutSeconds) => ({ ...adapter.updateInputs(target, record, timeoutSeconds), connection }),
  };
}

export interface TwoSiteCellSpec {
  adapter: ResourceAdapter;
  scenario: Scenario;
  op: Operation;
  /** Index of the site that suffers the fault. */
  faulted: 0 | 1;
}

export interface TwoSiteResult extends CellResult {
  /** The site that suffered the fault. */
  faultedSite: string;
  /** How the faulted site's operation ended, judged as every cell. */
  faultedVerdict: Verdict;
  /** Why the other site counts as disturbed (empty: it did not notice). */
  otherSite: string[];
}

/** What a site's servers saw while a cell ran: faults injected and, per server, the credentials presented. */
interface Watch {
  stop(): { injected: number; credentials: Record<Vendor, Set<string>> };
}

function watch(site: Site): Watch {
  const injectedBefore = VENDORS.reduce((sum, vendor) => sum + site.twin.server(vendor).faults.injected, 0);
  const credentials = { vsphere: new Set<string>(), veeam: new Set<string>(), zstack: new Set<string>() } as Record<Vendor, Set<string>>;
  const stops = VENDORS.map((vendor) =>
    site.twin.server(vendor).onHandled((request) => {
      for (const credential of credentialsIn(request)) credentials[vendor].add(credential);
    }),
  );
  return {
    stop: () => {
      for (const stop of stops) stop();
      return { injected: VENDORS.reduce((sum, vendor) => sum + site.twin.server(vendor).faults.injected, 0) - injectedBefore, credentials };
    },
  };
}

/**
 * One two-site cell: runCell on the faulted site, with the same operation started on the other site the moment the
 * fault is armed and awaited before it is disarmed; then the other site's operation and world are judged.
 */
export async function runTwoSiteCell(twin: TwoSiteTwin, spec: TwoSiteCellSpec): Promise<TwoSiteResult> {
  const faulted = twin.sites[spec.faulted];
  const other = twin.sites[spec.faulted === 0 ? 1 : 0];
  const adapter = onSite(spec.adapter, other);
  const timeoutSeconds = spec.scenario.timeoutSeconds;
  const target = await adapter.prepare(other.twin, `two-sites-${spec.scenario.short.replace(/[^a-z0-9]+/gi, "-")}-${spec.op}`);
  const bases: StateRecord[] = [];
  if (spec.op !== "create") {
    const made = await runOp(adapter, "create", target, undefined, 0, timeoutSeconds);
    if (made.error || made.records.length !== 1) throw new Error(`${adapter.type}: could not create the other site's base resource: ${made.error ? firstLine(made.error) : "no record"}`);
    bases.push(made.records[0] as StateRecord);
  }

  const watches: { faulted?: Watch; other?: Watch } = {};
  let otherRun: ReturnType<typeof runOp> | undefined;
  const scenario: Scenario = {
    ...spec.scenario,
    arm: (context) => {
      watches.faulted = watch(faulted);
      watches.other = watch(other);
      const armed = spec.scenario.arm(context);
      otherRun = runOp(adapter, spec.op, target, bases[0], 0, timeoutSeconds);
      return {
        exercised: armed.exercised,
        disarm: async () => {
          await otherRun;
          await armed.disarm();
        },
      };
    },
  };
  const result = await runCell(faulted.twin, { adapter: onSite(spec.adapter, faulted), scenario, op: spec.op });

  const problems: string[] = [];
  const seenFaulted = watches.faulted?.stop();
  const seenOther = watches.other?.stop();
  const outcome = await otherRun;
  if (!outcome || !seenFaulted || !seenOther) {
    problems.push("the other site's operation never started");
  } else {
    if (outcome.error !== undefined) problems.push(`the other site's ${spec.op} failed: ${firstLine(outcome.error)}`);
    if (seenOther.injected > 0) problems.push(`${seenOther.injected} fault(s) reached the other site's servers`);
    for (const vendor of VENDORS) {
      if (seenOther.credentials[vendor].size > 1) problems.push(`the other site's ${vendor} saw ${seenOther.credentials[vendor].size} sessions: its session was renewed`);
      const crossed = [...seenOther.credentials[vendor]].filter((credential) => VENDORS.some((each) => seenFaulted.credentials[each].has(credential)));
      if (crossed.length > 0) problems.push(`a credential of one site was presented to the other's ${vendor}`);
    }
    if (outcome.error === undefined) {
      problems.push(...adapter.reached(other.twin, target, spec.op, outcome.records, bases).map((problem) => `other site: ${problem}`));
      problems.push(...adapter.audit(other.twin, target, outcome.records).map((problem) => `other site: ${problem}`));
    }
  }
  return {
    ...result,
    verdict: problems.length > 0 ? "lost" : result.verdict,
    problems: [...result.problems, ...problems],
    faultedSite: faulted.name,
    faultedVerdict: result.verdict,
    otherSite: problems,
  };
}

/**
 * The two-site cells: every resource × TWO_SITE_SCENARIOS × `operations`, the fault on the DR site and on the primary
 * site in turn (so every scenario meets both directions).
 */
export function twoSiteCells(resources: ResourceAdapter[], scenarios: Scenario[], operations: Operation[]): TwoSiteCellSpec[] {
  const cells: TwoSiteCellSpec[] = [];
  const chosen = scenarios.filter((scenario) => TWO_SITE_SCENARIOS.includes(scenario.short));
  for (const adapter of resources) {
    chosen.forEach((scenario, scenarioIndex) => {
      operations.forEach((op, opIndex) => cells.push({ adapter, scenario, op, faulted: (scenarioIndex + opIndex) % 2 === 0 ? 1 : 0 }));
    });
  }
  return cells;
}

/** The CI subset: one operation per resource and scenario, in rotation over create, update, delete and read. */
export function ciTwoSiteCells(resources: ResourceAdapter[], scenarios: Scenario[]): TwoSiteCellSpec[] {
  const rotation: Operation[] = ["create", "update", "delete", "read"];
  const cells: TwoSiteCellSpec[] = [];
  const chosen = scenarios.filter((scenario) => TWO_SITE_SCENARIOS.includes(scenario.short));
  resources.forEach((adapter, resourceIndex) => {
    chosen.forEach((scenario, scenarioIndex) => {
      cells.push({ adapter, scenario, op: rotation[(resourceIndex + scenarioIndex) % rotation.length] as Operation, faulted: (resourceIndex + scenarioIndex) % 2 === 0 ? 1 : 0 });
    });
  });
  return cells;
}

export async function runTwoSiteCells(twin: TwoSiteTwin, cells: TwoSiteCellSpec[], onCell?: (result: TwoSiteResult) => void): Promise<TwoSiteResult[]> {
  const results: TwoSiteResult[] = [];
  for (const spec of cells) {
    let result: TwoSiteResult;
    try {
      result = await runTwoSiteCell(twin, spec);
    } catch (error) {
      const faultedSite = twin.sites[spec.faulted].name;
      const problems = [`the harness failed: ${firstLine(error)}`];
      result = { resource: spec.adapter.type, scenario: spec.scenario.short, operation: spec.op, verdict: "lost", exercised: false, ms: 0, opMs: 0, errors: [], problems, faultedSite, faultedVerdict: "lost", otherSite: [] };
    }
    results.push(result);
    onCell?.(result);
  }
  return results;
}
