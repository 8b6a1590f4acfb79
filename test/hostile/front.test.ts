import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { ESCAPES, crlfToken, echoBodies, startHostileFront, type HostileFront } from "../../tools/hostile/front";
import { until } from "./support";

/** The front itself: each misbehaviour does what it says, and a request no rule takes passes through unchanged. */

const ANSWER = {
  _typeName: "RetrieveResult",
  objects: [
    {
      obj: { _typeName: "ManagedObjectReference", type: "VirtualMachine", value: "vm-1" },
      propSet: [
        { name: "runtime.powerState", val: "poweredOn" },
        { name: "name", val: "app-1" },
      ],
    },
  ],
  access_token: "tok-0123456789",
};

let upstream: http.Server;
let upstreamUrl: string;
const received: Array<{ method: string; path: string; body: string }> = [];
let front: HostileFront;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ method: req.method ?? "", path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json", "vmware-api-session-id": "session-0123456789" });
      res.end(JSON.stringify(ANSWER));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    upstream.closeAllConnections();
    upstream.close(() => resolve());
  });
});
beforeEach(async () => {
  received.length = 0;
  front = await startHostileFront(upstreamUrl);
});
afterEach(async () => {
  await front.close();
});

function post(path: string, options: { headers?: Record<string, string>; body?: string; headersTimeout?: number; bodyTimeout?: number } = {}) {
  return request(`${front.url}${path}`, {
    method: "POST",
    headers: options.headers ?? { "content-type": "application/json" },
    body: options.body ?? "{}",
    headersTimeout: options.headersTimeout,
    bodyTimeout: options.bodyTimeout,
  });
}

it("passes a request no rule takes through unchanged, both ways", async () => {
  const response = await post("/sdk/vim25/8.0.3.0/PropertyCollector/propertyCollector/RetrievePropertiesEx?x=1", { body: '{"a":1}' });
  expect(response.statusCode).toBe(200);
  expect(response.headers["vmware-api-session-id"]).toBe("session-0123456789");
  expect(await response.body.json()).toEqual(ANSWER);
  expect(received).toEqual([{ method: "POST", path: "/sdk/vim25/8.0.3.0/PropertyCollector/propertyCollector/RetrievePropertiesEx?x=1", body: '{"a":1}' }]);
  expect(front.log).toEqual([{ method: "POST", path: expect.stringContaining("RetrievePropertiesEx"), answer: "pass" }]);
});

it("hang: accepts and never answers, without passing the request on (or, with forward, after the server acted)", async () => {
  front.arm({ match: "Hang", misbehave: { kind: "hang" } });
  await expect(post("/Hang", { headersTimeout: 300 })).rejects.toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT" });
  expect(received).toEqual([]);
  front.arm({ match: "Swallow", misbehave: { kind: "hang", forward: true } });
  await expect(post("/Swallow", { headersTimeout: 300 })).rejects.toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT" });
  expect(received.map((each) => each.path)).toEqual(["/Swallow"]);
});

it("headersOnly: the real status and headers, never a byte of the body", async () => {
  front.arm({ misbehave: { kind: "headersOnly" } });
  const response = await post("/x", { bodyTimeout: 300 });
  expect(response.statusCode).toBe(200);
  expect(response.headers["vmware-api-session-id"]).toBe("session-0123456789");
  await expect(response.body.text()).rejects.toMatchObject({ code: "UND_ERR_BODY_TIMEOUT" });
});

it("trickle: the real answer arrives whole, one byte per chunk", async () => {
  front.arm({ misbehave: { kind: "trickle", intervalMs: 1, body: '{"value":"task-1"}' } });
  const response = await post("/x");
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).toString()).toBe('{"value":"task-1"}');
  expect(chunks.length).toBeGreaterThan(5);
});

