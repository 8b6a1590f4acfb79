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

async function runThrough(example: string, program: DeclaredResource[]): Promise<void> {
  expect(program.length).toBeGreaterThan(0);
  const engine = new EngineSimulation(host, { project: example, stack: "dev" });
  await engine.configure(stackConfigFor(twin.environment));
  const up = await engine.up(program);
  expect(up.filter((s) => s.op === "failed")).toEqual([]);
  expect(up.every((s) => s.op === "create")).toBe(true);
  expect((await engine.preview(program)).map((s) => s.op)).toEqual(program.map(() => "same"));
  expect((await engine.refresh()).filter((s) => s.op === "failed")).toEqual([]);
  const destroyed = await engine.destroy();
  expect(destroyed.map((s) => s.op)).toEqual(program.map(() => "delete"));
}

const examples = fs.readdirSync(path.join(REPO, "examples")).filter((name) => fs.existsSync(path.join(REPO, "examples", name, "index.ts")));

describe("example programs", () => {
  it("each has a Pulumi.yaml for nodejs and depends on the package by name", () => {
    expect(examples.sort()).toEqual(["dr-drill", "flagship", "ft-app-tier", "recover-zstack-vm", "snapshot-then-power"]);
    for (const example of examples) {
      expect(fs.readFileSync(path.join(REPO, "examples", example, "Pulumi.yaml"), "utf8")).toMatch(/runtime:\s*nodejs/);
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "examples", example, "package.json"), "utf8")) as { dependencies: Record<string, string> };
      expect(pkg.dependencies["pulumi-vm-availability"]).toBeDefined();
    }
  });

  it("flagship runs through the engine against the twin with its defaults, recovering the seeded web-03", async () => {
    const web = ZSTACK_SEED.destroyedVm.uuid;
    expect(twin.zstack.world.vms.get(web)?.state).toBe("Destroyed");
    await runThrough("flagship", declaredBy("flagship", {}));
    expect(twin.zstack.world.vms.get(web)?.state).toBe("Running");
  });

  it("ft-app-tier runs through the engine against the twin", async () => {
    await runThrough("ft-app-tier", declaredBy("ft-app-tier", {}));
  });

  it("snapshot-then-power runs through the engine against the twin", async () => {
    await runThrough("snapshot-then-power", declaredBy("snapshot-then-power", { vmId: "vm-102", changeTicket: "CHG-1" }));
  });

  it("recover-zstack-vm runs through the engine against the twin", async () => {
    const vm = twin.zstack.world.addVm({ name: "db-primary", state: "Destroyed" });
    await runThrough("recover-zstack-vm", declaredBy("recover-zstack-vm", { vmInstanceUuid: vm.uuid }));
  });

  it("dr-drill runs through the engine against the twin", async () => {
    await runThrough(
      "dr-drill",
      declaredBy("dr-drill", { drillMonth: "2026-11", tier1PlanId: "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11", webPlanId: "8d6f3a2b-1c4e-4f7a-9b2d-3e5f6a7b8c90" }),
    );
  });
});
