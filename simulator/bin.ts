#!/usr/bin/env node
/**
 * `npm run simulator`: the offline twin (vSphere VI/JSON, Veeam Orchestrator, ZStack) on loopback, for previews and CI
 * without real infrastructure. Flags: --port-base N (vSphere on N, Veeam on N+1, ZStack on N+2; default free ports),
 * --host H (default 127.0.0.1; anything else exposes the twin beyond this machine), --duration-ms N.
 */
import { startOfflineTwin } from "./index";

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** POSIX shell single-quoting, so values such as `VRO\\automation` survive copy and paste. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<void> {
  const base = flag("port-base") ? Number(flag("port-base")) : undefined;
  if (base !== undefined && (!Number.isInteger(base) || base < 1 || base > 65533)) throw new Error("--port-base must be a port number between 1 and 65533");
  const duration = flag("duration-ms") ? Number(flag("duration-ms")) : undefined;
  const twin = await startOfflineTwin({
    host: flag("host"),
    ports: base === undefined ? undefined : { vsphere: base, veeam: base + 1, zstack: base + 2 },
    durationMs: duration,
  });
  const lines = [
    "Offline twin running (Ctrl-C to stop). Point a stack at it with:",
    "",
    `  pulumi config set vsphere:vsphereServer ${quote(twin.vsphere.url)}`,
    `  pulumi config set vsphere:user ${quote(twin.vsphere.username)}`,
    `  pulumi config set --secret vsphere:password ${quote(twin.vsphere.password)}`,
    `  pulumi config set veeam:server ${quote(twin.veeam.url)}`,
    `  pulumi config set veeam:username ${quote(twin.veeam.username)}`,
    `  pulumi config set --secret veeam:password ${quote(twin.veeam.password)}`,
    `  pulumi config set zstack:endpoint ${quote(twin.zstack.url)}`,
    `  pulumi config set zstack:accountName ${quote(twin.zstack.accountName)}`,
    `  pulumi config set --secret zstack:accountPassword ${quote(twin.zstack.password)}`,
    "",
    "or export:",
    ...Object.entries(twin.environment).map(([key, value]) => `  export ${key}=${quote(value)}`),
    "",
    `Admin API (out-of-band changes, fault injection): header x-simulator-admin-token: ${twin.adminToken}`,
    `  e.g. curl -X POST -H 'x-simulator-admin-token: ${twin.adminToken}' ${twin.vsphere.url}/_sim/faults -d '{"fail503":3}'`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const stop = (): void => {
    void twin.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
