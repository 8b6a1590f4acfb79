/**
 * What the bin prints once the twin listens: per site, its endpoints and the inventory read from its worlds (vSphere
 * VMs, Veeam plans, ZStack VMs), then the `pulumi config set` and `export` lines that point a stack at it; last, the
 * admin token and an example `curl` of the admin API.
 */
import type { OfflineTwin, OfflineTwinSite } from "../index";
import { v2Plan } from "../veeam/views";

/** POSIX shell single-quoting, so values such as `VRO\\automation` survive copy and paste. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Left-aligned columns, two spaces apart, each line indented. */
function table(header: string[], rows: string[][], indent = "    "): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  return [header, ...rows].map((row) => `${indent}${row.map((cell, column) => cell.padEnd(widths[column] as number)).join("  ")}`.trimEnd());
}

function vsphereInventory(site: OfflineTwinSite): string[] {
  const inventory = site.vsphere.world.inventory();
  const clusters = new Map(inventory.clusters.map((cluster) => [cluster.id, cluster]));
  const rows = inventory.vms.map((vm) => {
    const cluster = clusters.get(vm.clusterId);
    const clusterText = cluster ? `${cluster.name}${cluster.haEnabled ? " (HA)" : ""}` : vm.clusterId;
    const tools = vm.toolsRunning ? "running" : vm.toolsInstalled ? "not running" : "not installed";
    return [vm.id, vm.name, vm.powerState, clusterText, tools, vm.template ? "yes" : "no"];
  });
  return table(["VM", "NAME", "POWER", "CLUSTER", "TOOLS", "TEMPLATE"], rows);
}

function veeamInventory(site: OfflineTwinSite): string[] {
  const world = site.veeam.world;
  const rows = world.allPlans().map((plan) => [plan.id, plan.name, String(v2Plan(world, plan)["planState"]), plan.enabled ? "yes" : "no"]);
  return table(["PLAN", "NAME", "STATE", "ENABLED"], rows);
}

function zstackInventory(site: OfflineTwinSite): string[] {
  const rows = [...site.zstack.world.vms.values()].map((vm) => [vm.uuid, vm.name, vm.state]);
  return table(["VM UUID", "NAME", "STATE"], rows);
}

function siteLines(site: OfflineTwinSite, siteCount: number): string[] {
  const { vsphere, veeam, zstack } = site.namespaces;
  const title = siteCount > 1 ? `Site ${site.index + 1} of ${siteCount}, "${site.name}"` : `Site "${site.name}"`;
  return [
    `== ${title}: datacenter ${site.vsphere.world.datacenter.name}; stack config namespaces ${vsphere}, ${veeam}, ${zstack}`,
    `  vSphere  ${site.vsphere.url}  (VI/JSON under /sdk/vim25/{release}; releases ${site.vsphere.world.releases.join(", ")})`,
    ...vsphereInventory(site),
    `  Veeam    ${site.veeam.url}  (Availability Orchestrator /v2, Recovery Orchestrator /api)`,
    ...veeamInventory(site),
    `  ZStack   ${site.zstack.url}`,
    ...zstackInventory(site),
    "",
    `  Point a stack at this site with:`,
    ...Object.entries(site.stackConfig).map(([key, entry]) => `    pulumi config set ${entry.secret ? "--secret " : ""}${key} ${shellQuote(entry.value)}`),
    "  or export:",
    ...Object.entries(site.environment).map(([name, value]) => `    export ${name}=${shellQuote(value)}`),
  ];
}

export function renderBanner(twin: OfflineTwin): string {
  const count = twin.sites.length;
  const lines = [
    `Offline twin running (Ctrl-C to stop): ${count === 1 ? "one site" : `${count} sites`}.`,
    "",
    ...twin.sites.flatMap((site) => [...siteLines(site, count), ""]),
    `Admin API (out-of-band changes, fault injection) under /_sim/ on every endpoint: header x-simulator-admin-token: ${twin.adminToken}`,
    `  e.g. curl -X POST -H ${shellQuote(`x-simulator-admin-token: ${twin.adminToken}`)} ${twin.vsphere.url}/_sim/faults -d '{"fail503":3}'`,
  ];
  return `${lines.join("\n")}\n`;
}
