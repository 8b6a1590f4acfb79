import { z } from "zod";
import { isValidMoId } from "../../../vsphere/moref";

/** zod field for a VM managed object id (`vm-42`), validated before it can reach a URL. Call inside a memoized builder. */
export function vmIdField() {
  return z
    .string({ error: "vmId is required: the managed object id of a vSphere VM, e.g. \"vm-42\"" })
    .min(1, { error: "vmId must not be empty: give the managed object id of a vSphere VM, e.g. \"vm-42\"" })
    .refine((value) => value === "" || isValidMoId(value), {
      error: "vmId must be a managed object id such as \"vm-42\" (letters, digits, '-', '_', '.', ':'; no slashes or spaces)",
    });
}

/** zod field for a timeout in whole seconds, from 1 to `max`, with a default. */
export function secondsField(property: string, defaultValue: number, max: number) {
  const range = `a whole number of seconds from 1 to ${max} (default ${defaultValue})`;
  return z
    .number({ error: `${property} must be ${range}` })
    .int({ error: `${property} must be ${range}` })
    .min(1, { error: `${property} must be at least 1: ${range}` })
    .max(max, { error: `${property} must be at most ${max}: ${range}` })
    .default(defaultValue);
}

/** zod field for a boolean with a default. */
export function booleanField(property: string, defaultValue: boolean) {
  return z.boolean({ error: `${property} must be true or false (default ${defaultValue})` }).default(defaultValue);
}
