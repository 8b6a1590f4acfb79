import * as pulumi from "@pulumi/pulumi";
import { ConflictError, NotFoundError, ValidationError } from "../../provider/errors";
import { lookupVirtualMachine } from "../../provider/lookup/lookupVirtualMachine";
import { connect } from "../../provider/vsphere/connection";
import { createSecondaryVmEx } from "../../provider/vsphere/methods/faultTolerance";
import { runTask } from "../../provider/vsphere/tasks";
import * as powerState from "../../provider/resources/vsphere/vmPowerState/provider";
import * as snapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import * as failoverTest from "../../provider/resources/vsphere/ftFailoverTest/provider";
import * as revert from "../../provider/resources/vsphere/vmSnapshotRevert/provider";
import { observeTwin, type TwinObserver } from "./support/twinObserver";
import { useVsphereTwin } from "./support/vsphereTwin";

/**
 * lookupVirtualMachine against the offline twin over loopback HTTP, with the settings a program would have
 * (`pulumi.runtime.setAllConfig`, the password a secret), and the vmId hint of the VmPowerState and VmSnapshot checks.
 */
const twin = useVsphereTwin({ taskDurationMs: 20, ftSyncMs: 30 });

let seen: TwinObserver;
beforeEach(() => {
  seen = observeTwin(twin.sim);
  pulumi.runtime.setAllConfig({ "vsphere:vsphereServer": twin.sim.url, "vsphere:user": twin.sim.username, "vsphere:password": twin.sim.password }, ["vsphere:password"]);
});

afterEach(() => seen.stop());

const dc = (): string => twin.sim.world.datacenter.name;

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error("expected the lookup to fail");
}

async function protect(vmId: string): Promise<string> {
  const connection = await connect("vsphere");
  const run = await runTask(connection, (options) => createSecondaryVmEx(connection, vmId, {}, options), { deadline: Date.now() + 30_000 });
  const secondary = twin.sim.world.inventory().vms.find((vm) => vm.id !== vmId && vm.name === twin.sim.world.vms.get(vmId)?.name);
  expect(run).toMatchObject({ status: "success" });
  if (!secondary) throw new Error(`no FT secondary of ${vmId} in the twin`);
  return secondary.id;
}

