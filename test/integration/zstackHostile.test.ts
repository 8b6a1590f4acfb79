/**
 * A ZStack endpoint that misbehaves: a small fake management node on 127.0.0.1:0 whose routes can be made to answer
 * with hostile text, echo secrets, hand out unusable session uuids, answer in the wrong shape, nest values deeply, never
 * answer, or trickle. Each case must end in one of this package's typed errors that names what was wrong, bounded,
 * clean and redacted, within the operation's deadline.
 */
import * as http from "node:http";
import * as util from "node:util";
import { recordStackConfig } from "../../provider/config";
import * as errors from "../../provider/errors";
import { forget } from "../../provider/runtime";
import { sha512Hex } from "../../provider/zstack/session";
import * as crud from "../../provider/resources/zstack/vmInstanceRecovery/provider";

const VM = "6ab7f3e2c1d04b5a9e8f7d6c5b4a3f21";
const SESSION = "5e5e5e5e5e5e4e5e8e5e5e5e5e5e5e5e";
const JOB = "0b0b0b0b0b0b4b0b8b0b0b0b0b0b0b0b";
const ACCOUNT = "ops";
const PASSWORD = "Hostile-Pass-7731";
const PASSWORD_HASH = sha512Hex(PASSWORD);

interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

type Route = "login" | "query" | "action" | "job";
/** Answers one request (or leaves it unanswered). */
type Handler = (response: http.ServerResponse) => void;

interface FakeZstack {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

function json(status: number, body: unknown): Handler {
  return (response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(typeof body === "string" ? body : JSON.stringify(body));
  };
}

function vm(state: string): Record<string, unknown> {
  return { uuid: VM, name: "db-1", state, vmNics: [] };
}

const DEFAULT_ROUTES: Record<Route, Handler> = {
  login: json(200, { inventory: { uuid: SESSION, accountUuid: "36c27e8ff05c4780bf6d2fa65700f22e" } }),
  query: json(200, { inventories: [vm("Destroyed")] }),
  action: json(202, { location: `http://zstack-mn.internal:8080/zstack/v1/api-jobs/${JOB}`, apiTimeout: 1_800_000 }),
  job: json(200, { inventory: vm("Stopped") }),
};

function routeOf(method: string, path: string): Route | undefined {
  if (method === "PUT" && path === "/zstack/v1/accounts/login") return "login";
  if (method === "GET" && /^\/zstack\/v1\/vm-instances\/[0-9a-f]{32}$/.test(path)) return "query";
  if (method === "PUT" && /^\/zstack\/v1\/vm-instances\/[0-9a-f]{32}\/actions$/.test(path)) return "action";
  if (method === "GET" && /^\/zstack\/v1\/api-jobs\/[0-9a-f]{32}$/.test(path)) return "job";
  return undefined;
}

let fake: FakeZstack | undefined;

async function startFake(routes: Partial<Record<Route, Handler>> = {}): Promise<FakeZstack> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers });
      const route = routeOf(request.method ?? "", request.url ?? "");
      if (!route) return json(404, "no such route")(response);
      (routes[route] ?? DEFAULT_ROUTES[route])(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  fake = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  recordStackConfig({ "zstack:endpoint": fake.url, "zstack:accountName": ACCOUNT, "zstack:accountPassword": PASSWORD });
  return fake;
}

