import { booleanField, choiceField, secondsField, triggerListField } from "../../common/fields";
import { declareResource } from "../../common/declaration";
import { vmIdField } from "../shared/fields";

/** `vsphere:FtFailoverTest`: one Fault Tolerance test (failover or restart of the secondary), run on create. */
export const ftFailoverTestDeclaration = declareResource({
  vendor: "vsphere",
  type: "FtFailoverTest",
  inputs: () => ({
    vmId: vmIdField(),
    mode: choiceField("mode", ["failover", "restartSecondary"], "failover"),
    triggers: triggerListField("runs the test again"),
    waitForProtection: booleanField("waitForProtection", true),
    timeoutSeconds: secondsField("timeoutSeconds", 1800, 21_600),
  }),
  outputs: [
    "primaryVmIdBefore",
    "secondaryVmIdBefore",
    "secondaryHostBefore",
    "primaryVmIdAfter",
    "secondaryVmIdAfter",
    "secondaryHostAfter",
    "faultToleranceState",
    "startedAt",
    "finishedAt",
    "secondsUnprotected",
    "result",
  ],
  replaces: ["vmId", "mode", "triggers"],
});