it("endless and oversized: bodies without end, or of the size asked for", async () => {
  front.arm({ match: "endless", misbehave: { kind: "endless" } });
  const endless = await post("/endless");
  let read = 0;
  for await (const chunk of endless.body) {
    read += (chunk as Buffer).length;
    if (read > 4 * 1024 * 1024) break;
  }
  expect(read).toBeGreaterThan(4 * 1024 * 1024);

  front.arm({ match: "oversized", misbehave: { kind: "oversized", bytes: 3 * 1024 * 1024 + 7 } });
  const oversized = await post("/oversized");
  expect(oversized.headers["content-length"]).toBe(String(3 * 1024 * 1024 + 7));
  expect((await oversized.body.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024 + 7);
});

it("nest: the value at a JSON path becomes one nested without end, the rest of the answer stays", async () => {
  front.arm({ misbehave: { kind: "nest", at: "objects[].propSet[name=runtime.powerState].val", depth: 100_000 } });
  const answer = (await (await post("/x")).body.json()) as typeof ANSWER;
  const [power, name] = answer.objects[0]!.propSet;
  let depth = 0;
  for (let value: unknown = power!.val; Array.isArray(value); value = value[0]) depth += 1;
  expect(depth).toBe(100_000);
  expect(name).toEqual({ name: "name", val: "app-1" });
});

it("escapes: ANSI, C0 and C1 controls around the answer's strings (all of them, or those at a path)", async () => {
  front.arm({ match: "all", misbehave: { kind: "escapes" } });
  const all = (await (await post("/all")).body.json()) as typeof ANSWER;
  expect(all._typeName).toBe(`${ESCAPES}RetrieveResult${ESCAPES}`);
  front.arm({ match: "some", misbehave: { kind: "escapes", at: "objects[].propSet[].val" } });
  const some = (await (await post("/some")).body.json()) as typeof ANSWER;
  expect(some._typeName).toBe("RetrieveResult");
  expect(some.objects[0]!.propSet[1]!.val).toBe(`${ESCAPES}app-1${ESCAPES}`);
});

it("echoCredentials: a fault body that repeats the Authorization header, session header and body passwords", async () => {
  front.arm({ misbehave: { kind: "echoCredentials", body: echoBodies.vsphere } });
  const response = await post("/Login", {
    headers: { "content-type": "application/json", authorization: "Bearer bear-0123456789", "vmware-api-session-id": "sess-0123456789" },
    body: JSON.stringify({ userName: "u", password: "pw-0123456789" }),
  });
  expect(response.statusCode).toBe(500);
  const text = await response.body.text();
  for (const secret of ["Bearer bear-0123456789", "sess-0123456789", "pw-0123456789"]) expect(text).toContain(secret);
  expect(received).toEqual([]);

  front.disarm();
  front.arm({ misbehave: { kind: "echoCredentials", status: 401 } });
  const form = await post("/token", { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=password&username=u&password=form-0123456789" });
  expect(form.statusCode).toBe(401);
  expect(await form.body.text()).toContain("form-0123456789");
});

it("badToken: a session header or a JSON token replaced by one carrying CR/LF", async () => {
  front.arm({ match: "header", misbehave: { kind: "badToken", header: "vmware-api-session-id" } });
  const header = await post("/header");
  await header.body.text();
  // On the wire, CR/LF inside a header value ends the line: what follows arrives as a header of its own.
  expect(header.headers["vmware-api-session-id"]).toBe("session-0123456789");
  expect(header.headers["x-injected"]).toBe("1");

  front.arm({ match: "json", misbehave: { kind: "badToken", at: "access_token" } });
  const json = (await (await post("/json")).body.json()) as typeof ANSWER;
  expect(json.access_token).toBe(crlfToken("tok-0123456789"));

  front.arm({ match: "odd", misbehave: { kind: "badToken", header: "vmware-api-session-id", value: "two words" } });
  const odd = await post("/odd");
  await odd.body.text();
  expect(odd.headers["vmware-api-session-id"]).toBe("two words");
});

it("respond, times and skip: a given answer for the matching requests it is armed for, then the real one again", async () => {
  const rule = front.arm({ match: "Task", skip: 1, times: 2, misbehave: { kind: "respond", status: 503, headers: { "retry-after": "1" }, body: "busy" } });
  const statuses: number[] = [];
  for (let index = 0; index < 4; index += 1) {
    const response = await post("/Task");
    await response.body.text();
    statuses.push(response.statusCode);
  }
  expect(statuses).toEqual([200, 503, 503, 200]);
  expect(rule.hits).toBe(2);
  expect(front.log.map((entry) => entry.answer)).toEqual(["pass", "respond", "respond", "pass"]);
});

it("disarm cuts the connections a rule holds, and the front passes requests through again", async () => {
  front.arm({ misbehave: { kind: "hang" } });
  const pending = post("/held").then(
    () => "answered",
    (error: { code?: string }) => error.code ?? "error",
  );
  await until(() => front.log.length === 1);
  front.disarm();
  expect(await pending).toBe("UND_ERR_SOCKET");
  const response = await post("/again");
  expect(response.statusCode).toBe(200);
  await response.body.text();
});