beforeEach(() => {
  forget("zstack.");
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function failure(call: Promise<unknown>): Promise<errors.VmAvailabilityError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(errors.VmAvailabilityError);
  return error as errors.VmAvailabilityError;
}

function create(timeoutSeconds = 30): Promise<unknown> {
  return crud.create({ vmInstanceUuid: VM, timeoutSeconds });
}

function read(): Promise<unknown> {
  return crud.read(VM, { vmInstanceUuid: VM });
}

/** Every way the error could reach a log: its JSON and its full inspection, causes included. */
function everythingShown(error: unknown): string {
  return `${JSON.stringify(error)}\n${util.inspect(error, { depth: 10 })}`;
}

/** `{"error":{…}}` with a cause chain `depth` links deep, built as text (the value would be too deep to stringify). */
function deeplyCausedError(depth: number): string {
  const link = '{"code":"X.1","description":"link","details":"deeper","cause":';
  return `{"error":{"code":"SYS.1006","description":"An operation failed","details":"outer","cause":${link.repeat(depth)}null${"}".repeat(depth)}}}`;
}

function nested(open: string, close: string, depth: number, inner: string): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

describe("ZStack's text in errors", () => {
  test("escape sequences and control characters are removed and long texts are cut", async () => {
    const hostile = {
      error: {
        code: "SYS.1006\u001b[2J",
        description: "\u001b[31mAn operation failed\u001b[0m\u0007\u0000",
        details: `${"x".repeat(200_000)}\r\nforged log line`,
        elaboration: "\u001b]0;title\u0007elaborate",
        cause: { code: "PS.1003", description: "full\u001b[1A", details: "y".repeat(50_000), cause: null },
      },
    };
    await startFake({ query: json(503, hostile) });
    const error = await failure(read());
    expect(error).toBeInstanceOf(errors.VendorFaultError);
    const shown = [error.message, JSON.stringify(error.fault), (error.cause as Error).message].join("\n");
    expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(error.message).not.toContain("\n");
    expect(error.message.length).toBeLessThan(2_000);
    expect(JSON.stringify(error.fault).length).toBeLessThan(4_000);
    expect(error.message).toContain("cut:");
    expect(error.fault?.type).toBe("SYS.1006"); // the escape sequence is gone, the code stays
  });

  test("a cause chain nested 100000 deep is kept to a bounded depth, without a stack overflow", async () => {
    await startFake({ query: json(503, deeplyCausedError(100_000)) });
    const error = await failure(read());
    expect(error).toBeInstanceOf(errors.VendorFaultError);
    expect((error.fault?.details?.["causes"] as unknown[]).length).toBe(10);
    let depth = 0;
    for (let cause = error.cause as { cause?: unknown } | undefined; cause; cause = cause.cause as { cause?: unknown } | undefined) depth += 1;
    expect(depth).toBeGreaterThan(0);
    expect(depth).toBeLessThanOrEqual(10);
    expect(error.message).toContain("7 more");
    expect(everythingShown(error).length).toBeLessThan(40_000);
  });

  test("a password, its digest or the session uuid echoed by the server appear nowhere in the error", async () => {
    const echo = `password ${PASSWORD} digest ${PASSWORD_HASH} session ${SESSION}`;
    await startFake({
      query: json(503, {
        error: {
          code: "SYS.1006",
          description: echo,
          details: `Authorization: OAuth ${SESSION}`,
          elaboration: echo,
          cause: { code: "X.1", description: PASSWORD, details: PASSWORD_HASH, cause: { code: "X.2", description: echo, details: SESSION } },
        },
      }),
    });
    const error = await failure(read());
    expect(error).toBeInstanceOf(errors.VendorFaultError);
    const shown = everythingShown(error);
    expect(shown).toContain("[redacted]");
    for (const secret of [PASSWORD, PASSWORD_HASH, SESSION]) expect(shown).not.toContain(secret);
  });

  test("an answer without a ZStack body that echoes them is redacted too", async () => {
    await startFake({
      query: (response) => {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(`internal error for OAuth ${SESSION} (password ${PASSWORD}, digest ${PASSWORD_HASH})`);
      },
    });
    const error = await failure(read());
    expect(error).toBeInstanceOf(errors.ServerError);
    const shown = everythingShown(error);
    for (const secret of [PASSWORD, PASSWORD_HASH, SESSION]) expect(shown).not.toContain(secret);
  });
});

describe("session uuids the server issues", () => {
  test.each([
    ["a line break", `${SESSION}\r\nX-Injected: yes`],
    ["white space", `${SESSION.slice(0, 16)} ${SESSION.slice(16)}`],
    ["characters other than 0-9 and a-f", `${SESSION.slice(0, 31)}g`],
    ["16 characters", SESSION.slice(0, 16)],
    ["empty", ""],
  ])("one with %s is refused as an authentication error, never sent", async (problem, uuid) => {
    const server = await startFake({ login: json(200, { inventory: { uuid } }) });
    const error = await failure(read());
    expect(error).toBeInstanceOf(errors.AuthenticationError);
    expect(error).not.toBeInstanceOf(errors.ConnectionError);
    expect(error.message).toContain(problem);
    expect(error.message).toContain(server.url);
    expect(error.message).not.toContain("X-Injected");
    expect(server.requests.map((request) => request.path)).toEqual(["/zstack/v1/accounts/login"]);
  });
});

describe("answers of the wrong shape name the field", () => {
  const deepArray = nested("[", "]", 100_000, "");
  const deepObject = nested('{"a":', "}", 100_000, "1");
  test.each([
    ["a field inside the list", { inventories: [{ uuid: VM, state: 42 }] }, "inventories.0.state"],
    ["the list itself", { inventories: { uuid: VM } }, "inventories"],
    ["a missing list", {}, "inventories"],
    ["an array nested 100000 deep", `{"inventories":[{"uuid":"${VM}","state":"Stopped","vmNics":[${deepArray}]}]}`, "inventories.0.vmNics.0"],
    ["an object nested 100000 deep", `{"inventories":[{"uuid":"${VM}","state":${deepObject}}]}`, "inventories.0.state"],
  ])("QueryVmInstance: %s", async (_case, body, field) => {
    await startFake({ query: json(200, body) });
    const error = await failure(read());
    expect(error).toBeInstanceOf(errors.ServerError);
    expect(error.message).toContain(`at ${field}:`);
    expect(error.message).toContain("QueryVmInstance");
  });

  test("a body that is not JSON says so", async () => {
    await startFake({ query: json(200, "<html><body>\u001b[5mmaintenance</body></html>") });
    const error = await failure(read());
    expect(error).toBeInstanceOf(errors.ServerError);
    expect(error.message).toContain("a body that is not JSON: <html><body>");
    expect(error.message).not.toContain("\u001b");
  });

  test("LogInByAccount: a session uuid that is not a string", async () => {
    await startFake({ login: json(200, { inventory: { uuid: 12 } }) });
    const error = await failure(read());
    expect(error).toBeInstanceOf(errors.ServerError);
    expect(error.message).toContain("at inventory.uuid:");
  });

  test("RecoverVmInstance: a 202 without a location, and one whose location is not a job", async () => {
    await startFake({ action: json(202, { apiTimeout: 5 }) });
    const missing = await failure(create());
    expect(missing).toBeInstanceOf(errors.ServerError);
    expect(missing.message).toContain("at location:");
    await fake?.close();

    await startFake({ action: json(202, { location: "http://zstack-mn:8080/zstack/v1/vm-instances/\u001b[2Jx" }) });
    const wrong = await failure(create());
    expect(wrong).toBeInstanceOf(errors.ServerError);
    expect(wrong.message).toContain("a location that is not …/v1/api-jobs/<uuid>");
    expect(wrong.message).not.toContain("\u001b");
  });
});

describe("a server that does not answer in time ends the operation at its deadline", () => {
  // No test here asserts a duration: each asserts the error and that the operation ended (well inside the jest timeout).
  const silent: Handler = () => undefined;
  const trickle: Handler = (response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.flushHeaders();
    const body = JSON.stringify({ inventory: { uuid: SESSION } });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= body.length) {
        clearInterval(timer);
        response.end();
        return;
      }
      response.write(body.charAt(sent));
      sent += 1;
    }, 1_000);
    response.on("close", () => clearInterval(timer));
  };

  test.each([
    ["accepts and never answers", silent],
    ["trickles its answer one byte per second", trickle],
  ])("a server that %s: TimeoutError naming the endpoint and the call", async (_case, login) => {
    const server = await startFake({ login });
    const error = await failure(create(5));
    expect(error).toBeInstanceOf(errors.TimeoutError);
    expect(error.message).toContain(server.url);
    expect(error.message).toContain("LogInByAccount");
  }, 40_000);

  test("a recover call that is never answered: TimeoutError naming the call, after the VM was read back", async () => {
    // The job was never registered: a lookup after an early lost answer is told so, and the same call is sent again.
    const server = await startFake({ action: silent, job: json(404, "the job has been expired") });
    const error = await failure(create(5));
    expect(error).toBeInstanceOf(errors.TimeoutError);
    expect(error.message).toContain(server.url);
    expect(error.message).toContain("RecoverVmInstance");
    // The lost answer was followed by a read-back of the VM (still Destroyed: nothing to record).
    expect(server.requests.at(-1)?.path).toBe(`/zstack/v1/vm-instances/${VM}`);
  }, 40_000);
});
