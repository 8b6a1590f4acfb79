import { MockAgent } from "undici";
import { recordStackConfig, zstackSettings } from "../../provider/config";
import * as errors from "../../provider/errors";
import { setDispatcherOverride } from "../../provider/http/transport";
import { forget } from "../../provider/runtime";
import { runJob, waitForJob } from "../../provider/zstack/jobs";
import { currentSession, logOut } from "../../provider/zstack/session";
import { queryVmInstance, recoverVmInstance, startVmInstance } from "../../provider/zstack/vmInstances";
import * as crud from "../../provider/resources/zstack/vmInstanceRecovery/provider";

const ORIGIN = "http://zstack.test:8080";
/** SHA-512 of "password", computed independently (Python hashlib). */
const PASSWORD_SHA512 =
  "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86";
const VM = "6ab7f3e2c1d04b5a9e8f7d6c5b4a3f21";
const SESSION = "5e5e5e5e5e5e4e5e8e5e5e5e5e5e5e5e";
const SESSION2 = "7f7f7f7f7f7f4f7f8f7f7f7f7f7f7f7f";
const JOB = "0b0b0b0b0b0b4b0b8b0b0b0b0b0b0b0b";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

let agent: MockAgent;
let seen: Seen[];

function lowerHeaders(headers: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers && typeof headers === "object") {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) result[name.toLowerCase()] = String(value);
  }
  return result;
}

/** Registers an interceptor that records the exact request it matched. */
function on(method: string, path: string, status: number, body: unknown, options: { times?: number } = {}) {
  const scope = agent
    .get(ORIGIN)
    .intercept({ path, method })
    .reply(status, (request) => {
      seen.push({ method: request.method, path: request.path, headers: lowerHeaders(request.headers), body: request.body === undefined || request.body === null ? undefined : String(request.body) });
      return typeof body === "string" ? body : JSON.stringify(body);
    });
  if (options.times) scope.times(options.times);
}

function vmInventory(state: string): Record<string, unknown> {
  return { uuid: VM, name: "db-1", state, hostUuid: state === "Running" ? "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh" : null, vmNics: [{ uuid: "n1", l3NetworkUuid: "l3", ip: null, mac: "fa:16:3e:00:00:01" }] };
}

function loginReply(uuid: string) {
  return { inventory: { uuid, accountUuid: "36c27e8ff05c4780bf6d2fa65700f22e", userUuid: "36c27e8ff05c4780bf6d2fa65700f22e", expiredDate: "Jan 5, 2030 3:04:05 PM", createDate: "Jan 5, 2030 1:04:05 PM" } };
}

beforeEach(() => {
  forget("zstack.");
  seen = [];
  agent = new MockAgent();
  agent.disableNetConnect();
  setDispatcherOverride(agent);
  recordStackConfig({ "zstack:endpoint": ORIGIN, "zstack:accountName": "admin", "zstack:accountPassword": "password" });
});

afterEach(async () => {
  setDispatcherOverride(undefined);
  await agent.close();
});

test("login: PUT /zstack/v1/accounts/login with logInByAccount and the SHA-512 hex of the password", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  const session = await currentSession(zstackSettings(), Date.now() + 10_000);
  expect(session.uuid).toBe(SESSION);
  expect(seen).toHaveLength(1);
  const login = seen[0] as Seen;
  expect(login.method).toBe("PUT");
  expect(login.path).toBe("/zstack/v1/accounts/login");
  expect(login.headers["content-type"]).toBe("application/json");
  expect(login.headers["authorization"]).toBeUndefined();
  expect(JSON.parse(login.body as string)).toEqual({ logInByAccount: { accountName: "admin", password: PASSWORD_SHA512 } });
  expect(login.body).not.toContain('"password"}');
});

