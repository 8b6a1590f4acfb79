import * as pulumi from "@pulumi/pulumi";
import { AuthenticationError, ServerError, ValidationError } from "../../provider/errors";
import { lookupVirtualMachine, type LookupVirtualMachineArgs } from "../../provider/lookup/lookupVirtualMachine";
import * as powerState from "../../provider/resources/vsphere/vmPowerState/provider";
import { BASE, CONTENT, CONTENT_PATH, CREDENTIALS, HELLO, LOGIN, ORIGIN, RELEASE, RETRIEVE, boxed, moref, retrieveResult, useVsphereMock } from "./support/vsphereMock";

/** The exact requests lookupVirtualMachine makes for each input, on a MockAgent vCenter. */
const mock = useVsphereMock();
const { seen, intercept, calls } = mock;

const SEARCH_INDEX = moref("SearchIndex", "SearchIndex");
const VIEW_MANAGER = moref("ViewManager", "ViewManager");
const VIEW = moref("ContainerView", "session[52f1]view-1");
const VIEW_PATH = `${BASE}/ContainerView/${encodeURIComponent(VIEW.value)}`;
const CONTINUE = `${BASE}/PropertyCollector/propertyCollector/ContinueRetrievePropertiesEx`;

const PARENTS = {
  _typeName: "TraversalSpec",
  name: "parents",
  type: "ManagedEntity",
  path: "parent",
  skip: false,
  selectSet: [{ _typeName: "SelectionSpec", name: "parents" }],
};
const PROPERTIES = [
  { _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["name", "parent", "config.ftInfo"] },
  { _typeName: "PropertySpec", type: "Folder", pathSet: ["name", "parent"] },
  { _typeName: "PropertySpec", type: "Datacenter", pathSet: ["name", "parent"] },
];

/** Login with a ServiceContent that names the SearchIndex and the ViewManager, as vCenter's does. */
function login(): void {
  intercept("POST", HELLO, 200, { api_release: RELEASE });
  intercept("GET", CONTENT_PATH, 200, { ...CONTENT, searchIndex: SEARCH_INDEX, viewManager: VIEW_MANAGER });
  intercept("POST", LOGIN, 200, { _typeName: "UserSession", key: "k", userName: "u" }, { "vmware-api-session-id": "sess-1" });
}

/** A VM and its ancestors (app folder, vm folder, datacenter, root folder) as RetrievePropertiesEx reports them. */
function vmWithAncestors(vmId: string, name: string, ftInfo?: unknown) {
  return [
    { obj: moref("VirtualMachine", vmId), props: { name: boxed("string", name), parent: moref("Folder", "group-v21"), ...(ftInfo ? { "config.ftInfo": ftInfo } : {}) } },
    { obj: moref("Folder", "group-v21"), props: { name: boxed("string", "app"), parent: moref("Folder", "group-v3") } },
    { obj: moref("Folder", "group-v3"), props: { name: boxed("string", "vm"), parent: moref("Datacenter", "datacenter-1") } },
    { obj: moref("Datacenter", "datacenter-1"), props: { name: boxed("string", "dc1"), parent: moref("Folder", "group-d1") } },
    { obj: moref("Folder", "group-d1"), props: { name: boxed("string", "Datacenters") } },
  ];
}

beforeEach(() => {
  pulumi.runtime.setAllConfig({ "vsphere:vsphereServer": ORIGIN, "vsphere:user": CREDENTIALS.user, "vsphere:password": CREDENTIALS.password }, ["vsphere:password"]);
});

