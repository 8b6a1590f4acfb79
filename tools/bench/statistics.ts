/** Summaries of repeated measurements: every figure the bench prints is a median with its min and max. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** How many runs the summary is made of. */
  runs: number;
}

/** Median (mean of the two middle values for an even count), min and max. Throws on an empty list or a non-finite value. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("summarize: no values");
  for (const value of values) if (!Number.isFinite(value)) throw new Error(`summarize: not a finite number: ${value}`);
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** `12.3 [10.1–15.0]`; a single run or identical runs print just the number. */
export function formatSummary(summary: Summary, digits = 1, unit = ""): string {
  const fmt = (value: number): string => `${value.toFixed(digits)}${unit}`;
  if (summary.min === summary.max) return fmt(summary.median);
  return `${fmt(summary.median)} [${fmt(summary.min)}–${fmt(summary.max)}]`;
}

/** How many times larger `baseline` is than `ours`, guarding against a zero or negative denominator (overheads can be ~0). */
export function ratio(baseline: number, ours: number, floor = 1): number {
  return baseline / Math.max(ours, floor);
}

/** `×42` style, with a floor so a 0 ms overhead does not print infinity; `≥` marks a ratio limited by the floor. */
export function formatRatio(baseline: number, ours: number, floor = 1): string {
  const value = ratio(baseline, ours, floor);
  const text = value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${ours < floor ? "≥" : ""}×${text}`;
}

/** The target for wait overhead: 50 ms or 2 % of the task, whichever is larger. */
export function overheadBudgetMs(taskMs: number): number {
  return Math.max(50, taskMs * 0.02);
}
