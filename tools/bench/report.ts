import { describeRoutes, WAIT_MINIMUM, type OperationCalls } from "./callsPerOperation";
import type { ScaleFigures } from "./scaleRefresh";
import type { ProviderSize, StartupFigures } from "./sizes";
import { formatRatio, formatSummary, overheadBudgetMs } from "./statistics";
import { formatBytes, type Table } from "./table";
import type { OverheadRow } from "./waitOverhead";
import type { DrillOverheadRow } from "./drillOverhead";

/** The targets the bench judges its figures against. */
export const TARGETS = {
  scaleRequests: 50,
  scaleWallMs: 5_000,
  providerBytes: 8 * 1024,
};

function verdict(met: boolean): string {
  return met ? "met" : "NOT met";
}

export function overheadTable(rows: OverheadRow[]): Table {
  return {
    title: "1. Wait overhead (operation time − simulated task time, ms)",
    headers: ["resource", "task", "runs", "provider create", "provider wait", "fixed 1 s poll", "Ansible backoff", "budget", "fixed ÷ provider", "Ansible ÷ provider", "met?"],
    rows: rows.map((row) => {
      const ours = row.overheadMs["provider create"];
      const budget = overheadBudgetMs(row.taskMs);
      return [
        row.type,
        `${row.taskMs / 1000} s`,
        String(row.runs),
        formatSummary(ours),
        formatSummary(row.overheadMs["provider wait"]),
        formatSummary(row.overheadMs["fixed 1 s poll"], 0),
        formatSummary(row.overheadMs["Ansible backoff"], 0),
        `≤ ${budget.toFixed(0)}`,
        formatRatio(row.overheadMs["fixed 1 s poll"].median, ours.median),
        formatRatio(row.overheadMs["Ansible backoff"].median, ours.median),
        verdict(ours.max <= budget),
      ];
    }),
    notes: [
      "provider create: the resource's whole create in this process (read before, the *_Task call, the PropertyCollector wait, read-back); provider wait: the same task started with provider/vsphere/methods and waited for with waitForTask.",
      "fixed 1 s poll / Ansible backoff: the same task started with the same client, then GET Task.info every 1 s, or after min(2^n + randint(1,1000)/1000, 64) s (Ansible vmware module_utils wait_for_task).",
      "The four run side by side on four VMs with the same task length; ratios compare medians (provider floor 1 ms). Target: max of provider create ≤ max(50 ms, 2 % of the task).",
      "Tasks of a whole number of seconds are fixed 1 s polling's best case: its look at t = 2 s or 10 s lands just after the simulated task ends. For a task of arbitrary length its overhead averages 500 ms (uniform 0–1 s); Ansible's looks are at 0, ~1.5, ~4, ~8.5, ~17, ~33.5 s…",
    ],
  };
}

export function callsTable(rows: OperationCalls[]): Table {
  return {
    title: "2. Requests per operation in steady state (after login), counted at the simulator",
    headers: ["resource", "operation", "requests", "by call (last run)", "API minimum", "why", "target", "met?"],
    rows: rows.map((row) => [
      row.type,
      row.label,
      formatSummary(row.requests, 0),
      describeRoutes(row.byRoute) || "—",
      String(row.minimum),
      row.minimumReason,
      `≤ ${row.target}`,
      verdict(row.requests.max <= row.target),
    ]),
    notes: [
      `A lag-free wait is ${WAIT_MINIMUM} requests at least: CreateFilter on the task, a WaitForUpdatesEx that reports its state when the filter is made, one that reports its end. Every further WaitForUpdatesEx is a change of the task's info.state, info.error or info.result (info.progress only for a caller that asks for progress).`,
      "Each wait then destroys its PropertyFilter (DestroyPropertyFilter, sent once the task settled and not awaited: no filter is left on the server, and no wait is added), one request more than the minimum and target count.",
      "Target: the method call, one wait and one read-back; a read is one call, a delete needs no read-back.",
    ],
  };
}

