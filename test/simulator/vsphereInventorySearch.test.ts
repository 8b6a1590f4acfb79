/**
 * Finding VMs on the vSphere twin over HTTP: the inventory tree (folders, `parent`), SearchIndex (FindByInventoryPath,
 * FindChild, FindByUuid, FindAllByUuid), ViewManager container views, and RetrievePropertiesEx through a view with
 * paging (maxObjects, token, ContinueRetrievePropertiesEx), with thousands of VMs added over the admin API.
 */
import { ref, useViTwin, ViSession, type Json } from "./support/viSession";

const twin = useViTwin({ taskDurationMs: 20, ftSyncMs: 30 });

const SEARCH = "SearchIndex/SearchIndex";
const ROOT = ref("Folder", "group-d1");

async function admin(path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${twin.sim.url}/_sim/vsphere${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-simulator-admin-token": twin.sim.adminToken },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const byPath = (inventoryPath: string) => twin.vi.call(`${SEARCH}/FindByInventoryPath`, { inventoryPath });

async function createView(container: unknown, type: string[] | undefined, recursive: boolean): Promise<Json> {
  const view = (await twin.vi.call("ViewManager/ViewManager/CreateContainerView", { container, ...(type ? { type } : {}), recursive })) as Json;
  expect(view).toMatchObject({ _typeName: "ManagedObjectReference", type: "ContainerView" });
  return view;
}

const viewPath = (view: Json, name: string) => `ContainerView/${encodeURIComponent(view.value as string)}/${name}`;

/** A RetrievePropertiesEx spec for `pathSet` of every VM in a container view. */
function throughView(view: Json, pathSet: string[]) {
  return {
    _typeName: "PropertyFilterSpec",
    propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet }],
    objectSet: [{ _typeName: "ObjectSpec", obj: view, skip: true, selectSet: [{ _typeName: "TraversalSpec", name: "traverseView", type: "ContainerView", path: "view", skip: false }] }],
  };
}

function names(objects: Json[]): Record<string, string> {
  return Object.fromEntries(objects.map((object) => [(object.obj as Json).value, ((object.propSet as Json[]).find((property) => property.name === "name")?.val as Json)._value]));
}

describe("service content and the inventory tree", () => {
  test("ServiceContent names the SearchIndex and the ViewManager", async () => {
    const content = (await twin.vi.get("ServiceInstance/ServiceInstance/content")) as Json;
    expect(content.searchIndex).toEqual(ref("SearchIndex", "SearchIndex"));
    expect(content.viewManager).toEqual(ref("ViewManager", "ViewManager"));
  });

  test("parent leads from a VM through its folders and the datacenter to the root folder, rebuilding its inventory path", async () => {
    const path: string[] = [];
    let current: Json | null = ref("VirtualMachine", "vm-101");
    while (current) {
      const moPath = `${current.type}/${current.value}`;
      if ((current as Json).value !== "group-d1") path.unshift((await twin.vi.get(`${moPath}/name`)) as string);
      current = (await twin.vi.get(`${moPath}/parent`)) as Json | null;
    }
    expect(path.join("/")).toBe("dc-sim/vm/app/app-01");
    expect(await twin.vi.get("VirtualMachine/vm-106/parent")).toEqual(ref("Folder", "group-v24"));
    expect(await twin.vi.get("Folder/group-v24/name")).toBe("templates");
    expect(await twin.vi.get("Datacenter/datacenter-1/vmFolder")).toEqual(ref("Folder", "group-v3"));
    expect(await twin.vi.get("Folder/group-v3/childEntity")).toEqual(
      expect.arrayContaining([ref("Folder", "group-v21"), ref("Folder", "group-v22"), ref("Folder", "group-v23"), ref("Folder", "group-v24"), ref("VirtualMachine", "vm-104")]),
    );
    expect(await twin.vi.get("Folder/group-v3/childType")).toEqual(["Folder", "VirtualMachine", "VirtualApp"]);
  });

  test("every seeded VM keeps its id and name, and sits at a meaningful path", async () => {
    const paths = Object.fromEntries(twin.sim.world.inventory().vms.map((vm) => [vm.id, vm.inventoryPath]));
    expect(paths).toEqual({
      "vm-101": "dc-sim/vm/app/app-01",
      "vm-102": "dc-sim/vm/app/app-02",
      "vm-103": "dc-sim/vm/db/db-01",
      "vm-104": "dc-sim/vm/legacy-01",
      "vm-105": "dc-sim/vm/batch/batch-01",
      "vm-106": "dc-sim/vm/templates/tmpl-rhel9",
    });
  });
});

