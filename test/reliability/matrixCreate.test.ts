import { ciCells } from "../../tools/reliability/matrix";
import { matrixResources } from "../../tools/reliability/resources";
import { SCENARIOS } from "../../tools/reliability/scenarios";
import { lostCells, runMatrixCells, verdictsConsistent } from "./support";

/**
 * The fault matrix (CI subset, part 1): every fault scenario against the create of every resource, driven in-process
 * through provider.ts against the offline twin. The full matrix is `npm run reliability`.
 */
describe("fault matrix: create under every fault", () => {
  it("loses nothing: no orphan, no state the world contradicts after refresh, no unclear error, no leaked credential, no hang", async () => {
    const cells = ciCells(matrixResources(), SCENARIOS, "create");
    const results = await runMatrixCells(cells);
    expect(results).toHaveLength(cells.length);
    expect(lostCells(results)).toEqual([]);
    expect(verdictsConsistent(results)).toEqual([]);
    // The faults really hit: at least the transport scenarios reach every create.
    const unexercised = results.filter((result) => !result.exercised && ["503 burst", "drop before", "drop after", "restart"].includes(result.scenario));
    expect(unexercised.map((result) => `${result.resource} / ${result.scenario}`)).toEqual([]);
  }, 240_000);
});
