import { z } from "zod";
import { describeValue } from "../../common/fields";
import { booleanField, secondsField } from "../../common/fields";
import { declareResource } from "../../common/declaration";
import { vmIdField } from "../shared/fields";

/** `vsphere:VmSnapshot`: one snapshot of a VM, keyed on its managed object id. */
export const vmSnapshotDeclaration = declareResource({
  vendor: "vsphere",
  type: "VmSnapshot",
  inputs: () => ({
    vmId: vmIdField(),
    name: z
      .string({ error: (issue) => (issue.input === undefined ? "name is required: the snapshot's name (not blank, at most 255 characters)" : `name must be a string; got ${describeValue(issue.input)}`) })
      .refine((value) => value.trim().length > 0, { error: "name must not be empty or blank" })
      .refine((value) => value.length <= 255, { error: (issue) => `name must be at most 255 characters; got ${String(issue.input).length}` }),
    description: z
      .string({ error: (issue) => `description must be a string (default ""); got ${describeValue(issue.input)}` })
      .max(4_096, { error: "description must be at most 4096 characters" })
      .default(""),
    memory: booleanField("memory", false),
    quiesce: booleanField("quiesce", false),
    removeChildren: booleanField("removeChildren", false),
    consolidate: booleanField("consolidate", true),
    timeoutSeconds: secondsField("timeoutSeconds", 1_800, 86_400),
  }),
  outputs: ["snapshotId", "createTime", "powerState", "quiesced", "parentSnapshotId", "isCurrent"],
  replaces: ["vmId", "memory", "quiesce"],
});
