import { matrixResources } from "../../tools/reliability/resources";
import { SCENARIOS } from "../../tools/reliability/scenarios";
import { ciTwoSiteCells, runTwoSiteCells, startTwoSiteTwin } from "../../tools/reliability/twoSites";
import { lostCells, verdictsConsistent } from "./support";

/**
 * The fault matrix's two-site cells (CI subset): for every resource, each of session expiry, a 503 burst and a dropped
 * connection (before and after the server acted) on one site while the same operation runs on the other site, one
 * operation per cell in rotation. The faulted site must end survived or failed-clean, the other site undisturbed.
 * The full set is part of `npm run reliability`.
 */
describe("fault matrix: a fault on one site leaves the other undisturbed", () => {
  it("loses nothing on the faulted site and disturbs nothing on the other", async () => {
    const cells = ciTwoSiteCells(matrixResources(), SCENARIOS);
    const twin = await startTwoSiteTwin();
    try {
      const results = await runTwoSiteCells(twin, cells);
      expect(results).toHaveLength(cells.length);
      expect(lostCells(results)).toEqual([]);
      expect(verdictsConsistent(results)).toEqual([]);
      expect(results.filter((result) => result.otherSite.length > 0)).toEqual([]);
      // Both directions, every operation, and the faults really hit the faulted site's operation.
      expect(new Set(results.map((result) => result.faultedSite))).toEqual(new Set(["primary", "dr"]));
      expect(new Set(results.map((result) => result.operation))).toEqual(new Set(["create", "update", "delete", "read"]));
      expect(results.filter((result) => result.exercised).length).toBeGreaterThan(results.length / 2);
    } finally {
      await twin.close();
    }
  }, 240_000);
});