test("recover: PUT /zstack/v1/vm-instances/{uuid}/actions with OAuth session, a hyphenless v4 X-Job-UUID and the exact body", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://10.1.2.3:8080/zstack/v1/api-jobs/${JOB}`, apiTimeout: 1800000 });
  on("GET", `/zstack/v1/api-jobs/${JOB}`, 202, "");
  on("GET", `/zstack/v1/api-jobs/${JOB}`, 200, { inventory: vmInventory("Stopped") });
  const settings = zstackSettings();
  const handle = await recoverVmInstance(settings, VM, { deadline: Date.now() + 10_000 });
  expect(handle.path).toBe(`/zstack/v1/api-jobs/${JOB}`);
  const result = await waitForJob(settings, handle, { what: "recovery", deadline: Date.now() + 10_000 });
  expect(result).toMatchObject({ inventory: { uuid: VM, state: "Stopped" } });

  const recover = seen[1] as Seen;
  expect(recover.method).toBe("PUT");
  expect(recover.path).toBe(`/zstack/v1/vm-instances/${VM}/actions`);
  expect(recover.headers["authorization"]).toBe(`OAuth ${SESSION}`);
  expect(recover.headers["x-job-uuid"]).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  expect(recover.headers["content-type"]).toBe("application/json");
  expect(recover.body).toBe('{"recoverVmInstance":{}}');
  // The advertised location (10.1.2.3:8080) was rewritten onto the configured endpoint; polls carry the session.
  const polls = seen.slice(2);
  expect(polls.map((poll) => `${poll.method} ${poll.path}`)).toEqual([`GET /zstack/v1/api-jobs/${JOB}`, `GET /zstack/v1/api-jobs/${JOB}`]);
  expect(polls.every((poll) => poll.headers["authorization"] === `OAuth ${SESSION}`)).toBe(true);
});

test("recover with tags: systemTags and userTags sit at the top level of the body, next to the action", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://mn:8080/zstack/v1/api-jobs/${JOB}` });
  await recoverVmInstance(zstackSettings(), VM, { systemTags: ["a::b"], userTags: ["owner"], deadline: Date.now() + 10_000 });
  expect(JSON.parse(seen[1]?.body as string)).toEqual({ recoverVmInstance: {}, systemTags: ["a::b"], userTags: ["owner"] });
});

test("start: {\"startVmInstance\":{}}", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://mn:8080/zstack/v1/api-jobs/${JOB}` });
  await startVmInstance(zstackSettings(), VM, { deadline: Date.now() + 10_000 });
  expect(seen[1]?.body).toBe('{"startVmInstance":{}}');
});

test("a location without the /zstack context path (as in the docs' example) is rewritten too", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://localhost:8989/v1/api-jobs/${JOB}` });
  on("GET", `/zstack/v1/api-jobs/${JOB}`, 200, { inventory: vmInventory("Stopped") });
  const settings = zstackSettings();
  const handle = await recoverVmInstance(settings, VM, { deadline: Date.now() + 10_000 });
  await waitForJob(settings, handle, { what: "recovery", deadline: Date.now() + 10_000 });
  expect(seen[2]?.path).toBe(`/zstack/v1/api-jobs/${JOB}`);
});

test("the whole create: login, query, recover, poll, in that order", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("GET", `/zstack/v1/vm-instances/${VM}`, 200, { inventories: [vmInventory("Destroyed")], schema: {} });
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://mn:8080/zstack/v1/api-jobs/${JOB}` });
  on("GET", `/zstack/v1/api-jobs/${JOB}`, 200, { inventory: vmInventory("Stopped") });
  const result = await crud.create({ vmInstanceUuid: VM, startAfterRecovery: false, timeoutSeconds: 60 });
  expect(result.outs).toMatchObject({ state: "Stopped", recovered: true, initialState: "Destroyed" });
  expect(seen.map((request) => `${request.method} ${request.path}`)).toEqual([
    "PUT /zstack/v1/accounts/login",
    `GET /zstack/v1/vm-instances/${VM}`,
    `PUT /zstack/v1/vm-instances/${VM}/actions`,
    `GET /zstack/v1/api-jobs/${JOB}`,
  ]);
  expect(seen[1]?.headers["authorization"]).toBe(`OAuth ${SESSION}`);
});