describe("SearchIndex", () => {
  test("FindByInventoryPath finds any entity by path, ignores outer slashes, and answers null for no match", async () => {
    expect(await byPath("dc-sim/vm/app/app-01")).toEqual(ref("VirtualMachine", "vm-101"));
    expect(await byPath("/dc-sim/vm/app/app-01/")).toEqual(ref("VirtualMachine", "vm-101"));
    expect(await byPath("dc-sim/vm/legacy-01")).toEqual(ref("VirtualMachine", "vm-104"));
    expect(await byPath("dc-sim")).toEqual(ref("Datacenter", "datacenter-1"));
    expect(await byPath("dc-sim/vm/db")).toEqual(ref("Folder", "group-v22"));
    expect(await byPath("dc-sim/host/cluster-ha/esx-02.sim.local")).toEqual(ref("HostSystem", "host-11"));
    expect(await byPath("dc-sim/datastore/nfs-01")).toEqual(ref("Datastore", "datastore-12"));
    expect(await byPath("/")).toEqual(ROOT);
    expect(await byPath("dc-sim/vm/app/app-03")).toBeNull();
    expect(await byPath("dc-sim/vm/app-01")).toBeNull();
    expect(await byPath("")).toBeNull();
    await twin.vi.fault(`${SEARCH}/FindByInventoryPath`, {}, "InvalidRequest");
    await twin.vi.fault(`${SEARCH}/FindByInventoryPath`, { inventoryPath: "dc-sim", extra: 1 }, "InvalidRequest");
  });

  test("a slash in a name is %2f in a path", async () => {
    const vm = twin.sim.world.addVm({ name: "web/1", folderId: "group-v21" });
    expect(await twin.vi.get(`VirtualMachine/${vm.id}/name`)).toBe("web%2f1");
    expect(await byPath("dc-sim/vm/app/web%2f1")).toEqual(ref("VirtualMachine", vm.id));
    expect(await byPath("dc-sim/vm/app/web/1")).toBeNull();
  });

  test("FindChild looks at immediate children only", async () => {
    const findChild = (entity: unknown, name: string) => twin.vi.call(`${SEARCH}/FindChild`, { entity, name });
    expect(await findChild(ref("Datacenter", "datacenter-1"), "vm")).toEqual(ref("Folder", "group-v3"));
    expect(await findChild(ref("Folder", "group-v21"), "app-02")).toEqual(ref("VirtualMachine", "vm-102"));
    expect(await findChild(ref("Folder", "group-v3"), "app-02")).toBeNull();
    expect(await findChild(ref("ClusterComputeResource", "domain-c8"), "esx-20.sim.local")).toEqual(ref("HostSystem", "host-20"));
    expect(await findChild(ref("VirtualMachine", "vm-101"), "anything")).toBeNull();
    expect(await findChild(ROOT, "dc-sim")).toEqual(ref("Datacenter", "datacenter-1"));
    expect((await twin.vi.fault(`${SEARCH}/FindChild`, { entity: ref("Folder", "group-v999"), name: "x" }, "ManagedObjectNotFound")).obj).toEqual(ref("Folder", "group-v999"));
    await twin.vi.fault(`${SEARCH}/FindChild`, { entity: ref("Folder", "group-v3") }, "InvalidRequest");
  });

  test("FindByUuid and FindAllByUuid: BIOS uuid (shared by an FT pair), instance uuid, host uuid", async () => {
    const config = (await twin.vi.get("VirtualMachine/vm-101/config")) as Json;
    const find = (body: Json) => twin.vi.call(`${SEARCH}/FindByUuid`, body);
    const findAll = (body: Json) => twin.vi.call(`${SEARCH}/FindAllByUuid`, body);
    expect(await find({ uuid: config.uuid, vmSearch: true })).toEqual(ref("VirtualMachine", "vm-101"));
    expect(await find({ uuid: config.instanceUuid, vmSearch: true, instanceUuid: true })).toEqual(ref("VirtualMachine", "vm-101"));
    expect(await find({ uuid: config.instanceUuid, vmSearch: true })).toBeNull();
    expect(await find({ uuid: config.uuid, vmSearch: true, datacenter: ref("Datacenter", "datacenter-1") })).toEqual(ref("VirtualMachine", "vm-101"));
    expect(await find({ uuid: "4c4c4544-0000-1000-8000-000000000011", vmSearch: false })).toEqual(ref("HostSystem", "host-11"));
    expect(await findAll({ uuid: "no-such-uuid", vmSearch: true })).toEqual([]);

    const secondaryId = (((await twin.vi.runTask("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", {})).result as Json).vm as Json).value as string;
    const secondary = (await twin.vi.get(`VirtualMachine/${secondaryId}/config`)) as Json;
    expect(await findAll({ uuid: config.uuid, vmSearch: true })).toEqual([ref("VirtualMachine", "vm-101"), ref("VirtualMachine", secondaryId)]);
    expect(await findAll({ uuid: secondary.instanceUuid, vmSearch: true, instanceUuid: true })).toEqual([ref("VirtualMachine", secondaryId)]);

    expect((await twin.vi.fault(`${SEARCH}/FindByUuid`, { uuid: config.uuid, vmSearch: false, instanceUuid: true }, "InvalidArgument")).invalidProperty).toBe("instanceUuid");
    await twin.vi.fault(`${SEARCH}/FindByUuid`, { uuid: config.uuid, vmSearch: true, datacenter: ref("Datacenter", "datacenter-9") }, "ManagedObjectNotFound");
    await twin.vi.fault(`${SEARCH}/FindAllByUuid`, { uuid: config.uuid, vmSearch: true, datacenter: ref("Folder", "group-d1") }, "InvalidArgument");
    await twin.vi.fault(`${SEARCH}/FindByUuid`, { uuid: config.uuid }, "InvalidRequest");
  });

  test("an FT secondary sits beside its primary, with its name: ftInfo.role tells them apart", async () => {
    const secondaryId = (((await twin.vi.runTask("VirtualMachine/vm-101/CreateSecondaryVMEx_Task", {})).result as Json).vm as Json).value as string;
    expect(await twin.vi.get(`VirtualMachine/${secondaryId}/parent`)).toEqual(ref("Folder", "group-v21"));
    expect(await byPath("dc-sim/vm/app/app-01")).toEqual(ref("VirtualMachine", "vm-101"));
    const view = await createView(ref("Folder", "group-v21"), ["VirtualMachine"], false);
    const result = (await twin.vi.call("PropertyCollector/propertyCollector/RetrievePropertiesEx", { specSet: [throughView(view, ["name", "config.ftInfo.role"])], options: { _typeName: "RetrieveOptions" } })) as Json;
    const rows = (result.objects as Json[]).map((object) => ({
      id: (object.obj as Json).value,
      ...Object.fromEntries((object.propSet as Json[]).map((property) => [property.name, (property.val as Json)._value])),
    }));
    expect(rows).toEqual([
      { id: "vm-101", name: "app-01", "config.ftInfo.role": 1 },
      { id: "vm-102", name: "app-02" },
      { id: secondaryId, name: "app-01", "config.ftInfo.role": 2 },
    ]);
  });
});

