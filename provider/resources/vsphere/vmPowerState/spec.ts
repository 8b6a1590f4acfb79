import { booleanField, choiceField, secondsField } from "../../common/fields";
import { declareResource } from "../../common/declaration";
import { vmIdField } from "../shared/fields";

/** `vsphere:VmPowerState`: the declared power state of one VM. */
export const vmPowerStateDeclaration = declareResource({
  vendor: "vsphere",
  type: "VmPowerState",
  inputs: () => ({
    vmId: vmIdField(),
    state: choiceField("state", ["poweredOn", "poweredOff", "suspended"]),
    shutdownMode: choiceField("shutdownMode", ["guest", "hard"], "guest"),
    guestShutdownTimeoutSeconds: secondsField("guestShutdownTimeoutSeconds", 300, 3_600),
    forceAfterTimeout: booleanField("forceAfterTimeout", true),
    timeoutSeconds: secondsField("timeoutSeconds", 900, 21_600),
  }),
  outputs: ["powerState", "toolsRunningStatus", "host", "lastAction"],
  replaces: ["vmId"],
});
