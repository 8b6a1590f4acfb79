import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { assertSupportedNode } from "../../provider/nodeVersion";
import { ConfigurationError } from "../../provider/errors";
import { REPO } from "../engine/support";

/**
 * An unsupported Node is refused at load with one sentence that names the running version and the supported ones,
 * before `@pulumi/pulumi` loads. The built entry is run in a child Node whose `process.versions.node` a preload
 * script pretends is older.
 */
let preloadDir: string;

beforeAll(() => {
  preloadDir = fs.mkdtempSync(path.join(os.tmpdir(), "pva-node-version-"));
});
afterAll(() => {
  if (preloadDir) fs.rmSync(preloadDir, { recursive: true, force: true });
});

function loadEntryAs(version: string, script: string): { status: number | null; stdout: string; stderr: string } {
  const preload = path.join(preloadDir, `node-${version}.js`);
  fs.writeFileSync(preload, `Object.defineProperty(process, "versions", { value: { ...process.versions, node: ${JSON.stringify(version)} } });\n`);
  const program = path.join(preloadDir, `program-${version}.js`);
  fs.writeFileSync(program, script);
  const result = spawnSync(process.execPath, ["--require", preload, program], { cwd: REPO, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ENTRY = JSON.stringify(path.join(REPO, "dist", "provider", "index.js"));

describe("the supported Node.js versions", () => {
  it.each(["20.18.1", "20.19.5", "22.0.0", "24.11.1", "26.1.0"])("accepts %s", (version) => {
    expect(() => assertSupportedNode(version)).not.toThrow();
  });

  it.each(["16.20.2", "18.20.8", "20.18.0", "20.9.0", "21.7.3"])("refuses %s with a ConfigurationError naming it", (version) => {
    expect(() => assertSupportedNode(version)).toThrow(ConfigurationError);
    expect(() => assertSupportedNode(version)).toThrow(`this is Node.js ${version}.`);
  });

  it("fails loading the built package on an older Node with one sentence and no stack trace", () => {
    const { status, stderr } = loadEntryAs("18.20.8", `require(${ENTRY})`);
    expect(status).not.toBe(0);
    const sentence = "pulumi-vm-availability supports Node.js 20.18.1 or later 20.x (with @pulumi/pulumi 3.248) and Node.js 22 or later (tested on 22 and 24), but this is Node.js 18.20.8.";
    const [before, after, ...more] = stderr.split(sentence);
    expect(more).toEqual([]);
    expect(`${before}${after}`).not.toMatch(/^\s+at |@pulumi|node_modules/m);
  });

  it("throws before the SDK loads, marked so that `pulumi up` prints the message alone", () => {
    const probe = `
      let caught;
      try { require(${ENTRY}); } catch (error) { caught = error; }
      const sdkLoaded = Object.keys(require.cache).some((file) => file.includes("@pulumi"));
      const { RunError } = require(require.resolve("@pulumi/pulumi", { paths: [${JSON.stringify(REPO)}] }));
      console.log(JSON.stringify({ sdkLoaded, runError: RunError.isInstance(caught), stack: caught.stack, kind: caught.kind, setting: caught.setting }));`;
    const { status, stdout, stderr } = loadEntryAs("20.9.0", probe);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      sdkLoaded: false,
      runError: true,
      stack: expect.stringMatching(/^ConfigurationError: pulumi-vm-availability supports .* but this is Node\.js 20\.9\.0\.$/),
      kind: "configuration",
      setting: "engines.node",
    });
  });

  it("states the same range as package.json engines", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { engines: { node: string } };
    expect(manifest.engines.node).toBe("^20.18.1 || >=22");
  });
});
