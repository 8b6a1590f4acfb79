import * as errors from "../../../errors";
import type * as connections from "../../../vsphere/connection";
import { describeVendorValue, isFault } from "../../../vsphere/faults";
import { readProperties } from "../../../vsphere/properties";

/** VirtualMachinePowerState_enum. */
export type PowerState = "poweredOn" | "poweredOff" | "suspended";

/** What the vSphere resources need to know about a VM before acting on it. */
export interface VmFacts {
  vmId: string;
  /** The VM's name as vCenter reports it (entity names come back escaped: `%25`, `%2f`, `%5c`). */
  name?: string;
  powerState: PowerState;
  /** guest.toolsRunningStatus: guestToolsRunning | guestToolsNotRunning | guestToolsExecutingScripts (absent: unknown). */
  toolsRunningStatus?: string;
  /** runtime.host: the HostSystem id the VM runs on (or is registered to). */
  host?: string;
  /** runtime.faultToleranceState (notConfigured when unset). */
  faultToleranceState: string;
  /** config.ftInfo: the VM's role in an FT group, when it is in one. */
  ftRole?: "primary" | "secondary";
  template: boolean;
}

const FACT_PATHS = [
  "name",
  "runtime.powerState",
  "runtime.host",
  "runtime.faultToleranceState",
  "guest.toolsRunningStatus",
  "config.template",
  "config.ftInfo",
];

function moRefValue(value: unknown): string | undefined {
  if (value && typeof value === "object" && typeof (value as { value?: unknown }).value === "string") return (value as { value: string }).value;
  return undefined;
}

function ftRoleOf(ftInfo: unknown): "primary" | "secondary" | undefined {
  if (!ftInfo || typeof ftInfo !== "object") return undefined;
  const info = ftInfo as { _typeName?: unknown; role?: unknown; primaryVM?: unknown };
  if (typeof info._typeName === "string" && info._typeName.includes("Secondary")) return "secondary";
  if (info.primaryVM !== undefined) return "secondary";
  if (typeof info.role === "number" && info.role > 1) return "secondary";
  return "primary";
}

/** True for guest.toolsRunningStatus values that mean VMware Tools answers (running, or running scripts). */
export function toolsRunning(status: string | undefined): boolean {
  return status === "guestToolsRunning" || status === "guestToolsExecutingScripts";
}

/** True when the VM is an FT primary or secondary (config.ftInfo set, or a faultToleranceState other than notConfigured). */
export function isFaultTolerant(facts: VmFacts): boolean {
  return facts.ftRole !== undefined || facts.faultToleranceState !== "notConfigured";
}

/**
 * Reads the VM's power state, tools status, host, FT role and template flag in one PropertyCollector call. Throws
 * NotFoundError naming the VM (and `vmId`) when vCenter does not know it.
 */
export async function readVmFacts(connection: connections.VsphereConnection, vmId: string, operation: string, deadline: number): Promise<VmFacts> {
  let values: Record<string, unknown>;
  try {
    values = await readProperties(connection, { type: "VirtualMachine", value: vmId }, [...FACT_PATHS], { deadline });
  } catch (error) {
    if (error instanceof errors.NotFoundError) throw vmNotFound(vmId, operation, error);
    if (!isFault(error, "InvalidProperty")) throw error;
    values = await readTopLevel(connection, vmId, operation, deadline);
  }
  const powerState = values["runtime.powerState"];
  if (powerState !== "poweredOn" && powerState !== "poweredOff" && powerState !== "suspended") {
    // Described, never serialized: the server may have put anything there (a value nested without end, escape sequences).
    throw new errors.ServerError(
      `vCenter answered runtime.powerState of VirtualMachine:${vmId} with ${describeVendorValue(powerState)}; expected "poweredOn", "poweredOff" or "suspended".`,
      200,
      { operation, object: `VirtualMachine:${vmId}` },
    );
  }
  const ftState = values["runtime.faultToleranceState"];
  const tools = values["guest.toolsRunningStatus"];
  return {
    vmId,
    name: typeof values["name"] === "string" ? values["name"] : undefined,
    powerState,
    toolsRunningStatus: typeof tools === "string" ? tools : undefined,
    host: moRefValue(values["runtime.host"]),
    faultToleranceState: typeof ftState === "string" ? ftState : "notConfigured",
    ftRole: ftRoleOf(values["config.ftInfo"]),
    template: values["config.template"] === true,
  };
}

/**
 * A server that refuses one of the nested paths (InvalidProperty) is asked for the whole `runtime`, `guest` and
 * `config` data objects instead, and the same facts are picked out of them.
 */
async function readTopLevel(connection: connections.VsphereConnection, vmId: string, operation: string, deadline: number): Promise<Record<string, unknown>> {
  let top: Record<string, unknown>;
  try {
    top = await readProperties(connection, { type: "VirtualMachine", value: vmId }, ["name", "runtime", "guest", "config"], { deadline });
  } catch (error) {
    if (error instanceof errors.NotFoundError) throw vmNotFound(vmId, operation, error);
    throw error;
  }
  const field = (object: unknown, key: string): unknown => (object && typeof object === "object" ? (object as Record<string, unknown>)[key] : undefined);
  const values: Record<string, unknown> = { name: top["name"] };
  for (const path of FACT_PATHS) {
    const [head, key] = path.split(".");
    if (head && key) values[path] = field(top[head], key);
  }
  for (const key of Object.keys(values)) if (values[key] === undefined || values[key] === null) delete values[key];
  return values;
}

/**
 * For a vmId vCenter does not know that is not shaped like a VM's managed object id (`vm-` and a number): a sentence
 * saying that vmId takes the id, not the VM's name. Empty for an id-shaped value.
 */
export function notAnIdHint(vmId: string): string {
  if (/^vm-\d+$/.test(vmId)) return "";
  return ` "${vmId}" looks like a VM name: vmId takes the VM's managed object id ("vm-" and a number, e.g. "vm-42", as in the vSphere Client's URL), not its name.`;
}

/** The error for a VM that vCenter does not know, naming the `vmId` input. */
export function vmNotFound(vmId: string, operation: string, cause?: unknown): errors.NotFoundError {
  return new errors.NotFoundError(`vmId: VirtualMachine ${vmId} does not exist in vCenter (or this user cannot see it).${notAnIdHint(vmId)}`, {
    operation,
    object: `VirtualMachine:${vmId}`,
    cause,
    fault: { type: "ManagedObjectNotFound" },
  });
}
