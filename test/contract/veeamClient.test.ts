/**
 * Contract tests: the exact requests the Veeam client sends (URL, method, headers, body), checked with undici's MockAgent,
 * for VAO REST v2 and every Recovery Orchestrator path version (v7.21, v13, v13.1, v13.2), and the detection of the
 * newest version a server offers. Facts from the Veeam references (docs/veeam-orchestrator-api.md): token endpoints
 * `/v2/Token` and `/api/token` (unversioned) take a password grant; Run/Failover/Undo are POSTs answered 200 without a
 * body; RuntimeDetails is a GET; the version is a path segment and a server lists no versions, so detection probes.
 */
import { MockAgent } from "undici";
import { setDispatcherOverride } from "../../provider/http/transport";
import { forget } from "../../provider/runtime";
import { recordStackConfig } from "../../provider/config";
import { AuthenticationError, ConfigurationError, ValidationError } from "../../provider/errors";
import * as connection from "../../provider/veeam/connection";
import * as plans from "../../provider/veeam/plans";
import * as token from "../../provider/veeam/token";
import { deadlineAfter } from "../../provider/http/waiter";

const ORIGIN = "https://vro.example.com:9898";
const PLAN = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";
const USER = "VRO\\svc-pulumi";
const PASSWORD = "S3cret&pass=word";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

let agent: MockAgent;
let seen: Seen[];

function headersOf(raw: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!raw) return result;
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) result[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  } else if (typeof (raw as Headers).forEach === "function") {
    (raw as Headers).forEach((value, key) => (result[key.toLowerCase()] = value));
  } else {
    for (const [key, value] of Object.entries(raw as Record<string, string>)) result[key.toLowerCase()] = String(value);
  }
  return result;
}

/** Intercepts one request and records it exactly as sent. */
function expectRequest(method: string, path: string, status: number, data?: unknown): void {
  agent
    .get(ORIGIN)
    .intercept({ method, path })
    .reply((opts) => {
      seen.push({ method: opts.method, path: opts.path, headers: headersOf(opts.headers), body: opts.body == null ? "" : String(opts.body) });
      return { statusCode: status, data: data === undefined ? "" : JSON.stringify(data), responseOptions: { headers: { "content-type": "application/json" } } };
    });
}

function configure(apiVersion?: string): void {
  forget("veeam.");
  recordStackConfig({ "veeam:server": ORIGIN, "veeam:username": USER, "veeam:password": PASSWORD, ...(apiVersion ? { "veeam:apiVersion": apiVersion } : {}) });
}

const TOKEN_1 = { access_token: "access-token-one", token_type: "bearer", expires_in: 899, refresh_token: "refresh-token-one" };
const TOKEN_2 = { access_token: "access-token-two", token_type: "bearer", expires_in: 899, refresh_token: "refresh-token-two" };
const PASSWORD_FORM = "grant_type=password&username=VRO%5Csvc-pulumi&password=S3cret%26pass%3Dword";

const RUNTIME_FAILED_OVER = {
  state: "FailoverComplete",
  stateName: "Failover",
  resultName: "Complete, no errors, 1 warning",
  totalProgress: 100,
  isRunningState: false,
  isStableState: true,
  currentRunResult: "Warning",
  isUndoPossible: true,
};

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  setDispatcherOverride(agent);
  seen = [];
});

afterEach(async () => {
  setDispatcherOverride(undefined);
  // every request a test expects was made
  agent.assertNoPendingInterceptors();
  await agent.close();
});

