import { recordStackConfig } from "../../provider/config";
import { forget } from "../../provider/runtime";
import { startVeeamSimulator, startVsphereSimulator, startZstackSimulator, type VeeamSimulator, type VsphereSimulator, type ZstackSimulator } from "../../simulator";
import { startRecordingFront, type RecordingFront } from "./hostile";

/** The three simulators, each behind a loopback front that records every request target, with the providers pointed at the fronts. */
export interface RecordedTwin {
  vsphere: VsphereSimulator;
  veeam: VeeamSimulator;
  zstack: ZstackSimulator;
  fronts: Record<"vsphere" | "veeam" | "zstack", RecordingFront>;
}

/** Installs beforeAll/afterAll hooks; the returned object is filled in once beforeAll has run. */
export function useRecordedTwin(): RecordedTwin {
  const twin = {} as RecordedTwin;
  beforeAll(async () => {
    twin.vsphere = await startVsphereSimulator({ taskDurationMs: 10 });
    twin.veeam = await startVeeamSimulator({ runDurationMs: 10 });
    twin.zstack = await startZstackSimulator({ jobDurationMs: 10 });
    twin.fronts = {
      vsphere: await startRecordingFront(twin.vsphere.url),
      veeam: await startRecordingFront(twin.veeam.url),
      zstack: await startRecordingFront(twin.zstack.url),
    };
    forgetSessions();
    recordStackConfig({
      "vsphere:vsphereServer": twin.fronts.vsphere.url,
      "vsphere:user": twin.vsphere.username,
      "vsphere:password": twin.vsphere.password,
      "veeam:server": twin.fronts.veeam.url,
      "veeam:username": twin.veeam.username,
      "veeam:password": twin.veeam.password,
      "zstack:endpoint": twin.fronts.zstack.url,
      "zstack:accountName": twin.zstack.accountName,
      "zstack:accountPassword": twin.zstack.password,
    });
  });
  afterAll(async () => {
    forgetSessions();
    recordStackConfig({});
    for (const front of Object.values(twin.fronts ?? {})) await front.close();
    await Promise.all([twin.vsphere?.close(), twin.veeam?.close(), twin.zstack?.close()]);
  });
  return twin;
}

function forgetSessions(): void {
  forget("vsphere.");
  forget("veeam.");
  forget("zstack.");
}
