/**
 * Contract tests: the exact requests the Veeam client sends (URL, method, headers, body), checked with undici's MockAgent,
 * for VAO REST v2 and every Recovery Orchestrator path version (v7.21, v13, v13.1, v13.2), and the detection of the
 * newest version a server offers. Facts from the Veeam references (docs/veeam-orchestrator-api.md): token endpoints
 * `/v2/Token` and `/api/token` (unversioned) take a password grant; Run/Failover/Undo are POSTs answered 200 without a
 * body; RuntimeDetails is a GET; the version is a path segment and a server lists no versions, so detection probes.
 */
import * as util from "node:util";
import { MockAgent } from "undici";
import { setDispatcherOverride } from "../../provider/http/transport";
import { forget } from "../../provider/runtime";
import { recordStackConfig } from "../../provider/config";
import { AuthenticationError, ConfigurationError, ConflictError, ServerError, ValidationError, VmAvailabilityError } from "../../provider/errors";
import * as connection from "../../provider/veeam/connection";
import * as plans from "../../provider/veeam/plans";
import * as token from "../../provider/veeam/token";
import { deadlineAfter } from "../../provider/deadline";

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

/** The deadline of one operation in these tests: far enough that only a broken client reaches it. */
function soon(): { deadline: number } {
  return { deadline: deadlineAfter(30) };
}

function connect(): Promise<connection.VeeamConnection> {
  return connection.veeamConnection("veeam", deadlineAfter(30));
}