describe("lookupVirtualMachine requests", () => {
  it("name: CreateContainerView on the root folder, one RetrievePropertiesEx through the view, every page, then DestroyView", async () => {
    login();
    intercept("POST", `${BASE}/ViewManager/ViewManager/CreateContainerView`, 200, VIEW);
    intercept("POST", RETRIEVE, 200, { ...(retrieveResult(...vmWithAncestors("vm-7", "web-07")) as object), token: "page-2" });
    intercept("POST", CONTINUE, 200, retrieveResult(...vmWithAncestors("vm-101", "app%2f01")));
    intercept("POST", `${VIEW_PATH}/DestroyView`, 204, undefined);

    expect(await lookupVirtualMachine({ name: "app/01" })).toEqual({ vmId: "vm-101", name: "app/01", inventoryPath: "dc1/vm/app/app%2f01" });
    expect(calls()).toEqual([
      "POST /ViewManager/ViewManager/CreateContainerView",
      "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx",
      "POST /PropertyCollector/propertyCollector/ContinueRetrievePropertiesEx",
      `POST /ContainerView/${encodeURIComponent(VIEW.value)}/DestroyView`,
    ]);
    const [create, retrieve, next, destroy] = seen.slice(3);
    expect(create!.body).toEqual({ container: moref("Folder", "group-d1"), type: ["VirtualMachine"], recursive: true });
    expect(retrieve!.body).toEqual({
      specSet: [
        {
          _typeName: "PropertyFilterSpec",
          propSet: PROPERTIES,
          objectSet: [{ _typeName: "ObjectSpec", obj: VIEW, skip: true, selectSet: [{ _typeName: "TraversalSpec", type: "ContainerView", path: "view", skip: false, selectSet: [PARENTS] }] }],
        },
      ],
      options: { _typeName: "RetrieveOptions" },
    });
    expect(next!.body).toEqual({ token: "page-2" });
    expect(destroy!.rawBody).toBeUndefined();
    for (const call of seen.slice(3)) expect(call.headers["vmware-api-session-id"]).toBe("sess-1");
  });

  it("name: the view is destroyed when the read fails, and the read's fault is what the caller gets", async () => {
    login();
    intercept("POST", `${BASE}/ViewManager/ViewManager/CreateContainerView`, 200, VIEW);
    intercept("POST", RETRIEVE, 500, { _typeName: "InvalidProperty", name: "config.ftInfo" });
    intercept("POST", `${VIEW_PATH}/DestroyView`, 204, undefined);
    await expect(lookupVirtualMachine({ name: "app-01" })).rejects.toMatchObject({ fault: { type: "InvalidProperty" } });
    expect(calls().at(-1)).toBe(`POST /ContainerView/${encodeURIComponent(VIEW.value)}/DestroyView`);
  });

  it("inventoryPath: FindByInventoryPath, then the VM and its ancestors in one RetrievePropertiesEx", async () => {
    login();
    intercept("POST", `${BASE}/SearchIndex/SearchIndex/FindByInventoryPath`, 200, moref("VirtualMachine", "vm-101"));
    intercept("POST", RETRIEVE, 200, retrieveResult(...vmWithAncestors("vm-101", "app-01", { _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, instanceUuids: [], configPaths: [], secondaries: [] })));
    expect(await lookupVirtualMachine({ inventoryPath: "dc1/vm/app/app-01" })).toEqual({ vmId: "vm-101", name: "app-01", inventoryPath: "dc1/vm/app/app-01" });
    expect(calls()).toEqual(["POST /SearchIndex/SearchIndex/FindByInventoryPath", "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"]);
    expect(seen[3]!.body).toEqual({ inventoryPath: "dc1/vm/app/app-01" });
    expect(seen[4]!.body).toEqual({
      specSet: [
        {
          _typeName: "PropertyFilterSpec",
          propSet: PROPERTIES,
          objectSet: [{ _typeName: "ObjectSpec", obj: moref("VirtualMachine", "vm-101"), skip: false, selectSet: [PARENTS] }],
          reportMissingObjectsInResults: true,
        },
      ],
      options: { _typeName: "RetrieveOptions" },
    });
  });

  it("inventoryPath naming an FT secondary answers its primary, read in a second RetrievePropertiesEx", async () => {
    login();
    intercept("POST", `${BASE}/SearchIndex/SearchIndex/FindByInventoryPath`, 200, moref("VirtualMachine", "vm-230"));
    const secondaryInfo = { _typeName: "FaultToleranceSecondaryConfigInfo", role: 2, instanceUuids: [], configPaths: [], primaryVM: moref("VirtualMachine", "vm-101") };
    intercept("POST", RETRIEVE, 200, retrieveResult(...vmWithAncestors("vm-230", "app-01", secondaryInfo)));
    intercept("POST", RETRIEVE, 200, retrieveResult(...vmWithAncestors("vm-101", "app-01", { _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, instanceUuids: [], configPaths: [], secondaries: [] })));
    expect(await lookupVirtualMachine({ inventoryPath: "dc1/vm/app/app-01" })).toMatchObject({ vmId: "vm-101" });
    expect((seen[5]!.body as { specSet: { objectSet: { obj: unknown }[] }[] }).specSet[0]!.objectSet[0]!.obj).toEqual(moref("VirtualMachine", "vm-101"));
  });

  it("instanceUuid: FindByUuid {uuid, vmSearch: true, instanceUuid: true}", async () => {
    login();
    const uuid = "502b1e9a-3c4d-5e6f-7a8b-9c0d1e2f3a4b";
    intercept("POST", `${BASE}/SearchIndex/SearchIndex/FindByUuid`, 200, moref("VirtualMachine", "vm-101"));
    intercept("POST", RETRIEVE, 200, retrieveResult(...vmWithAncestors("vm-101", "app-01")));
    expect(await lookupVirtualMachine({ instanceUuid: uuid })).toEqual({ vmId: "vm-101", name: "app-01", inventoryPath: "dc1/vm/app/app-01" });
    expect(calls()).toEqual(["POST /SearchIndex/SearchIndex/FindByUuid", "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx"]);
    expect(seen[3]!.body).toEqual({ uuid, vmSearch: true, instanceUuid: true });
  });

  it("a search answered null is nothing found, without reading anything else", async () => {
    login();
    intercept("POST", `${BASE}/SearchIndex/SearchIndex/FindByUuid`, 200, null);
    await expect(lookupVirtualMachine({ instanceUuid: "502b1e9a-3c4d-5e6f-7a8b-9c0d1e2f3a4b" })).rejects.toMatchObject({ kind: "not-found" });
    expect(calls()).toEqual(["POST /SearchIndex/SearchIndex/FindByUuid"]);
  });

  it("an answer of the wrong shape is a ServerError, not a guess", async () => {
    login();
    intercept("POST", `${BASE}/SearchIndex/SearchIndex/FindByUuid`, 200, { found: "vm-101" });
    await expect(lookupVirtualMachine({ instanceUuid: "502b1e9a-3c4d-5e6f-7a8b-9c0d1e2f3a4b" })).rejects.toBeInstanceOf(ServerError);
  });

  it.each<[string, LookupVirtualMachineArgs, string]>([
    ["nothing", {}, "got none of them"],
    ["two criteria", { name: "app-01", inventoryPath: "dc1/vm/app/app-01" }, "got name and inventoryPath"],
    ["an empty name", { name: " " }, "name must be a non-empty string"],
    ["a malformed uuid", { instanceUuid: "vm-101" }, "instanceUuid must be a uuid"],
    ["a bad namespace", { name: "app-01", connection: "vsphere dr" }, "connection must be a namespace name (a letter, then letters, digits, \"-\" or \"_\"; at most 63 characters); got \"vsphere dr\". Use a name such as \"vsphere-dr\" and set vsphere-dr:vsphereServer"],
  ])("refuses %s before any request, naming the argument", async (_case, args, text) => {
    const error = await lookupVirtualMachine(args).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain(text);
    expect(seen).toEqual([]);
  });

  it("refuses an Output given where a string belongs, saying how to pass it", async () => {
    const error = await lookupVirtualMachine({ name: pulumi.output("app-01") as unknown as string }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ property: "name" });
    expect((error as Error).message).toContain("not an Output");
    expect(seen).toEqual([]);
  });

  it("keeps the password out of a refused login's error", async () => {
    intercept("POST", HELLO, 200, { api_release: RELEASE });
    intercept("GET", CONTENT_PATH, 200, CONTENT);
    intercept("POST", LOGIN, 500, { _typeName: "InvalidLogin", faultMessage: [{ key: "k", message: `Cannot complete login for password ${CREDENTIALS.password}` }] });
    const error = await lookupVirtualMachine({ name: "app-01" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain("vsphere:password");
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain(CREDENTIALS.password);
  });
});

describe("the vmId hint of a preview check", () => {
  it("reads the names through one container view only after the id was not found, and destroys the view", async () => {
    login();
    intercept("POST", RETRIEVE, 200, null);
    intercept("POST", `${BASE}/ViewManager/ViewManager/CreateContainerView`, 200, VIEW);
    intercept("POST", RETRIEVE, 200, retrieveResult(...vmWithAncestors("vm-105", "batch-01")));
    intercept("POST", `${VIEW_PATH}/DestroyView`, 204, undefined);
    const checked = await powerState.check({}, { vmId: "batch-01", state: "poweredOff" });
    expect(checked.failures).toEqual([{ property: "vmId", reason: expect.stringContaining('not its name. The VM named "batch-01" is vm-105: use that.') }]);
    expect(calls()).toEqual([
      "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx",
      "POST /ViewManager/ViewManager/CreateContainerView",
      "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx",
      `POST /ContainerView/${encodeURIComponent(VIEW.value)}/DestroyView`,
    ]);
  });

  it("says what vmId takes even when the names cannot be read, and still reports the missing VM", async () => {
    login();
    intercept("POST", RETRIEVE, 200, null);
    intercept("POST", `${BASE}/ViewManager/ViewManager/CreateContainerView`, 500, { _typeName: "NoPermission", privilegeId: "System.View" });
    const checked = await powerState.check({}, { vmId: "batch-01", state: "poweredOff" });
    expect(checked.failures![0]!.reason).toMatch(/^vmId: VirtualMachine batch-01 does not exist in vCenter/);
    expect(checked.failures![0]!.reason).toContain('not its name. Find the id with lookupVirtualMachine({ name: "batch-01" }).');
  });
});
