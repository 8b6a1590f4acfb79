import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as ts from "typescript";
import { installedVersion, packAndInstall } from "./packedInstall";

/**
 * A user's program against the packed package, with only registry packages: the tsconfig `pulumi new typescript`
 * writes (strict, no esModuleInterop, no skipLibCheck; `commonjs`/`node` until March 2026, `nodenext` since), TypeScript 5
 * and 6, as CommonJS and as an ES module. Each must compile with zero errors (every error is listed when not) and its
 * output must run: import the classes and providers, start and stop the offline twin from the subpath.
 * The declarations the entry points reach (the package and `/simulator`, resolved as each TypeScript and resolution
 * mode resolves them) must not reach zod: its declarations need `esModuleInterop` under classic resolution.
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

type TypeScriptPackage = Consumer["typescript"];
type TypeScript = typeof ts;

const ENTRY_POINTS: Record<string, string> = {
  "pulumi-vm-availability": "dist/provider/index.d.ts",
  "pulumi-vm-availability/simulator": "dist/simulator/index.d.ts",
};

interface ResolutionMode {
  name: string;
  options(typescript: TypeScript): ts.CompilerOptions;
  /** How the importing file loads the package (nodenext and node16 depend on it). */
  importedBy?: "require" | "import";
}

const RESOLUTION_MODES: ResolutionMode[] = [
  { name: "node10", options: (t) => ({ module: t.ModuleKind.CommonJS, moduleResolution: t.ModuleResolutionKind.Node10 }) },
  { name: "node16, require", options: (t) => ({ module: t.ModuleKind.Node16, moduleResolution: t.ModuleResolutionKind.Node16 }), importedBy: "require" },
  { name: "node16, import", options: (t) => ({ module: t.ModuleKind.Node16, moduleResolution: t.ModuleResolutionKind.Node16 }), importedBy: "import" },
  { name: "nodenext, require", options: (t) => ({ module: t.ModuleKind.NodeNext, moduleResolution: t.ModuleResolutionKind.NodeNext }), importedBy: "require" },
  { name: "nodenext, import", options: (t) => ({ module: t.ModuleKind.NodeNext, moduleResolution: t.ModuleResolutionKind.NodeNext }), importedBy: "import" },
  { name: "bundler", options: (t) => ({ module: t.ModuleKind.ESNext, moduleResolution: t.ModuleResolutionKind.Bundler }) },
];

/** TypeScript 6 refuses node10 resolution (TS5107); it is checked with TypeScript 5 only, as the consumers are. */
const RESOLUTIONS = (["typescript5", "typescript6"] as const).flatMap((typescript) =>
  RESOLUTION_MODES.filter((mode) => typescript === "typescript5" || mode.name !== "node10").map((mode) => [`${typescript}, ${mode.name}`, typescript, mode] as const),
);

function loadTypeScript(typescript: TypeScriptPackage): TypeScript {
  return require(path.join(stackDir, "node_modules", typescript)) as TypeScript;
}

/** The declaration file each entry point resolves to, as a program in `stackDir` resolves it in this mode. */
function resolveEntryPoints(typescript: TypeScript, mode: ResolutionMode): Record<string, string | undefined> {
  const importer = path.join(stackDir, "program.ts");
  const kind = mode.importedBy === "import" ? typescript.ModuleKind.ESNext : mode.importedBy === "require" ? typescript.ModuleKind.CommonJS : undefined;
  return Object.fromEntries(
    Object.keys(ENTRY_POINTS).map((specifier) => {
      const resolved = typescript.resolveModuleName(specifier, importer, mode.options(typescript), typescript.sys, undefined, undefined, kind).resolvedModule;
      return [specifier, resolved && path.relative(path.join(stackDir, "node_modules", "pulumi-vm-availability"), resolved.resolvedFileName)];
    }),
  );
}

/** Every file TypeScript loads for the entry points' declarations, and the package's files among them that name zod. */
function declarationGraph(typescript: TypeScript, mode: ResolutionMode): { files: string[]; namingZod: string[] } {
  const packageDir = path.join(stackDir, "node_modules", "pulumi-vm-availability");
  const roots = Object.values(ENTRY_POINTS).map((entry) => path.join(packageDir, entry));
  const program = typescript.createProgram(roots, { ...mode.options(typescript), noEmit: true, types: [], strict: true });
  const files = program.getSourceFiles().map((file) => path.relative(stackDir, file.fileName));
  const namesZod = (name: string): boolean => name === "zod" || name.startsWith("zod/");
  const namingZod = program
    .getSourceFiles()
    .filter((file) => path.resolve(file.fileName).startsWith(packageDir + path.sep))
    .filter((file) => {
      const references = typescript.preProcessFile(file.text, true, true);
      return [...references.importedFiles, ...references.typeReferenceDirectives, ...references.referencedFiles].some((reference) => namesZod(reference.fileName));
    })
    .map((file) => path.relative(packageDir, file.fileName));
  return { files, namingZod };
}

describe("the installed package's declarations", () => {
  it.each(RESOLUTIONS)("resolve from both entry points (%s)", (_name, typescript, mode) => {
    expect(resolveEntryPoints(loadTypeScript(typescript), mode)).toEqual(ENTRY_POINTS);
  });

  it.each(RESOLUTION_MODES.filter((mode) => mode.name === "node10" || mode.name === "nodenext, require").map((mode) => [mode.name, mode] as const))(
    "reach no zod declarations (%s)",
    (_name, mode) => {
      const { files, namingZod } = declarationGraph(loadTypeScript("typescript5"), mode);
      expect(files).toContain(path.join("node_modules", "pulumi-vm-availability", ENTRY_POINTS["pulumi-vm-availability/simulator"]!));
      expect(namingZod).toEqual([]);
      expect(files.filter((file) => file.split(path.sep).includes("zod"))).toEqual([]);
    },
  );
});
