import { ZSTACK_SEED } from "../../../simulator";

export type Vendor = "vsphere" | "veeam" | "zstack";

export const PLAN = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";
export const VM = ZSTACK_SEED.runningVm.uuid;

/** Every admin route: vendor, method, path, and the fields its body takes ([] = no body). */
export const ADMIN_ROUTES: Array<[Vendor, string, string, string[]]> = [
  ...(["vsphere", "veeam", "zstack"] as const).flatMap((vendor): Array<[Vendor, string, string, string[]]> => [
    [vendor, "POST", "/_sim/faults", ["latencyMs", "fail503", "drop", "dropAfter", "pathContains", "skip"]],
    [vendor, "DELETE", "/_sim/faults", []],
    [vendor, "GET", "/_sim/stats", []],
    [vendor, "DELETE", "/_sim/stats", []],
  ]),
  ["vsphere", "GET", "/_sim/vsphere/inventory", []],
  ["vsphere", "POST", "/_sim/vsphere/vms", ["id", "name", "clusterId", "hostId", "datastoreId", "powerState", "template", "toolsInstalled", "toolsRunning", "guestOperationMs"]],
  ["vsphere", "DELETE", "/_sim/vsphere/vms/vm-101", []],
  ["vsphere", "POST", "/_sim/vsphere/vms/vm-101/power", ["state"]],
  ["vsphere", "POST", "/_sim/vsphere/vms/vm-101/tools", ["running", "installed"]],
  ["vsphere", "POST", "/_sim/vsphere/vms/vm-101/guest-operation-ms", ["ms"]],
  ["vsphere", "POST", "/_sim/vsphere/vms/vm-101/turn-off-ft", []],
  ["vsphere", "DELETE", "/_sim/vsphere/snapshots/snapshot-1", []],
  ["vsphere", "POST", "/_sim/vsphere/tasks/duration", ["ms", "method", "vmId"]],
  ["vsphere", "POST", "/_sim/vsphere/tasks/hang-next", ["vmId", "method"]],
  ["vsphere", "POST", "/_sim/vsphere/tasks/fail-next", ["faultType", "vmId", "method", "fields", "message"]],
  ["vsphere", "POST", "/_sim/vsphere/tasks/finish-hung", []],
  ["vsphere", "POST", "/_sim/vsphere/sessions/expire", []],
  ["vsphere", "POST", "/_sim/vsphere/hosts/host-10/fail", []],
  ["vsphere", "POST", "/_sim/vsphere/hosts/host-10/restore", []],
  ["vsphere", "POST", "/_sim/vsphere/precondition-faults", ["delivery"]],
  ["veeam", "GET", "/_sim/veeam/state", []],
  ["veeam", "POST", "/_sim/veeam/plans", ["id", "name", "description", "enabled", "verified", "editing", "warnings", "errors", "runDurationMs", "phase", "result", "nextOutcome"]],
  ["veeam", "POST", `/_sim/veeam/plans/${PLAN}`, ["id", "name", "description", "enabled", "verified", "editing", "warnings", "errors", "runDurationMs", "phase", "result", "nextOutcome"]],
  ["veeam", "DELETE", `/_sim/veeam/plans/${PLAN}`, []],
  ["veeam", "POST", `/_sim/veeam/plans/${PLAN}/undo`, ["durationMs"]],
  ["veeam", "POST", `/_sim/veeam/plans/${PLAN}/outcome`, ["outcome"]],
  ["veeam", "POST", "/_sim/veeam/outcome", ["outcome"]],
  ["veeam", "POST", "/_sim/veeam/tokens/expire", ["refreshTokens"]],
  ["veeam", "POST", "/_sim/veeam/api-versions", ["release", "apiVersions"]],
  ["veeam", "POST", "/_sim/veeam/settings", ["runDurationMs", "tokenLifetimeSeconds", "refreshTokenLifetimeSeconds"]],
  ["veeam", "GET", "/_sim/veeam/requests", []],
  ["veeam", "DELETE", "/_sim/veeam/requests", []],
  ["zstack", "GET", "/_sim/zstack/inventory", []],
  [
    "zstack",
    "POST",
    "/_sim/zstack/vms",
    ["uuid", "name", "description", "state", "hostUuid", "ip", "zoneUuid", "clusterUuid", "imageUuid", "defaultL3NetworkUuid", "platform", "architecture", "hypervisorType", "cpuNum", "memorySize", "systemTags", "userTags"],
  ],
  ["zstack", "POST", `/_sim/zstack/vms/${VM}/destroy`, []],
  ["zstack", "POST", `/_sim/zstack/vms/${VM}/expunge`, []],
  ["zstack", "POST", `/_sim/zstack/vms/${VM}/start`, ["hostUuid"]],
  ["zstack", "POST", `/_sim/zstack/vms/${VM}/stop`, []],
  ["zstack", "POST", `/_sim/zstack/vms/${VM}/state`, ["state"]],
  ["zstack", "POST", "/_sim/zstack/sessions/expire", ["uuid"]],
  ["zstack", "POST", "/_sim/zstack/jobs/fail-next", ["action", "error"]],
  ["zstack", "POST", "/_sim/zstack/jobs/expire", ["uuid"]],
  ["zstack", "POST", "/_sim/zstack/config", ["jobDurationMs", "sessionLifetimeSeconds", "expungePeriodSeconds", "advertisedHost"]],
  ["zstack", "GET", "/_sim/zstack/requests", []],
  ["zstack", "DELETE", "/_sim/zstack/requests", []],
];
