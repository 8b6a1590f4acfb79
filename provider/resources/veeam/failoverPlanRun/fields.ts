import { z } from "zod";
import { isValidPlanId } from "../../../veeam/ids";
import { describeValue, expectation } from "../../common/fields";

/** ISO 8601 date or date-time (.NET DateTime parses all of these). */
export function isIsoDate(value: string): boolean {
  const iso8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  if (!iso8601.test(value)) return false;
  const [year, month, day] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value.replace(" ", "T")));
}

const PLAN_ID = "an Orchestrator plan id: a GUID such as 5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11 (letters, digits, '.', '_', '-' only)";
const RESTORE_POINT = "an ISO 8601 date/time such as 2024-05-01T02:00:00Z (omit it for the latest restore point)";

/** The plan to fail over, validated before it can reach a URL. Call inside a memoized builder. */
export function planIdField() {
  return z
    .string({ error: expectation("planId", PLAN_ID, true) })
    .refine((value) => isValidPlanId(value), { error: (issue) => `planId must be ${PLAN_ID}; got ${describeValue(issue.input)}` });
}

export function restorePointDateField() {
  return z
    .string({ error: expectation("restorePointDate", RESTORE_POINT) })
    .refine((value) => isIsoDate(value), { error: (issue) => `restorePointDate must be ${RESTORE_POINT}; got ${describeValue(issue.input)}` })
    .optional();
}