describe("ViewManager and container views", () => {
  test("a recursive view of the root folder lists every VM; a folder's, host's or datacenter's view what is under it", async () => {
    const all = await createView(ROOT, ["VirtualMachine"], true);
    expect(((await twin.vi.get(viewPath(all, "view"))) as Json[]).map((entry) => entry.value).sort()).toEqual(["vm-101", "vm-102", "vm-103", "vm-104", "vm-105", "vm-106"]);
    expect(await twin.vi.get(viewPath(await createView(ref("Folder", "group-v21"), ["VirtualMachine"], false), "view"))).toEqual([ref("VirtualMachine", "vm-101"), ref("VirtualMachine", "vm-102")]);
    expect(await twin.vi.get(viewPath(await createView(ref("Folder", "group-v3"), ["VirtualMachine"], false), "view"))).toEqual([ref("VirtualMachine", "vm-104")]);
    expect(await twin.vi.get(viewPath(await createView(ref("HostSystem", "host-10"), undefined, false), "view"))).toEqual([ref("VirtualMachine", "vm-101"), ref("VirtualMachine", "vm-103")]);
    const folders = (await twin.vi.get(viewPath(await createView(ref("Datacenter", "datacenter-1"), ["Folder"], false), "view"))) as Json[];
    expect(folders.map((entry) => entry.value)).toEqual(["group-v3", "group-h4", "group-s5", "group-n6"]);
    const compute = (await twin.vi.get(viewPath(await createView(ROOT, ["ComputeResource"], true), "view"))) as Json[];
    expect(compute.map((entry) => entry.value)).toEqual(["domain-c7", "domain-c8"]);
    expect(await twin.vi.get(viewPath(await createView(ref("Folder", "group-n6"), [], true), "view"))).toBeNull();

    // The view follows the inventory.
    const added = twin.sim.world.addVm({ name: "late", folderId: "group-v22" });
    expect(((await twin.vi.get(viewPath(all, "view"))) as Json[]).map((entry) => entry.value)).toContain(added.id);
    expect(await twin.vi.get(viewPath(all, "container"))).toEqual(ROOT);
  });

  test("refusals: a container that holds nothing, an unknown type, a missing container, a bad body", async () => {
    const create = "ViewManager/ViewManager/CreateContainerView";
    expect((await twin.vi.fault(create, { container: ref("VirtualMachine", "vm-101"), type: ["VirtualMachine"], recursive: true }, "InvalidArgument")).invalidProperty).toBe("container");
    expect((await twin.vi.fault(create, { container: ROOT, type: ["VirtualMachineX"], recursive: true }, "InvalidArgument")).invalidProperty).toBe("type");
    await twin.vi.fault(create, { container: ref("Folder", "group-v999"), recursive: true }, "ManagedObjectNotFound");
    await twin.vi.fault(create, { container: ROOT, type: ["VirtualMachine"] }, "InvalidRequest");
  });

  test("DestroyView (on ContainerView or View) is 204; a destroyed view, another session's or a logged-out one's is ManagedObjectNotFound", async () => {
    const first = await createView(ROOT, ["VirtualMachine"], true);
    expect((await twin.vi.http("POST", viewPath(first, "DestroyView"))).status).toBe(204);
    expect(((await twin.vi.http("GET", viewPath(first, "view"))).body as Json)._typeName).toBe("ManagedObjectNotFound");
    expect(((await twin.vi.http("POST", viewPath(first, "DestroyView"))).body as Json)._typeName).toBe("ManagedObjectNotFound");

    const second = await createView(ROOT, ["VirtualMachine"], true);
    expect((await twin.vi.http("POST", `View/${encodeURIComponent(second.value as string)}/DestroyView`)).status).toBe(204);
    expect(((await twin.vi.http("GET", viewPath(second, "view"))).body as Json)._typeName).toBe("ManagedObjectNotFound");

    const third = await createView(ROOT, ["VirtualMachine"], true);
    const other = await ViSession.login(twin.sim);
    expect(((await other.http("GET", viewPath(third, "view"))).body as Json)._typeName).toBe("ManagedObjectNotFound");
    expect(((await other.http("POST", viewPath(third, "DestroyView"))).body as Json)._typeName).toBe("ManagedObjectNotFound");
    expect(twin.sim.world.inventory().containerViews).toBe(1);
    expect((await twin.vi.http("POST", "SessionManager/SessionManager/Logout")).status).toBe(204);
    expect(twin.sim.world.inventory().containerViews).toBe(0);
  });
});

