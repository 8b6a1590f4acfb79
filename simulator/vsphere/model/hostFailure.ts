/**
 * A host stops responding. FT secondaries there are lost (the group needs a secondary, reason lostConnection) and
 * re-spawned on another free host of the cluster; other VMs there restart on a live host of an HA cluster (their
 * secondaries synchronize again), or are powered off in a cluster without HA.
 */
import { followPrimaryPower, loseSecondary, primaryOf, restartSecondaries, secondariesOf } from "./faultTolerance";
import type { Inventory } from "./inventory";
import { applyPowerState } from "./powerState";
import type { HostState } from "./stateTypes";

export function failHost(inventory: Inventory, host: HostState): void {
  host.failed = true;
  inventory.notify("HostSystem", host.id);
  for (const vm of [...inventory.vms.values()].filter((candidate) => candidate.hostId === host.id)) {
    const cluster = inventory.clusterOf(vm);
    if (vm.ft?.role === "secondary") {
      const primary = primaryOf(inventory, vm);
      if (!primary) continue;
      const freeHost = cluster.hostIds.find((id) => !inventory.hosts.get(id)?.failed && id !== primary.hostId && !secondariesOf(inventory, primary).some((member) => member.hostId === id));
      if (freeHost) vm.hostId = freeHost;
      if (vm.powerState === "poweredOn") loseSecondary(inventory, primary, vm, "lostConnection", false);
      else inventory.notify("VirtualMachine", vm.id);
      continue;
    }
    const live = cluster.hostIds.find((id) => id !== host.id && !inventory.hosts.get(id)?.failed && !secondariesOf(inventory, vm).some((secondary) => secondary.hostId === id));
    if (cluster.haEnabled && live) {
      vm.hostId = live;
      if (vm.powerState === "poweredOn") {
        vm.bootTime = Date.now();
        inventory.notify("VirtualMachine", vm.id);
        restartSecondaries(inventory, vm);
      } else inventory.notify("VirtualMachine", vm.id);
    } else if (vm.powerState !== "poweredOff") {
      applyPowerState(inventory, vm, "poweredOff");
      followPrimaryPower(inventory, vm);
    }
  }
}

export function restoreHost(inventory: Inventory, host: HostState): void {
  host.failed = false;
  inventory.notify("HostSystem", host.id);
}
