/**
 * The Veeam simulator on its own, over raw HTTP: token grants (form-encoded and multipart, refresh, expiry, 401), VAO v2
 * and every VRO path version (v7.2 … v13.2) over one plan inventory, servers narrowed to one release's versions,
 * case-insensitive JSON binding of the Run body, state rules and the admin API.
 */
import { request } from "undici";
import { RELEASE_API_VERSIONS, startVeeamSimulator, type VeeamSimulator } from "../../simulator/veeam";

let sim: VeeamSimulator;

beforeAll(async () => {
  sim = await startVeeamSimulator({ runDurationMs: 200, username: "VRO\\drautomation", password: "pa ss&word" });
});

afterAll(async () => {
  await sim.close();
});

async function call(method: string, path: string, options: { headers?: Record<string, string>; body?: string; json?: unknown; bearer?: string } = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await request(`${sim.url}${path}`, { method: method as "GET", headers, body });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, json: json as Record<string, unknown>, text };
}

async function grant(path = "/api/token"): Promise<Record<string, unknown>> {
  const reply = await call("POST", path, {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: "VRO\\drautomation", password: "pa ss&word" }).toString(),
  });
  expect(reply.status).toBe(200);
  return reply.json;
}

async function admin(method: string, path: string, json?: unknown) {
  return call(method, path, { headers: { "x-simulator-admin-token": sim.adminToken }, json });
}

