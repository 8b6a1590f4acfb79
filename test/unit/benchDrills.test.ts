import { RecoveryClock } from "../../tools/bench/drillOverhead";
import { DRILL_OVERHEAD_BUDGET_MS, drillTable } from "../../tools/bench/report";

describe("bench: the twin's recovery clock for FT tests", () => {
  it("keeps the first return to running after the group left it, not the running state before the test", () => {
    const clock = new RecoveryClock();
    clock.observe("running", 10);
    clock.observe("needSecondary", 20);
    clock.observe("starting", 30);
    clock.observe("running", 40);
    clock.observe("needSecondary", 50);
    clock.observe("running", 60);
    expect(clock.runningAgainAt).toBe(40);
  });

  it("has no instant while the group never came back", () => {
    const clock = new RecoveryClock();
    clock.observe("running", 10);
    clock.observe("needSecondary", 20);
    expect(clock.runningAgainAt).toBeUndefined();
  });

  it("judges the worst run against the wait's bound", () => {
    const summary = (max: number) => ({ median: max / 2, min: 0, max, runs: 3 });
    const row = (overhead: number) => ({ mode: "failover" as const, syncMs: 200, runs: 3, twinRecoveryMs: summary(500), reportedMs: summary(700), overheadMs: summary(overhead) });
    const table = drillTable([row(DRILL_OVERHEAD_BUDGET_MS), row(DRILL_OVERHEAD_BUDGET_MS + 1)]);
    expect(table.rows.map((cells) => cells[cells.length - 1])).toEqual(["met", "NOT met"]);
  });
});
