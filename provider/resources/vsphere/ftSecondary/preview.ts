import type * as pulumi from "@pulumi/pulumi";
import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import { readProperties } from "../../../vsphere/properties";
import { containsUnknown } from "../../common/unknown";
import { notAnIdHint } from "../shared/vm";
import { vmIdHint } from "../shared/vmIdHint";
import { clusterOfHost, objectExists, readPreconditions } from "./observe";
import { FT_PLACEMENT_INPUTS } from "./spec";
import { describeVm, moRefId, refusalReasons, unescapeEntityName } from "./state";

/**
 * What preview checks against vCenter before FT is turned on: the VM (template, already in an FT group, snapshots, HA
 * cluster, QueryFaultToleranceCompatibilityEx) when `vmId` is new or changed, and each placement input that is new or
 * changed. One failure per reason, each naming the input.
 */
export async function liveFailures(
  connection: connections.VsphereConnection,
  inputs: Record<string, unknown>,
  changed: { vm: boolean; placement: readonly string[] },
  deadline: number,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const vmId = typeof inputs["vmId"] === "string" && !containsUnknown(inputs["vmId"]) ? inputs["vmId"] : undefined;
  let primaryHost: string | undefined;
  let vmName: string | undefined;
  if (changed.vm && vmId) {
    const facts = await readPreconditions(connection, vmId, deadline);
    if (!facts) {
      const reason = `VM ${vmId} does not exist in vCenter (or this user cannot see it): Fault Tolerance cannot be turned on for it.${notAnIdHint(vmId)}`;
      return [{ property: "vmId", reason: `${reason}${await vmIdHint(connection, vmId, deadline)}` }];
    }
    vmName = facts.vmName;
    primaryHost = facts.host;
    for (const reason of refusalReasons(facts)) failures.push({ property: "vmId", reason });
  }
  if (vmId && !changed.vm && changed.placement.includes("host")) {
    const values = await readProperties(connection, { type: "VirtualMachine", value: vmId }, ["runtime.host", "name"], { deadline }).catch((error: unknown) => {
      if (error instanceof errors.NotFoundError) return {} as Record<string, unknown>;
      throw error;
    });
    primaryHost = moRefId(values["runtime.host"]);
    vmName ??= typeof values["name"] === "string" ? unescapeEntityName(values["name"]) : undefined;
  }
  failures.push(...(await placementFailures(connection, inputs, changed.placement, vmId ? describeVm(vmId, vmName) : "the VM", primaryHost, deadline)));
  return failures;
}

/** The placement inputs that are new or changed (all given ones when the VM changes: they were never checked for it). */
export function changedPlacement(olds: Record<string, unknown>, inputs: Record<string, unknown>, vmChanged: boolean): string[] {
  return FT_PLACEMENT_INPUTS.filter((key) => {
    const value = inputs[key];
    if (typeof value !== "string" || containsUnknown(value)) return false;
    return vmChanged || olds[key] !== value;
  });
}

async function placementFailures(
  connection: connections.VsphereConnection,
  inputs: Record<string, unknown>,
  changed: readonly string[],
  vm: string,
  primaryHost: string | undefined,
  deadline: number,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const host = changed.includes("host") ? (inputs["host"] as string) : undefined;
  if (host) {
    const exists = await objectExists(connection, "HostSystem", host, deadline);
    if (exists === false) {
      failures.push({ property: "host", reason: `host: HostSystem ${host} does not exist in vCenter (or this user cannot see it): vSphere would refuse the secondary's placement (ManagedObjectNotFound).` });
    } else if (primaryHost && host === primaryHost) {
      failures.push({ property: "host", reason: `host: ${vm} runs on ${host}; Fault Tolerance needs the secondary on a different host of the same cluster.` });
    } else if (primaryHost && exists) {
      const [wanted, current] = await Promise.all([clusterOfHost(connection, host, deadline), clusterOfHost(connection, primaryHost, deadline)]);
      if (wanted && current && wanted.id !== current.id) {
        failures.push({ property: "host", reason: `host: ${host} is not in the cluster of ${vm} (${current.name ?? current.id}): the secondary must run on another host of the primary's cluster.` });
      }
    }
  }
  for (const key of ["datastore", "metaDataDatastore"] as const) {
    const datastore = changed.includes(key) ? (inputs[key] as string | undefined) : undefined;
    if (!datastore) continue;
    if ((await objectExists(connection, "Datastore", datastore, deadline)) === false) {
      failures.push({ property: key, reason: `${key}: Datastore ${datastore} does not exist in vCenter (or this user cannot see it).` });
    }
  }
  return failures;
}