describe("RetrievePropertiesEx through a container view", () => {
  test("2,500 added VMs come back in pages of maxObjects with a token; the last page has none", async () => {
    const added = await admin("/vms/bulk", { count: 2500, namePrefix: "load", folderId: "group-v23", powerState: "poweredOn" });
    expect(added.status).toBe(200);
    const ids = added.body.ids as string[];
    expect(ids).toHaveLength(2500);
    expect(await byPath("dc-sim/vm/batch/load-2500")).toEqual(ref("VirtualMachine", ids[2499]));

    const view = await createView(ROOT, ["VirtualMachine"], true);
    const pages: Json[] = [(await twin.vi.call("PropertyCollector/propertyCollector/RetrievePropertiesEx", { specSet: [throughView(view, ["name", "runtime.powerState"])], options: { _typeName: "RetrieveOptions", maxObjects: 1000 } })) as Json];
    while (typeof pages[pages.length - 1].token === "string") {
      pages.push((await twin.vi.call("PropertyCollector/propertyCollector/ContinueRetrievePropertiesEx", { token: pages[pages.length - 1].token })) as Json);
    }
    expect(pages.map((page) => (page.objects as Json[]).length)).toEqual([1000, 1000, 506]);
    expect(pages[2].token).toBeUndefined();
    const found = names(pages.flatMap((page) => page.objects as Json[]));
    expect(Object.keys(found)).toHaveLength(2506);
    expect(found["vm-101"]).toBe("app-01");
    expect(found[ids[0]]).toBe("load-0001");
    await twin.vi.fault("PropertyCollector/propertyCollector/ContinueRetrievePropertiesEx", { token: pages[0].token }, "InvalidArgument");

    // Without maxObjects the server's own page size (1000) applies.
    const policy = (await twin.vi.call("PropertyCollector/propertyCollector/RetrievePropertiesEx", { specSet: [throughView(view, ["name"])], options: { _typeName: "RetrieveOptions" } })) as Json;
    expect((policy.objects as Json[]).length).toBe(1000);
    expect(typeof policy.token).toBe("string");
  });

  test("a view's own properties are left out when skipped; bad traversals are refused like CreateFilter refuses them", async () => {
    const view = await createView(ref("Folder", "group-v21"), ["VirtualMachine"], false);
    const retrieve = (spec: unknown) => twin.vi.http("POST", "PropertyCollector/propertyCollector/RetrievePropertiesEx", { specSet: [spec], options: { _typeName: "RetrieveOptions" } });
    const result = (await retrieve(throughView(view, ["name"]))).body as Json;
    expect(names(result.objects as Json[])).toEqual({ "vm-101": "app-01", "vm-102": "app-02" });

    const spec = throughView(view, ["name"]);
    const traversal = (selectSet: unknown[]) => ({ ...spec, objectSet: [{ ...spec.objectSet[0], selectSet }] });
    const fault = async (selectSet: unknown[], typeName: string) => expect(((await retrieve(traversal(selectSet))).body as Json)._typeName).toBe(typeName);
    await fault([{ _typeName: "TraversalSpec", type: "ContainerView", path: "views" }], "InvalidProperty");
    await fault([{ _typeName: "TraversalSpec", type: "ContainerViewX", path: "view" }], "InvalidType");
    await fault([{ _typeName: "SelectionSpec", name: "nowhere" }], "InvalidArgument");
    await fault([{ _typeName: "TraversalSpec", type: "ContainerView" }], "InvalidRequest");

    // Named traversals can be reused: root folder → datacenter → vm folder → sub-folders → VMs.
    const folders = { _typeName: "TraversalSpec", name: "folders", type: "Folder", path: "childEntity", selectSet: [{ _typeName: "SelectionSpec", name: "folders" }, { _typeName: "SelectionSpec", name: "vmFolder" }] };
    const vmFolder = { _typeName: "TraversalSpec", name: "vmFolder", type: "Datacenter", path: "vmFolder", selectSet: [{ _typeName: "SelectionSpec", name: "folders" }] };
    const walked = (await retrieve({
      _typeName: "PropertyFilterSpec",
      propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["name"] }],
      objectSet: [{ _typeName: "ObjectSpec", obj: ROOT, skip: true, selectSet: [folders, vmFolder] }],
    })).body as Json;
    expect(Object.keys(names(walked.objects as Json[])).sort()).toEqual(["vm-101", "vm-102", "vm-103", "vm-104", "vm-105", "vm-106"]);
  });

  test("a filter through a view sees VMs enter and leave (WaitForUpdatesEx)", async () => {
    const view = await createView(ref("Folder", "group-v22"), ["VirtualMachine"], false);
    const pc = "PropertyCollector/propertyCollector";
    await twin.vi.call(`${pc}/CreateFilter`, { spec: throughView(view, ["name"]), partialUpdates: false });
    const first = (await twin.vi.call(`${pc}/WaitForUpdatesEx`, {})) as Json;
    const kinds = (update: Json) => ((update.filterSet as Json[])[0].objectSet as Json[]).map((object) => `${object.kind} ${(object.obj as Json).value}`);
    expect(kinds(first)).toEqual(["enter vm-103"]);
    const waiting = twin.vi.call(`${pc}/WaitForUpdatesEx`, { version: first.version, options: { _typeName: "WaitOptions", maxWaitSeconds: 5 } });
    const added = twin.sim.world.addVm({ name: "db-02", folderId: "group-v22" });
    const entered = (await waiting) as Json;
    expect(kinds(entered)).toEqual([`enter ${added.id}`]);
    twin.sim.world.removeVm("vm-103");
    const left = (await twin.vi.call(`${pc}/WaitForUpdatesEx`, { version: entered.version, options: { _typeName: "WaitOptions", maxWaitSeconds: 5 } })) as Json;
    expect(kinds(left)).toEqual(["leave vm-103"]);
  });
});

describe("admin: folders and many VMs", () => {
  test("a folder can be added under another and VMs placed in it; bad requests are refused", async () => {
    const folder = await admin("/folders", { name: "web", parentId: "group-v21" });
    expect(folder.status).toBe(200);
    expect(folder.body.inventoryPath).toBe("dc-sim/vm/app/web");
    const vms = await admin("/vms/bulk", { count: 3, namePrefix: "web", folderId: folder.body.id });
    expect(await byPath("dc-sim/vm/app/web/web-0003")).toEqual(ref("VirtualMachine", (vms.body.ids as string[])[2]));
    expect((await admin("/folders", { name: "web", parentId: "group-v21" })).status).toBe(400);
    expect((await admin("/folders", { name: "x", parentId: "group-h4" })).status).toBe(400);
    expect((await admin("/folders", { name: "x", parentId: "group-v999" })).status).toBe(404);
    expect((await admin("/vms/bulk", { count: 0, namePrefix: "none" })).status).toBe(400);
    expect((await admin("/vms/bulk", { count: 2, namePrefix: "none", folderId: "group-h4" })).status).toBe(400);
  });
});
