import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { REPO } from "./support";

/** The blocks the CLI prints for one command: from its `$ pulumi …` line to the next. */
function commands(output: string): { typed: string; text: string }[] {
  return output
    .split(/^\$ /m)
    .slice(1)
    .map((block) => ({ typed: block.split("\n")[0]!, text: block }));
}

/** A row of the CLI's resource tree: symbol, type (under the stack), name, plan or status, `[diff: …]`. */
const TREE_ROW =
  /^ (\+|~|-|\+-)?\s+(pulumi:pulumi:Stack|[├└]─ pulumi-nodejs:dynamic\/(vsphere|veeam|zstack):[A-Za-z]+)\s+[\w-]+(\s+(create|update|replace|delete|created|updated|replaced|deleted)(\s+\[diff: [+~-][\w,]+( [+~-][\w,]+)*\])?)?$/;

/** `npm run demo` as a newcomer runs it (after the build `npm test` does first), forced onto the harness path. */
describe("npm run demo", () => {
  let output = "";
  let blocks: { typed: string; text: string }[] = [];
  let typed: string[] = [];
  beforeAll(() => {
    output = execFileSync(process.execPath, [path.join(REPO, "dist", "tools", "demo", "run.js"), "--harness"], { cwd: REPO, encoding: "utf8", timeout: 240_000 });
    blocks = commands(output);
    typed = blocks.map((block) => block.typed);
  }, 300_000);

  it("says first what it ran, then takes the flagship stack through preview, up, refresh, an update and destroy", () => {
    expect(output.split("\n")[0]).toMatch(/^No pulumi CLI on PATH: this demo drives the real @pulumi\/pulumi dynamic-provider host over gRPC/);
    expect(typed).toEqual([
      "pulumi preview",
      "pulumi up --yes",
      "pulumi preview",
      "pulumi refresh --yes",
      "pulumi refresh --yes",
      "pulumi preview",
      "pulumi config set snapshotDescription 'before the PostgreSQL 16 upgrade (CHG-4711)'",
      "pulumi preview",
      "pulumi up --yes",
      "pulumi destroy --yes",
    ]);
    expect(blocks[0]!.text).toContain("Previewing update (dev)");
    expect(blocks[0]!.text).toContain("    + 7 to create");
    expect(blocks[1]!.text).toContain("Updating (dev)");
    expect(blocks[1]!.text).toContain("    + 7 created");
    expect(blocks[2]!.text).toMatch(/Resources:\n {4}7 unchanged\n/);
    expect(blocks[9]!.text).toContain("Destroying (dev)");
    expect(blocks[9]!.text).toContain("    - 7 deleted");
    expect(output).toContain("no FT secondary and no snapshot left behind");
  });

  it("prints every resource row as the CLI does: no label the CLI would not show", () => {
    const rows = output.split("\n").filter((line) => /pulumi:pulumi:Stack|pulumi-nodejs:dynamic\//.test(line));
    expect(rows.length).toBeGreaterThan(60);
    for (const row of rows) expect(row).toMatch(TREE_ROW);
    expect(output).not.toMatch(/drift found|outputs changed|\(drift/);
  });

  it("shows drift found by refresh as the CLI does: an update in the refresh, then an update without a property diff", () => {
    expect(blocks[3]!.text).toMatch(/Resources:\n {4}7 unchanged\n/);
    expect(blocks[4]!.text).toMatch(/~ {3}└─ pulumi-nodejs:dynamic\/vsphere:VmPowerState +batch-01-off +updated +\[diff: ~powerState,toolsRunningStatus\]/);
    expect(blocks[4]!.text).toContain("    ~ 1 updated\n    6 unchanged");
    expect(blocks[5]!.text).toMatch(/~ {3}└─ pulumi-nodejs:dynamic\/vsphere:VmPowerState +batch-01-off +update\n/);
    expect(blocks[7]!.text).toMatch(/~ {3}├─ pulumi-nodejs:dynamic\/vsphere:VmSnapshot +db-01-pre-upgrade +update +\[diff: ~description\]/);
  });

  it("prints the stack's Outputs after each up, and a Duration after every command but a preview", () => {
    for (const index of [1, 8]) {
      const outputs = /\nOutputs:\n((?: {2}.*\n)+)\n/.exec(blocks[index]!.text)?.[1];
      expect(outputs).toBeDefined();
      for (const name of ["batchPowerState", "drillResult", "ftStates", "snapshotId", "webState"]) expect(outputs).toMatch(new RegExp(`^ {2}[ ~] ${name} *: `, "m"));
      expect(outputs).toMatch(/batchPowerState *: "poweredOff"/);
      expect(outputs).toMatch(/snapshotId *: "snapshot-\d+"/);
    }
    blocks.forEach((block) => {
      const duration = /\nDuration: \d+(m\d+)?s\n/.test(block.text);
      expect([block.typed, duration]).toEqual([block.typed, /^pulumi (up|refresh|destroy)/.test(block.typed)]);
    });
  });
});
