/**
 * The ZStack VMs every twin starts with (fixed uuids, so examples and docs can name them): web-01 Running, web-02
 * Stopped, and two VMs deleted by mistake that are still recoverable (Destroyed, not yet expunged): web-03, which the
 * flagship example recovers, and db-primary, which the README's VmInstanceRecovery snippet names.
 */
import type { ZstackWorld } from "./world";

export const ZSTACK_SEED = {
  runningVm: { uuid: "a3c1e0b2d4f64e8f9a0b1c2d3e4f5a01", name: "web-01" },
  stoppedVm: { uuid: "a3c1e0b2d4f64e8f9a0b1c2d3e4f5a02", name: "web-02" },
  destroyedVm: { uuid: "a3c1e0b2d4f64e8f9a0b1c2d3e4f5a03", name: "web-03" },
  destroyedDatabaseVm: { uuid: "6ab7f3e2c1d04b5a9e8f7d6c5b4a3f21", name: "db-primary" },
} as const;

export function seedZstackVms(world: ZstackWorld): void {
  world.addVm({ ...ZSTACK_SEED.runningVm, state: "Running" });
  world.addVm({ ...ZSTACK_SEED.stoppedVm, state: "Stopped" });
  world.addVm({ ...ZSTACK_SEED.destroyedVm, state: "Destroyed" });
  world.addVm({ ...ZSTACK_SEED.destroyedDatabaseVm, state: "Destroyed" });
}
