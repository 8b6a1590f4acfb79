import { randomBytes } from "node:crypto";
import { startVeeamSimulator, type VeeamSimulator } from "./veeam";
import { startVsphereSimulator, type VsphereSimulator } from "./vsphere";
import { startZstackSimulator, type ZstackSimulator } from "./zstack";

export { startVsphereSimulator, startVeeamSimulator, startZstackSimulator };
export type { VsphereSimulator, VeeamSimulator, ZstackSimulator };

export interface OfflineTwin {
  vsphere: VsphereSimulator;
  veeam: VeeamSimulator;
  zstack: ZstackSimulator;
  adminToken: string;
  /** Environment variables that point the providers at the twin (what `pulumi config set` would hold for a real stack). */
  environment: Record<string, string>;
  close(): Promise<void>;
}

export interface OfflineTwinOptions {
  host?: string;
  /** Ports for vSphere, Veeam and ZStack; 0 (default) picks free ones. */
  ports?: { vsphere?: number; veeam?: number; zstack?: number };
  /** Default task/run/job duration in ms. */
  durationMs?: number;
  adminToken?: string;
}

/** Starts the three vendor twins on loopback with one admin token. */
export async function startOfflineTwin(options: OfflineTwinOptions = {}): Promise<OfflineTwin> {
  const adminToken = options.adminToken ?? randomBytes(16).toString("hex");
  const host = options.host ?? "127.0.0.1";
  const vsphere = await startVsphereSimulator({ host, port: options.ports?.vsphere ?? 0, adminToken, taskDurationMs: options.durationMs });
  const veeam = await startVeeamSimulator({ host, port: options.ports?.veeam ?? 0, adminToken, runDurationMs: options.durationMs });
  const zstack = await startZstackSimulator({ host, port: options.ports?.zstack ?? 0, adminToken, jobDurationMs: options.durationMs });
  return assembleOfflineTwin(vsphere, veeam, zstack, adminToken);
}

/** The twin around three simulators already started (tests start them with their own options). */
export function assembleOfflineTwin(vsphere: VsphereSimulator, veeam: VeeamSimulator, zstack: ZstackSimulator, adminToken: string): OfflineTwin {
  return {
    vsphere,
    veeam,
    zstack,
    adminToken,
    environment: {
      VSPHERE_SERVER: vsphere.url,
      VSPHERE_USER: vsphere.username,
      VSPHERE_PASSWORD: vsphere.password,
      VEEAM_SERVER: veeam.url,
      VEEAM_USERNAME: veeam.username,
      VEEAM_PASSWORD: veeam.password,
      ZSTACK_ENDPOINT: zstack.url,
      ZSTACK_ACCOUNT_NAME: zstack.accountName,
      ZSTACK_ACCOUNT_PASSWORD: zstack.password,
    },
    close: async () => {
      await Promise.all([vsphere.close(), veeam.close(), zstack.close()]);
    },
  };
}
