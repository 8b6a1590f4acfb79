// A user's program, compiled by the test with the user's tsconfig (module/moduleResolution commonjs+node or nodenext,
// CommonJS or "type": "module") against the installed package, then run. It constructs nothing that needs the engine.
import * as pulumi from "@pulumi/pulumi";
import {
  FailoverPlanRun,
  FtSecondary,
  VmInstanceRecovery,
  VmPowerState,
  VmSnapshot,
  failoverPlanRunProvider,
  ftSecondaryProvider,
  vmInstanceRecoveryProvider,
  vmPowerStateProvider,
  vmSnapshotProvider,
  ValidationError,
} from "pulumi-vm-availability";
import type { FailoverPlanRunArgs, FtSecondaryArgs, VmInstanceRecoveryArgs, VmPowerStateArgs, VmSnapshotArgs } from "pulumi-vm-availability";
import { startOfflineTwin } from "pulumi-vm-availability/simulator";

type ResourceClass<Args> = new (name: string, args: Args, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

// Each class takes its typed arguments and is a CustomResource of the program's own @pulumi/pulumi.
const classes: [string, ResourceClass<never>][] = [
  ["FtSecondary", FtSecondary satisfies ResourceClass<FtSecondaryArgs>],
  ["VmSnapshot", VmSnapshot satisfies ResourceClass<VmSnapshotArgs>],
  ["VmPowerState", VmPowerState satisfies ResourceClass<VmPowerStateArgs>],
  ["FailoverPlanRun", FailoverPlanRun satisfies ResourceClass<FailoverPlanRunArgs>],
  ["VmInstanceRecovery", VmInstanceRecovery satisfies ResourceClass<VmInstanceRecoveryArgs>],
];
export const declaredArgs: [FtSecondaryArgs, VmSnapshotArgs, VmPowerStateArgs, FailoverPlanRunArgs, VmInstanceRecoveryArgs] = [
  { vmId: "vm-101", enabled: true },
  { vmId: "vm-103", name: "pre-upgrade", description: "CHG-4711" },
  { vmId: "vm-105", state: "poweredOff" },
  { planId: "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11", triggers: ["2026-12"] },
  { vmInstanceUuid: "0123456789abcdef0123456789abcdef" },
];
export const faultToleranceState: pulumi.Output<string> | undefined = undefined as FtSecondary["faultToleranceState"] | undefined;
const providers = { failoverPlanRunProvider, ftSecondaryProvider, vmInstanceRecoveryProvider, vmPowerStateProvider, vmSnapshotProvider };

async function main(): Promise<void> {
  const twin = await startOfflineTwin();
  const endpoints = [twin.environment["VSPHERE_SERVER"], twin.environment["VEEAM_SERVER"], twin.environment["ZSTACK_ENDPOINT"]];
  await twin.close();
  const report = {
    classes: classes.map(([name, cls]) => `${name}:${typeof cls}:${cls.prototype instanceof pulumi.dynamic.Resource}`),
    providers: Object.entries(providers).map(([name, provider]) => `${name}:${typeof provider.create}`),
    errors: typeof ValidationError,
    twin: endpoints.map((url) => /^http:\/\/127\.0\.0\.1:\d+/.test(url ?? "")),
  };
  console.log(JSON.stringify(report));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
