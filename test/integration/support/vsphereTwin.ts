import { recordStackConfig } from "../../../provider/config";
import { forget } from "../../../provider/runtime";
import { isReconciled, type TaskStart } from "../../../provider/vsphere/tasks";
import type { TaskHandle } from "../../../provider/vsphere/taskWaiter";
import { startVsphereSimulator, type VsphereSimulator, type VsphereSimulatorOptions } from "../../../simulator/vsphere";

/**
 * The shared offline vSphere twin for integration tests: one simulator per test file (started in beforeAll, closed in
 * afterAll), and before each test the provider's vSphere state forgotten and the stack config pointed at the twin.
 */
export interface VsphereTwin {
  /** The running simulator (only while the file's tests run). */
  readonly sim: VsphereSimulator;
  /** Records the stack config for the twin's URL and credentials, with `overrides` on top. */
  configure(overrides?: Record<string, string>): void;
  /** A VM as the twin's inventory shows it (undefined once it is gone). */
  vm(vmId: string): ReturnType<VsphereSimulator["world"]["inventory"]>["vms"][number] | undefined;
  /** The methods of the tasks the twin ran on a VM, oldest first. */
  tasksOn(vmId: string): string[];
  /** HTTP requests the twin has answered so far. */
  requests(): number;
}

export function useVsphereTwin(options: VsphereSimulatorOptions): VsphereTwin {
  let sim: VsphereSimulator | undefined;

  const twin: VsphereTwin = {
    get sim() {
      if (!sim) throw new Error("the vSphere simulator runs only between beforeAll and afterAll");
      return sim;
    },
    configure(overrides = {}) {
      recordStackConfig({ "vsphere:vsphereServer": twin.sim.url, "vsphere:user": twin.sim.username, "vsphere:password": twin.sim.password, ...overrides });
    },
    vm: (vmId) => twin.sim.world.inventory().vms.find((vm) => vm.id === vmId),
    tasksOn: (vmId) => [...twin.sim.world.taskRunner.tasks.values()].filter((task) => task.entityId === vmId).map((task) => task.name),
    requests: () => twin.sim.server.stats.requests,
  };

  beforeAll(async () => {
    sim = await startVsphereSimulator(options);
  });
  afterAll(async () => {
    await sim?.close();
    sim = undefined;
  });
  beforeEach(() => {
    forget("vsphere.");
    twin.configure();
  });

  return twin;
}

/** The task a start returned (the tests make no start whose answer could be lost). */
export async function started(start: Promise<TaskStart>): Promise<TaskHandle> {
  const handle = await start;
  if (isReconciled(handle)) throw new Error("a start without a lost answer returns its task");
  return handle;
}
