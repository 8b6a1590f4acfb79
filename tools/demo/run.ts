/**
 * `npm run demo`: the flagship stack on the embedded offline twin, step by step, printing what a Pulumi user sees.
 * With a `pulumi` CLI on PATH it runs the real CLI against a local file backend; without one it drives the real
 * dynamic-provider host over gRPC with the engine-protocol harness, and says so first.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startOfflineTwin } from "../../simulator";
import { EngineSimulation, type DeclaredResource, type Step } from "../engine/engine";
import { pulumiDirFrom, startHost } from "../engine/host";
import { stageInstall } from "../engine/stageInstall";
import { declaredProgram, programOutputs } from "../engine/declaredProgram";
import { renderCommand, type Command } from "./render";

const REPO = path.resolve(__dirname, "..", "..", "..");
const PROJECT = "vm-availability-flagship";
const STACK = "dev";

function pulumiCliVersion(): string | undefined {
  const probe = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** A line of the demo's own: what is done between commands (the CLI prints none of it). */
function narrate(text: string): void {
  process.stdout.write(`\n# ${text}\n`);
}

/** The flagship stack driven through the engine harness, each command printed as the Pulumi CLI prints its result. */
class FlagshipStack {
  private stackExisted = false;
  private lastOutputs: Record<string, unknown> | undefined;
  private config: Record<string, string> = {};
  program: DeclaredResource[];

  constructor(
    private readonly engine: EngineSimulation,
    private readonly stackDir: string,
  ) {
    this.program = this.declare();
  }

  private declare(): DeclaredResource[] {
    return declaredProgram(REPO, this.stackDir, path.join(REPO, "examples", "flagship"), PROJECT, this.config);
  }

  configSet(key: string, value: string): void {
    process.stdout.write(`\n$ pulumi config set ${key} '${value}'\n`);
    this.config = { ...this.config, [key]: value };
    this.program = this.declare();
  }

  async run(command: Command, typed: string): Promise<void> {
    process.stdout.write(`\n$ ${typed}\n`);
    const started = Date.now();
    const steps = await this.steps(command);
    const outputs = command === "up" ? { before: this.lastOutputs, after: programOutputs(REPO, this.stackDir, path.join(REPO, "examples", "flagship"), PROJECT, this.config, this.engine.state) } : undefined;
    const durationMs = Date.now() - started;
    process.stdout.write(`${renderCommand({ command, project: PROJECT, stack: STACK, steps, stackExisted: this.stackExisted, outputs, durationMs })}\n`);
    if (command === "up") {
      this.stackExisted = true;
      this.lastOutputs = outputs?.after;
    }
    if (command === "destroy") this.stackExisted = false;
    const failed = steps.filter((step) => step.op === "failed");
    if (failed.length > 0) throw new Error(`demo step failed: ${failed.map((step) => `${step.resource}: ${step.error}`).join("; ")}`);
  }

  private steps(command: Command): Promise<Step[]> {
    switch (command) {
      case "preview":
        return this.engine.preview(this.program);
      case "up":
        return this.engine.up(this.program);
      case "refresh":
        return this.engine.refresh();
      case "destroy":
        return this.engine.destroy();
    }
  }
}