describe.each(["v7.21", "v13", "v13.1", "v13.2"])("VRO %s", (version) => {
  beforeEach(() => configure(version));

  test("token request: POST /api/token, form-encoded password grant, JSON accepted", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", `/api/${version}/Plans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", enabled: true, state: "Verified", stateName: "Verified" });
    expectRequest("GET", `/api/${version}/RuntimeDetails/Plans/${PLAN}`, 200, { state: "Verified", stateName: "Verified", isRunningState: false, isStableState: true, totalProgress: 0 });
    const conn = await connection.veeamConnection();
    const status = await plans.readPlanStatus(conn, PLAN);
    expect(seen[0]).toEqual({
      method: "POST",
      path: "/api/token",
      headers: expect.objectContaining({ "content-type": "application/x-www-form-urlencoded", accept: "application/json" }),
      body: PASSWORD_FORM,
    });
    expect(new URLSearchParams(seen[0]!.body).get("username")).toBe(USER);
    expect(seen[1]).toMatchObject({ method: "GET", path: `/api/${version}/Plans/${PLAN}`, headers: { authorization: "Bearer access-token-one", accept: "application/json" }, body: "" });
    expect(seen[1]!.headers["content-type"]).toBeUndefined();
    expect(seen[2]).toMatchObject({ method: "GET", path: `/api/${version}/RuntimeDetails/Plans/${PLAN}`, headers: { authorization: "Bearer access-token-one" } });
    expect(status).toMatchObject({ name: "Tier1-Apps", enabled: true, phase: "ready", stable: true, running: false });
  });

  test("failover: POST /api/{v}/Plans/{id}/Failover with {executeChainedPlans, restorePointDate}", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("POST", `/api/${version}/Plans/${PLAN}/Failover`, 200);
    expectRequest("POST", `/api/${version}/Plans/${PLAN}/Failover`, 200);
    const conn = await connection.veeamConnection();
    await plans.startFailover(conn, PLAN, { executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" });
    await plans.startFailover(conn, PLAN, { executeChainedPlans: false });
    expect(seen[1]).toMatchObject({ method: "POST", path: `/api/${version}/Plans/${PLAN}/Failover`, headers: { "content-type": "application/json", authorization: "Bearer access-token-one" } });
    expect(JSON.parse(seen[1]!.body)).toEqual({ executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" });
    // null = the latest restore point (documented for /Plans/{id}/Failover)
    expect(JSON.parse(seen[2]!.body)).toEqual({ executeChainedPlans: false, restorePointDate: null });
  });

  test("undo: POST /api/{v}/Plans/{id}/Undo without a body; the wait watches RuntimeDetails", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("POST", `/api/${version}/Plans/${PLAN}/Undo`, 200);
    expectRequest("GET", `/api/${version}/RuntimeDetails/Plans/${PLAN}`, 200, { ...RUNTIME_FAILED_OVER, state: "UndoFailover", stateName: "Undo Failover", isRunningState: true, isStableState: false, totalProgress: 40 });
    expectRequest("GET", `/api/${version}/RuntimeDetails/Plans/${PLAN}`, 200, { ...RUNTIME_FAILED_OVER, state: "UndoFailoverComplete", stateName: "Undo Failover", resultName: "Complete, no errors, no warnings", currentRunResult: "Success" });
    const conn = await connection.veeamConnection();
    await plans.startUndo(conn, PLAN);
    const before = { planId: PLAN, name: "Tier1-Apps", enabled: true, phase: "failedOver", state: "Failover", details: "", running: false, stable: true, generation: "vro" } as const;
    const after = await plans.waitUntilStable(conn, PLAN, { operation: "undo", deadline: deadlineAfter(10), before, maxDelayMs: 50 });
    expect(seen[1]).toMatchObject({ method: "POST", path: `/api/${version}/Plans/${PLAN}/Undo`, body: "" });
    expect(seen[1]!.headers["content-type"]).toBeUndefined();
    expect(seen.slice(2).map((s) => `${s.method} ${s.path}`)).toEqual([`GET /api/${version}/RuntimeDetails/Plans/${PLAN}`, `GET /api/${version}/RuntimeDetails/Plans/${PLAN}`]);
    expect(after).toMatchObject({ phase: "undone", result: "success", name: "Tier1-Apps" });
  });

  test("401: one renewal with the refresh token, then the call is repeated with the new token", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", `/api/${version}/RuntimeDetails/Plans/${PLAN}`, 401, { message: "expired" });
    expectRequest("POST", "/api/token", 200, TOKEN_2);
    expectRequest("GET", `/api/${version}/RuntimeDetails/Plans/${PLAN}`, 200, RUNTIME_FAILED_OVER);
    const conn = await connection.veeamConnection();
    const before = { planId: PLAN, name: "Tier1-Apps", enabled: true, phase: "failingOver", state: "Failover", details: "", running: true, stable: false, generation: "vro" } as const;
    const after = await plans.waitUntilStable(conn, PLAN, { operation: "failover", deadline: deadlineAfter(10), before, maxDelayMs: 50 });
    expect(seen[2]).toMatchObject({ method: "POST", path: "/api/token", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=refresh_token&refresh_token=refresh-token-one" });
    expect(seen[3]!.headers.authorization).toBe("Bearer access-token-two");
    expect(after).toMatchObject({ phase: "failedOver", result: "warning", warnings: 1, errors: 0, progress: 100 });
  });

  test("a second 401 with a fresh token is an AuthenticationError (renewed once only)", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", `/api/${version}/Plans/${PLAN}`, 401);
    expectRequest("POST", "/api/token", 200, TOKEN_2);
    expectRequest("GET", `/api/${version}/Plans/${PLAN}`, 401);
    const conn = await connection.veeamConnection();
    await expect(plans.readPlanStatus(conn, PLAN)).rejects.toBeInstanceOf(AuthenticationError);
    expect(seen.filter((s) => s.path === "/api/token")).toHaveLength(2);
  });

  test("a refused refresh token falls back to the password grant", async () => {
    expectRequest("POST", "/api/token", 200, { ...TOKEN_1, expires_in: 1 });
    expectRequest("POST", "/api/token", 400, { error: "invalid_grant" });
    expectRequest("POST", "/api/token", 200, TOKEN_2);
    const conn = await connection.veeamConnection();
    expect(await token.accessToken(conn)).toBe("access-token-one");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await token.accessToken(conn)).toBe("access-token-two");
    expect(seen.map((s) => new URLSearchParams(s.body).get("grant_type"))).toEqual(["password", "refresh_token", "password"]);
  });

  test("concurrent callers share one token request", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    const conn = await connection.veeamConnection();
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => token.accessToken(conn)));
    expect(new Set(tokens)).toEqual(new Set(["access-token-one"]));
    expect(seen).toHaveLength(1);
  });

  test("refused credentials: AuthenticationError naming veeam:username, password redacted", async () => {
    expectRequest("POST", "/api/token", 400, { error: "invalid_grant", error_description: "The user name or password is incorrect." });
    const conn = await connection.veeamConnection();
    const error = await plans.readPlanStatus(conn, PLAN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/veeam:username/);
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  test("a failover whose answer is lost is reconciled by reading the plan back", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    agent.get(ORIGIN).intercept({ method: "POST", path: `/api/${version}/Plans/${PLAN}/Failover` }).replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    expectRequest("GET", `/api/${version}/Plans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", enabled: true, state: "Failover", stateName: "Failover" });
    expectRequest("GET", `/api/${version}/RuntimeDetails/Plans/${PLAN}`, 200, { ...RUNTIME_FAILED_OVER, state: "Failover", isRunningState: true, isStableState: false, totalProgress: 10 });
    const conn = await connection.veeamConnection();
    await expect(plans.startFailover(conn, PLAN, { executeChainedPlans: false })).resolves.toBeUndefined();
    // The failover POST was sent once: a call that may have started a run is never repeated blindly.
    expect(seen.filter((s) => s.path.endsWith("/Failover"))).toHaveLength(0);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", `GET /api/${version}/Plans/${PLAN}`, `GET /api/${version}/RuntimeDetails/Plans/${PLAN}`]);
  });

  test("the plan id is validated and never reaches a URL unencoded", async () => {
    const conn = { endpoint: { origin: ORIGIN, settingKey: "veeam:server", namespace: "veeam", allowUnverifiedSsl: false }, username: USER, password: PASSWORD, generation: "vro", apiVersion: version } as const;
    await expect(plans.readPlanStatus(conn, "../Clients")).rejects.toBeInstanceOf(ValidationError);
    await expect(plans.startUndo(conn, "a b")).rejects.toBeInstanceOf(ValidationError);
    expect(seen).toHaveLength(0);
  });
});

describe("VAO REST v2", () => {
  beforeEach(() => configure("v2"));

  test("token request: POST /v2/Token, form-encoded password grant", async () => {
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("GET", `/v2/FailoverPlans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", planState: "Verified", planStateDetails: "", planInUse: false });
    const conn = await connection.veeamConnection();
    const status = await plans.readPlanStatus(conn, PLAN);
    expect(seen[0]).toEqual({ method: "POST", path: "/v2/Token", headers: expect.objectContaining({ "content-type": "application/x-www-form-urlencoded" }), body: PASSWORD_FORM });
    expect(seen[1]).toMatchObject({ method: "GET", path: `/v2/FailoverPlans/${PLAN}`, headers: { authorization: "Bearer access-token-one", accept: "application/json" } });
    expect(status).toMatchObject({ phase: "ready", enabled: true, stable: true, name: "Tier1-Apps" });
  });

  test("run: POST /v2/FailoverPlans/{id}/Run with mode FailoverNow and planLaunchOptions", async () => {
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("POST", `/v2/FailoverPlans/${PLAN}/Run`, 200);
    expectRequest("POST", `/v2/FailoverPlans/${PLAN}/Run`, 200);
    const conn = await connection.veeamConnection();
    await plans.startFailover(conn, PLAN, { executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" });
    const before = Date.now();
    await plans.startFailover(conn, PLAN, { executeChainedPlans: false });
    expect(seen[1]).toMatchObject({ method: "POST", path: `/v2/FailoverPlans/${PLAN}/Run`, headers: { "content-type": "application/json", authorization: "Bearer access-token-one" } });
    expect(JSON.parse(seen[1]!.body)).toEqual({ mode: "FailoverNow", planLaunchOptions: { restorePointRule: { date: "2024-05-01T02:00:00Z" }, executeChainedPlans: true } });
    const latest = JSON.parse(seen[2]!.body) as { mode: string; planLaunchOptions: { restorePointRule: { date: string }; executeChainedPlans: boolean } };
    expect(latest.mode).toBe("FailoverNow");
    expect(latest.planLaunchOptions.executeChainedPlans).toBe(false);
    expect(Date.parse(latest.planLaunchOptions.restorePointRule.date)).toBeGreaterThanOrEqual(before - 1000);
  });

  test("undo: POST /v2/FailoverPlans/{id}/Undo; the wait watches planInUse / planState / planStateDetails", async () => {
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("POST", `/v2/FailoverPlans/${PLAN}/Undo`, 200);
    expectRequest("GET", `/v2/FailoverPlans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", planState: "Undo Failover", planStateDetails: "In progress, no errors, no warnings", planInUse: true });
    expectRequest("GET", `/v2/FailoverPlans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", planState: "Undo Failover", planStateDetails: "Complete, no errors, no warnings", planInUse: false });
    const conn = await connection.veeamConnection();
    await plans.startUndo(conn, PLAN);
    const after = await plans.waitUntilStable(conn, PLAN, { operation: "undo", deadline: deadlineAfter(10), maxDelayMs: 50 });
    expect(seen[1]).toMatchObject({ method: "POST", path: `/v2/FailoverPlans/${PLAN}/Undo`, body: "" });
    expect(after).toMatchObject({ phase: "undone", result: "success", stable: true });
  });

  test("a failover that ends with errors is reported with the plan's details", async () => {
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("GET", `/v2/FailoverPlans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", planState: "Failover", planStateDetails: "Complete, 2 errors, 1 warning", planInUse: false });
    const conn = await connection.veeamConnection();
    const after = await plans.waitUntilStable(conn, PLAN, { operation: "failover", deadline: deadlineAfter(10), maxDelayMs: 50 });
    expect(after).toMatchObject({ phase: "failedOver", result: "error", errors: 2, warnings: 1, details: "Complete, 2 errors, 1 warning" });
  });
});

describe("API detection (no veeam:apiVersion)", () => {
  beforeEach(() => configure(undefined));

  const probe = (version: string): string => `/api/${version}/Plans?limit=1`;
  const PLANS_PAGE = { data: [], pagination: { total: 0, count: 0, skip: 0, limit: 1 } };

  test("a server offering v13.2 is spoken to in v13.2 after one probe, with the detection grant as the session token", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 200, PLANS_PAGE);
    expectRequest("GET", `/api/v13.2/Plans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", enabled: true, state: "Verified" });
    expectRequest("GET", `/api/v13.2/RuntimeDetails/Plans/${PLAN}`, 200, { state: "Verified", isRunningState: false, isStableState: true });
    const conn = await connection.veeamConnection();
    expect(conn).toMatchObject({ generation: "vro", apiVersion: "v13.2" });
    await plans.readPlanStatus(conn, PLAN);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", `GET ${probe("v13.2")}`, `GET /api/v13.2/Plans/${PLAN}`, `GET /api/v13.2/RuntimeDetails/Plans/${PLAN}`]);
    expect(seen[1]).toMatchObject({ headers: { authorization: "Bearer access-token-one", accept: "application/json" }, body: "" });
  });

  test("a server offering up to v13.1 (VRO 13.1) is spoken to in v13.1: newest first, a 404 means not offered", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 404, { message: "No resource matches" });
    expectRequest("GET", probe("v13.1"), 200, PLANS_PAGE);
    expectRequest("POST", `/api/v13.1/Plans/${PLAN}/Failover`, 200);
    const conn = await connection.veeamConnection();
    expect(conn).toMatchObject({ generation: "vro", apiVersion: "v13.1" });
    await plans.startFailover(conn, PLAN, { executeChainedPlans: false });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", `GET ${probe("v13.2")}`, `GET ${probe("v13.1")}`, `POST /api/v13.1/Plans/${PLAN}/Failover`]);
    expect(JSON.parse(seen[3]!.body)).toEqual({ executeChainedPlans: false, restorePointDate: null });
  });

  test("a server offering only v7.21 is spoken to in v7.21; a 400 (ASP.NET's unsupported API version) also means not offered", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 404);
    expectRequest("GET", probe("v13.1"), 400, { error: { code: "UnsupportedApiVersion" } });
    expectRequest("GET", probe("v13"), 404);
    expectRequest("GET", probe("v7.21"), 200, PLANS_PAGE);
    const conn = await connection.veeamConnection();
    expect(conn).toMatchObject({ generation: "vro", apiVersion: "v7.21" });
    expect(seen).toHaveLength(5);
  });

  test("detection runs once per server and user: later connections send nothing", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 404);
    expectRequest("GET", probe("v13.1"), 200, PLANS_PAGE);
    const first = await Promise.all([connection.veeamConnection(), connection.veeamConnection()]);
    const again = await connection.veeamConnection();
    expect([...first, again].map((conn) => conn.apiVersion)).toEqual(["v13.1", "v13.1", "v13.1"]);
    expect(seen).toHaveLength(3);
  });

  test("a server that answers /api/token but none of the probed versions is a ConfigurationError naming veeam:apiVersion", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    for (const version of ["v13.2", "v13.1", "v13", "v7.21"]) expectRequest("GET", probe(version), 404);
    const error = await connection.veeamConnection().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe("veeam:apiVersion");
    expect((error as Error).message).toMatch(/v7\.2\b/);
  });

  test("a probe that fails for another reason is not taken for 'not offered', and the detection is tried again later", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 403, { message: "Forbidden" });
    await expect(connection.veeamConnection()).rejects.toBeInstanceOf(AuthenticationError);
    expectRequest("GET", probe("v13.2"), 200, PLANS_PAGE);
    expectRequest("POST", "/api/token", 200, TOKEN_2);
    expect((await connection.veeamConnection()).apiVersion).toBe("v13.2");
  });

  test("a server without /api/token but with /v2/Token is VAO v2", async () => {
    expectRequest("POST", "/api/token", 404);
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("GET", `/v2/FailoverPlans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", planState: "Verified", planInUse: false });
    const conn = await connection.veeamConnection();
    expect(conn).toMatchObject({ generation: "v2", apiVersion: "v2" });
    await plans.readPlanStatus(conn, PLAN);
    // the grant made during detection is the session's token: no second grant
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", "POST /v2/Token", `GET /v2/FailoverPlans/${PLAN}`]);
  });

  test("a server with neither token endpoint is a ConfigurationError naming veeam:apiVersion", async () => {
    expectRequest("POST", "/api/token", 404);
    expectRequest("POST", "/v2/Token", 404);
    const error = await connection.veeamConnection().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe("veeam:apiVersion");
    expect((error as Error).message).toMatch(/VEEAM_API_VERSION/);
  });
});

describe("veeam:apiVersion", () => {
  test.each(["v2", "v7.2", "v7.21", "v13", "v13.1", "v13.2"])("%s is used as given, without detection", async (version) => {
    configure(version);
    expect(await connection.veeamConnection()).toMatchObject({ apiVersion: version, generation: version === "v2" ? "v2" : "vro" });
    expect(seen).toHaveLength(0);
  });

  test.each(["v13.3", "v1", "v7", "v14"])("%s is refused before any request, naming the supported versions", async (version) => {
    configure(version);
    const error = await connection.veeamConnection().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe("veeam:apiVersion");
    expect((error as Error).message).toContain("v2, v7.2, v7.21, v13, v13.1, v13.2");
    expect((error as Error).message).toContain(version);
    expect(seen).toHaveLength(0);
  });

  test("an account that must answer an MFA challenge is an AuthenticationError saying so", async () => {
    configure("v13");
    expectRequest("POST", "/api/token", 200, { mfa_token: "challenge-token" });
    const error = await connection.veeamConnection().then((conn) => token.accessToken(conn)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/multi-factor/);
    expect((error as Error).message).not.toContain("challenge-token");
  });
});