test("an expired session (503 ID.1001 on a query) is replaced by one login and the query is replayed", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION2));
  on("GET", `/zstack/v1/vm-instances/${VM}`, 503, {
    error: { code: "ID.1001", description: "Session expired", details: "Session expired", elaboration: null, opaque: null, cause: null },
  });
  on("GET", `/zstack/v1/vm-instances/${VM}`, 200, { inventories: [vmInventory("Running")] });
  const vm = await queryVmInstance(zstackSettings(), VM);
  expect(vm?.state).toBe("Running");
  expect(seen.map((request) => request.headers["authorization"] ?? "-")).toEqual(["-", `OAuth ${SESSION}`, "-", `OAuth ${SESSION2}`]);
});

test("a job whose session expired is submitted again after one login, with a new job uuid", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION2));
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://mn:8080/zstack/v1/api-jobs/${JOB}` });
  on("GET", `/zstack/v1/api-jobs/${JOB}`, 503, { error: { code: "ID.1001", description: "Session expired", details: "Session expired" } });
  const JOB2 = "1c1c1c1c1c1c4c1c8c1c1c1c1c1c1c1c";
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://mn:8080/zstack/v1/api-jobs/${JOB2}` });
  on("GET", `/zstack/v1/api-jobs/${JOB2}`, 200, { inventory: vmInventory("Stopped") });
  const settings = zstackSettings();
  await runJob(settings, () => recoverVmInstance(settings, VM, { deadline: Date.now() + 10_000 }), { what: "recovery", deadline: Date.now() + 10_000 });
  const submits = seen.filter((request) => request.method === "PUT" && request.path.endsWith("/actions"));
  expect(submits.map((request) => request.headers["authorization"])).toEqual([`OAuth ${SESSION}`, `OAuth ${SESSION2}`]);
  expect(submits[0]?.headers["x-job-uuid"]).not.toBe(submits[1]?.headers["x-job-uuid"]);
});

test("a failed job (503) keeps ZStack's code, description, details and cause chain", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://mn:8080/zstack/v1/api-jobs/${JOB}` });
  on("GET", `/zstack/v1/api-jobs/${JOB}`, 503, {
    error: {
      code: "SYS.1006",
      description: "An operation failed",
      details: "unable to recover the vm",
      elaboration: null,
      opaque: null,
      cause: { code: "VM.1010", description: "wrong state", details: "vm is Running", cause: null },
    },
  });
  const settings = zstackSettings();
  const failure = (await runJob(settings, () => recoverVmInstance(settings, VM, { deadline: Date.now() + 10_000 }), {
    what: "recovery",
    deadline: Date.now() + 10_000,
  }).catch((error: unknown) => error)) as errors.VendorFaultError;
  expect(failure).toBeInstanceOf(errors.VendorFaultError);
  expect(failure.fault).toMatchObject({
    type: "SYS.1006",
    message: "An operation failed",
    details: { code: "SYS.1006", description: "An operation failed", details: "unable to recover the vm", causes: [{ code: "VM.1010", details: "vm is Running" }] },
  });
  expect(failure.cause).toBeInstanceOf(Error);
  expect((failure.cause as Error).message).toContain("VM.1010");
  expect(failure.object).toBe(`VmInstance:${VM}`);
});