describe("token endpoints", () => {
  test("a form-encoded password grant on /api/token and /v2/Token returns access and refresh tokens", async () => {
    for (const path of ["/api/token", "/v2/Token"]) {
      const token = await grant(path);
      expect(token).toMatchObject({ token_type: "bearer", expires_in: 900, access_token: expect.any(String), refresh_token: expect.any(String) });
    }
  });

  test("a multipart password grant is accepted (ASP.NET form binding); a JSON body is not", async () => {
    const boundary = "----sim";
    const body = [
      ["grant_type", "password"],
      ["username", "drautomation"],
      ["password", "pa ss&word"],
    ]
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join("")
      .concat(`--${boundary}--\r\n`);
    const multipart = await call("POST", "/api/token", { headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body });
    expect(multipart.status).toBe(200);
    const json = await call("POST", "/api/token", { json: { grant_type: "password", username: "drautomation", password: "pa ss&word" } });
    expect(json.status).toBe(400);
    expect(json.json.error).toBe("unsupported_grant_type");
  });

  test("wrong password is invalid_grant; refresh tokens are single-use", async () => {
    const wrong = await call("POST", "/api/token", { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=password&username=drautomation&password=nope" });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toBe("invalid_grant");
    const token = await grant();
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const refreshed = await call("POST", "/api/token", { headers: form, body: `grant_type=refresh_token&refresh_token=${token.refresh_token}` });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.access_token).not.toBe(token.access_token);
    const again = await call("POST", "/api/token", { headers: form, body: `grant_type=refresh_token&refresh_token=${token.refresh_token}` });
    expect(again.status).toBe(400);
  });

  test("API calls need a valid bearer token: missing or expired gives 401", async () => {
    const plan = sim.world.addPlan({ name: "auth" });
    expect((await call("GET", `/api/v7.21/Plans/${plan.id}`)).status).toBe(401);
    const token = await grant();
    expect((await call("GET", `/api/v7.21/Plans/${plan.id}`, { bearer: String(token.access_token) })).status).toBe(200);
    expect((await admin("POST", "/_sim/veeam/tokens/expire")).status).toBe(200);
    const expired = await call("GET", `/v2/FailoverPlans/${plan.id}`, { bearer: String(token.access_token) });
    expect(expired.status).toBe(401);
  });

  test("tokens expire after tokenLifetimeSeconds", async () => {
    sim.world.settings.tokenLifetimeSeconds = 1;
    try {
      const token = await grant();
      expect(token.expires_in).toBe(1);
      const plan = sim.world.addPlan({ name: "lifetime" });
      expect((await call("GET", `/v2/FailoverPlans/${plan.id}`, { bearer: String(token.access_token) })).status).toBe(200);
      // The twin runs in this process: its clock moves past the lifetime instead of the test waiting for it.
      const realNow = Date.now.bind(Date);
      const clock = jest.spyOn(Date, "now").mockImplementation(() => realNow() + 1_100);
      try {
        expect((await call("GET", `/v2/FailoverPlans/${plan.id}`, { bearer: String(token.access_token) })).status).toBe(401);
      } finally {
        clock.mockRestore();
      }
    } finally {
      sim.world.settings.tokenLifetimeSeconds = 900;
    }
  });
});

describe("plans over both generations", () => {
  let bearer: string;
  beforeAll(async () => {
    bearer = String((await grant()).access_token);
  });

  test("one inventory: a run started over v2 is visible over VRO, with progress, then complete", async () => {
    const plan = sim.world.addPlan({ name: "shared", runDurationMs: 400 });
    // the docs' spelling `planlaunchOptions` binds like the Swagger's `planLaunchOptions`
    const run = await call("POST", `/v2/FailoverPlans/${plan.id}/Run`, {
      bearer,
      json: { mode: "FailoverNow", planlaunchOptions: { restorePointRule: { date: "2024-05-01T02:00:00Z" }, executeChainedPlans: true } },
    });
    expect(run.status).toBe(200);
    expect(run.text).toBe("");
    expect(plan.launches[0]).toMatchObject({ api: "v2", executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" });
    const v2Running = await call("GET", `/v2/FailoverPlans/${plan.id}`, { bearer });
    expect(v2Running.json).toMatchObject({ planState: "Failover", planInUse: true, planStateDetails: "In progress, no errors, no warnings" });
    const runtime = await call("GET", `/api/v7.21/RuntimeDetails/Plans/${plan.id}`, { bearer });
    expect(runtime.json).toMatchObject({ state: "Failover", isRunningState: true, isStableState: false, isUndoPossible: false });
    expect(runtime.json.totalProgress).toBeGreaterThanOrEqual(0);
    expect(runtime.json.totalProgress).toBeLessThan(100);
    sim.world.finishOperation(plan.id);
    const done = await call("GET", `/api/v13/RuntimeDetails/Plans/${plan.id}`, { bearer });
    expect(done.json).toMatchObject({ state: "FailoverComplete", stateName: "Failover", isRunningState: false, isStableState: true, currentRunResult: "Success", totalProgress: 100, isUndoPossible: true, resultName: "Complete, no errors, no warnings" });
    const v2Done = await call("GET", `/v2/FailoverPlans/${plan.id}`, { bearer });
    expect(v2Done.json).toMatchObject({ planState: "Failover", planInUse: false, planStateDetails: "Complete, no errors, no warnings" });
  });

  test("VRO Failover with a null restorePointDate; a run told to end with warnings; Undo", async () => {
    const plan = sim.world.addPlan({ name: "vro-run", runDurationMs: 0, nextOutcome: "warning" });
    const run = await call("POST", `/api/v7.21/Plans/${plan.id}/Failover`, { bearer, json: { executeChainedPlans: false, restorePointDate: null } });
    expect(run.status).toBe(200);
    const details = await call("GET", `/api/v7.21/Plans/${plan.id}`, { bearer });
    expect(details.json).toMatchObject({ name: "vro-run", enabled: true, stateName: "Failover", resultName: "Complete, no errors, 1 warning", planType: "Replica" });
    const undo = await call("POST", `/api/v7.21/Plans/${plan.id}/Undo`, { bearer });
    expect(undo.status).toBe(200);
    const after = await call("GET", `/api/v7.21/RuntimeDetails/Plans/${plan.id}`, { bearer });
    expect(after.json).toMatchObject({ state: "UndoFailoverComplete", stateName: "Undo Failover", isUndoPossible: false });
  });

  test("state rules: disabled plans and busy plans refuse Run (400); Undo only from FAILOVER/HALTED; unknown plans 404", async () => {
    const disabled = sim.world.addPlan({ name: "off", enabled: false });
    const off = await call("POST", `/v2/FailoverPlans/${disabled.id}/Run`, { bearer, json: { mode: "FailoverNow" } });
    expect(off.status).toBe(400);
    expect(off.text).toMatch(/ENABLED/);
    const busy = sim.world.addPlan({ name: "busy", editing: true });
    expect((await call("POST", `/api/v7.21/Plans/${busy.id}/Failover`, { bearer, json: {} })).status).toBe(400);
    const v2Busy = await call("GET", `/v2/FailoverPlans/${busy.id}`, { bearer });
    expect(v2Busy.json).toMatchObject({ planState: "Editing", planInUse: true });
    const idle = sim.world.addPlan({ name: "idle" });
    expect((await call("POST", `/api/v7.21/Plans/${idle.id}/Undo`, { bearer })).status).toBe(400);
    expect((await call("GET", "/api/v7.21/Plans/00000000-0000-0000-0000-000000000000", { bearer })).status).toBe(404);
    expect((await call("GET", "/api/v9.9/Plans", { bearer })).status).toBe(404);
  });

  test("bad bodies: wrong mode, invalid date, missing body, wrong content type", async () => {
    const plan = sim.world.addPlan({ name: "bodies" });
    expect((await call("POST", `/v2/FailoverPlans/${plan.id}/Run`, { bearer, json: { mode: "Failback" } })).status).toBe(400);
    expect((await call("POST", `/v2/FailoverPlans/${plan.id}/Run`, { bearer, json: { mode: "FailoverNow", planLaunchOptions: { restorePointRule: { date: "yesterday" } } } })).status).toBe(400);
    expect((await call("POST", `/api/v7.21/Plans/${plan.id}/Failover`, { bearer })).status).toBe(400);
    expect((await call("POST", `/api/v7.21/Plans/${plan.id}/Failover`, { bearer, headers: { "content-type": "text/plain" }, body: "{}" })).status).toBe(415);
    expect(plan.launches).toHaveLength(0);
  });

  test("a halted run reports an error and allows Undo", async () => {
    const plan = sim.world.addPlan({ name: "halt", runDurationMs: 0, nextOutcome: "halt" });
    expect((await call("POST", `/api/v7.21/Plans/${plan.id}/Failover`, { bearer, json: { executeChainedPlans: false } })).status).toBe(200);
    const runtime = await call("GET", `/api/v7.21/RuntimeDetails/Plans/${plan.id}`, { bearer });
    expect(runtime.json).toMatchObject({ state: "Halted", currentRunResult: "Error", isUndoPossible: true, resultName: "Halted, 1 error, no warnings" });
    const v2 = await call("GET", `/v2/FailoverPlans/${plan.id}`, { bearer });
    expect(v2.json).toMatchObject({ planState: "Halted", planInUse: true });
  });

  test("lists: GET /v2/FailoverPlans and GET /api/v7.21/Plans with onlyEnabled", async () => {
    const v2 = await call("GET", "/v2/FailoverPlans", { bearer });
    expect(Array.isArray(v2.json)).toBe(true);
    const vro = await call("GET", "/api/v7.21/Plans?onlyEnabled=true&limit=2", { bearer });
    const data = vro.json.data as Array<{ enabled: boolean }>;
    expect(data.length).toBeLessThanOrEqual(2);
    expect(data.every((plan) => plan.enabled)).toBe(true);
    expect(vro.json.pagination).toMatchObject({ total: expect.any(Number) });
  });
});

describe("API versions", () => {
  let bearer: string;
  beforeAll(async () => {
    bearer = String((await grant()).access_token);
  });

  test.each(["v13", "v13.1", "v13.2"])("%s: Plans, Failover, RuntimeDetails and Undo, recorded with the version spoken", async (version) => {
    const plan = sim.world.addPlan({ name: `routes-${version}`, runDurationMs: 0 });
    const list = await call("GET", `/api/${version}/Plans?limit=1`, { bearer });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ data: expect.any(Array), pagination: { count: 1 } });
    const one = await call("GET", `/api/${version}/Plans/${plan.id}`, { bearer });
    expect(one.json).toMatchObject({ id: plan.id, enabled: true, planType: "Replica", _links: { self: { href: `/api/${version}/Plans/${plan.id}` } } });
    const run = await call("POST", `/api/${version}/Plans/${plan.id}/Failover`, { bearer, json: { executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" } });
    expect(run).toMatchObject({ status: 200, text: "" });
    expect(plan.launches).toEqual([expect.objectContaining({ api: "vro", apiVersion: version, executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" })]);
    const runtime = await call("GET", `/api/${version}/RuntimeDetails/Plans/${plan.id}`, { bearer });
    expect(runtime.json).toMatchObject({ state: "FailoverComplete", isStableState: true, isUndoPossible: true, currentRunResult: "Success" });
    expect(await call("POST", `/api/${version}/Plans/${plan.id}/Undo`, { bearer })).toMatchObject({ status: 200, text: "" });
    expect(sim.world.plan(plan.id)).toMatchObject({ phase: "undoFailover", undos: 1 });
  });

  test("a twin narrowed to VRO 13.1 serves /api/token and v7.21, v13, v13.1 only; other versions and /v2 have no routes", async () => {
    const narrow = await startVeeamSimulator({ runDurationMs: 0, apiVersions: RELEASE_API_VERSIONS["vro-13.1"], username: "drautomation", password: "pw-13.1" });
    try {
      const form = { "content-type": "application/x-www-form-urlencoded" };
      const at = async (method: string, path: string, options: { headers?: Record<string, string>; body?: string; bearer?: string } = {}): Promise<number> => {
        const headers = { ...options.headers, ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}) };
        const response = await request(`${narrow.url}${path}`, { method: method as "GET", headers, body: options.body });
        await response.body.dump();
        return response.statusCode;
      };
      const granted = await request(`${narrow.url}/api/token`, { method: "POST", headers: form, body: "grant_type=password&username=drautomation&password=pw-13.1" });
      expect(granted.statusCode).toBe(200);
      const token = String(((await granted.body.json()) as Record<string, unknown>).access_token);
      for (const version of ["v7.21", "v13", "v13.1"]) expect(await at("GET", `/api/${version}/Plans?limit=1`, { bearer: token })).toBe(200);
      // an unknown path version has no route at all: 404 with or without a token
      for (const version of ["v13.2", "v7.2"]) {
        expect(await at("GET", `/api/${version}/Plans?limit=1`, { bearer: token })).toBe(404);
        expect(await at("GET", `/api/${version}/Plans?limit=1`)).toBe(404);
      }
      expect(await at("POST", "/v2/Token", { headers: form, body: "grant_type=password&username=drautomation&password=pw-13.1" })).toBe(404);
    } finally {
      await narrow.close();
    }
  });

  test("a twin serving v2 only has no /api routes, not even /api/token", async () => {
    const vao = await startVeeamSimulator({ apiVersions: ["v2"], seed: false });
    try {
      const form = { "content-type": "application/x-www-form-urlencoded" };
      const body = new URLSearchParams({ grant_type: "password", username: vao.username, password: vao.password }).toString();
      const statusOf = async (path: string): Promise<number> => {
        const response = await request(`${vao.url}${path}`, { method: "POST", headers: form, body });
        await response.body.dump();
        return response.statusCode;
      };
      expect(await statusOf("/api/token")).toBe(404);
      expect(await statusOf("/v2/Token")).toBe(200);
    } finally {
      await vao.close();
    }
  });

  test("unknown versions are refused when the twin starts", async () => {
    await expect(startVeeamSimulator({ apiVersions: ["v13.9"] })).rejects.toThrow(/apiVersions must be/);
    await expect(startVeeamSimulator({ apiVersions: [] })).rejects.toThrow(/apiVersions must be/);
  });

  test("admin: GET and POST /_sim/veeam/api-versions (a list or a release name); bad input is a 400", async () => {
    expect((await admin("GET", "/_sim/veeam/api-versions")).json).toEqual({ apiVersions: ["v2", "v7.2", "v7.21", "v13", "v13.1", "v13.2"] });
    try {
      expect((await admin("POST", "/_sim/veeam/api-versions", { release: "vro-13.0" })).json).toEqual({ apiVersions: ["v7.2", "v7.21", "v13"] });
      expect((await call("GET", "/api/v13.1/Plans", { bearer })).status).toBe(404);
      expect((await admin("POST", "/_sim/veeam/api-versions", { apiVersions: ["v13.2", "v13.2"] })).json).toEqual({ apiVersions: ["v13.2"] });
      expect((await call("GET", "/api/v13.2/Plans", { bearer })).status).toBe(200);
      expect((await call("GET", "/v2/FailoverPlans", { bearer })).status).toBe(404);
      expect((await admin("POST", "/_sim/veeam/api-versions", { apiVersions: ["v99"] })).status).toBe(400);
      expect((await admin("POST", "/_sim/veeam/api-versions", { release: "vro-99" })).status).toBe(400);
      expect((await admin("GET", "/_sim/veeam/api-versions")).json).toEqual({ apiVersions: ["v13.2"] });
    } finally {
      await admin("POST", "/_sim/veeam/api-versions", { apiVersions: ["v2", "v7.2", "v7.21", "v13", "v13.1", "v13.2"] });
    }
  });
});

describe("admin API", () => {
  test("requires the admin token", async () => {
    expect((await call("GET", "/_sim/veeam/state")).status).toBe(401);
  });

  test("add and modify plans, next outcome, undo by hand, settings, inventory dump, request log", async () => {
    const added = await admin("POST", "/_sim/veeam/plans", { id: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", name: "admin-plan", runDurationMs: 0 });
    expect(added.status).toBe(201);
    expect((await admin("POST", "/_sim/veeam/plans", { id: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" })).status).toBe(409);
    expect((await admin("POST", "/_sim/veeam/plans/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/outcome", { outcome: "error" })).status).toBe(200);
    expect((await admin("POST", "/_sim/veeam/plans/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", { phase: "failover" })).json).toMatchObject({ planState: "Failover" });
    const undone = await admin("POST", "/_sim/veeam/plans/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/undo", {});
    expect(undone.status).toBe(200);
    expect(undone.json).toMatchObject({ planState: "Undo Failover", planStateDetails: "Complete, 1 error, no warnings" });
    expect((await admin("POST", "/_sim/veeam/plans/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/undo", {})).status).toBe(409);
    expect((await admin("POST", "/_sim/veeam/settings", { runDurationMs: 123 })).json).toMatchObject({ runDurationMs: 123, password: "[redacted]" });
    sim.world.settings.runDurationMs = 200;
    const state = await admin("GET", "/_sim/veeam/state");
    const plans = state.json.plans as Array<{ id: string; v2: unknown; runtime: unknown }>;
    expect(plans.find((plan) => plan.id === "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")).toMatchObject({ phase: "undoFailover", v2: expect.any(Object), runtime: expect.any(Object) });
    expect(JSON.stringify(state.json)).not.toContain("pa ss&word");
    const log = await admin("GET", "/_sim/veeam/requests");
    const tokenRequests = (log.json as unknown as Array<{ path: string; body: string }>).filter((entry) => /token/i.test(entry.path));
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(tokenRequests.some((entry) => entry.body.includes("password=[redacted]"))).toBe(true);
    expect(JSON.stringify(log.json)).not.toMatch(/pa ss&word|pa\+ss%26word|ss%26word/);
    expect((await admin("DELETE", "/_sim/veeam/plans/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")).status).toBe(204);
    expect((await admin("GET", "/_sim/veeam/nothing")).status).toBe(404);
  });

  test("seeded demo plans exist with fixed ids", async () => {
    expect(sim.world.plan("5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11")?.name).toBe("Tier1-Apps");
    expect(sim.world.plan("c3b1e8f0-2d4a-4e6b-8c9d-0a1b2c3d4e5f")?.enabled).toBe(false);
  });
});
