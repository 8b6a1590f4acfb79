import { startProviderProcess, type CreateOutcome } from "./support/providerProcess";
import { useVsphereTwin } from "./support/vsphereTwin";

/**
 * Two stacks acting on one VM at the same moment: each operation runs in its own Node process (the compiled package,
 * as two dynamic-provider hosts would), so the per-VM lock inside one process does not order them. Each must succeed or
 * fail with a typed error naming the VM, and afterwards the twin must hold nothing the two outcomes do not record and
 * no task still running.
 */
const twin = useVsphereTwin({ taskDurationMs: 150, ftSyncMs: 50 });

let counter = 0;
function newVm(): string {
  counter += 1;
  return twin.sim.world.addVm({ name: `two-stacks-${counter}`, powerState: "poweredOn" }).id;
}

function environment(): Record<string, string> {
  return { VSPHERE_SERVER: twin.sim.url, VSPHERE_USER: twin.sim.username, VSPHERE_PASSWORD: twin.sim.password };
}

/** Starts both operations, releases them together once both have checked their inputs, and returns both outcomes. */
async function atOnce(...operations: Array<{ provider: string; inputs: Record<string, unknown> }>): Promise<CreateOutcome[]> {
  const processes = operations.map((operation) => startProviderProcess({ ...operation, environment: environment() }));
  await Promise.all(processes.map((process) => process.ready));
  for (const process of processes) process.go();
  return Promise.all(processes.map((process) => process.outcome));
}

/** Why an outcome is neither a success nor a clear typed failure about `vmId` (undefined when it is one of those). */
function unclear(outcome: CreateOutcome, vmId: string): string | undefined {
  if (outcome.ok) return undefined;
  const { error } = outcome;
  if (!error.typed) return `untyped ${error.name}: ${error.message}`;
  if (!error.message.includes(vmId)) return `${error.name} does not name ${vmId}: ${error.message}`;
  return undefined;
}

/** The id an outcome leaves recorded in its stack: a created resource's, or a partial failure's. */
function recordedId(outcome: CreateOutcome): string | undefined {
  return outcome.ok ? outcome.id : outcome.error.id;
}

function recordedOutputs(outcome: CreateOutcome): Record<string, unknown> | undefined {
  return outcome.ok ? outcome.outs : outcome.error.properties;
}

function inventoryVm(vmId: string) {
  return twin.sim.world.inventory().vms.find((vm) => vm.id === vmId);
}

function snapshotIdsOn(vmId: string): string[] {
  return twin.sim.world
    .inventory()
    .snapshots.filter((snapshot) => snapshot.vmId === vmId)
    .map((snapshot) => snapshot.id);
}

/** Resolves once no task runs on the VMs (checked on every change the twin makes); rejects naming the tasks if some never end. */
function tasksEnded(vmIds: string[], boundMs = 30_000): Promise<void> {
  const running = () => twin.sim.world.inventory().runningTasks.filter((task) => vmIds.includes(task.entityId));
  return new Promise((resolve, reject) => {
    const stop = twin.sim.world.onChange(() => check());
    const bound = setTimeout(() => {
      stop();
      reject(new Error(`tasks still running after ${boundMs} ms: ${running().map((task) => `${task.name} ${task.id} on ${task.entityId} (${task.state})`).join(", ")}`));
    }, boundMs);
    const check = (): void => {
      if (running().length > 0) return;
      stop();
      clearTimeout(bound);
      resolve();
    };
    check();
  });
}

describe("two provider processes on one VM at once", () => {
  it("a power-off in one and a snapshot in the other: both end cleanly, the snapshot is recorded, the VM is off", async () => {
    const vmId = newVm();
    const [power, snapshot] = await atOnce(
      { provider: "vmPowerStateProvider", inputs: { vmId, state: "poweredOff", shutdownMode: "hard", timeoutSeconds: 60 } },
      { provider: "vmSnapshotProvider", inputs: { vmId, name: "taken by the other stack", timeoutSeconds: 60 } },
    );
    await tasksEnded([vmId]);
    expect([unclear(power!, vmId), unclear(snapshot!, vmId)]).toEqual([undefined, undefined]);

    // Another client's task on the VM (TaskInProgress) is waited out, not failed on: both succeed.
    expect([power!.ok, snapshot!.ok]).toEqual([true, true]);
    expect(snapshotIdsOn(vmId)).toEqual([recordedId(snapshot!)]);
    expect({ recorded: recordedOutputs(power!)?.["powerState"], vSphere: inventoryVm(vmId)?.powerState }).toEqual({ recorded: "poweredOff", vSphere: "poweredOff" });
  });

  async function bothTurnFtOn(): Promise<{ vmId: string; outcomes: CreateOutcome[] }> {
    const vmId = newVm();
    const outcomes = await atOnce(
      { provider: "ftSecondaryProvider", inputs: { vmId, timeoutSeconds: 60 } },
      { provider: "ftSecondaryProvider", inputs: { vmId, timeoutSeconds: 60 } },
    );
    await tasksEnded([vmId]);
    return { vmId, outcomes };
  }

  function recordedSecondaries(outcomes: CreateOutcome[]): string[] {
    return outcomes.map((outcome) => recordedOutputs(outcome)?.["secondaryVmId"]).filter((id): id is string => typeof id === "string" && id !== "");
  }

  it("both turning FT on: one secondary, recorded by a stack that succeeded; the other ends with a typed error", async () => {
    const { vmId, outcomes } = await bothTurnFtOn();
    expect(outcomes.map((outcome) => unclear(outcome, vmId))).toEqual([undefined, undefined]);
    const vm = inventoryVm(vmId)!;
    expect({ ftRole: vm.ftRole, secondaries: vm.secondaryIds.length }).toEqual({ ftRole: "primary", secondaries: 1 });
    // Every secondary vSphere has is one a stack recorded; a stack that recorded one finds it there.
    expect(recordedSecondaries(outcomes).filter((id) => !vm.secondaryIds.includes(id))).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.ok && outcome.outs["secondaryVmId"] === vm.secondaryIds[0])).toHaveLength(1);
  });

  // The stack that loses the race gets SecondaryVmAlreadyRegistered: vSphere refused its call, so the secondary it would
  // find by reading the VM back is the winner's, and recording it would let either stack's destroy turn FT off under the other.
  it("the stack that loses the FT race does not record the winner's secondary", async () => {
    const { outcomes } = await bothTurnFtOn();
    expect(recordedSecondaries(outcomes)).toHaveLength(1);
  });

  it("FT on in one and a snapshot in the other (vSphere allows only one of them): whatever exists is recorded", async () => {
    const vmId = newVm();
    const [ft, snapshot] = await atOnce(
      { provider: "ftSecondaryProvider", inputs: { vmId, timeoutSeconds: 60 } },
      { provider: "vmSnapshotProvider", inputs: { vmId, name: "before FT", timeoutSeconds: 60 } },
    );
    await tasksEnded([vmId]);
    expect([unclear(ft!, vmId), unclear(snapshot!, vmId)]).toEqual([undefined, undefined]);

    const vm = inventoryVm(vmId)!;
    const recordedSnapshot = recordedId(snapshot!);
    expect(snapshotIdsOn(vmId)).toEqual(recordedSnapshot ? [recordedSnapshot] : []);
    expect({ ftOn: vm.ftRole === "primary" }).toEqual({ ftOn: recordedId(ft!) !== undefined });
    if (vm.ftRole === "primary") expect(vm.secondaryIds).toEqual([recordedOutputs(ft!)?.["secondaryVmId"]]);
    expect(ft!.ok || snapshot!.ok).toBe(true);
  });
});
