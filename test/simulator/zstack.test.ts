import * as crypto from "node:crypto";
import { startZstackSimulator, ZSTACK_SEED, type ZstackSimulator } from "../../simulator/zstack";

let sim: ZstackSimulator;

beforeAll(async () => {
  sim = await startZstackSimulator({ accountName: "admin", password: "pw-1", jobDurationMs: 40, adminToken: "tok" });
});

afterAll(async () => {
  await sim.close();
});

const sha512 = (text: string): string => crypto.createHash("sha512").update(text).digest("hex");

async function call(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(options.headers ?? {}) },
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

async function admin(method: string, path: string, body?: unknown) {
  return call(method, path, { body, headers: { "x-simulator-admin-token": "tok" } });
}

async function login(): Promise<string> {
  const reply = await call("PUT", "/zstack/v1/accounts/login", { body: { logInByAccount: { accountName: "admin", password: sha512("pw-1") } } });
  expect(reply.status).toBe(200);
  return reply.json.inventory.uuid as string;
}

async function pollUntilDone(location: string, session: string) {
  const path = new URL(location).pathname;
  for (let i = 0; i < 100; i += 1) {
    const reply = await call("GET", path, { headers: { authorization: `OAuth ${session}` } });
    if (reply.status !== 202) return reply;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("job never finished");
}

test("login takes the SHA-512 hex digest, not the clear password", async () => {
  const session = await login();
  expect(session).toMatch(/^[0-9a-f]{32}$/);
  const clear = await call("PUT", "/zstack/v1/accounts/login", { body: { logInByAccount: { accountName: "admin", password: "pw-1" } } });
  expect(clear.status).toBe(503);
  expect(clear.json.error).toMatchObject({ code: "ID.1000", details: "wrong account name or password" });
});

test("async job protocol: 202 with a location on the advertised host, 202 while running, then 200 with the inventory", async () => {
  const session = await login();
  const vm = sim.world.addVm({ name: "x", state: "Running" });
  sim.world.destroyVm(vm.uuid);
  const accepted = await call("PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, {
    body: { recoverVmInstance: {}, systemTags: ["k::v"] },
    headers: { authorization: `OAuth ${session}` },
  });
  expect(accepted.status).toBe(202);
  expect(accepted.json.location).toMatch(/^http:\/\/zstack-mn\.internal:8080\/zstack\/v1\/api-jobs\/[0-9a-f]{32}$/);
  expect(new URL(accepted.json.location).host).not.toBe(new URL(sim.url).host);
  expect(accepted.json.apiTimeout).toBeGreaterThan(0);
  const path = new URL(accepted.json.location).pathname;
  const running = await call("GET", path);
  expect(running.status).toBe(202);
  const done = await pollUntilDone(accepted.json.location, session);
  expect(done.status).toBe(200);
  expect(done.json.inventory).toMatchObject({ uuid: vm.uuid, state: "Stopped", hostUuid: null });
  expect(done.json.inventory.vmNics[0].ip).toBeNull();
  expect(sim.world.vms.get(vm.uuid)?.systemTags).toContain("k::v");
});

