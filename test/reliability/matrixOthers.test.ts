import { ciCells } from "../../tools/reliability/matrix";
import { matrixResources } from "../../tools/reliability/resources";
import { SCENARIOS } from "../../tools/reliability/scenarios";
import { consumingScenarios, lostCells, missedFaults, runMatrixCells, verdictsConsistent } from "./support";

/**
 * The fault matrix (CI subset, part 2): every fault scenario against one of update / delete / read of every resource,
 * in rotation, so each operation meets most faults. The full matrix is `npm run reliability`.
 */
describe("fault matrix: update, delete and read under every fault", () => {
  it("loses nothing: no orphan, no state the world contradicts after refresh, no unclear error, no leaked credential, no hang", async () => {
    const cells = ciCells(matrixResources(), consumingScenarios(SCENARIOS), "others");
    const results = await runMatrixCells(cells);
    expect(results).toHaveLength(cells.length);
    expect(new Set(results.map((result) => result.operation))).toEqual(new Set(["update", "delete", "read"]));
    expect(lostCells(results)).toEqual([]);
    expect(verdictsConsistent(results)).toEqual([]);
    // Each cell's fault really hit its operation, unless the operation gives it nothing to hit (no call, no task, no wait).
    expect(missedFaults(cells, results)).toEqual([]);
    const hitScenarios = new Set(results.filter((result) => result.exercised).map((result) => result.scenario));
    expect(SCENARIOS.map((scenario) => scenario.short).filter((name) => !hitScenarios.has(name))).toEqual([]);
  }, 240_000);
});
