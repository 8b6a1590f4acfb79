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
import { EngineSimulation, type Step } from "../engine/engine";
import { pulumiDirFrom, startHost } from "../engine/host";
import { stageInstall } from "../engine/stageInstall";
import { declaredProgram } from "../engine/declaredProgram";
import { renderSteps } from "./render";

const REPO = path.resolve(__dirname, "..", "..", "..");

function pulumiCliVersion(): string | undefined {
  const probe = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

function show(steps: Step[]): void {
  process.stdout.write(`${renderSteps(steps)}\n`);
  const failed = steps.filter((s) => s.op === "failed");
  if (failed.length > 0) throw new Error(`demo step failed: ${failed.map((s) => `${s.resource}: ${s.error}`).join("; ")}`);
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
      const engine = new EngineSimulation(host, { project: "vm-availability-flagship", stack: "dev" });
      await engine.configure(twin.stackConfig);
      const flagship = path.join(REPO, "examples", "flagship");
      const run = (config: Record<string, string>) => declaredProgram(REPO, stackDir, flagship, "vm-availability-flagship", config);
      let program = run({});
      process.stdout.write(
        `Offline twin: vSphere ${twin.vsphere.url}, Veeam ${twin.veeam.url}, ZStack ${twin.zstack.url}\nStack "dev" of project "vm-availability-flagship": examples/flagship/index.ts declares ${program.length} resources.\n`,
      );

      heading("pulumi preview");
      show(await engine.preview(program));
      heading("pulumi up");
      show(await engine.up(program));
      const ft = engine.state.get("app-01-ft")?.outputs;
      const drill = engine.state.get("tier1-dr-drill")?.outputs;
      process.stdout.write(
        `    app-01 is FT-protected: secondary ${String(ft?.["secondaryVmId"])} on ${String(ft?.["secondaryHost"])}, state ${String(ft?.["faultToleranceState"])}; DR plan ${String(drill?.["planName"])} is ${String(drill?.["planState"])} (${String(drill?.["result"])})\n`,
      );
      heading("pulumi preview (nothing changed)");
      show(await engine.preview(program));

      heading("out of band: someone powers batch-01 (vm-105) back on in the vSphere client");
      twin.vsphere.world.setPowerState("vm-105", "poweredOn");
      heading("pulumi refresh");
      show(await engine.refresh());
      heading("pulumi preview (the declared state differs from the VM again)");
      show(await engine.preview(program));

      heading('a changed input: the snapshot description now names the change ticket');
      process.stdout.write("    $ pulumi config set snapshotDescription 'before the PostgreSQL 16 upgrade (CHG-4711)'\n");
      program = run({ snapshotDescription: "before the PostgreSQL 16 upgrade (CHG-4711)" });
      show(await engine.preview(program));
      heading("pulumi up");
      show(await engine.up(program));

      heading("pulumi destroy");
      show(await engine.destroy());
      const inventory = twin.vsphere.world.inventory();
      const leftovers = inventory.vms.filter((vm) => ["vm-101", "vm-102", "vm-103"].includes(vm.id) && (vm.rootSnapshotIds.length > 0 || vm.ftRole !== "none"));
      process.stdout.write(`    after destroy: ${leftovers.length === 0 ? "no FT secondary and no snapshot left behind on vm-101..103" : `left behind: ${JSON.stringify(leftovers)}`}; batch-01 and web-03 are left as they are (delete leaves VMs alone)\n`);
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
    "No pulumi CLI on PATH: this demo drives the real @pulumi/pulumi dynamic-provider host over gRPC with the engine-protocol harness (Check/Diff on preview, Create/Update/Delete on up, Read on refresh), as the Pulumi engine would. No Pulumi CLI and no state backend are involved.\n",
  );
  await runWithHarness();
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
