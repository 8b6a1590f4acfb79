import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { REPO } from "./support";

/** `npm run demo` as a newcomer runs it (after the build `npm test` does first), forced onto the harness path. */
describe("npm run demo", () => {
  it("takes the flagship stack through preview, up, drift, update and destroy, saying first what it ran", () => {
    const output = execFileSync(process.execPath, [path.join(REPO, "dist", "tools", "demo", "run.js"), "--harness"], { cwd: REPO, encoding: "utf8", timeout: 120_000 });
    const lines = output.split("\n");
    expect(lines[0]).toMatch(/^No pulumi CLI on PATH: this demo drives the real @pulumi\/pulumi dynamic-provider host over gRPC/);
    expect(output).toContain("Resources: 6 create");
    expect(output).toContain("Resources: 6 same");
    expect(output).toMatch(/~ {2}vsphere:VmPowerState +batch-01-off +drift: outputs changed {2}\[powerState/);
    expect(output).toMatch(/~ {2}vsphere:VmSnapshot +db-01-pre-upgrade +update {2}\[description\]/);
    expect(output).toContain("Resources: 6 delete");
    expect(output).toContain("no FT secondary and no snapshot left behind");
  });
});
