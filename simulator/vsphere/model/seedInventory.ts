/**
 * The default inventory: one datacenter; cluster-ha (HA enabled, 3 hosts) and cluster-noha (1 host); two datastores;
 * vm-101 app-01 (on, tools running), vm-102 app-02 (on, tools running), vm-103 db-01 (off), vm-104 legacy-01 (on, tools
 * not running), all in the HA cluster; vm-105 batch-01 (on, non-HA cluster); vm-106 tmpl-rhel9 (a template).
 */
import type { Inventory } from "./inventory";
import { addVm } from "./vms";

export const SEED = {
  haClusterId: "domain-c7",
  nonHaClusterId: "domain-c8",
  haHostIds: ["host-10", "host-11", "host-12"],
  nonHaHostId: "host-20",
  datastoreIds: ["datastore-11", "datastore-12"],
} as const;

export function seedInventory(inventory: Inventory): void {
  inventory.clusters.set(SEED.haClusterId, { id: SEED.haClusterId, name: "cluster-ha", haEnabled: true, hostIds: [...SEED.haHostIds] });
  inventory.clusters.set(SEED.nonHaClusterId, { id: SEED.nonHaClusterId, name: "cluster-noha", haEnabled: false, hostIds: [SEED.nonHaHostId] });
  SEED.haHostIds.forEach((id, index) => inventory.hosts.set(id, { id, name: `esx-0${index + 1}.sim.local`, clusterId: SEED.haClusterId, failed: false }));
  inventory.hosts.set(SEED.nonHaHostId, { id: SEED.nonHaHostId, name: "esx-20.sim.local", clusterId: SEED.nonHaClusterId, failed: false });
  inventory.datastores.set("datastore-11", { id: "datastore-11", name: "vsanDatastore" });
  inventory.datastores.set("datastore-12", { id: "datastore-12", name: "nfs-01" });

  addVm(inventory, { id: "vm-101", name: "app-01", clusterId: SEED.haClusterId, hostId: "host-10", powerState: "poweredOn" });
  addVm(inventory, { id: "vm-102", name: "app-02", clusterId: SEED.haClusterId, hostId: "host-11", powerState: "poweredOn" });
  addVm(inventory, { id: "vm-103", name: "db-01", clusterId: SEED.haClusterId, hostId: "host-10", powerState: "poweredOff" });
  addVm(inventory, { id: "vm-104", name: "legacy-01", clusterId: SEED.haClusterId, hostId: "host-12", powerState: "poweredOn", toolsInstalled: false });
  addVm(inventory, { id: "vm-105", name: "batch-01", clusterId: SEED.nonHaClusterId, hostId: SEED.nonHaHostId, powerState: "poweredOn" });
  addVm(inventory, { id: "vm-106", name: "tmpl-rhel9", clusterId: SEED.haClusterId, hostId: "host-11", template: true });
}