async function runWithHarness(): Promise<void> {
  const started = Date.now();
  const twin = await startOfflineTwin({ durationMs: 150 });
  const stackDir = stageInstall(REPO, fs.mkdtempSync(path.join(os.tmpdir(), "pva-demo-")));
  try {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!/^(VSPHERE|VEEAM|ZSTACK)_/.test(key)) env[key] = value;
    const host = await startHost(pulumiDirFrom(stackDir), env, stackDir);
    try {
      const engine = new EngineSimulation(host, { project: PROJECT, stack: STACK });
      await engine.configure(twin.stackConfig);
      const stack = new FlagshipStack(engine, stackDir);
      process.stdout.write(
        `Offline twin: vSphere ${twin.vsphere.url}, Veeam ${twin.veeam.url}, ZStack ${twin.zstack.url}\nStack "${STACK}" of project "${PROJECT}": examples/flagship/index.ts declares ${stack.program.length} resources.\n`,
      );

      await stack.run("preview", "pulumi preview");
      await stack.run("up", "pulumi up --yes");
      const unsynced = [...engine.state.values()].filter((entry) => entry.type === "vsphere:FtSecondary" && entry.outputs["faultToleranceState"] !== "running");
      if (unsynced.length > 0) {
        narrate(
          `${unsynced.map((entry) => `${entry.name} recorded faultToleranceState ${String(entry.outputs["faultToleranceState"])}`).join(", ")}: the create returned once vSphere made the secondary, before it was in sync ("running"); a refresh records the state vSphere reaches`,
        );
      }
      narrate("nothing changed by hand since: a preview finds nothing to do, and a refresh no drift from what the program declares");
      await stack.run("preview", "pulumi preview");
      await stack.run("refresh", "pulumi refresh --yes");

      narrate("out of band: someone powers batch-01 (vm-105) back on in the vSphere Client");
      twin.vsphere.world.setPowerState("vm-105", "poweredOn");
      await stack.run("refresh", "pulumi refresh --yes");
      narrate("the VM's actual power state is recorded; the declared one (poweredOff) differs, so the next update powers it off again");
      await stack.run("preview", "pulumi preview");

      narrate("a changed input: the snapshot description now names the change ticket");
      stack.configSet("snapshotDescription", "before the PostgreSQL 16 upgrade (CHG-4711)");
      await stack.run("preview", "pulumi preview");
      await stack.run("up", "pulumi up --yes");

      await stack.run("destroy", "pulumi destroy --yes");
      const inventory = twin.vsphere.world.inventory();
      const leftovers = inventory.vms.filter((vm) => ["vm-101", "vm-102", "vm-103"].includes(vm.id) && (vm.rootSnapshotIds.length > 0 || vm.ftRole !== "none"));
      narrate(
        `after destroy: ${leftovers.length === 0 ? "no FT secondary and no snapshot left behind on vm-101..103" : `left behind: ${JSON.stringify(leftovers)}`}; batch-01 and web-03 are left as they are (delete leaves VMs alone)`,
      );
      process.stdout.write(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    } finally {
      await host.stop();
    }
  } finally {
    await twin.close();
    fs.rmSync(stackDir, { recursive: true, force: true });
  }
}

async function runWithCli(version: string): Promise<void> {
  process.stdout.write(`Pulumi CLI ${version} found on PATH: running it against a local file backend and the offline twin.\n`);
  const twin = await startOfflineTwin({ durationMs: 150 });
  const project = stageInstall(REPO, fs.mkdtempSync(path.join(os.tmpdir(), "pva-demo-cli-")));
  const backend = fs.mkdtempSync(path.join(os.tmpdir(), "pva-demo-state-"));
  fs.copyFileSync(path.join(REPO, "examples", "flagship", "index.ts"), path.join(project, "index.ts"));
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: vm-availability-demo\nruntime: nodejs\ndescription: The flagship example on the offline twin\n");
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "demo", PULUMI_SKIP_UPDATE_CHECK: "true" };
  const pulumi = (...args: string[]): void => {
    process.stdout.write(`\n$ pulumi ${args.join(" ")}\n`);
    const result = spawnSync("pulumi", args, { cwd: project, env, stdio: "inherit" });
    if (result.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited with ${result.status}`);
  };
  try {
    pulumi("stack", "init", "dev");
    for (const [key, item] of Object.entries(twin.stackConfig)) pulumi("config", "set", ...(item.secret ? ["--secret"] : []), key, item.value);
    pulumi("preview");
    pulumi("up", "--yes");
    pulumi("preview", "--expect-no-changes");
    twin.vsphere.world.setPowerState("vm-105", "poweredOn");
    pulumi("refresh", "--yes");
    pulumi("config", "set", "snapshotDescription", "before the PostgreSQL 16 upgrade (CHG-4711)");
    pulumi("up", "--yes");
    pulumi("destroy", "--yes");
  } finally {
    await twin.close();
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(backend, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const version = pulumiCliVersion();
  if (version && !process.argv.includes("--harness")) return runWithCli(version);
  process.stdout.write(
    "No pulumi CLI on PATH: this demo drives the real @pulumi/pulumi dynamic-provider host over gRPC with the engine-protocol harness (Check/Diff on preview, Create/Update/Delete on up, Read then Diff on refresh), as the Pulumi engine would, and prints each result as the CLI does. No Pulumi CLI and no state backend are involved.\n",
  );
  await runWithHarness();
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
