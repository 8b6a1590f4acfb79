import * as fs from "node:fs";
import * as path from "node:path";
import { startOfflineTwin, ZSTACK_SEED, type OfflineTwin } from "../../simulator";
import { EngineSimulation, type DeclaredResource } from "../../tools/engine/engine";
import { pulumiDirFrom, startHost, type HostProcess } from "../../tools/engine/host";
import { declaredProgram } from "../../tools/engine/declaredProgram";
import { hostEnvironment, REPO, serializeInstalledProviders, stackConfigFor } from "./support";

/**
 * Each example program runs as Pulumi would run it (ts-node, from a stack folder with the package installed) under
 * `pulumi.runtime.setMocks`, which records what it declares, providers serialized by the SDK included; then that stack
 * goes through the real dynamic-provider host against the twin: up, a no-op preview, refresh, destroy.
 */
let twin: OfflineTwin;
let host: HostProcess;
let stackDir: string;

beforeAll(async () => {
  ({ stackDir } = serializeInstalledProviders());
  twin = await startOfflineTwin({ durationMs: 50 });
  host = await startHost(pulumiDirFrom(stackDir), hostEnvironment(), stackDir);
});
afterAll(async () => {
  await host?.stop();
  await twin?.close();
  if (stackDir) fs.rmSync(stackDir, { recursive: true, force: true });
});

function declaredBy(example: string, config: Record<string, string>): DeclaredResource[] {
  return declaredProgram(REPO, stackDir, path.join(REPO, "examples", example), example, config);
}

/** What the twin must show after `up` (the declared state reached) and after `destroy` (what destroy undoes, undone). */
interface TwinExpectations {
  afterUp(): void;
  afterDestroy(): void;
}

async function runThrough(example: string, program: DeclaredResource[], twinShows: TwinExpectations): Promise<void> {
  expect(program.length).toBeGreaterThan(0);
  const engine = new EngineSimulation(host, { project: example, stack: "dev" });
  await engine.configure(stackConfigFor(twin.environment));
  const up = await engine.up(program);
  expect(up.filter((s) => s.op === "failed")).toEqual([]);
  expect(up.every((s) => s.op === "create")).toBe(true);
  twinShows.afterUp();
  expect((await engine.preview(program)).map((s) => s.op)).toEqual(program.map(() => "same"));
  expect((await engine.refresh()).filter((s) => s.op === "failed")).toEqual([]);
  const destroyed = await engine.destroy();
  expect(destroyed.map((s) => s.op)).toEqual(program.map(() => "delete"));
  twinShows.afterDestroy();
}

// ---- the twin as each vendor sees it ----------------------------------------------------------------------------

function vsphereVm(vmId: string) {
  const vm = twin.vsphere.world.inventory().vms.find((entry) => entry.id === vmId);
  if (!vm) throw new Error(`the twin has no VM ${vmId}`);
  return vm;
}

/** FT on: the VM is a primary with one secondary (on `host` when given). */
function expectFaultTolerant(vmId: string, host?: string): void {
  const vm = vsphereVm(vmId);
  expect({ vmId, ftRole: vm.ftRole, secondaries: vm.secondaryIds.length }).toEqual({ vmId, ftRole: "primary", secondaries: 1 });
  if (host) expect(vsphereVm(vm.secondaryIds[0]!).hostId).toBe(host);
}

function expectNotFaultTolerant(vmId: string): void {
  expect({ vmId, ftRole: vsphereVm(vmId).ftRole }).toEqual({ vmId, ftRole: "none" });
}

function snapshotsNamed(vmId: string, name: string) {
  return twin.vsphere.world.inventory().snapshots.filter((snapshot) => snapshot.vmId === vmId && snapshot.name === name);
}

function planPhase(planId: string): string | undefined {
  return twin.veeam.world.plan(planId)?.phase;
}

function zstackState(uuid: string): string | undefined {
  twin.zstack.world.advance();
  return twin.zstack.world.vms.get(uuid)?.state;
}

const TIER1_PLAN = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";
const WEB_PLAN = "8d6f3a2b-1c4e-4f7a-9b2d-3e5f6a7b8c90";

const examples = fs.readdirSync(path.join(REPO, "examples")).filter((name) => fs.existsSync(path.join(REPO, "examples", name, "index.ts")));

