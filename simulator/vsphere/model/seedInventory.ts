/**
 * The default inventory: the datacenter (dc-sim unless named otherwise); cluster-ha (HA enabled, 3 hosts) and
 * cluster-noha (1 host); two datastores; VM folders app, db, batch and templates under dc-sim/vm. VMs (inventory path):
 *   vm-101 dc-sim/vm/app/app-01 (on, tools running)       vm-102 dc-sim/vm/app/app-02 (on, tools running)
 *   vm-103 dc-sim/vm/db/db-01 (off)                        vm-104 dc-sim/vm/legacy-01 (on, tools not installed)
 *   vm-105 dc-sim/vm/batch/batch-01 (on, non-HA cluster)   vm-106 dc-sim/vm/templates/tmpl-rhel9 (a template)
 * All but vm-105 are in the HA cluster.
 */
import type { Inventory } from "./inventory";
import { addVm } from "./vms";

export const SEED = {
  haClusterId: "domain-c7",
  nonHaClusterId: "domain-c8",
  haHostIds: ["host-10", "host-11", "host-12"],
  nonHaHostId: "host-20",
  datastoreIds: ["datastore-11", "datastore-12"],
  folderIds: { app: "group-v21", db: "group-v22", batch: "group-v23", templates: "group-v24" },
} as const;

/** A fixed hardware uuid per host, so FindByUuid (hosts) has stable answers. */
function hostUuid(hostId: string): string {
  return `4c4c4544-0000-1000-8000-${hostId.replace(/\D/g, "").padStart(12, "0")}`;
}

export function seedInventory(inventory: Inventory): void {
  inventory.clusters.set(SEED.haClusterId, { id: SEED.haClusterId, name: "cluster-ha", haEnabled: true, hostIds: [...SEED.haHostIds] });
  inventory.clusters.set(SEED.nonHaClusterId, { id: SEED.nonHaClusterId, name: "cluster-noha", haEnabled: false, hostIds: [SEED.nonHaHostId] });
  SEED.haHostIds.forEach((id, index) => inventory.hosts.set(id, { id, name: `esx-0${index + 1}.sim.local`, clusterId: SEED.haClusterId, uuid: hostUuid(id), failed: false }));
  inventory.hosts.set(SEED.nonHaHostId, { id: SEED.nonHaHostId, name: "esx-20.sim.local", clusterId: SEED.nonHaClusterId, uuid: hostUuid(SEED.nonHaHostId), failed: false });
  inventory.datastores.set("datastore-11", { id: "datastore-11", name: "vsanDatastore" });
  inventory.datastores.set("datastore-12", { id: "datastore-12", name: "nfs-01" });
  const vmFolder = { type: "Folder", id: inventory.datacenter.vmFolderId };
  for (const [name, id] of Object.entries(SEED.folderIds)) inventory.folders.set(id, { id, name, kind: "vm", parent: vmFolder });

  const { app, db, batch, templates } = SEED.folderIds;
  addVm(inventory, { id: "vm-101", name: "app-01", folderId: app, clusterId: SEED.haClusterId, hostId: "host-10", powerState: "poweredOn" });
  addVm(inventory, { id: "vm-102", name: "app-02", folderId: app, clusterId: SEED.haClusterId, hostId: "host-11", powerState: "poweredOn" });
  addVm(inventory, { id: "vm-103", name: "db-01", folderId: db, clusterId: SEED.haClusterId, hostId: "host-10", powerState: "poweredOff" });
  addVm(inventory, { id: "vm-104", name: "legacy-01", clusterId: SEED.haClusterId, hostId: "host-12", powerState: "poweredOn", toolsInstalled: false });
  addVm(inventory, { id: "vm-105", name: "batch-01", folderId: batch, clusterId: SEED.nonHaClusterId, hostId: SEED.nonHaHostId, powerState: "poweredOn" });
  addVm(inventory, { id: "vm-106", name: "tmpl-rhel9", folderId: templates, clusterId: SEED.haClusterId, hostId: "host-11", template: true });
}