/** Intercepts one request and answers with `text` exactly as given (not JSON-encoded). */
function expectRaw(method: string, path: string, status: number, text: string): void {
  agent
    .get(ORIGIN)
    .intercept({ method, path })
    .reply((opts) => {
      seen.push({ method: opts.method, path: opts.path, headers: headersOf(opts.headers), body: opts.body == null ? "" : String(opts.body) });
      return { statusCode: status, data: text, responseOptions: { headers: { "content-type": "application/json" } } };
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
    const conn = await connect();
    const status = await plans.readPlanStatus(conn, PLAN, soon());
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
    const conn = await connect();
    await plans.startFailover(conn, PLAN, { ...soon(), executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" });
    await plans.startFailover(conn, PLAN, { ...soon(), executeChainedPlans: false });
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
    const conn = await connect();
    await plans.startUndo(conn, PLAN, soon());
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
    const conn = await connect();
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
    const conn = await connect();
    await expect(plans.readPlanStatus(conn, PLAN, soon())).rejects.toBeInstanceOf(AuthenticationError);
    expect(seen.filter((s) => s.path === "/api/token")).toHaveLength(2);
  });

  test("a refused refresh token falls back to the password grant", async () => {
    expectRequest("POST", "/api/token", 200, { ...TOKEN_1, expires_in: 60 });
    expectRequest("POST", "/api/token", 400, { error: "invalid_grant" });
    expectRequest("POST", "/api/token", 200, TOKEN_2);
    const conn = await connect();
    expect(await token.accessToken(conn, soon())).toBe("access-token-one");
    // The clock moves past the token's lifetime instead of the test waiting for it.
    const realNow = Date.now.bind(Date);
    const clock = jest.spyOn(Date, "now").mockImplementation(() => realNow() + 61_000);
    try {
      expect(await token.accessToken(conn, soon())).toBe("access-token-two");
    } finally {
      clock.mockRestore();
    }
    expect(seen.map((s) => new URLSearchParams(s.body).get("grant_type"))).toEqual(["password", "refresh_token", "password"]);
  });

  test("concurrent callers share one token request", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    const conn = await connect();
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => token.accessToken(conn, soon())));
    expect(new Set(tokens)).toEqual(new Set(["access-token-one"]));
    expect(seen).toHaveLength(1);
  });

  test("refused credentials: AuthenticationError naming veeam:username, password redacted", async () => {
    expectRequest("POST", "/api/token", 400, { error: "invalid_grant", error_description: "The user name or password is incorrect." });
    const conn = await connect();
    const error = await plans.readPlanStatus(conn, PLAN, soon()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/veeam:username/);
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  test("a failover whose answer is lost is reconciled by reading the plan back", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    agent.get(ORIGIN).intercept({ method: "POST", path: `/api/${version}/Plans/${PLAN}/Failover` }).replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    expectRequest("GET", `/api/${version}/Plans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", enabled: true, state: "Failover", stateName: "Failover" });
    expectRequest("GET", `/api/${version}/RuntimeDetails/Plans/${PLAN}`, 200, { ...RUNTIME_FAILED_OVER, state: "Failover", isRunningState: true, isStableState: false, totalProgress: 10 });
    const conn = await connect();
    await expect(plans.startFailover(conn, PLAN, { ...soon(), executeChainedPlans: false })).resolves.toBeUndefined();
    // The failover POST was sent once: a call that may have started a run is never repeated blindly.
    expect(seen.filter((s) => s.path.endsWith("/Failover"))).toHaveLength(0);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", `GET /api/${version}/Plans/${PLAN}`, `GET /api/${version}/RuntimeDetails/Plans/${PLAN}`]);
  });

  test("the plan id is validated and never reaches a URL unencoded", async () => {
    const conn = {
      namespace: "veeam",
      endpoint: { origin: ORIGIN, settingKey: "veeam:server", namespace: "veeam", allowUnverifiedSsl: false },
      endpointKey: ORIGIN,
      username: USER,
      password: PASSWORD,
      generation: "vro",
      apiVersion: version,
    } as const;
    await expect(plans.readPlanStatus(conn, "../Clients", soon())).rejects.toBeInstanceOf(ValidationError);
    await expect(plans.startUndo(conn, "a b", soon())).rejects.toBeInstanceOf(ValidationError);
    expect(seen).toHaveLength(0);
  });
});

describe("VAO REST v2", () => {
  beforeEach(() => configure("v2"));

  test("token request: POST /v2/Token, form-encoded password grant", async () => {
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("GET", `/v2/FailoverPlans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", planState: "Verified", planStateDetails: "", planInUse: false });
    const conn = await connect();
    const status = await plans.readPlanStatus(conn, PLAN, soon());
    expect(seen[0]).toEqual({ method: "POST", path: "/v2/Token", headers: expect.objectContaining({ "content-type": "application/x-www-form-urlencoded" }), body: PASSWORD_FORM });
    expect(seen[1]).toMatchObject({ method: "GET", path: `/v2/FailoverPlans/${PLAN}`, headers: { authorization: "Bearer access-token-one", accept: "application/json" } });
    expect(status).toMatchObject({ phase: "ready", enabled: true, stable: true, name: "Tier1-Apps" });
  });

  test("run: POST /v2/FailoverPlans/{id}/Run with mode FailoverNow and planLaunchOptions", async () => {
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("POST", `/v2/FailoverPlans/${PLAN}/Run`, 200);
    expectRequest("POST", `/v2/FailoverPlans/${PLAN}/Run`, 200);
    const conn = await connect();
    await plans.startFailover(conn, PLAN, { ...soon(), executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" });
    const before = Date.now();
    await plans.startFailover(conn, PLAN, { ...soon(), executeChainedPlans: false });
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
    const conn = await connect();
    await plans.startUndo(conn, PLAN, soon());
    const after = await plans.waitUntilStable(conn, PLAN, { operation: "undo", deadline: deadlineAfter(10), maxDelayMs: 50 });
    expect(seen[1]).toMatchObject({ method: "POST", path: `/v2/FailoverPlans/${PLAN}/Undo`, body: "" });
    expect(after).toMatchObject({ phase: "undone", result: "success", stable: true });
  });

  test("a failover that ends with errors is reported with the plan's details", async () => {
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("GET", `/v2/FailoverPlans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", planState: "Failover", planStateDetails: "Complete, 2 errors, 1 warning", planInUse: false });
    const conn = await connect();
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
    const conn = await connect();
    expect(conn).toMatchObject({ generation: "vro", apiVersion: "v13.2" });
    await plans.readPlanStatus(conn, PLAN, soon());
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", `GET ${probe("v13.2")}`, `GET /api/v13.2/Plans/${PLAN}`, `GET /api/v13.2/RuntimeDetails/Plans/${PLAN}`]);
    expect(seen[1]).toMatchObject({ headers: { authorization: "Bearer access-token-one", accept: "application/json" }, body: "" });
  });

  test("a server offering up to v13.1 (VRO 13.1) is spoken to in v13.1: newest first, a 404 means not offered", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 404, { message: "No resource matches" });
    expectRequest("GET", probe("v13.1"), 200, PLANS_PAGE);
    expectRequest("POST", `/api/v13.1/Plans/${PLAN}/Failover`, 200);
    const conn = await connect();
    expect(conn).toMatchObject({ generation: "vro", apiVersion: "v13.1" });
    await plans.startFailover(conn, PLAN, { ...soon(), executeChainedPlans: false });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", `GET ${probe("v13.2")}`, `GET ${probe("v13.1")}`, `POST /api/v13.1/Plans/${PLAN}/Failover`]);
    expect(JSON.parse(seen[3]!.body)).toEqual({ executeChainedPlans: false, restorePointDate: null });
  });

  test("a server offering only v7.21 is spoken to in v7.21; a 400 (ASP.NET's unsupported API version) also means not offered", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 404);
    expectRequest("GET", probe("v13.1"), 400, { error: { code: "UnsupportedApiVersion" } });
    expectRequest("GET", probe("v13"), 404);
    expectRequest("GET", probe("v7.21"), 200, PLANS_PAGE);
    const conn = await connect();
    expect(conn).toMatchObject({ generation: "vro", apiVersion: "v7.21" });
    expect(seen).toHaveLength(5);
  });

  test("detection runs once per server and user: later connections send nothing", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 404);
    expectRequest("GET", probe("v13.1"), 200, PLANS_PAGE);
    const first = await Promise.all([connect(), connect()]);
    const again = await connect();
    expect([...first, again].map((conn) => conn.apiVersion)).toEqual(["v13.1", "v13.1", "v13.1"]);
    expect(seen).toHaveLength(3);
  });

  test("a server that answers /api/token but none of the probed versions is a ConfigurationError naming veeam:apiVersion", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    for (const version of ["v13.2", "v13.1", "v13", "v7.21"]) expectRequest("GET", probe(version), 404);
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe("veeam:apiVersion");
    expect((error as Error).message).toMatch(/v7\.2\b/);
  });

  test("a probe that fails for another reason is not taken for 'not offered', and the detection is tried again later", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("GET", probe("v13.2"), 403, { message: "Forbidden" });
    await expect(connect()).rejects.toBeInstanceOf(AuthenticationError);
    expectRequest("GET", probe("v13.2"), 200, PLANS_PAGE);
    expectRequest("POST", "/api/token", 200, TOKEN_2);
    expect((await connect()).apiVersion).toBe("v13.2");
  });

  test("a server without /api/token but with /v2/Token is VAO v2", async () => {
    expectRequest("POST", "/api/token", 404);
    expectRequest("POST", "/v2/Token", 200, TOKEN_1);
    expectRequest("GET", `/v2/FailoverPlans/${PLAN}`, 200, { id: PLAN, name: "Tier1-Apps", planState: "Verified", planInUse: false });
    const conn = await connect();
    expect(conn).toMatchObject({ generation: "v2", apiVersion: "v2" });
    await plans.readPlanStatus(conn, PLAN, soon());
    // the grant made during detection is the session's token: no second grant
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", "POST /v2/Token", `GET /v2/FailoverPlans/${PLAN}`]);
  });

  test("a server with neither token endpoint is a ConfigurationError naming veeam:apiVersion", async () => {
    expectRequest("POST", "/api/token", 404);
    expectRequest("POST", "/v2/Token", 404);
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe("veeam:apiVersion");
    expect((error as Error).message).toMatch(/VEEAM_API_VERSION/);
  });
});

describe("veeam:apiVersion", () => {
  test.each(["v2", "v7.2", "v7.21", "v13", "v13.1", "v13.2"])("%s is used as given, without detection", async (version) => {
    configure(version);
    expect(await connect()).toMatchObject({ apiVersion: version, generation: version === "v2" ? "v2" : "vro" });
    expect(seen).toHaveLength(0);
  });

  test.each(["v13.3", "v1", "v7", "v14"])("%s is refused before any request, naming the supported versions", async (version) => {
    configure(version);
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe("veeam:apiVersion");
    expect((error as Error).message).toContain("v2, v7.2, v7.21, v13, v13.1, v13.2");
    expect((error as Error).message).toContain(version);
    expect(seen).toHaveLength(0);
  });

  test("an account that must answer an MFA challenge is an AuthenticationError saying so", async () => {
    configure("v13");
    expectRequest("POST", "/api/token", 200, { mfa_token: "challenge-token" });
    const error = await connect().then((conn) => token.accessToken(conn, soon())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/multi-factor/);
    expect((error as Error).message).not.toContain("challenge-token");
  });
});

describe("answers a client must not trust (VRO v13)", () => {
  const VERSION = "v13";
  const planPath = `/api/${VERSION}/Plans/${PLAN}`;
  const runtimePath = `/api/${VERSION}/RuntimeDetails/Plans/${PLAN}`;
  const ESC = "\u001b";

  beforeEach(() => configure(VERSION));

  async function failure(promise: Promise<unknown>): Promise<VmAvailabilityError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    // never a RangeError or TypeError from deep in the client: one of this package's errors
    expect(error).toBeInstanceOf(VmAvailabilityError);
    return error as VmAvailabilityError;
  }

  function everythingShown(error: unknown): string {
    return `${JSON.stringify(error)}\n${util.inspect(error, { depth: 10 })}\n${String(error)}`;
  }

  describe("server text is cleaned and cut before it reaches an error", () => {
    test("an error body with escape sequences and a megabyte of text", async () => {
      expectRequest("POST", "/api/token", 200, TOKEN_1);
      expectRaw("GET", planPath, 500, `${ESC}[31mboom${ESC}[0m ${ESC}]0;owned\u0007 ${"x".repeat(1_000_000)}`);
      const error = await failure(plans.readPlanStatus(await connect(), PLAN, soon()));
      expect(error).toBeInstanceOf(ServerError);
      expect(error.message).toContain("boom");
      expect(error.message).not.toContain(ESC);
      expect(error.message.length).toBeLessThan(1_500);
      expect(error.message).toMatch(/boom x+… \(cut: 9995\d\d more characters\)/);
      expect(error.fault?.message?.length ?? 0).toBeLessThan(1_000);
      expect(error.fault?.message).not.toContain(ESC);
    });

    test("a plan whose name, state and result carry escapes and control characters", async () => {
      expectRequest("POST", "/api/token", 200, TOKEN_1);
      expectRequest("GET", planPath, 200, { id: PLAN, name: `Tier1${ESC}[2J${ESC}[H`, enabled: true, state: "Editing", stateName: `Editing${ESC}]0;x\u0007\r\nFAKE LOG LINE` });
      expectRequest("GET", runtimePath, 200, { state: "Editing", stateName: `Editing\u0000\u0008`, resultName: `${"r".repeat(5_000)}`, isRunningState: false, isStableState: false });
      const status = await plans.readPlanStatus(await connect(), PLAN, soon());
      for (const text of [status.name ?? "", status.state, status.details]) {
        expect(text).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(text.length).toBeLessThan(600);
      }
      expect(status).toMatchObject({ name: "Tier1", phase: "busy" });
    });

    test("a Failover refusal's text", async () => {
      expectRequest("POST", "/api/token", 200, TOKEN_1);
      expectRaw("POST", `${planPath}/Failover`, 409, `{"message":"Plan is busy${ESC}[5m\\u001b[31m"}`);
      const error = await failure(plans.startFailover(await connect(), PLAN, { ...soon(), executeChainedPlans: false }));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain("Plan is busy");
      expect(error.message).not.toContain(ESC);
    });
  });

  describe("echoed credentials are redacted from the whole error", () => {
    const SPACED = 'pa  ss\tword "quoted"&x=1';

    test("a token endpoint that echoes the password (as sent, form-encoded, JSON-escaped)", async () => {
      forget("veeam.");
      recordStackConfig({ "veeam:server": ORIGIN, "veeam:username": USER, "veeam:password": SPACED, "veeam:apiVersion": VERSION });
      const formEncoded = new URLSearchParams({ password: SPACED }).toString().slice("password=".length);
      expectRequest("POST", "/api/token", 400, {
        error: "invalid_grant",
        error_description: `bad password ${SPACED}; request was grant_type=password&password=${formEncoded}; json ${JSON.stringify({ password: SPACED })}`,
      });
      const error = await failure(plans.readPlanStatus(await connect(), PLAN, soon()));
      expect(error).toBeInstanceOf(AuthenticationError);
      const shown = everythingShown(error);
      for (const form of [SPACED, formEncoded, JSON.stringify(SPACED).slice(1, -1), "pa ss"]) expect(shown).not.toContain(form);
      expect(shown).toContain("[redacted]");
    });

    test("an API error that echoes the bearer token and the password", async () => {
      expectRequest("POST", "/api/token", 200, TOKEN_1);
      expectRaw("GET", planPath, 500, JSON.stringify({ message: `token access-token-one for ${USER} with password ${PASSWORD} is not valid here`, refresh: "refresh-token-one" }));
      const error = await failure(plans.readPlanStatus(await connect(), PLAN, soon()));
      const shown = everythingShown(error);
      for (const secret of ["access-token-one", "refresh-token-one", PASSWORD]) expect(shown).not.toContain(secret);
    });

    test("a lost Failover answer whose read-back fails keeps the original failure, still redacted", async () => {
      expectRequest("POST", "/api/token", 200, TOKEN_1);
      agent.get(ORIGIN).intercept({ method: "POST", path: `${planPath}/Failover` }).replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
      expectRaw("GET", planPath, 400, `nope, access-token-one`);
      const error = await failure(plans.startFailover(await connect(), PLAN, { ...soon(), executeChainedPlans: false }));
      expect(error.message).toMatch(/Whether POST Plans\/Failover took effect is unknown: the state of VeeamPlan:\S+ could not be read back/);
      expect(everythingShown(error)).not.toContain("access-token-one");
    });
  });

  describe("tokens the server issues are checked before use", () => {
    test.each([
      ["a line break (header injection)", "abc\r\nX-Injected: 1", /access_token that contains a line break/],
      ["a space", "abc def", /access_token that contains spaces or characters outside visible ASCII/],
      ["a control character", "abc\u0007def", /access_token that contains control characters/],
      ["nothing", "", /access_token that is empty/],
      ["absurd length", "a".repeat(100_000), /access_token that is 100000 characters long/],
      ["non-ASCII", "t\u00f6ken", /access_token that contains spaces or characters outside visible ASCII/],
    ])("an access token with %s is an AuthenticationError saying so, never sent and not retried", async (_label, bad, reason) => {
      expectRequest("POST", "/api/token", 200, { ...TOKEN_1, access_token: bad });
      const error = await failure(plans.readPlanStatus(await connect(), PLAN, soon()));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(reason);
      expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token"]);
    });

    test("a refresh token with a line break is refused the same way", async () => {
      expectRequest("POST", "/api/token", 200, { ...TOKEN_1, refresh_token: "ok\nX-Injected: 1" });
      const error = await failure(token.accessToken(await connect(), soon()));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(/refresh_token that contains a line break/);
    });

    test("a token answer that is not an object, or a token that is not a string, names what is wrong", async () => {
      expectRaw("POST", "/api/token", 200, "null");
      expect((await failure(token.accessToken(await connect(), soon()))).message).toMatch(/without a usable access_token/);
      forget("veeam.");
      expectRequest("POST", "/api/token", 200, { access_token: { nested: { deeper: true } } });
      expect((await failure(token.accessToken(await connect(), soon()))).message).toMatch(/without a usable access_token: .*expected string/);
      forget("veeam.");
      expectRaw("POST", "/api/token", 400, "null");
      expect(await failure(token.accessToken(await connect(), soon()))).toBeInstanceOf(AuthenticationError);
    });
  });

  describe("deep or malformed values give an error naming the member", () => {
    const deep = (levels: number): string => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

    test.each([
      ["a state nested 100000 levels deep", `{"state": ${deep(100_000)}, "isRunningState": false, "isStableState": true}`, /at state: .*expected string/],
      ["a running flag that is text", `{"state": "Failover", "isRunningState": "yes", "isStableState": true}`, /at isRunningState: .*expected boolean/],
      ["a progress that is text", `{"state": "Failover", "totalProgress": "50%"}`, /at totalProgress: .*expected number/],
      ["a result that is a list", `{"state": "Failover", "currentRunResult": [1, 2]}`, /at currentRunResult/],
      ["null", "null", /unexpected body: .*expected object/],
      ["a list", "[]", /unexpected body: .*expected object/],
      ["not JSON", "<html>", /not JSON: <html>/],
    ])("runtime details with %s", async (_label, text, reason) => {
      expectRequest("POST", "/api/token", 200, TOKEN_1);
      expectRequest("GET", planPath, 200, { id: PLAN, name: "Tier1-Apps", enabled: true, state: "Failover" });
      expectRaw("GET", runtimePath, 200, text);
      const error = await failure(plans.readPlanStatus(await connect(), PLAN, soon()));
      expect(error).toBeInstanceOf(ServerError);
      expect(error.message).toMatch(/GET RuntimeDetails\/Plans/);
      expect(error.message).toMatch(reason);
    });

    test("a deep plan state while waiting ends the wait with that error, not a retry until the deadline", async () => {
      expectRequest("POST", "/api/token", 200, TOKEN_1);
      expectRaw("GET", runtimePath, 200, `{"state": ${deep(50_000)}}`);
      const before = { planId: PLAN, name: "Tier1-Apps", enabled: true, phase: "failingOver", state: "Failover", details: "", running: true, stable: false, generation: "vro" } as const;
      const error = await failure(plans.waitUntilStable(await connect(), PLAN, { operation: "failover", deadline: deadlineAfter(30), before, maxDelayMs: 50 }));
      expect(error.message).toMatch(/at state/);
    });
  });
});

describe("a lost answer to a call that starts work", () => {
  const VERSION = "v13.1";
  const failoverPath = `/api/${VERSION}/Plans/${PLAN}/Failover`;
  const READY = { id: PLAN, name: "Tier1-Apps", enabled: true, state: "Verified", stateName: "Verified" };
  const READY_RUNTIME = { state: "Verified", stateName: "Verified", isRunningState: false, isStableState: true };

  beforeEach(() => configure(VERSION));

  test("read back as not started: the Failover is sent again, once", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    agent.get(ORIGIN).intercept({ method: "POST", path: failoverPath }).replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    expectRequest("GET", `/api/${VERSION}/Plans/${PLAN}`, 200, READY);
    expectRequest("GET", `/api/${VERSION}/RuntimeDetails/Plans/${PLAN}`, 200, READY_RUNTIME);
    expectRequest("POST", failoverPath, 200);
    await plans.startFailover(await connect(), PLAN, { ...soon(), executeChainedPlans: false });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", `GET /api/${VERSION}/Plans/${PLAN}`, `GET /api/${VERSION}/RuntimeDetails/Plans/${PLAN}`, `POST ${failoverPath}`]);
  });

  test("an HTTP 500 leaves open whether the run started: read back as failing over, it is not sent again", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("POST", failoverPath, 500, { message: "Internal error" });
    expectRequest("GET", `/api/${VERSION}/Plans/${PLAN}`, 200, { ...READY, state: "Failover", stateName: "Failover" });
    expectRequest("GET", `/api/${VERSION}/RuntimeDetails/Plans/${PLAN}`, 200, { state: "Failover", isRunningState: true, isStableState: false, totalProgress: 5 });
    await plans.startFailover(await connect(), PLAN, { ...soon(), executeChainedPlans: false });
    expect(seen.filter((s) => s.path === failoverPath)).toHaveLength(1);
  });

  test("a 503 is a refusal: the Failover is sent again without reading back", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("POST", failoverPath, 503, { message: "Service Unavailable" });
    expectRequest("POST", failoverPath, 200);
    await plans.startFailover(await connect(), PLAN, { ...soon(), executeChainedPlans: false });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(["POST /api/token", `POST ${failoverPath}`, `POST ${failoverPath}`]);
  });

  test("a 403 names the role the account of the namespace needs", async () => {
    expectRequest("POST", "/api/token", 200, TOKEN_1);
    expectRequest("POST", failoverPath, 403, { message: "Forbidden" });
    const error = await plans.startFailover(await connect(), PLAN, { ...soon(), executeChainedPlans: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/veeam:username "VRO\\svc-pulumi" needs the Orchestrator Administrator, Plan Author or Plan Operator role/);
  });
});
