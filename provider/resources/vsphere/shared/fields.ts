import { z } from "zod";
import { isValidMoId } from "../../../vsphere/moref";
import { describeValue } from "../../common/fields";

const MOID_RULE = "letters, digits, '-', '_', '.', ':'; no slashes or spaces";

/** A VM managed object id (`vm-42`), validated before it can reach a URL. Call inside a memoized builder. */
export function vmIdField() {
  return moIdField("vmId", "a vSphere VM", "vm-42", true) as z.ZodType<string>;
}

/** A managed object id of some kind (`host-12`, `datastore-12`, `snapshot-7`); optional unless `required`. */
export function moIdField(property: string, kind: string, example: string, required = false) {
  const field = z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${property} is required: the managed object id of ${kind}, e.g. "${example}"` : `${property} must be the managed object id of ${kind}, e.g. "${example}"; got ${describeValue(issue.input)}`,
    })
    .min(1, { error: `${property} must not be empty: give the managed object id of ${kind}, e.g. "${example}"${required ? "" : ", or leave it out"}`, abort: true })
    .refine((value) => isValidMoId(value), {
      error: (issue) => `${property} must be a managed object id such as "${example}" (${MOID_RULE}); got ${describeValue(issue.input)}`,
    });
  return required ? field : field.optional();
}
