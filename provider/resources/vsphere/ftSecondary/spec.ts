import { booleanField, secondsField } from "../../common/fields";
import { declareResource } from "../../common/declaration";
import { moIdField, vmIdField } from "../shared/fields";

/** The inputs that decide where the secondary lives: changing one replaces the resource (FT is turned off, then on again). */
export const FT_PLACEMENT_INPUTS = ["host", "datastore", "metaDataDatastore"] as const;

/** `vsphere:FtSecondary`: a VM protected by Fault Tolerance (one secondary). The id is the primary VM's id. */
export const ftSecondaryDeclaration = declareResource({
  vendor: "vsphere",
  type: "FtSecondary",
  inputs: () => ({
    vmId: vmIdField(),
    host: moIdField("host", "a HostSystem in the primary's cluster", "host-12"),
    datastore: moIdField("datastore", "a Datastore for the secondary's files and disks", "datastore-12"),
    metaDataDatastore: moIdField("metaDataDatastore", "a Datastore for the FT metadata file", "datastore-12"),
    enabled: booleanField("enabled", true),
    waitForProtection: booleanField("waitForProtection", true),
    timeoutSeconds: secondsField("timeoutSeconds", 1800, 21_600),
  }),
  outputs: [
    "vmName",
    "primaryVmId",
    "secondaryVmId",
    "secondaryHost",
    "secondaryPowerState",
    "primaryHost",
    "faultToleranceState",
    "needSecondaryReason",
    "faultToleranceType",
    "instanceUuids",
    "powerOnAttempted",
    "powerOnOutcome",
    "powerOnFault",
    "placedDisks",
  ],
  replaces: ["vmId", ...FT_PLACEMENT_INPUTS],
});
