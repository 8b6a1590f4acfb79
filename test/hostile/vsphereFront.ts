import { recordStackConfig } from "../../provider/config";
import { forget } from "../../provider/runtime";
import { SEED, startVsphereSimulator, type VsphereSimulator, type VsphereSimulatorOptions } from "../../simulator/vsphere";
import { startHostileFront, type HostileFront } from "../../tools/hostile/front";

/**
 * The offline vSphere twin behind the misbehaving front, for one test file: the stack config points at the front, the
 * front passes everything through until a test arms a rule. Before each test the rules are removed and the provider's
 * vSphere state is forgotten (a fresh login through the front).
 */
export interface VsphereBehindFront {
  readonly sim: VsphereSimulator;
  readonly front: HostileFront;
  /** A fresh VM in the HA cluster, named after the test. */
  newVm(spec?: { powerState?: "poweredOn" | "poweredOff" }): string;
}

export function useVsphereBehindFront(options: VsphereSimulatorOptions = {}): VsphereBehindFront {
  let sim: VsphereSimulator | undefined;
  let front: HostileFront | undefined;
  let counter = 0;
  const fixture: VsphereBehindFront = {
    get sim() {
      if (!sim) throw new Error("the vSphere twin runs only between beforeAll and afterAll");
      return sim;
    },
    get front() {
      if (!front) throw new Error("the front runs only between beforeAll and afterAll");
      return front;
    },
    newVm(spec = {}) {
      counter += 1;
      return fixture.sim.world.addVm({ name: `hostile-${counter}`, clusterId: SEED.haClusterId, powerState: spec.powerState ?? "poweredOn", toolsInstalled: true, toolsRunning: true }).id;
    },
  };
  const fresh = (): void => {
    fixture.front.disarm();
    forget("vsphere.");
    recordStackConfig({ "vsphere:vsphereServer": fixture.front.url, "vsphere:user": fixture.sim.username, "vsphere:password": fixture.sim.password });
  };
  beforeAll(async () => {
    sim = await startVsphereSimulator({ taskDurationMs: 50, guestOperationMs: 100, ftSyncMs: 20, password: "Hostile!vsphere-Secret-5521", ...options });
    front = await startHostileFront(sim.url);
    fresh();
  });
  afterAll(async () => {
    await front?.close();
    await sim?.close();
  });
  beforeEach(fresh);
  return fixture;
}