export function scaleTable(figures: ScaleFigures[]): Table {
  const rows = figures.map((figure) => [
    String(figure.resources),
    formatSummary(figure.wallMs, 0, " ms"),
    formatSummary(figure.requests, 0),
    formatSummary(figure.perResourceMs, 2, " ms"),
    formatSummary({ ...figure.peakRssBytes, median: figure.peakRssBytes.median / 1024 ** 2, min: figure.peakRssBytes.min / 1024 ** 2, max: figure.peakRssBytes.max / 1024 ** 2 }, 0, " MB"),
    String(figure.failures),
    figure.resources >= 1_000 ? verdict(figure.requests.max <= TARGETS.scaleRequests && figure.wallMs.max <= TARGETS.scaleWallMs) : "",
  ]);
  const small = figures[0];
  const large = figures[figures.length - 1];
  if (small && large && large !== small) {
    const growth = (a: number, b: number): string => `×${(b / a).toFixed(2)}`;
    rows.push([
      `growth ${small.resources} → ${large.resources} (×${large.resources / small.resources})`,
      growth(small.wallMs.median, large.wallMs.median),
      growth(Math.max(1, small.requests.median), large.requests.median),
      growth(small.perResourceMs.median, large.perResourceMs.median),
      growth(small.peakRssBytes.median, large.peakRssBytes.median),
      "",
      "",
    ]);
  }
  return {
    title: "3. Refresh: concurrent Read RPCs of VmPowerState resources through ONE dynamic-provider host",
    headers: ["resources", "wall time", "HTTP requests", "per resource", "host peak RSS", "failed", `≤ ${TARGETS.scaleRequests} req and ≤ ${TARGETS.scaleWallMs / 1000} s?`],
    rows,
    notes: [
      "The real @pulumi/pulumi dynamic-provider host from a staged install, fresh per run; Configure and one Create first (login), then every Read sent at once, as the engine refreshes in parallel. Wall time: first Read sent → last answer.",
      "Requests: counted at the simulator (all RetrievePropertiesEx: concurrent reads coalesce into batched PropertyCollector calls). Peak RSS: VmHWM of the host process.",
    ],
  };
}

export function sizeTable(sizes: ProviderSize[], startup: StartupFigures): Table {
  const rows = sizes.map((size) => [
    size.type,
    Number.isFinite(size.bytes) ? formatBytes(size.bytes) : "not exported",
    Number.isFinite(size.stateBytes) ? formatBytes(size.stateBytes) : "—",
    Number.isFinite(size.bytes) ? verdict(size.bytes <= TARGETS.providerBytes) : "—",
  ]);
  rows.push(["host start-up (spawn → gRPC client ready)", formatSummary(startup.startupMs, 0, " ms"), `idle RSS ${formatSummary({ median: startup.idleRss.median / 1024 ** 2, min: startup.idleRss.min / 1024 ** 2, max: startup.idleRss.max / 1024 ** 2, runs: startup.idleRss.runs }, 0, " MB")}`, ""]);
  return {
    title: "4. Serialized provider per resource (installed package) and host start-up",
    headers: ["resource", "serialized provider (`__provider`)", "in state (inputs + outputs)", `provider ≤ ${formatBytes(TARGETS.providerBytes)}?`],
    rows,
    notes: [
      "Serialized as pulumi.dynamic.Resource does, from inside a stack folder with the built package installed under node_modules (the package's files are captured by require, not by value). Size: the JSON string stored in state.",
      "Every resource stores the text twice (in its inputs and its outputs); outputs themselves are a few hundred bytes.",
    ],
  };
}

/** The wait for protection looks at the group at least once a second: its lag is bounded by that, plus a request. */
export const DRILL_OVERHEAD_BUDGET_MS = 1_100;

export function drillTable(rows: DrillOverheadRow[]): Table {
  return {
    title: "5. FtFailoverTest: secondsUnprotected against the twin's own recovery (ms)",
    headers: ["mode", "twin re-spawn + sync", "runs", "twin recovery", "reported secondsUnprotected", "overhead", `≤ ${DRILL_OVERHEAD_BUDGET_MS}?`],
    rows: rows.map((row) => [
      row.mode,
      `${row.syncMs} + ${row.syncMs}`,
      String(row.runs),
      formatSummary(row.twinRecoveryMs, 0),
      formatSummary(row.reportedMs, 0),
      formatSummary(row.overheadMs, 0),
      verdict(row.overheadMs.max <= DRILL_OVERHEAD_BUDGET_MS),
    ]),
    notes: [
      "Twin recovery: from the test task's queueTime to the instant the twin's group is running again (seen in-process through the twin's change notifications). Reported: the resource's secondsUnprotected, from just before the method call until its wait saw running.",
      "Overhead = reported − twin recovery: the method call's way to the twin plus the lag of the wait, which watches the group's primary through the PropertyCollector (WaitForUpdatesEx) and reads it after a second without news (the bound in the last column: a server that never reports the change).",
    ],
  };
}
