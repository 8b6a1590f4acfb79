import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiDirFrom } from "../../tools/engine/host";
import { requestedPulumiVersion, stageInstall } from "../../tools/engine/stageInstall";
import { REPO } from "../engine/support";

/** Engine tests, examples and the demo run from a staged stack: it must carry the SDK the run (a CI matrix leg) asks for. */
let stackDir: string;

afterAll(() => {
  if (stackDir) fs.rmSync(stackDir, { recursive: true, force: true });
});

function versionOf(pulumiDir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(pulumiDir, "package.json"), "utf8")) as { version: string }).version;
}

it("links the @pulumi/pulumi named by PVA_PULUMI_VERSION, or else the repo's own", () => {
  stackDir = stageInstall(REPO, path.join(os.tmpdir(), `pva-staged-${process.pid}`));
  const staged = versionOf(pulumiDirFrom(stackDir));
  process.stdout.write(`staged stack: Node ${process.versions.node}, @pulumi/pulumi ${staged}\n`);
  expect(staged).toBe(requestedPulumiVersion() ?? versionOf(pulumiDirFrom(REPO)));
});
