import { EngineSimulation } from "../../tools/engine/engine";
import { GrpcCallError } from "../../tools/engine/host";
import { stackConfigFor, useInstalledHost } from "./support";

/**
 * Adopting objects that exist outside the stack, through the real dynamic-provider host, with the requests the engine
 * sends for each way a program can ask for it (pkg/resource/deploy/step.go):
 * - the `import` resource option (ImportStep): Read with the id and no inputs and no state, so no `__provider`;
 * - the `id` resource option, what a static `get` uses (ReadStep): Read with the program's inputs, `__provider`
 *   included, sent as both inputs and state, in preview as in up; no Check, Diff, Create, Update or Delete ever follows
 *   for that (external) resource. An empty id from the provider makes the engine fail with "resource '<id>' does not
 *   exist".
 */
const engine = useInstalledHost();

beforeAll(async () => {
  await new EngineSimulation(engine.host, { project: "adoption", stack: "dev" }).configure(stackConfigFor(engine.twin.environment));
});

type Message = Record<string, (...args: never[]) => unknown>;

/** The engine's Read request: `state` goes in `properties`, `inputs` in `inputs` (either may be absent). */
async function read(type: string, id: string, sent: { state?: Record<string, unknown>; inputs?: Record<string, unknown> }): Promise<{ id: string; props: Record<string, unknown> }> {
  const request = new engine.host.proto.provproto["ReadRequest"]!();
  request["setId"]!(id as never);
  request["setUrn"]!(`urn:pulumi:dev::adoption::pulumi-nodejs:dynamic/${type}::adopted` as never);
  request["setProperties"]!(engine.host.proto.structproto.Struct.fromJavaScript(sent.state ?? {}) as never);
  if (sent.inputs) request["setInputs"]!(engine.host.proto.structproto.Struct.fromJavaScript(sent.inputs) as never);
  const response = await engine.host.call<Message>("read", request);
  const props = (response["getProperties"]!() as { toJavaScript(): Record<string, unknown> } | undefined)?.toJavaScript() ?? {};
  return { id: response["getId"]!() as string, props };
}

/** What `{ id }` in a program's resource options makes the engine do. */
async function readById(type: string, providerExport: string, id: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const inputs = { ...args, __provider: engine.providers[providerExport]! };
  const answer = await read(type, id, { state: inputs, inputs });
  if (!answer.id) throw new Error(`resource '${id}' does not exist`);
  return answer.props;
}

/** What the `import` option makes the engine do first; its error is what `pulumi up` reports. */
async function importById(type: string, id: string): Promise<string> {
  try {
    await read(type, id, {});
  } catch (error) {
    if (error instanceof GrpcCallError) return error.message;
    throw error;
  }
  throw new Error("the import's Read succeeded");
}

function taskCount(): number {
  return engine.twin.vsphere.world.taskRunner.tasks.size;
}

describe("the import resource option", () => {
  it.each([
    ["vsphere:VmSnapshot", "snapshot-1"],
    ["vsphere:VmPowerState", "vm-105"],
  ])("%s: the host cannot answer a Read that carries no __provider, so the import fails before anything is read", async (type, id) => {
    const before = engine.twin.vsphere.server.stats.requests;
    expect(await importById(type, id)).toContain("code must be a string, not undefined");
    expect(engine.twin.vsphere.server.stats.requests).toBe(before);
  });
});

describe("the id resource option (a read-only, external resource)", () => {
  let snapshotId: string;

  beforeAll(async () => {
    // A snapshot someone made outside this stack: another stack's VmSnapshot.
    const other = new EngineSimulation(engine.host, { project: "elsewhere", stack: "dev" });
    const steps = await other.up([{ name: "made-elsewhere", type: "vsphere:VmSnapshot", provider: engine.providers["vmSnapshotProvider"]!, inputs: { vmId: "vm-103", name: "before-upgrade", description: "made by hand" } }]);
    expect(steps[0]).toMatchObject({ op: "create" });
    snapshotId = other.state.get("made-elsewhere")!.id;
  });

  it("VmSnapshot: reads the snapshot by id; the VM comes from the snapshot itself when the program gives none", async () => {
    const withVm = await readById("vsphere:VmSnapshot", "vmSnapshotProvider", snapshotId, { vmId: "vm-103", name: "before-upgrade" });
    expect(withVm).toMatchObject({ snapshotId, vmId: "vm-103", name: "before-upgrade", description: "made by hand", isCurrent: true, powerState: "poweredOff" });
    const idOnly = await readById("vsphere:VmSnapshot", "vmSnapshotProvider", snapshotId, {});
    expect(idOnly).toMatchObject({ snapshotId, vmId: "vm-103", name: "before-upgrade", memory: false, quiesce: false });
  });

  it("VmSnapshot: an id vCenter does not know is the engine's 'does not exist' error", async () => {
    await expect(readById("vsphere:VmSnapshot", "vmSnapshotProvider", "snapshot-9999", { vmId: "vm-103", name: "x" })).rejects.toThrow("resource 'snapshot-9999' does not exist");
  });

  it("VmPowerState: reads the VM's power state and changes nothing, whatever state the program declares", async () => {
    const tasksBefore = taskCount();
    const declared = await readById("vsphere:VmPowerState", "vmPowerStateProvider", "vm-105", { vmId: "vm-105", state: "poweredOff" });
    expect(declared).toMatchObject({ vmId: "vm-105", state: "poweredOff", powerState: "poweredOn", host: "host-20" });
    const idOnly = await readById("vsphere:VmPowerState", "vmPowerStateProvider", "vm-105", {});
    expect(idOnly).toMatchObject({ vmId: "vm-105", state: "poweredOn", powerState: "poweredOn" });
    expect(taskCount()).toBe(tasksBefore);
    expect(engine.twin.vsphere.world.vms.get("vm-105")?.powerState).toBe("poweredOn");
  });

  it("VmPowerState: a VM vCenter does not know is the engine's 'does not exist' error", async () => {
    await expect(readById("vsphere:VmPowerState", "vmPowerStateProvider", "vm-9999", {})).rejects.toThrow("resource 'vm-9999' does not exist");
  });
});
