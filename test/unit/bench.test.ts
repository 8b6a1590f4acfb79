import { ANSIBLE_MAX_BACKOFF_MS, ansibleDelayMs, firstLookAfter, fixedDelayMs, lookInstants } from "../../tools/bench/baselines";
import { formatRatio, formatSummary, overheadBudgetMs, ratio, summarize } from "../../tools/bench/statistics";

describe("bench statistics", () => {
  it("takes the middle value of an odd count, with min and max, whatever the order", () => {
    expect(summarize([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30, runs: 3 });
  });

  it("averages the two middle values of an even count", () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
  });

  it("summarizes one run as itself", () => {
    expect(summarize([7])).toEqual({ median: 7, min: 7, max: 7, runs: 1 });
  });

  it("refuses an empty list and non-finite values", () => {
    expect(() => summarize([])).toThrow("no values");
    expect(() => summarize([1, NaN])).toThrow("not a finite number");
    expect(() => summarize([Infinity])).toThrow("not a finite number");
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    summarize(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it("prints median [min–max], or one number when all runs agree", () => {
    expect(formatSummary({ median: 12.34, min: 10, max: 15.06, runs: 3 })).toBe("12.3 [10.0–15.1]");
    expect(formatSummary({ median: 9, min: 9, max: 9, runs: 2 }, 0)).toBe("9");
    expect(formatSummary({ median: 250, min: 200, max: 300, runs: 3 }, 0, " ms")).toBe("250 ms [200 ms–300 ms]");
  });

  it("guards ratios against a zero overhead with a floor and marks them as lower bounds", () => {
    expect(ratio(800, 16)).toBe(50);
    expect(ratio(800, 0)).toBe(800);
    expect(formatRatio(800, 0.2)).toBe("≥×800");
    expect(formatRatio(800, 16)).toBe("×50.0");
    expect(formatRatio(30, 16)).toBe("×1.88");
  });

  it("budgets 50 ms or 2 % of the task, whichever is larger", () => {
    expect(overheadBudgetMs(200)).toBe(50);
    expect(overheadBudgetMs(2_000)).toBe(50);
    expect(overheadBudgetMs(10_000)).toBe(200);
  });
});

describe("baseline wait schedules", () => {
  it("fixed polling waits 1 s after every look", () => {
    expect([0, 1, 5, 50].map(fixedDelayMs)).toEqual([1000, 1000, 1000, 1000]);
    expect(lookInstants(fixedDelayMs, 3_000)).toEqual([0, 1000, 2000, 3000]);
  });

  it("Ansible sleeps 2^n s plus randint(1, 1000) ms", () => {
    expect(ansibleDelayMs(0, () => 0)).toBe(1_001);
    expect(ansibleDelayMs(0, () => 0.999999)).toBe(2_000);
    expect(ansibleDelayMs(3, () => 0.5)).toBe(8_501);
  });

  it("Ansible's sleep is capped at 64 s (from n = 6 on)", () => {
    expect(ansibleDelayMs(5, () => 0.999999)).toBe(33_000);
    expect(ansibleDelayMs(6, () => 0)).toBe(ANSIBLE_MAX_BACKOFF_MS);
    expect(ansibleDelayMs(20, () => 0.5)).toBe(ANSIBLE_MAX_BACKOFF_MS);
  });

  it("looks at 0 s, then after each delay", () => {
    const noJitter = (attempt: number): number => ansibleDelayMs(attempt, () => 0);
    expect(lookInstants(noJitter, 10_000)).toEqual([0, 1_001, 3_002, 7_003, 15_004]);
  });

  it("finds the first look at or after the task's end", () => {
    const noJitter = (attempt: number): number => ansibleDelayMs(attempt, () => 0);
    expect(firstLookAfter(noJitter, 200)).toBe(1_001);
    expect(firstLookAfter(noJitter, 2_000)).toBe(3_002);
    expect(firstLookAfter(noJitter, 10_000)).toBe(15_004);
    expect(firstLookAfter(fixedDelayMs, 200)).toBe(1_000);
    expect(firstLookAfter(fixedDelayMs, 2_000)).toBe(2_000);
    expect(firstLookAfter(fixedDelayMs, 0)).toBe(0);
  });
});
