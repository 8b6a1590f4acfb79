import { z } from "zod";
import { normalizeZstackUuid } from "../../../zstack/uuid";
import { booleanField, describeValue, secondsField } from "../../common/fields";
import { declareResource } from "../../common/declaration";

const UUID_RULE = "32 hex characters (hyphenated 8-4-4-4-12 is accepted)";

/** A ZStack VM uuid, normalized to ZStack's form (lower case, no hyphens) before it can reach a URL. */
function vmInstanceUuidField() {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? "vmInstanceUuid is required: the uuid of a ZStack VM (32 hex characters)"
          : `vmInstanceUuid must be a ZStack uuid: ${UUID_RULE}; got ${describeValue(issue.input)}`,
    })
    .transform((value, context) => {
      const normalized = normalizeZstackUuid(value);
      if (normalized === undefined) {
        context.addIssue({ code: "custom", message: `vmInstanceUuid must be a ZStack uuid: ${UUID_RULE}; got ${describeValue(value)}` });
        return z.NEVER;
      }
      return normalized;
    });
}

/** API tags sent with the recover call. */
function tagListField(property: string) {
  return z
    .array(
      z
        .string({ error: `each entry of ${property} must be a string` })
        .min(1, { error: `entries of ${property} must not be empty` })
        .max(2048, { error: `entries of ${property} must be at most 2048 characters` }),
      { error: `${property} must be a list of strings` },
    )
    .max(100, { error: `${property} may hold at most 100 tags` })
    .optional();
}

/** `zstack:VmInstanceRecovery`: a destroyed ZStack VM, declared back (id = the VM uuid). */
export const vmInstanceRecoveryDeclaration = declareResource({
  vendor: "zstack",
  type: "VmInstanceRecovery",
  inputs: () => ({
    vmInstanceUuid: vmInstanceUuidField(),
    startAfterRecovery: booleanField("startAfterRecovery", false),
    systemTags: tagListField("systemTags"),
    userTags: tagListField("userTags"),
    timeoutSeconds: secondsField("timeoutSeconds", 600, 21_600),
  }),
  outputs: [
    "name",
    "state",
    "initialState",
    "recovered",
    "startedAfterRecovery",
    "recoveredAt",
    "description",
    "hostUuid",
    "lastHostUuid",
    "zoneUuid",
    "clusterUuid",
    "imageUuid",
    "instanceOfferingUuid",
    "rootVolumeUuid",
    "defaultL3NetworkUuid",
    "hypervisorType",
    "platform",
    "architecture",
    "type",
    "cpuNum",
    "memorySize",
    "createDate",
    "lastOpDate",
    "ipAddresses",
  ],
  replaces: ["vmInstanceUuid"],
});
