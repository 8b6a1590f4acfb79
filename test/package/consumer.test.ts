import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installedVersion, packAndInstall } from "./packedInstall";

/**
 * A user's program against the packed package, with only registry packages: the tsconfig `pulumi new typescript`
 * writes (strict, no esModuleInterop, no skipLibCheck; `commonjs`/`node` before 2026, `nodenext` since), TypeScript 5
 * and 6, as CommonJS and as an ES module. Each must compile with zero errors (every error is listed when not) and its
 * output must run: import the classes and providers, start and stop the offline twin from the subpath.
 */
jest.setTimeout(300_000);

const FIXTURE = path.join(__dirname, "consumer");

interface Consumer {
  name: string;
  tsconfig: "tsconfig.commonjs.json" | "tsconfig.nodenext.json";
  packageType: "commonjs" | "module";
  typescript: "typescript5" | "typescript6";
}

// TypeScript 6 rejects `moduleResolution: node` (TS5107), so the classic tsconfig is checked with TypeScript 5 only.
const CONSUMERS: Consumer[] = [
  { name: "commonjs-node-ts5", tsconfig: "tsconfig.commonjs.json", packageType: "commonjs", typescript: "typescript5" },
  { name: "commonjs-nodenext-ts5", tsconfig: "tsconfig.nodenext.json", packageType: "commonjs", typescript: "typescript5" },
  { name: "commonjs-nodenext-ts6", tsconfig: "tsconfig.nodenext.json", packageType: "commonjs", typescript: "typescript6" },
  { name: "esm-nodenext-ts5", tsconfig: "tsconfig.nodenext.json", packageType: "module", typescript: "typescript5" },
  { name: "esm-nodenext-ts6", tsconfig: "tsconfig.nodenext.json", packageType: "module", typescript: "typescript6" },
];

let workDir: string;
let stackDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pva-consumer-"));
  // The versions the `pulumi new typescript` template asks for, plus TypeScript 6 (typescript@latest may be 7).
  ({ stackDir } = packAndInstall(workDir, "program", { typescript5: "npm:typescript@^5", typescript6: "npm:typescript@^6", "@types/node": "^18" }));
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** Copies the program into its own project folder and compiles it; returns tsc's error lines. */
function compile(consumer: Consumer): { errors: string[]; projectDir: string } {
  const projectDir = path.join(stackDir, consumer.name);
  fs.mkdirSync(projectDir, { recursive: true });
  fs.copyFileSync(path.join(FIXTURE, "index.ts"), path.join(projectDir, "index.ts"));
  fs.copyFileSync(path.join(FIXTURE, consumer.tsconfig), path.join(projectDir, "tsconfig.json"));
  fs.writeFileSync(path.join(projectDir, "package.json"), JSON.stringify({ name: consumer.name, private: true, type: consumer.packageType }));
  const tsc = path.join(stackDir, "node_modules", consumer.typescript, "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", projectDir, "--pretty", "false"], { cwd: projectDir, encoding: "utf8" });
  const errors = `${result.stdout}${result.stderr}`.split("\n").filter((line) => /error TS\d+/.test(line));
  const version = installedVersion(stackDir, consumer.typescript);
  process.stdout.write(`consumer ${consumer.name} (TypeScript ${version}, @pulumi/pulumi ${installedVersion(stackDir, "@pulumi/pulumi")}): ${errors.length} errors\n`);
  if (errors.length === 0) expect(result.status).toBe(0);
  return { errors, projectDir };
}

describe("a user's program against the installed package", () => {
  it.each(CONSUMERS.map((consumer) => [consumer.name, consumer] as const))("%s compiles with no errors and runs", (_name, consumer) => {
    const { errors, projectDir } = compile(consumer);
    expect(errors).toEqual([]);
    const output = execFileSync(process.execPath, [path.join(projectDir, "bin", "index.js")], { cwd: projectDir, encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({
      classes: ["FtSecondary", "VmSnapshot", "VmPowerState", "FailoverPlanRun", "VmInstanceRecovery"].map((name) => `${name}:function:true`),
      providers: ["failoverPlanRunProvider", "ftSecondaryProvider", "vmInstanceRecoveryProvider", "vmPowerStateProvider", "vmSnapshotProvider"].map((name) => `${name}:function`),
      errors: "function",
      twin: [true, true, true],
    });
  });
});
