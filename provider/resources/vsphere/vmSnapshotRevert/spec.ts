import { z } from "zod";
import { booleanField, expectation, secondsField, triggerListField } from "../../common/fields";
import { declareResource } from "../../common/declaration";
import { vmIdField } from "../shared/fields";

/** A snapshot's managed object id as vCenter issues it. */
export const SNAPSHOT_ID_PATTERN = /^snapshot-\d+$/;

function snapshotIdField() {
  const allowed = `a snapshot's managed object id such as "snapshot-12" (a VmSnapshot's id), or left out to revert to the VM's current snapshot`;
  return z
    .string({ error: expectation("snapshotId", allowed) })
    .regex(SNAPSHOT_ID_PATTERN, { error: expectation("snapshotId", allowed) })
    .optional();
}

/** `vsphere:VmSnapshotRevert`: one revert of a VM to a snapshot, run on create. */
export const vmSnapshotRevertDeclaration = declareResource({
  vendor: "vsphere",
  type: "VmSnapshotRevert",
  inputs: () => ({
    vmId: vmIdField(),
    snapshotId: snapshotIdField(),
    suppressPowerOn: booleanField("suppressPowerOn", false),
    triggers: triggerListField("reverts again"),
    timeoutSeconds: secondsField("timeoutSeconds", 1800, 21_600),
  }),
  outputs: ["snapshotName", "revertedToSnapshotId", "powerStateAfter", "revertedAt"],
  replaces: ["vmId", "snapshotId", "suppressPowerOn", "triggers"],
});
