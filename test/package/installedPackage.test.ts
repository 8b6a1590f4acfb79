import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startOfflineTwin, type OfflineTwin } from "../../simulator";
import { EngineSimulation } from "../../tools/engine/engine";
import { pulumiDirFrom, startHost, type HostProcess } from "../../tools/engine/host";
import { ALL_SCENARIOS } from "../../tools/engine/allScenarios";
import { requestedPulumiVersion } from "../../tools/engine/stageInstall";
import { hostEnvironment, serializeFromStack, stackConfigFor } from "../engine/support";
import { installedVersion, packAndInstall } from "./packedInstall";

/**
 * What a user gets: `npm pack`, the tarball installed with its production dependencies into a clean folder, every
 * provider serialized there and driven through the host that folder installed.
 */
jest.setTimeout(300_000);

let workDir: string;
let stackDir: string;
let twin: OfflineTwin;
let host: HostProcess;
let providers: Record<string, string>;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pva-package-"));
  const installed = packAndInstall(workDir, "stack", {}, { omitDev: true });
  stackDir = installed.stackDir;
  const shipped = installed.shipped;
  expect(shipped).toContain("dist/provider/index.js");
  expect(shipped.some((f) => f.startsWith("test/") || f.startsWith("tools/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toBe(false);
  process.stdout.write(`installed package on Node ${process.versions.node} with @pulumi/pulumi ${installedVersion(stackDir, "@pulumi/pulumi")}\n`);
  expect(fs.existsSync(path.join(stackDir, "node_modules", "pulumi-vm-availability", "dist", "provider", "index.js"))).toBe(true);
  expect(fs.lstatSync(path.join(stackDir, "node_modules", "pulumi-vm-availability")).isSymbolicLink()).toBe(false);

  providers = serializeFromStack(stackDir);
  twin = await startOfflineTwin({ durationMs: 50 });
  host = await startHost(pulumiDirFrom(stackDir), hostEnvironment(), stackDir);
});

afterAll(async () => {
  await host?.stop();
  await twin?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("the packed package installed in a clean folder", () => {
  it("has the @pulumi/pulumi the run asks for, and one that declares support for this Node", () => {
    const sdk = JSON.parse(fs.readFileSync(path.join(pulumiDirFrom(stackDir), "package.json"), "utf8")) as { version: string; engines: { node: string } };
    const requested = requestedPulumiVersion();
    if (requested) expect(sdk.version).toBe(requested);
    const minimumMajor = Number(/^>=\s*(\d+)/.exec(sdk.engines.node)?.[1]);
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(minimumMajor);
  });

  it("serializes every provider small, capturing its own files by require", () => {
    const sizes = Object.fromEntries(Object.entries(providers).map(([name, text]) => [name, Buffer.byteLength(text)]));
    process.stdout.write(`serialized provider size per resource (bytes, stored twice in each resource's state): ${JSON.stringify(sizes)}\n`);
    expect(Object.keys(providers).sort()).toEqual(ALL_SCENARIOS.map((s) => s.providerExport).sort());
    for (const text of Object.values(providers)) {
      expect(text).toContain('require("pulumi-vm-availability/dist/provider/');
      expect(Buffer.byteLength(text)).toBeLessThan(8 * 1024);
    }
  });

  it("exposes the offline twin as pulumi-vm-availability/simulator", () => {
    const out = execFileSync(process.execPath, ["-e", 'console.log(typeof require("pulumi-vm-availability/simulator").startOfflineTwin)'], { cwd: stackDir, encoding: "utf8" });
    expect(out.trim()).toBe("function");
  });

  it.each(ALL_SCENARIOS.map((s) => [s.type, s] as const))("runs %s through create, refresh and destroy in the host it installed", async (_type, scenario) => {
    const engine = new EngineSimulation(host, { project: "installed", stack: "dev" });
    await engine.configure(stackConfigFor(twin.environment));
    const fixture = await scenario.setup(twin);
    const program = [{ name: "subject", type: scenario.type, provider: providers[scenario.providerExport]!, inputs: scenario.create(fixture) }];
    expect((await engine.up(program))[0]).toMatchObject({ op: "create" });
    expect((await engine.refresh())[0]?.op).toBe("refresh-same");
    expect((await engine.preview(program))[0]).toMatchObject({ op: "same" });
    expect((await engine.destroy())[0]).toMatchObject({ op: "delete" });
  });
});
