import * as pulumi from "@pulumi/pulumi";
import { FailoverPlanRun, FtSecondary, VmPowerState, VmSnapshot } from "pulumi-vm-availability";

// Two sites in one stack. Every resource takes `connection`: the stack-config namespace that holds its site's
// settings, with the same keys as the vendor's default namespace. The protected site uses the defaults:
//   pulumi config set vsphere:vsphereServer vcenter.example.com
//   pulumi config set vsphere:user automation@vsphere.local
//   pulumi config set --secret vsphere:password <password>
// The recovery site has one namespace per vendor:
//   pulumi config set vsphere-dr:vsphereServer vcenter-dr.example.com
//   pulumi config set vsphere-dr:user automation@vsphere.local
//   pulumi config set --secret vsphere-dr:password <password>
//   pulumi config set veeam-dr:server https://vro-dr.example.com:9898
//   pulumi config set veeam-dr:username 'VRO\svc-pulumi'
//   pulumi config set --secret veeam-dr:password <password>
// (or VSPHERE_DR_SERVER, VSPHERE_DR_USER, VSPHERE_DR_PASSWORD, VEEAM_DR_SERVER, VEEAM_DR_USERNAME, VEEAM_DR_PASSWORD;
// `npx pulumi-vm-availability-simulator --sites 2` starts both sites offline and prints these lines.)
const config = new pulumi.Config();
const drillMonth = config.require("drillMonth");
const movingVmId = config.get("movingVmId") ?? "vm-103";
const stayingVmIds = config.getObject<string[]>("stayingVmIds") ?? ["vm-101", "vm-102"];

// Protected site: a snapshot of the VM that fails over, taken before the failover, to go back to after failback.
const preFailover = new VmSnapshot("pre-failover", {
  vmId: movingVmId,
  name: `pre-failover ${drillMonth}`,
  description: "taken before the database tier fails over to the recovery site",
});

// Protected site: the tier that stays keeps running through a host failure, one FT secondary per VM.
const stayingTier = stayingVmIds.map((vmId) => new FtSecondary(`ft-${vmId}`, { vmId }));

// Recovery site: its Orchestrator fails the plan over once the snapshot exists; destroy undoes the failover.
const failover = new FailoverPlanRun(
  "failover",
  { planId: config.require("failoverPlanId"), connection: "veeam-dr", triggers: { drillMonth }, timeoutSeconds: 2 * 60 * 60 },
  { dependsOn: [preFailover] },
);

// Recovery site: the recovered VM on the DR vCenter runs once the failover is done (refresh shows it if it stops).
const recovered = new VmPowerState(
  "recovered-db",
  { vmId: config.get("recoveredVmId") ?? "vm-103", state: "poweredOn", connection: "vsphere-dr" },
  { dependsOn: [failover] },
);

export const snapshotId = preFailover.snapshotId;
export const ftStates = stayingTier.map((ft) => ft.faultToleranceState);
export const failoverResult = failover.result;
export const recoveredPowerState = recovered.powerState;
// Each resource records the endpoint it spoke to (scheme://host:port): the protected site's vCenter, the recovery
// site's Orchestrator and vCenter.
export const endpoints = {
  protectedVcenter: preFailover.endpoint,
  recoveryOrchestrator: failover.endpoint,
  recoveryVcenter: recovered.endpoint,
};