test("a repeated X-Job-UUID returns the existing job and executes nothing again", async () => {
  const session = await login();
  const vm = sim.world.addVm({ state: "Stopped" });
  const jobUuid = crypto.randomUUID().replace(/-/g, "");
  const headers = { authorization: `OAuth ${session}`, "x-job-uuid": jobUuid };
  const first = await call("PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, { body: { startVmInstance: {} }, headers });
  const done = await pollUntilDone(first.json.location, session);
  expect(done.json.inventory.state).toBe("Running");
  sim.world.stopVmNow(vm.uuid);
  const second = await call("PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, { body: { startVmInstance: {} }, headers });
  expect(second.status).toBe(202);
  expect(second.json.location).toBe(first.json.location);
  expect(sim.world.vms.get(vm.uuid)?.state).toBe("Stopped");
});

test("request validation: Authorization, X-Job-UUID, action mapping, wrong state", async () => {
  const session = await login();
  const vm = sim.world.addVm({ state: "Running" });
  const noAuth = await call("PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, { body: { recoverVmInstance: {} } });
  expect(noAuth.status).toBe(400);
  expect(noAuth.text).toBe("missing header 'Authorization'");
  const badJob = await call("PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, {
    body: { recoverVmInstance: {} },
    headers: { authorization: `OAuth ${session}`, "x-job-uuid": "1234-5678" },
  });
  expect(badJob.status).toBe(400);
  const noAction = await call("PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, { body: { fooVmInstance: {} }, headers: { authorization: `OAuth ${session}` } });
  expect(noAction.status).toBe(400);
  const wrongState = await call("PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, { body: { recoverVmInstance: {} }, headers: { authorization: `OAuth ${session}` } });
  expect(wrongState.status).toBe(202);
  const failed = await pollUntilDone(wrongState.json.location, session);
  expect(failed.status).toBe(503);
  expect(failed.json.error).toMatchObject({ code: "VM.1010" });
  const unknown = await call("PUT", `/zstack/v1/vm-instances/${"f".repeat(32)}/actions`, { body: { recoverVmInstance: {} }, headers: { authorization: `OAuth ${session}` } });
  const unknownDone = await pollUntilDone(unknown.json.location, session);
  expect(unknownDone.json.error).toMatchObject({ code: "SYS.1007" });
});

test("sessions expire: queries answer 503 ID.1001, actions fail in their job with ID.1001", async () => {
  const session = await login();
  const vm = sim.world.addVm({ state: "Stopped" });
  expect((await admin("POST", "/_sim/zstack/sessions/expire")).json.expired).toBeGreaterThanOrEqual(1);
  const query = await call("GET", `/zstack/v1/vm-instances/${vm.uuid}`, { headers: { authorization: `OAuth ${session}` } });
  expect(query.status).toBe(503);
  expect(query.json.error).toMatchObject({ code: "ID.1001", description: "Session expired" });
  const action = await call("PUT", `/zstack/v1/vm-instances/${vm.uuid}/actions`, { body: { startVmInstance: {} }, headers: { authorization: `OAuth ${session}` } });
  expect(action.status).toBe(202);
  const failed = await pollUntilDone(action.json.location, session);
  expect(failed.status).toBe(503);
  expect(failed.json.error.code).toBe("ID.1001");
  expect(sim.world.vms.get(vm.uuid)?.state).toBe("Stopped");
});

test("sessions also expire on their own after the configured idle lifetime", async () => {
  // A lifetime of 0: the session is past its lifetime at its first use.
  const short = await startZstackSimulator({ password: "p", sessionLifetimeSeconds: 0 });
  try {
    const reply = await fetch(`${short.url}/zstack/v1/accounts/login`, {
      method: "PUT",
      body: JSON.stringify({ logInByAccount: { accountName: "admin", password: sha512("p") } }),
    });
    const session = ((await reply.json()) as { inventory: { uuid: string } }).inventory.uuid;
    expect(short.world.sessions.has(session)).toBe(true);
    const query = await fetch(`${short.url}/zstack/v1/vm-instances`, { headers: { authorization: `OAuth ${session}` } });
    expect(query.status).toBe(503);
  } finally {
    await short.close();
  }
});

test("admin: token required; add, destroy, expunge; fail-next; expire jobs; config; inventory; request log", async () => {
  expect((await call("GET", "/_sim/zstack/inventory")).status).toBe(401);
  const added = await admin("POST", "/_sim/zstack/vms", { name: "adm", state: "Running" });
  expect(added.status).toBe(201);
  const uuid = added.json.uuid as string;
  expect((await admin("POST", `/_sim/zstack/vms/${uuid}/destroy`)).json.state).toBe("Destroyed");
  const session = await login();
  await admin("POST", "/_sim/zstack/jobs/fail-next", { action: "recoverVmInstance", error: { code: "PS.1000", description: "no capacity", details: "full", cause: { code: "X.1" } } });
  const submitted = await call("PUT", `/zstack/v1/vm-instances/${uuid}/actions`, { body: { recoverVmInstance: {} }, headers: { authorization: `OAuth ${session}` } });
  const failed = await pollUntilDone(submitted.json.location, session);
  expect(failed.json.error).toMatchObject({ code: "PS.1000", description: "no capacity", details: "full", cause: { code: "X.1" } });
  expect(sim.world.vms.get(uuid)?.state).toBe("Destroyed");

  expect((await admin("POST", "/_sim/zstack/jobs/expire", { uuid: new URL(submitted.json.location).pathname.split("/").pop() })).json.expired).toBe(1);
  expect((await call("GET", new URL(submitted.json.location).pathname)).status).toBe(404);

  expect((await admin("POST", `/_sim/zstack/vms/${uuid}/expunge`)).json.state).toBe("Expunged");
  const query = await call("GET", `/zstack/v1/vm-instances/${uuid}`, { headers: { authorization: `OAuth ${session}` } });
  expect(query.json.inventories).toEqual([]);

  const config = await admin("POST", "/_sim/zstack/config", { jobDurationMs: 5, advertisedHost: "10.9.9.9:8080" });
  expect(config.json).toMatchObject({ jobDurationMs: 5, advertisedHost: "10.9.9.9:8080" });
  const inventory = await admin("GET", "/_sim/zstack/inventory");
  expect(inventory.json.expunged.map((vm: { uuid: string }) => vm.uuid)).toContain(uuid);
  expect(inventory.json.advertisedHost).toBe("10.9.9.9:8080");
  await admin("POST", "/_sim/zstack/config", { jobDurationMs: 40, advertisedHost: "zstack-mn.internal:8080" });

  const log = await admin("GET", "/_sim/zstack/requests");
  expect(log.json.some((request: { path: string }) => request.path === `/zstack/v1/vm-instances/${uuid}/actions`)).toBe(true);
});

test("Destroyed VMs are expunged after the expunge period", async () => {
  const session = await login();
  const vm = sim.world.addVm({ state: "Running" });
  await admin("POST", `/_sim/zstack/vms/${vm.uuid}/destroy`);
  const listed = await call("GET", `/zstack/v1/vm-instances/${vm.uuid}`, { headers: { authorization: `OAuth ${session}` } });
  expect(listed.json.inventories.map((inventory: { state: string }) => inventory.state)).toEqual(["Destroyed"]);
  // A period of 0: the period of the VM destroyed above is over at the next request.
  await admin("POST", "/_sim/zstack/config", { expungePeriodSeconds: 0 });
  try {
    const query = await call("GET", `/zstack/v1/vm-instances/${vm.uuid}`, { headers: { authorization: `OAuth ${session}` } });
    expect(query.json.inventories).toEqual([]);
  } finally {
    await admin("POST", "/_sim/zstack/config", { expungePeriodSeconds: 86400 });
  }
});

test("GET on the job path only; other methods are 405", async () => {
  expect((await call("PUT", `/zstack/v1/api-jobs/${"a".repeat(32)}`)).status).toBe(405);
  expect((await call("GET", `/zstack/v1/api-jobs/${"a".repeat(32)}`)).status).toBe(404);
});

test("starts with the seeded VMs (fixed uuids): one Running, one Stopped, two Destroyed that can be recovered", async () => {
  const fresh = await startZstackSimulator({ password: "seed-pw", jobDurationMs: 0 });
  const empty = await startZstackSimulator({ seed: false });
  try {
    type Vm = { uuid: string; name: string; state: string };
    const send = async (method: string, path: string, body?: unknown, session?: string): Promise<{ inventory?: Vm; inventories?: Vm[]; location?: string }> => {
      const response = await fetch(`${fresh.url}${path}`, {
        method,
        headers: session ? { authorization: `OAuth ${session}` } : {},
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as { inventory?: Vm; inventories?: Vm[]; location?: string };
    };
    const session = (await send("PUT", "/zstack/v1/accounts/login", { logInByAccount: { accountName: "admin", password: sha512("seed-pw") } })).inventory!.uuid;
    const listed = (await send("GET", "/zstack/v1/vm-instances", undefined, session)).inventories!;
    expect(Object.fromEntries(listed.map((vm) => [vm.uuid, `${vm.name} ${vm.state}`]))).toEqual({
      [ZSTACK_SEED.runningVm.uuid]: "web-01 Running",
      [ZSTACK_SEED.stoppedVm.uuid]: "web-02 Stopped",
      [ZSTACK_SEED.destroyedVm.uuid]: "web-03 Destroyed",
      [ZSTACK_SEED.destroyedDatabaseVm.uuid]: "db-primary Destroyed",
    });
    expect(ZSTACK_SEED.destroyedVm.uuid).toBe("a3c1e0b2d4f64e8f9a0b1c2d3e4f5a03"); // examples/flagship names it
    expect(ZSTACK_SEED.destroyedDatabaseVm.uuid).toBe("6ab7f3e2c1d04b5a9e8f7d6c5b4a3f21"); // the README's snippet names it
    // Jobs take 0 ms here: the job is done when it is accepted.
    const accepted = await send("PUT", `/zstack/v1/vm-instances/${ZSTACK_SEED.destroyedVm.uuid}/actions`, { recoverVmInstance: {} }, session);
    const done = await send("GET", new URL(accepted.location as string).pathname, undefined, session);
    expect(done.inventory).toMatchObject({ name: "web-03", state: "Stopped" });
    expect(empty.world.vms.size).toBe(0);
  } finally {
    await Promise.all([fresh.close(), empty.close()]);
  }
});
