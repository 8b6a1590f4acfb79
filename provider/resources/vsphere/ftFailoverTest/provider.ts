import type * as pulumi from "@pulumi/pulumi";
import * as declared from "../../common/declaration";
import { containsUnknown } from "../../common/unknown";
import { readGroup } from "../ftSecondary/observe";
import { connectForCheck, previewDeadline } from "../shared/check";
import { runStyleOperations, runWouldHappen } from "../shared/runRecord";
import type { FtFailoverTestInputs, FtTestMode } from "./args";
import { vmIdHint } from "../shared/vmIdHint";
import { testRefusal } from "./record";
import { runTest } from "./runTest";
import { ftFailoverTestDeclaration as declaration } from "./spec";

/**
 * CRUD of `vsphere:FtFailoverTest` (run-style; id unique per run).
 *
 * - check: validates the inputs; when a run would happen (a new resource, or vmId/mode/triggers changed) and vmId is
 *   known, reads the group and refuses a VM that is not in an FT group or a group that is not running. An unchanged
 *   test previews with no API call, even though its vmId may be the secondary by now.
 * - create: runs the test (runTest.ts) and records it.
 * - read: keeps the record; the resource is gone only when the VM no longer exists.
 * - update: waitForProtection, timeoutSeconds or a same-server connection: recorded, no run.
 * - delete: changes nothing on vSphere.
 */

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = declared.checkDeclared<FtFailoverTestInputs>(declaration, news);
  const inputs = result.inputs;
  const vmId = inputs["vmId"];
  if (result.failures.length > 0 || typeof vmId !== "string" || containsUnknown(vmId) || !runWouldHappen(declaration, olds, inputs)) {
    return { inputs, failures: result.failures };
  }
  const mode: FtTestMode = inputs["mode"] === "restartSecondary" ? "restartSecondary" : "failover";
  const connection = await connectForCheck(declaration.type, "vmId", declared.namespaceOf(declaration, inputs));
  const deadline = previewDeadline();
  const view = await readGroup(connection, vmId, { deadline });
  const refusal = testRefusal(vmId, view, mode);
  if (refusal === undefined) return { inputs, failures: [] };
  return { inputs, failures: [{ property: "vmId", reason: view ? refusal : `${refusal}${await vmIdHint(connection, vmId, deadline)}` }] };
}

const operations = runStyleOperations<FtFailoverTestInputs>(declaration, runTest);

export const { diff, create, read, update } = operations;
const deleteImpl = operations.delete;

export { deleteImpl as delete };
