import * as crud from "../../provider/resources/vsphere/vmSnapshotRevert/provider";
import { useRoutedVcenter } from "./support/routedVcenter";
import { BASE, boxed, moref as ref } from "./support/vsphereMock";

/**
 * The exact VI/JSON requests VmSnapshotRevert sends: RevertToSnapshot_Task on the VirtualMachineSnapshot with
 * {suppressPowerOn}, or RevertToCurrentSnapshot_Task on the VM, answered by the routed fake vCenter.
 */

const SESSION = "sess-revert-1";
const fake = useRoutedVcenter(SESSION);
const { seen, properties, routes } = fake;

const tree = (state: string) => ({
  _typeName: "VirtualMachineSnapshotTree",
  snapshot: ref("VirtualMachineSnapshot", "snapshot-7"),
  vm: ref("VirtualMachine", "vm-42"),
  name: "pre-change 100%25",
  description: "",
  id: 7,
  createTime: "2026-11-01T00:00:00Z",
  state,
  quiesced: false,
});

/** vm-42, powered `power`, with one snapshot (snapshot-7, taken `snapshotState`) as its current one. */
function vm(power: string, snapshotState: string): void {
  properties["VirtualMachine:vm-42"] = {
    name: boxed("string", "db-42"),
    "runtime.powerState": power,
    "runtime.host": ref("HostSystem", "host-10"),
    "runtime.faultToleranceState": "notConfigured",
    "config.template": boxed("boolean", false),
    snapshot: { _typeName: "VirtualMachineSnapshotInfo", currentSnapshot: ref("VirtualMachineSnapshot", "snapshot-7"), rootSnapshotList: [tree(snapshotState)] },
  };
}

function setPower(power: string): void {
  properties["VirtualMachine:vm-42"]!["runtime.powerState"] = power;
}

describe("VmSnapshotRevert requests", () => {
  it("RevertToSnapshot_Task {suppressPowerOn} on the snapshot, recording the power state vSphere reports after it", async () => {
    vm("poweredOn", "poweredOn");
    routes["POST /VirtualMachineSnapshot/snapshot-7/RevertToSnapshot_Task"] = () => {
      setPower("suspended");
      return { status: 200, body: ref("Task", "task-r") };
    };
    const created = await crud.create({ vmId: "vm-42", snapshotId: "snapshot-7", suppressPowerOn: true, triggers: ["CHG-1"], timeoutSeconds: 60 });
    const [call] = fake.methodCalls();
    expect(call).toMatchObject({ method: "POST", path: `${BASE}/VirtualMachineSnapshot/snapshot-7/RevertToSnapshot_Task`, body: { suppressPowerOn: true } });
    expect(call!.headers["vmware-api-session-id"]).toBe(SESSION);
    expect(fake.methodCalls()).toHaveLength(1);
    expect(created.id).toMatch(/^vm-42:snapshot-7:\d{4}-/);
    expect(created.outs).toMatchObject({
      vmId: "vm-42",
      snapshotId: "snapshot-7",
      suppressPowerOn: true,
      triggers: ["CHG-1"],
      snapshotName: "pre-change 100%",
      revertedToSnapshotId: "snapshot-7",
      powerStateAfter: "suspended",
      revertedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it("RevertToCurrentSnapshot_Task {suppressPowerOn:false} on the VM when no snapshotId is given", async () => {
    vm("poweredOn", "poweredOff");
    routes["POST /VirtualMachine/vm-42/RevertToCurrentSnapshot_Task"] = () => {
      setPower("poweredOff");
      return { status: 200, body: ref("Task", "task-r") };
    };
    const created = await crud.create({ vmId: "vm-42", timeoutSeconds: 60 });
    expect(fake.methodCalls()).toMatchObject([{ method: "POST", path: `${BASE}/VirtualMachine/vm-42/RevertToCurrentSnapshot_Task`, body: { suppressPowerOn: false } }]);
    expect(created.outs).toMatchObject({ revertedToSnapshotId: "snapshot-7", powerStateAfter: "poweredOff" });
    expect(created.outs).not.toHaveProperty("snapshotId");
  });

  it("a snapshot outside the VM's tree is refused before any method call, naming both", async () => {
    vm("poweredOn", "poweredOff");
    await expect(crud.create({ vmId: "vm-42", snapshotId: "snapshot-99", timeoutSeconds: 60 })).rejects.toThrow(
      'snapshotId: snapshot snapshot-99 is not in the snapshot tree of VM "db-42" (vm-42) (its snapshots are snapshot "pre-change 100%" (snapshot-7)): name a snapshot of this VM.',
    );
    expect(fake.methodCalls()).toEqual([]);
  });

  it("an unchanged revert previews with no request", async () => {
    const recorded = { vmId: "vm-42", snapshotId: "snapshot-7", suppressPowerOn: false, timeoutSeconds: 1800, connection: "vsphere" };
    expect(await crud.check(recorded, { vmId: "vm-42", snapshotId: "snapshot-7" })).toMatchObject({ failures: [] });
    expect(seen).toEqual([]);
  });
});
