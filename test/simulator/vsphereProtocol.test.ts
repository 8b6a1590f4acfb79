/**
 * The vSphere simulator's wire protocol, checked with raw fetch over loopback: release in the path, hello negotiation,
 * sessions, faults as HTTP 500 JSON, property GETs, request body validation, RetrievePropertiesEx, admin API.
 */
import { startVsphereSimulator, type VsphereSimulator } from "../../simulator/vsphere";
import { z } from "zod";
import * as requestBodies from "../../simulator/vsphere/requestBodies";
import { SPEC_TYPES } from "../../simulator/vsphere/specSchemas";

const RELEASE = "8.0.3.0";
let sim: VsphereSimulator;

interface Answer {
  status: number;
  contentType: string | null;
  headers: Headers;
  body: unknown;
}

async function http(method: string, path: string, options: { body?: unknown; rawBody?: string; session?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.session) headers["vmware-api-session-id"] = options.session;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(`${sim.url}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = undefined;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, contentType: response.headers.get("content-type"), headers: response.headers, body };
}

const sdk = (path: string) => `/sdk/vim25/${RELEASE}/${path}`;
const ref = (type: string, value: string) => ({ _typeName: "ManagedObjectReference", type, value });

async function login(): Promise<string> {
  const answer = await http("POST", sdk("SessionManager/SessionManager/Login"), { body: { userName: sim.username, password: sim.password } });
  expect(answer.status).toBe(200);
  const token = answer.headers.get("vmware-api-session-id");
  expect(token).toBeTruthy();
  return token as string;
}

function record(value: unknown): Record<string, unknown> {
  expect(typeof value).toBe("object");
  expect(value).not.toBeNull();
  return value as Record<string, unknown>;
}

beforeEach(async () => {
  sim = await startVsphereSimulator({ taskDurationMs: 20 });
});

afterEach(async () => {
  await sim.close();
});

describe("service content and release negotiation", () => {
  test("ServiceContent works without a session and carries MoRefs and about.apiVersion", async () => {
    const answer = await http("GET", sdk("ServiceInstance/ServiceInstance/content"));
    expect(answer.status).toBe(200);
    const content = record(answer.body);
    expect(content._typeName).toBe("ServiceContent");
    expect(content.sessionManager).toEqual(ref("SessionManager", "SessionManager"));
    expect(content.propertyCollector).toEqual(ref("PropertyCollector", "propertyCollector"));
    expect(content.rootFolder).toEqual(ref("Folder", "group-d1"));
    const about = record(content.about);
    expect(about._typeName).toBe("AboutInfo");
    expect(about.apiVersion).toBe("9.0.0.0");
    expect(about.apiType).toBe("VirtualCenter");
  });

  test("an unknown release is 404", async () => {
    expect((await http("GET", "/sdk/vim25/7.0.3.0/ServiceInstance/ServiceInstance/content")).status).toBe(404);
    expect((await http("GET", "/sdk/vim25/nonsense/ServiceInstance/ServiceInstance/content")).status).toBe(404);
  });

  test("hello picks the newest common release, or an empty string", async () => {
    const hello = (body: unknown) => http("POST", "/api/vcenter/system?action=hello", { body });
    expect((await hello({ api_releases: ["9.0.0.0", "8.0.3.0", "8.0.1.0"] })).body).toEqual({ api_release: "9.0.0.0" });
    expect((await hello({ api_releases: ["8.0.1.0", "8.0.2.0"] })).body).toEqual({ api_release: "8.0.2.0" });
    expect((await hello({ api_releases: ["7.0.3.0"] })).body).toEqual({ api_release: "" });
    expect((await hello({ releases: ["8.0.3.0"] })).status).toBe(400);
  });

  test("a vCenter 8.0.1 has no hello endpoint", async () => {
    await sim.close();
    sim = await startVsphereSimulator({ releases: ["8.0.1.0"] });
    const answer = await http("POST", "/api/vcenter/system?action=hello", { body: { api_releases: ["8.0.1.0"] } });
    expect(answer.status).toBe(404);
    const content = record((await http("GET", "/sdk/vim25/8.0.1.0/ServiceInstance/ServiceInstance/content")).body);
    expect(record(content.about).apiVersion).toBe("8.0.1.0");
  });
});

describe("sessions", () => {
  test("Login answers a UserSession and the session header; bad credentials are InvalidLogin", async () => {
    const answer = await http("POST", sdk("SessionManager/SessionManager/Login"), { body: { userName: sim.username, password: sim.password, locale: "en" } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("vmware-api-session-id")).toMatch(/^[0-9a-f]{40}$/);
    const session = record(answer.body);
    expect(session._typeName).toBe("UserSession");
    expect(session.userName).toBe("administrator@vsphere.local");
    for (const field of ["key", "fullName", "loginTime", "lastActiveTime", "locale", "messageLocale", "extensionSession", "ipAddress", "userAgent", "callCount"]) {
      expect(session).toHaveProperty(field);
    }
    const bad = await http("POST", sdk("SessionManager/SessionManager/Login"), { body: { userName: sim.username, password: "nope" } });
    expect(bad.status).toBe(500);
    expect(bad.contentType).toMatch(/application\/json/);
    expect(record(bad.body)._typeName).toBe("InvalidLogin");
  });

  test("calls without a live session are NotAuthenticated {object, privilegeId}", async () => {
    const answer = await http("POST", sdk("VirtualMachine/vm-101/PowerOffVM_Task"));
    expect(answer.status).toBe(500);
    const fault = record(answer.body);
    expect(fault._typeName).toBe("NotAuthenticated");
    expect(fault.object).toEqual(ref("VirtualMachine", "vm-101"));
    expect(fault.privilegeId).toBe("VirtualMachine.Interact.PowerOff");
    const get = await http("GET", sdk("VirtualMachine/vm-101/runtime"), { session: "not-a-session" });
    expect(record(get.body)._typeName).toBe("NotAuthenticated");
  });

  test("currentSession is null when logged out; Logout is 204 and ends the session", async () => {
    expect((await http("GET", sdk("SessionManager/SessionManager/currentSession"))).body).toBeNull();
    const token = await login();
    expect(record((await http("GET", sdk("SessionManager/SessionManager/currentSession"), { session: token })).body)._typeName).toBe("UserSession");
    const logout = await http("POST", sdk("SessionManager/SessionManager/Logout"), { session: token });
    expect(logout.status).toBe(204);
    expect(logout.body).toBeUndefined();
    expect((await http("GET", sdk("SessionManager/SessionManager/currentSession"), { session: token })).body).toBeNull();
    expect(record((await http("GET", sdk("VirtualMachine/vm-101/name"), { session: token })).body)._typeName).toBe("NotAuthenticated");
  });

  test("expiring all sessions (in process and over the admin API) makes the next call NotAuthenticated", async () => {
    const token = await login();
    expect((await http("GET", sdk("VirtualMachine/vm-101/name"), { session: token })).status).toBe(200);
    sim.world.expireAllSessions();
    expect(record((await http("GET", sdk("VirtualMachine/vm-101/name"), { session: token })).body)._typeName).toBe("NotAuthenticated");

    const second = await login();
    expect((await http("POST", "/_sim/vsphere/sessions/expire")).status).toBe(401);
    const expire = await http("POST", "/_sim/vsphere/sessions/expire", { headers: { "x-simulator-admin-token": sim.adminToken } });
    expect(expire.status).toBe(200);
    expect(record((await http("GET", sdk("VirtualMachine/vm-101/name"), { session: second })).body)._typeName).toBe("NotAuthenticated");
  });
});

describe("properties, faults and request bodies", () => {
  test("property GETs answer typed data objects; snapshot is null without snapshots", async () => {
    const token = await login();
    const runtime = record((await http("GET", sdk("VirtualMachine/vm-101/runtime"), { session: token })).body);
    expect(runtime).toMatchObject({ _typeName: "VirtualMachineRuntimeInfo", powerState: "poweredOn", faultToleranceState: "notConfigured", connectionState: "connected" });
    expect(runtime.host).toEqual(ref("HostSystem", "host-10"));
    const config = record((await http("GET", sdk("VirtualMachine/vm-103/config"), { session: token })).body);
    expect(config).toMatchObject({ _typeName: "VirtualMachineConfigInfo", name: "db-01", template: false });
    expect(config.ftInfo).toBeUndefined();
    expect(typeof config.uuid).toBe("string");
    expect(typeof config.instanceUuid).toBe("string");
    expect((await http("GET", sdk("VirtualMachine/vm-101/snapshot"), { session: token })).body).toBeNull();
    expect(record((await http("GET", sdk("VirtualMachine/vm-104/guest"), { session: token })).body).toolsRunningStatus).toBe("guestToolsNotRunning");
    expect(record((await http("GET", sdk("VirtualMachine/vm-101/guest"), { session: token })).body).toolsRunningStatus).toBe("guestToolsRunning");
    expect((await http("GET", sdk("VirtualMachine/vm-105/name"), { session: token })).body).toBe("batch-01");
    expect((await http("GET", sdk("HostSystem/host-11/name"), { session: token })).body).toBe("esx-02.sim.local");
    expect(record((await http("GET", sdk("VirtualMachine/vm-106/config"), { session: token })).body).template).toBe(true);
  });

  test("entity names escape % / and \\ as the spec says", async () => {
    const token = await login();
    sim.world.addVm({ id: "vm-900", name: "50%/a\\b" });
    expect((await http("GET", sdk("VirtualMachine/vm-900/name"), { session: token })).body).toBe("50%25%2fa%5cb");
  });

  test("an unknown object is ManagedObjectNotFound {obj}", async () => {
    const token = await login();
    const answer = await http("GET", sdk("VirtualMachine/vm-999/runtime"), { session: token });
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ _typeName: "ManagedObjectNotFound", obj: ref("VirtualMachine", "vm-999") });
    const method = await http("POST", sdk("VirtualMachine/vm-999/PowerOnVM_Task"), { session: token });
    expect(record(method.body)._typeName).toBe("ManagedObjectNotFound");
  });

  test("methods are POST, properties GET; unknown names are 404", async () => {
    const token = await login();
    expect((await http("GET", sdk("VirtualMachine/vm-101/PowerOffVM_Task"), { session: token })).status).toBe(405);
    expect((await http("POST", sdk("VirtualMachine/vm-101/runtime"), { session: token })).status).toBe(405);
    expect((await http("POST", sdk("VirtualMachine/vm-101/FlyToTheMoon_Task"), { session: token })).status).toBe(404);
  });

  test("request bodies are validated against the spec's request types", async () => {
    const token = await login();
    const expectFault = async (path: string, body: unknown, typeName: string) => {
      const answer = await http("POST", sdk(path), { session: token, ...(body === undefined ? {} : typeof body === "string" ? { rawBody: body } : { body }) });
      expect(answer.status).toBe(500);
      expect(answer.contentType).toMatch(/application\/json/);
      expect(record(answer.body)._typeName).toBe(typeName);
    };
    await expectFault("VirtualMachine/vm-101/CreateSnapshotEx_Task", undefined, "InvalidRequest");
    await expectFault("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "x" }, "InvalidRequest");
    await expectFault("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "x", memory: "yes" }, "InvalidRequest");
    await expectFault("VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "x", memory: false, bogus: 1 }, "InvalidRequest");
    await expectFault("VirtualMachine/vm-101/CreateSnapshotEx_Task", "{not json", "InvalidRequest");
    await expectFault("VirtualMachine/vm-101/PowerOffVM_Task", { force: true }, "InvalidRequest");
    await expectFault("VirtualMachine/vm-103/PowerOnVM_Task", { host: { type: "HostSystem", value: "host-10" } }, "InvalidRequest");
    await expectFault("VirtualMachine/vm-103/PowerOnVM_Task", { host: { _typeName: "ManagedObjectReference", value: "host-10" } }, "InvalidRequest");
    await expectFault("VirtualMachine/vm-103/PowerOnVM_Task", { host: ref("HostSystem", "host-77") }, "ManagedObjectNotFound");
    await expectFault("PropertyCollector/propertyCollector/RetrievePropertiesEx", { specSet: [] }, "InvalidRequest");
    await expectFault("PropertyCollector/propertyCollector/CreateFilter", { spec: { _typeName: "PropertyFilterSpec", propSet: [], objectSet: [{ _typeName: "ObjectSpec", obj: ref("VirtualMachine", "vm-101") }] } }, "InvalidRequest");
    // A request type body needs no _typeName, but may name itself.
    const named = await http("POST", sdk("VirtualMachine/vm-103/PowerOnVM_Task"), { session: token, body: { _typeName: "PowerOnVMRequestType" } });
    expect(named.status).toBe(200);
    expect(record(named.body)).toMatchObject({ _typeName: "ManagedObjectReference", type: "Task" });
  });
});

describe("request body schemas follow the spec's request types", () => {
  /** Each `*RequestType` body schema: its parameters, required ones without `?`. */
  function requestTypes(): Record<string, string[]> {
    const found: Record<string, string[]> = {};
    for (const value of Object.values(requestBodies)) {
      if (!(value instanceof z.ZodObject)) continue;
      const shape = value.shape as Record<string, z.ZodType>;
      const typeName = shape._typeName instanceof z.ZodOptional ? (shape._typeName.unwrap() as z.ZodLiteral).value : undefined;
      if (typeof typeName !== "string" || !typeName.endsWith("RequestType")) continue;
      found[typeName] = Object.keys(shape)
        .filter((key) => key !== "_typeName")
        .map((key) => (shape[key].safeParse(undefined).success ? `${key}?` : key));
    }
    return found;
  }

  test("every body has exactly the spec's parameters, required where the spec requires them", () => {
    const bodies = requestTypes();
    expect(Object.keys(bodies).length).toBeGreaterThan(20);
    for (const [typeName, parameters] of Object.entries(bodies)) {
      const spec = SPEC_TYPES[typeName];
      expect({ typeName, known: spec !== undefined }).toEqual({ typeName, known: true });
      const expected = Object.keys(spec.fields).map((field) => (spec.required.includes(field) ? field : `${field}?`));
      expect({ typeName, parameters: [...parameters].sort() }).toEqual({ typeName, parameters: expected.sort() });
    }
  });
});

describe("RetrievePropertiesEx", () => {
  const vmSpec = (ids: string[], pathSet: string[]) => ({
    _typeName: "PropertyFilterSpec",
    propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet }],
    objectSet: ids.map((id) => ({ _typeName: "ObjectSpec", obj: ref("VirtualMachine", id) })),
  });
  const retrieve = (token: string, specSet: unknown[], options: Record<string, unknown> = {}) =>
    http("POST", sdk("PropertyCollector/propertyCollector/RetrievePropertiesEx"), { session: token, body: { specSet, options: { _typeName: "RetrieveOptions", ...options } } });

  test("nested paths come back as DynamicProperty with boxed values; unset values are left out", async () => {
    const token = await login();
    const answer = await retrieve(token, [vmSpec(["vm-101", "vm-104"], ["name", "runtime.powerState", "guest.toolsRunningStatus", "config.ftInfo", "snapshot", "config.template", "runtime.host"])]);
    expect(answer.status).toBe(200);
    const result = record(answer.body);
    expect(result._typeName).toBe("RetrieveResult");
    expect(result.token).toBeUndefined();
    const objects = result.objects as Array<{ obj: unknown; propSet: Array<{ _typeName: string; name: string; val: unknown }> }>;
    expect(objects.map((object) => object.obj)).toEqual([ref("VirtualMachine", "vm-101"), ref("VirtualMachine", "vm-104")]);
    const props = Object.fromEntries(objects[0].propSet.map((property) => [property.name, property.val]));
    expect(objects[0].propSet[0]._typeName).toBe("DynamicProperty");
    expect(props.name).toEqual({ _typeName: "string", _value: "app-01" });
    expect(props["runtime.powerState"]).toEqual({ _typeName: "VirtualMachinePowerState", _value: "poweredOn" });
    expect(props["guest.toolsRunningStatus"]).toEqual({ _typeName: "string", _value: "guestToolsRunning" });
    expect(props["config.template"]).toEqual({ _typeName: "boolean", _value: false });
    expect(props["runtime.host"]).toEqual(ref("HostSystem", "host-10"));
    expect(props).not.toHaveProperty("config.ftInfo");
    expect(props).not.toHaveProperty("snapshot");
  });

  test("1000 VMs in one call; maxObjects pages with a token for ContinueRetrievePropertiesEx", async () => {
    const token = await login();
    const ids: string[] = [];
    for (let index = 0; index < 1000; index += 1) ids.push(sim.world.addVm({ name: `bulk-${index}`, powerState: index % 2 ? "poweredOn" : "poweredOff" }).id);
    const all = record((await retrieve(token, [vmSpec(ids, ["runtime.powerState", "name"])])).body);
    expect((all.objects as unknown[]).length).toBe(1000);
    expect(all.token).toBeUndefined();

    const first = record((await retrieve(token, [vmSpec(ids.slice(0, 250), ["name"])], { maxObjects: 100 })).body);
    expect((first.objects as unknown[]).length).toBe(100);
    expect(typeof first.token).toBe("string");
    let seen = 100;
    let next = first.token as string | undefined;
    while (next) {
      const page = record((await http("POST", sdk("PropertyCollector/propertyCollector/ContinueRetrievePropertiesEx"), { session: token, body: { token: next } })).body);
      seen += (page.objects as unknown[]).length;
      next = page.token as string | undefined;
    }
    expect(seen).toBe(250);
    const reused = await http("POST", sdk("PropertyCollector/propertyCollector/ContinueRetrievePropertiesEx"), { session: token, body: { token: first.token } });
    expect(record(reused.body)._typeName).toBe("InvalidArgument");
  });

  test("a missing object is ManagedObjectNotFound unless reportMissingObjectsInResults; bad paths are InvalidProperty", async () => {
    const token = await login();
    const missing = await retrieve(token, [vmSpec(["vm-101", "vm-4040"], ["name"])]);
    expect(missing.status).toBe(500);
    expect(missing.body).toMatchObject({ _typeName: "ManagedObjectNotFound", obj: ref("VirtualMachine", "vm-4040") });
    const tolerant = record((await retrieve(token, [{ ...vmSpec(["vm-101", "vm-4040"], ["name"]), reportMissingObjectsInResults: true }])).body);
    expect((tolerant.objects as unknown[]).length).toBe(1);
    const badPath = await retrieve(token, [vmSpec(["vm-101"], ["runtime.powerstate"])]);
    expect(badPath.body).toMatchObject({ _typeName: "InvalidProperty", name: "runtime.powerstate" });
    const nothing = await retrieve(token, [{ ...vmSpec(["vm-4040"], ["name"]), reportMissingObjectsInResults: true }]);
    expect(nothing.status).toBe(200);
    expect(nothing.body).toBeNull();
  });

  test("Task info paths are retrievable", async () => {
    const token = await login();
    const task = record((await http("POST", sdk("VirtualMachine/vm-103/PowerOnVM_Task"), { session: token })).body);
    const answer = record(
      (
        await retrieve(token, [
          {
            _typeName: "PropertyFilterSpec",
            propSet: [{ _typeName: "PropertySpec", type: "Task", pathSet: ["info.state", "info.descriptionId", "info.entity"] }],
            objectSet: [{ _typeName: "ObjectSpec", obj: task }],
          },
        ])
      ).body,
    );
    const props = Object.fromEntries((answer.objects as Array<{ propSet: Array<{ name: string; val: unknown }> }>)[0].propSet.map((property) => [property.name, property.val]));
    expect(["queued", "running"]).toContain((props["info.state"] as { _value: string })._value);
    expect(props["info.state"]).toMatchObject({ _typeName: "TaskInfoState" });
    expect(props["info.descriptionId"]).toEqual({ _typeName: "string", _value: "VirtualMachine.powerOn" });
    expect(props["info.entity"]).toEqual(ref("VirtualMachine", "vm-103"));
  });
});

describe("admin API", () => {
  test("inventory, out-of-band power and unknown routes", async () => {
    const admin = { "x-simulator-admin-token": sim.adminToken };
    const inventory = record((await http("GET", "/_sim/vsphere/inventory", { headers: admin })).body);
    const vms = inventory.vms as Array<{ id: string; powerState: string }>;
    expect(vms.map((vm) => vm.id)).toEqual(expect.arrayContaining(["vm-101", "vm-102", "vm-103", "vm-104", "vm-105", "vm-106"]));
    expect((await http("POST", "/_sim/vsphere/vms/vm-101/power", { headers: admin, body: { state: "poweredOff" } })).status).toBe(204);
    expect(sim.world.vms.get("vm-101")?.powerState).toBe("poweredOff");
    expect((await http("POST", "/_sim/vsphere/vms/vm-101/power", { headers: admin, body: { state: "off" } })).status).toBe(400);
    expect((await http("POST", "/_sim/vsphere/vms/vm-999/power", { headers: admin, body: { state: "poweredOn" } })).status).toBe(404);
    expect((await http("POST", "/_sim/vsphere/nothing", { headers: admin })).status).toBe(404);
    const added = record((await http("POST", "/_sim/vsphere/vms", { headers: admin, body: { name: "added-01", powerState: "poweredOn" } })).body);
    expect(added.id).toMatch(/^vm-\d+$/);
    expect((await http("POST", "/_sim/vsphere/tasks/duration", { headers: admin, body: { ms: "Infinity", method: "PowerOnVM_Task" } })).status).toBe(204);
    expect(sim.world.taskDurationFor("PowerOnVM_Task", undefined)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("response shapes follow the spec's schemas", () => {
  /** Checks every object carrying a `_typeName` known to the spec: required fields present, no undeclared fields. */
  function conformanceProblems(value: unknown, path = "$"): string[] {
    if (Array.isArray(value)) return value.flatMap((item, index) => conformanceProblems(item, `${path}[${index}]`));
    if (typeof value !== "object" || value === null) return [];
    const object = value as Record<string, unknown>;
    const problems = Object.entries(object).flatMap(([key, child]) => (key === "_typeName" ? [] : conformanceProblems(child, `${path}.${key}`)));
    const typeName = object._typeName;
    if (typeof typeName !== "string" || "_value" in object || typeName === "ManagedObjectReference") return problems;
    const spec = SPEC_TYPES[typeName];
    if (!spec) return [...problems, `${path}: type ${typeName} is not in the spec subset`];
    if (spec.stub) return problems;
    const declared = new Set<string>(["_typeName"]);
    const required: string[] = [];
    for (let current: string | undefined = typeName; current; current = SPEC_TYPES[current]?.parent) {
      Object.keys(SPEC_TYPES[current]?.fields ?? {}).forEach((field) => declared.add(field));
      required.push(...(SPEC_TYPES[current]?.required ?? []));
    }
    for (const field of required) if (!(field in object)) problems.push(`${path}: ${typeName} lacks required ${field}`);
    for (const field of Object.keys(object)) if (!declared.has(field)) problems.push(`${path}: ${typeName} has undeclared ${field}`);
    return problems;
  }

  test("data objects and faults carry the spec's required fields and nothing undeclared", async () => {
    const token = await login();
    const bodies: unknown[] = [];
    const grab = async (method: string, path: string, body?: unknown) => {
      const answer = await http(method, sdk(path), { session: token, ...(body === undefined ? {} : { body }) });
      bodies.push(answer.body);
      return answer.body;
    };
    await grab("GET", "ServiceInstance/ServiceInstance/content");
    await grab("GET", "SessionManager/SessionManager/currentSession");
    for (const vm of ["vm-101", "vm-104", "vm-106"]) for (const property of ["runtime", "config", "guest", "summary"]) await grab("GET", `VirtualMachine/${vm}/${property}`);
    const task = record(await grab("POST", "VirtualMachine/vm-101/CreateSnapshotEx_Task", { name: "s", memory: true }));
    await grab("POST", "VirtualMachine/vm-101/PowerOnVM_Task");
    await new Promise((resolve) => setTimeout(resolve, 80));
    await grab("GET", `Task/${task.value}/info`);
    await grab("GET", "VirtualMachine/vm-101/snapshot");
    const ft = record(await grab("POST", "VirtualMachine/vm-102/CreateSecondaryVMEx_Task", {}));
    await new Promise((resolve) => setTimeout(resolve, 80));
    await grab("GET", `Task/${ft.value}/info`);
    await grab("GET", "VirtualMachine/vm-102/config");
    await grab("POST", "VirtualMachine/vm-105/QueryFaultToleranceCompatibilityEx", {});
    await grab("POST", "PropertyCollector/propertyCollector/CreateFilter", {
      spec: { _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", all: true }], objectSet: [{ _typeName: "ObjectSpec", obj: ref("VirtualMachine", "vm-102") }] },
      partialUpdates: false,
    });
    await grab("POST", "PropertyCollector/propertyCollector/WaitForUpdatesEx", { options: { _typeName: "WaitOptions", maxWaitSeconds: 0 } });
    await grab("POST", "PropertyCollector/propertyCollector/RetrievePropertiesEx", {
      specSet: [{ _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", all: true }], objectSet: [{ _typeName: "ObjectSpec", obj: ref("VirtualMachine", "vm-101") }] }],
      options: { _typeName: "RetrieveOptions" },
    });
    await grab("POST", "VirtualMachine/vm-103/PowerOffVM_Task");
    await grab("GET", "VirtualMachine/vm-999/name");
    await grab("POST", "VirtualMachine/vm-104/ShutdownGuest");
    expect(bodies.flatMap((body) => conformanceProblems(body))).toEqual([]);
    // The checker itself notices a missing required field and an undeclared one.
    expect(conformanceProblems({ _typeName: "TaskInfo", key: "task-1", extra: 1 }).length).toBeGreaterThan(2);
  });
});