describe("lookupVirtualMachine", () => {
  it("finds a VM by its unique name, with the inventory path FindByInventoryPath takes, and destroys the view it read", async () => {
    expect(await lookupVirtualMachine({ name: "app-01" })).toEqual({ vmId: "vm-101", name: "app-01", inventoryPath: `${dc()}/vm/app/app-01` });
    expect(seen.count("POST ViewManager/CreateContainerView")).toBe(1);
    expect(seen.count("POST ContainerView/DestroyView")).toBe(1);
    expect(twin.sim.world.inventory().containerViews).toBe(0);
  });

  it("finds a VM by inventory path and by instance uuid", async () => {
    expect(await lookupVirtualMachine({ inventoryPath: `${dc()}/vm/db/db-01` })).toEqual({ vmId: "vm-103", name: "db-01", inventoryPath: `${dc()}/vm/db/db-01` });
    const instanceUuid = twin.sim.world.vms.get("vm-102")!.instanceUuid;
    expect(await lookupVirtualMachine({ instanceUuid })).toEqual({ vmId: "vm-102", name: "app-02", inventoryPath: `${dc()}/vm/app/app-02` });
    expect(seen.count("POST ViewManager/CreateContainerView")).toBe(0);
  });

  it("reads the twin's settings from a named connection namespace", async () => {
    pulumi.runtime.setAllConfig({ "vsphere-dr:vsphereServer": twin.sim.url, "vsphere-dr:user": twin.sim.username, "vsphere-dr:password": twin.sim.password }, ["vsphere-dr:password"]);
    expect((await lookupVirtualMachine({ name: "db-01", connection: "vsphere-dr" })).vmId).toBe("vm-103");
  });

  it("names what it looked for when nothing matches, and lists names differing only in case", async () => {
    const none = await failure(() => lookupVirtualMachine({ name: "APP-01" }));
    expect(none).toBeInstanceOf(NotFoundError);
    expect(none.message).toContain('no VM is named "APP-01"');
    expect(none.message).toContain(`"app-01" vm-101 (${dc()}/vm/app/app-01)`);
    const path = await failure(() => lookupVirtualMachine({ inventoryPath: `${dc()}/vm/app/db-01` }));
    expect(path).toBeInstanceOf(NotFoundError);
    expect(path.message).toContain(`A VM of that name is at vm-103 (${dc()}/vm/db/db-01)`);
    const folder = await failure(() => lookupVirtualMachine({ inventoryPath: `${dc()}/vm/app` }));
    expect(folder).toBeInstanceOf(ValidationError);
    expect(folder.message).toMatch(/is a Folder \(group-v\d+\), not a VM/);
    const uuid = await failure(() => lookupVirtualMachine({ instanceUuid: "00000000-0000-4000-8000-000000000000" }));
    expect(uuid).toBeInstanceOf(NotFoundError);
    expect(twin.sim.world.inventory().containerViews).toBe(0);
  });

  it("lists every VM of an ambiguous name with ids and paths, and asks for a path or uuid instead", async () => {
    const first = twin.sim.world.addFolder("shared-a");
    const second = twin.sim.world.addFolder("shared-b");
    const a = twin.sim.world.addVm({ name: "twin-name", folderId: first.id });
    const b = twin.sim.world.addVm({ name: "twin-name", folderId: second.id });
    const error = await failure(() => lookupVirtualMachine({ name: "twin-name" }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain(`2 VMs are named "twin-name"`);
    expect(error.message).toContain(`${a.id} (${dc()}/vm/shared-a/twin-name)`);
    expect(error.message).toContain(`${b.id} (${dc()}/vm/shared-b/twin-name)`);
    expect(error.message).toContain("Give inventoryPath or instanceUuid");
    expect(await lookupVirtualMachine({ inventoryPath: `${dc()}/vm/shared-b/twin-name` })).toMatchObject({ vmId: b.id });
  });

  it("never matches an FT secondary, which shares its primary's name, path and BIOS uuid", async () => {
    const secondaryId = await protect("vm-101");
    expect(await lookupVirtualMachine({ name: "app-01" })).toMatchObject({ vmId: "vm-101" });
    expect(await lookupVirtualMachine({ inventoryPath: `${dc()}/vm/app/app-01` })).toMatchObject({ vmId: "vm-101" });
    const error = await failure(() => lookupVirtualMachine({ instanceUuid: twin.sim.world.vms.get(secondaryId)!.instanceUuid }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain(`Fault Tolerance secondary ${secondaryId}`);
    expect(error.message).toContain("of vm-101");
  });

  it("reads an inventory of 2,500 more VMs to its last page and finds the last one", async () => {
    const folder = twin.sim.world.addFolder("load");
    twin.sim.world.addVms({ count: 2500, namePrefix: "load", folderId: folder.id });
    const last = [...twin.sim.world.vms.values()].find((vm) => vm.name === "load-2500")!;
    expect(await lookupVirtualMachine({ name: "load-2500" })).toEqual({ vmId: last.id, name: "load-2500", inventoryPath: `${dc()}/vm/load/load-2500` });
    expect(seen.count("POST PropertyCollector/ContinueRetrievePropertiesEx")).toBeGreaterThanOrEqual(2);
    expect(twin.sim.world.inventory().containerViews).toBe(0);
  });

  it("falls back to the environment when the stack config has no settings", async () => {
    pulumi.runtime.setAllConfig({});
    const saved = { ...process.env };
    Object.assign(process.env, { VSPHERE_SERVER: twin.sim.url, VSPHERE_USER: twin.sim.username, VSPHERE_PASSWORD: twin.sim.password });
    try {
      expect((await lookupVirtualMachine({ name: "batch-01" })).vmId).toBe("vm-105");
    } finally {
      process.env = saved;
    }
  });
});

describe("a VM name given as vmId", () => {
  it("VmPowerState's check says vmId is an id and names the id of the VM of that name", async () => {
    const checked = await powerState.check({}, { vmId: "batch-01", state: "poweredOff" });
    expect(checked.failures).toHaveLength(1);
    expect(checked.failures![0]).toMatchObject({ property: "vmId" });
    expect(checked.failures![0]!.reason).toContain('not its name. The VM named "batch-01" is vm-105: use that.');
    expect(twin.sim.world.inventory().containerViews).toBe(0);
  });

  it("the run-style resources' checks name the id too (FtFailoverTest, VmSnapshotRevert)", async () => {
    const drill = await failoverTest.check({}, { vmId: "app-01" });
    expect(drill.failures).toEqual([{ property: "vmId", reason: expect.stringContaining('not its name. The VM named "app-01" is vm-101: use that.') }]);
    const rollback = await revert.check({}, { vmId: "db-01" });
    expect(rollback.failures).toEqual([{ property: "vmId", reason: expect.stringContaining('not its name. The VM named "db-01" is vm-103: use that.') }]);
    expect(twin.sim.world.inventory().containerViews).toBe(0);
  });

  it("VmSnapshot's check does the same, and says so when no VM has that name either", async () => {
    const checked = await snapshot.check({}, { vmId: "db-01", name: "pre-change" });
    expect(checked.failures![0]!.reason).toContain('not its name. The VM named "db-01" is vm-103: use that.');
    const unknown = await snapshot.check({}, { vmId: "no-such-vm", name: "pre-change" });
    expect(unknown.failures![0]!.reason).toContain('not its name. No VM is named "no-such-vm" either.');
  });

  it("an id-shaped vmId that does not exist costs no name lookup, and an unchanged one no call at all", async () => {
    const checked = await powerState.check({}, { vmId: "vm-9999", state: "poweredOff" });
    expect(checked.failures![0]!.reason).not.toContain("not its name");
    expect(seen.count("POST ViewManager/CreateContainerView")).toBe(0);
    const before = seen.routes.length;
    await powerState.check({ vmId: "batch-01", state: "poweredOff" }, { vmId: "batch-01", state: "poweredOff" });
    expect(seen.routes.length).toBe(before);
  });
});