test("a connection lost after sending the recover call: the job is looked up, then submitted again with the SAME X-Job-UUID", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  agent
    .get(ORIGIN)
    .intercept({ path: `/zstack/v1/vm-instances/${VM}/actions`, method: "PUT" })
    .replyWithError(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }));
  agent
    .get(ORIGIN)
    .intercept({ path: /\/zstack\/v1\/api-jobs\/[0-9a-f]{32}$/, method: "GET" })
    .reply(404, (request) => {
      seen.push({ method: "GET", path: request.path, headers: lowerHeaders(request.headers) });
      return "the job has been expired";
    });
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://mn:8080/zstack/v1/api-jobs/${JOB}` });
  const handle = await recoverVmInstance(zstackSettings(), VM, { deadline: Date.now() + 10_000 });
  const probe = seen.find((request) => request.method === "GET") as Seen;
  const resubmit = seen.find((request) => request.method === "PUT" && request.path.endsWith("/actions")) as Seen;
  expect(probe.path).toBe(`/zstack/v1/api-jobs/${resubmit.headers["x-job-uuid"]}`);
  expect(handle.jobUuid).toBe(resubmit.headers["x-job-uuid"]);
});

test("a connection lost after sending: a job ZStack already knows is followed, not submitted again", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  agent
    .get(ORIGIN)
    .intercept({ path: `/zstack/v1/vm-instances/${VM}/actions`, method: "PUT" })
    .replyWithError(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }));
  agent.get(ORIGIN).intercept({ path: /\/zstack\/v1\/api-jobs\/[0-9a-f]{32}$/, method: "GET" }).reply(202, "").times(1);
  agent.get(ORIGIN).intercept({ path: /\/zstack\/v1\/api-jobs\/[0-9a-f]{32}$/, method: "GET" }).reply(200, { inventory: vmInventory("Stopped") });
  const settings = zstackSettings();
  const handle = await recoverVmInstance(settings, VM, { deadline: Date.now() + 10_000 });
  const result = await waitForJob(settings, handle, { what: "recovery", deadline: Date.now() + 10_000 });
  expect(result).toMatchObject({ inventory: { state: "Stopped" } });
  agent.assertNoPendingInterceptors();
});

test("an expired job location (404) is reconciled by reading the VM", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("GET", `/zstack/v1/vm-instances/${VM}`, 200, { inventories: [vmInventory("Destroyed")] });
  on("PUT", `/zstack/v1/vm-instances/${VM}/actions`, 202, { location: `http://mn:8080/zstack/v1/api-jobs/${JOB}` });
  on("GET", `/zstack/v1/api-jobs/${JOB}`, 404, "the job has been expired");
  on("GET", `/zstack/v1/vm-instances/${VM}`, 200, { inventories: [vmInventory("Stopped")] });
  const result = await crud.create({ vmInstanceUuid: VM, startAfterRecovery: false, timeoutSeconds: 60 });
  expect(result.outs).toMatchObject({ state: "Stopped", recovered: true });
});

test("an empty inventories list is 'not found: expunged or never existed', naming the uuid", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("GET", `/zstack/v1/vm-instances/${VM}`, 200, { inventories: [] });
  await expect(crud.create({ vmInstanceUuid: VM, startAfterRecovery: false, timeoutSeconds: 60 })).rejects.toThrow(
    `ZStack VM instance ${VM} not found: expunged or never existed`,
  );
});

test("logout: DELETE /zstack/v1/accounts/sessions/{uuid}", async () => {
  on("PUT", "/zstack/v1/accounts/login", 200, loginReply(SESSION));
  on("DELETE", `/zstack/v1/accounts/sessions/${SESSION}`, 200, {});
  const settings = zstackSettings();
  await currentSession(settings, Date.now() + 10_000);
  await logOut(settings);
  expect(seen[1]).toMatchObject({ method: "DELETE", path: `/zstack/v1/accounts/sessions/${SESSION}` });
  expect(seen[1]?.headers["authorization"]).toBe(`OAuth ${SESSION}`);
});

test("a malformed uuid never reaches a URL", async () => {
  await expect(queryVmInstance(zstackSettings(), "../accounts/login")).rejects.toBeInstanceOf(errors.ValidationError);
  expect(seen).toHaveLength(0);
});
