/**
 * The offline twin's own security: every vendor endpoint that is not a login answers the vendor's authentication error
 * without credentials (and with made-up ones) and changes nothing; every `/_sim/` admin route answers 401 without the
 * admin token (and with a wrong one); `startOfflineTwin()` listens on 127.0.0.1 only unless told otherwise.
 */
import * as net from "node:net";
import * as os from "node:os";
import { startOfflineTwin, type OfflineTwin } from "../../simulator";
import { viMethods } from "../../simulator/vsphere/handlers";
import { MANAGED_OBJECT_PROPERTIES } from "../../simulator/vsphere/handlers/managedObjectProperties";
import { ADMIN_ROUTES } from "../simulator/support/adminRoutes";

let twin: OfflineTwin;
beforeAll(async () => {
  twin = await startOfflineTwin({ durationMs: 10 });
});
afterAll(async () => {
  await twin?.close();
});

async function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${base}${path}`, { method, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers }, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe("vSphere twin", () => {
  const RELEASE = "8.0.3.0";
  const ANONYMOUS = ["SessionManager/Login", "ServiceInstance/RetrieveServiceContent"];
  const ANONYMOUS_PROPERTIES = ["ServiceInstance/content", "SessionManager/currentSession"];

  function methodRoutes(): { verb: string; route: string }[] {
    const methods = viMethods(twin.vsphere.world, twin.vsphere.propertyCollector);
    const routes = methods.map((method) => ({ verb: "POST", route: `${method.moType}/${method.name}` }));
    for (const [moType, properties] of Object.entries(MANAGED_OBJECT_PROPERTIES)) {
      for (const property of Object.keys(properties)) routes.push({ verb: "GET", route: `${moType}/${property}` });
    }
    return routes.filter((each) => !ANONYMOUS.includes(each.route) && !ANONYMOUS_PROPERTIES.includes(each.route));
  }

  it("enumerates a real list of methods and properties", () => {
    expect(methodRoutes().length).toBeGreaterThan(20);
  });

  it.each([
    ["no session header", {}],
    ["a made-up session id", { "vmware-api-session-id": "0123456789abcdef0123456789abcdef01234567" }],
  ])("answers NotAuthenticated to every method and property with %s, and does nothing", async (_label, headers) => {
    const vm = twin.vsphere.world.addVm({ name: "auth-probe", powerState: "poweredOn" });
    const before = JSON.stringify(twin.vsphere.world.vms.get(vm.id));
    const tasks = twin.vsphere.world.taskRunner.tasks.size;
    for (const { verb, route } of methodRoutes()) {
      const [moType, name] = route.split("/") as [string, string];
      const moId = moType === "VirtualMachine" ? vm.id : moType === "PropertyCollector" ? "propertyCollector" : `${moType.toLowerCase()}-1`;
      const answer = await call(twin.vsphere.url, verb, `/sdk/vim25/${RELEASE}/${moType}/${moId}/${name}`, headers, verb === "POST" ? "{}" : undefined);
      expect({ route, status: answer.status }).toEqual({ route, status: 500 });
      expect({ route, fault: (JSON.parse(answer.text) as { _typeName?: string })._typeName }).toEqual({ route, fault: "NotAuthenticated" });
    }
    expect(JSON.stringify(twin.vsphere.world.vms.get(vm.id))).toBe(before);
    expect(twin.vsphere.world.taskRunner.tasks.size).toBe(tasks); // no task was started to change it later
  });
});

describe("Veeam twin", () => {
  const PLAN = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";
  const ROUTES: [string, string][] = [
    ["GET", "/v2/FailoverPlans"],
    ["GET", `/v2/FailoverPlans/${PLAN}`],
    ["POST", `/v2/FailoverPlans/${PLAN}/Run`],
    ["POST", `/v2/FailoverPlans/${PLAN}/Undo`],
    ["POST", `/v2/FailoverPlans/${PLAN}/Enable`],
    ["POST", `/v2/FailoverPlans/${PLAN}/Disable`],
    ...["v7.2", "v7.21", "v13", "v13.1"].flatMap((version): [string, string][] => [
      ["GET", `/api/${version}/Plans`],
      ["GET", `/api/${version}/Plans/${PLAN}`],
      ["POST", `/api/${version}/Plans/${PLAN}/Failover`],
      ["POST", `/api/${version}/Plans/${PLAN}/Undo`],
      ["POST", `/api/${version}/Plans/${PLAN}/Enable`],
      ["POST", `/api/${version}/Plans/${PLAN}/Disable`],
      ["GET", `/api/${version}/RuntimeDetails/Plans/${PLAN}`],
    ]),
  ];

  it.each([
    ["no Authorization header", {}],
    ["a made-up bearer token", { authorization: "Bearer not-a-token" }],
    ["basic credentials instead of a token", { authorization: `Basic ${Buffer.from("VRO\\drautomation:guess").toString("base64")}` }],
  ])("answers 401 with a Bearer challenge to every plan endpoint with %s, and runs nothing", async (_label, headers) => {
    for (const [verb, path] of ROUTES) {
      const answer = await call(twin.veeam.url, verb, path, headers, verb === "POST" ? '{"mode":"FailoverNow"}' : undefined);
      expect({ path, status: answer.status }).toEqual({ path, status: 401 });
      expect(answer.headers.get("www-authenticate")).toBe("Bearer");
    }
    const plan = twin.veeam.world.plan(PLAN)!;
    expect(plan.launches).toHaveLength(0);
    expect(plan.enabled).toBe(true);
  });

  it("refuses a wrong password at the token endpoints without issuing a token", async () => {
    const before = twin.veeam.world.accessTokens.size;
    for (const path of ["/v2/Token", "/api/token"]) {
      const body = new URLSearchParams({ grant_type: "password", username: twin.veeam.username, password: "wrong" }).toString();
      const answer = await call(twin.veeam.url, "POST", path, { "content-type": "application/x-www-form-urlencoded" }, body);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain("invalid_grant");
    }
    expect(twin.veeam.world.accessTokens.size).toBe(before);
  });
});

describe("ZStack twin", () => {
  it("answers ZStack's missing-Authorization error to every VM endpoint without credentials, and does nothing", async () => {
    const vm = twin.zstack.world.addVm({ name: "auth-probe", state: "Destroyed" });
    const routes: [string, string, string | undefined][] = [
      ["GET", "/zstack/v1/vm-instances", undefined],
      ["GET", `/zstack/v1/vm-instances/${vm.uuid}`, undefined],
      ["PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, '{"recoverVmInstance":{}}'],
      ["PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, '{"startVmInstance":{}}'],
      ["PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, '{"expungeVmInstance":{}}'],
      ["DELETE", `/zstack/v1/vm-instances/${vm.uuid}`, undefined],
    ];
    const world = twin.zstack.world;
    const before = { jobs: world.jobs.size, requests: twin.zstack.server.stats.requests, vm: JSON.stringify(world.vms.get(vm.uuid)) };
    for (const [verb, path, body] of routes) {
      const answer = await call(twin.zstack.url, verb, path, {}, body);
      expect({ path, verb, status: answer.status, text: answer.text }).toEqual({ path, verb, status: 400, text: "missing header 'Authorization'" });
    }
    // Every request reached the ZStack handler, and none became a job: nothing is left to run later.
    expect(twin.zstack.server.stats.requests).toBe(before.requests + routes.length);
    expect(world.jobs.size).toBe(before.jobs);
    expect(world.dump()["jobs"]).not.toContainEqual(expect.objectContaining({ vmUuid: vm.uuid }));
    expect(JSON.stringify(world.vms.get(vm.uuid))).toBe(before.vm);
  });

  it("refuses a made-up session: queries fail at once, actions fail in their job, and nothing changes", async () => {
    const vm = twin.zstack.world.addVm({ name: "auth-probe-2", state: "Destroyed" });
    const headers = { authorization: "OAuth 0123456789abcdef0123456789abcdef" };
    const query = await call(twin.zstack.url, "GET", `/zstack/v1/vm-instances/${vm.uuid}`, headers);
    expect(query.status).toBe(503);
    expect(query.text).toMatch(/session/i);
    // Jobs settle as they are accepted, so the first poll already has the job's outcome.
    const world = twin.zstack.world;
    const jobDurationMs = world.jobDurationMs;
    world.jobDurationMs = 0;
    let action: Awaited<ReturnType<typeof call>>;
    try {
      action = await call(twin.zstack.url, "PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, headers, '{"recoverVmInstance":{}}');
    } finally {
      world.jobDurationMs = jobDurationMs;
    }
    expect(action.status).toBe(202);
    const location = new URL((JSON.parse(action.text) as { location: string }).location);
    const job = await call(twin.zstack.url, "GET", location.pathname, headers);
    expect(job.status).toBe(503);
    expect(job.text).toMatch(/session/i);
    expect(twin.zstack.world.vms.get(vm.uuid)?.state).toBe("Destroyed");
  });

  it("refuses a wrong password at login without opening a session", async () => {
    const before = twin.zstack.world.sessions.size;
    const answer = await call(twin.zstack.url, "PUT", "/zstack/v1/accounts/login", {}, JSON.stringify({ logInByAccount: { accountName: twin.zstack.accountName, password: "0".repeat(128) } }));
    expect(answer.status).toBe(503);
    expect(twin.zstack.world.sessions.size).toBe(before);
  });
});

describe("admin routes", () => {
  it.each(["vsphere", "veeam", "zstack"] as const)("%s: every /_sim/ route answers 401 without the admin token or with a wrong one", async (vendor) => {
    const base = twin[vendor].url;
    const routes = ADMIN_ROUTES.filter(([owner]) => owner === vendor).map(([, verb, path]): [string, string] => [verb, path]);
    for (const [verb, path] of [...routes, ["GET", "/_sim/no-such-route"]]) {
      const attempts: Record<string, string>[] = [{}, { "x-simulator-admin-token": "wrong" }, { "x-simulator-admin-token": "" }, { authorization: `Bearer ${twin.adminToken}` }];
      for (const headers of attempts) {
        const answer = await call(base, verb, path, headers, verb === "GET" || verb === "DELETE" ? undefined : '{"state":"poweredOff"}');
        expect({ path, verb, headers, status: answer.status }).toEqual({ path, verb, headers, status: 401 });
      }
    }
    // The same token opens them: the 401 above is the token check, not a missing route.
    const ok = await call(base, "GET", "/_sim/stats", { "x-simulator-admin-token": twin.adminToken });
    expect(ok.status).toBe(200);
  });
});

describe("loopback binding", () => {
  it("binds every simulator of startOfflineTwin() to 127.0.0.1 by default", () => {
    for (const vendor of ["vsphere", "veeam", "zstack"] as const) {
      expect(twin[vendor].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(twin[vendor].server.url).toBe(twin[vendor].url);
    }
    for (const value of Object.values(twin.environment)) if (/^https?:/.test(value)) expect(new URL(value).hostname).toBe("127.0.0.1");
  });

  it("is not reachable on this machine's other addresses", async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((address): address is os.NetworkInterfaceInfo => !!address && !address.internal && address.family === "IPv4")
      .map((address) => address.address);
    for (const address of external) {
      for (const vendor of ["vsphere", "veeam", "zstack"] as const) {
        const port = twin[vendor].server.port;
        const outcome = await new Promise<string>((resolve) => {
          const socket = net.connect({ host: address, port, timeout: 2000 });
          socket.once("connect", () => {
            socket.destroy();
            resolve("connected");
          });
          socket.once("timeout", () => {
            socket.destroy();
            resolve("timeout");
          });
          socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
        });
        expect({ address, vendor, outcome }).not.toEqual({ address, vendor, outcome: "connected" });
      }
    }
  });
});