describe("example programs", () => {
  it("each has a Pulumi.yaml for nodejs and depends on the package by name", () => {
    expect(examples.sort()).toEqual(["dr-drill", "flagship", "ft-app-tier", "ft-drill", "recover-zstack-vm", "snapshot-then-power"]);
    for (const example of examples) {
      expect(fs.readFileSync(path.join(REPO, "examples", example, "Pulumi.yaml"), "utf8")).toMatch(/runtime:\s*nodejs/);
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "examples", example, "package.json"), "utf8")) as { dependencies: Record<string, string> };
      expect(pkg.dependencies["pulumi-vm-availability"]).toBeDefined();
    }
  });

  it("flagship runs through the engine against the twin with its defaults, recovering the seeded web-03", async () => {
    const web = ZSTACK_SEED.destroyedVm.uuid;
    expect(zstackState(web)).toBe("Destroyed");
    expect(planPhase(TIER1_PLAN)).not.toBe("failover");
    await runThrough("flagship", declaredBy("flagship", {}), {
      afterUp: () => {
        expectFaultTolerant("vm-101");
        expectFaultTolerant("vm-102");
        expect(snapshotsNamed("vm-103", "pre-upgrade")).toHaveLength(1);
        expect(vsphereVm("vm-105").powerState).toBe("poweredOff");
        expect(planPhase(TIER1_PLAN)).toBe("failover");
        expect(zstackState(web)).toBe("Running");
      },
      afterDestroy: () => {
        expectNotFaultTolerant("vm-101");
        expectNotFaultTolerant("vm-102");
        expect(snapshotsNamed("vm-103", "pre-upgrade")).toEqual([]);
        // Deleting the power state and the recovery leaves the VMs as they are; the failover is undone.
        expect(vsphereVm("vm-105").powerState).toBe("poweredOff");
        expect(planPhase(TIER1_PLAN)).toBe("undoFailover");
        expect(zstackState(web)).toBe("Running");
      },
    });
  });

  it("ft-app-tier runs through the engine against the twin", async () => {
    expectNotFaultTolerant("vm-101");
    expectNotFaultTolerant("vm-102");
    await runThrough("ft-app-tier", declaredBy("ft-app-tier", {}), {
      afterUp: () => {
        expectFaultTolerant("vm-101", "host-11");
        expectFaultTolerant("vm-102", "host-12");
      },
      afterDestroy: () => {
        expectNotFaultTolerant("vm-101");
        expectNotFaultTolerant("vm-102");
      },
    });
  });

  it("snapshot-then-power runs through the engine against the twin", async () => {
    twin.vsphere.world.setPowerState("vm-102", "poweredOff");
    await runThrough("snapshot-then-power", declaredBy("snapshot-then-power", { vmId: "vm-102", changeTicket: "CHG-1" }), {
      afterUp: () => {
        const [snapshot] = snapshotsNamed("vm-102", "pre-change CHG-1");
        // Taken before the power-on (dependsOn), so it holds the VM powered off.
        expect(snapshot).toMatchObject({ state: "poweredOff" });
        expect(vsphereVm("vm-102").powerState).toBe("poweredOn");
      },
      afterDestroy: () => {
        expect(snapshotsNamed("vm-102", "pre-change CHG-1")).toEqual([]);
        expect(vsphereVm("vm-102").powerState).toBe("poweredOn");
      },
    });
  });

  it("ft-drill runs through the engine against the twin: the tier is protected, then each VM's failover test", async () => {
    expectNotFaultTolerant("vm-101");
    expectNotFaultTolerant("vm-102");
    await runThrough("ft-drill", declaredBy("ft-drill", { drillMonth: "2026-11" }), {
      afterUp: () => {
        // Each test made the secondary the primary; the group runs protected again, the declared VM is its secondary.
        for (const vmId of ["vm-101", "vm-102"]) {
          const vm = vsphereVm(vmId);
          expect({ vmId, ftRole: vm.ftRole }).toEqual({ vmId, ftRole: "secondary" });
          expect(vsphereVm(vm.primaryId!).faultToleranceState).toBe("running");
        }
      },
      afterDestroy: () => {
        // Destroy made each declared VM the primary again before turning FT off: they are still there.
        expectNotFaultTolerant("vm-101");
        expectNotFaultTolerant("vm-102");
      },
    });
  });

  it("snapshot-then-power's rollback variant runs through the engine against the twin: snapshot, revert to it, power on", async () => {
    const program = declaredBy("snapshot-then-power", { vmId: "vm-102", changeTicket: "CHG-2", rollback: "CHG-2-r1" });
    expect(program.map((resource) => resource.type)).toEqual(["vsphere:VmSnapshot", "vsphere:VmSnapshotRevert", "vsphere:VmPowerState"]);
    await runThrough("snapshot-then-power", program, {
      afterUp: () => {
        const [snapshot] = snapshotsNamed("vm-102", "pre-change CHG-2");
        // Reverted to it (it is the current snapshot), and powered on after the revert (dependsOn), not before.
        expect(vsphereVm("vm-102")).toMatchObject({ currentSnapshotId: snapshot!.id, powerState: "poweredOn" });
      },
      afterDestroy: () => {
        // The revert's destroy changes nothing; the snapshot's removes it.
        expect(snapshotsNamed("vm-102", "pre-change CHG-2")).toEqual([]);
        expect(vsphereVm("vm-102").powerState).toBe("poweredOn");
      },
    });
  });

  it("recover-zstack-vm runs through the engine against the twin", async () => {
    const vm = twin.zstack.world.addVm({ name: "db-primary", state: "Destroyed" });
    await runThrough("recover-zstack-vm", declaredBy("recover-zstack-vm", { vmInstanceUuid: vm.uuid }), {
      afterUp: () => expect(zstackState(vm.uuid)).toBe("Running"),
      afterDestroy: () => expect(zstackState(vm.uuid)).toBe("Running"),
    });
  });

  it("dr-drill runs through the engine against the twin", async () => {
    await runThrough("dr-drill", declaredBy("dr-drill", { drillMonth: "2026-11", tier1PlanId: TIER1_PLAN, webPlanId: WEB_PLAN }), {
      afterUp: () => expect([planPhase(TIER1_PLAN), planPhase(WEB_PLAN)]).toEqual(["failover", "failover"]),
      afterDestroy: () => expect([planPhase(TIER1_PLAN), planPhase(WEB_PLAN)]).toEqual(["undoFailover", "undoFailover"]),
    });
  });
});
