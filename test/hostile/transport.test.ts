import * as path from "node:path";
import { MAX_RESPONSE_BYTES, send, type Endpoint } from "../../provider/http/transport";
import { classify } from "../../provider/http/failure";
import { startHostileFront, type HostileFront } from "../../tools/hostile/front";
import { measureMemory } from "../../tools/hostile/memoryProbe";
import { failure } from "./support";

/**
 * The transport against the misbehaving front directly: requests it must not send, answers it must not trust, and the
 * memory a hostile answer may cost (measured in a child process running the compiled transport: `npm test` builds first).
 */

let front: HostileFront;
let endpoint: Endpoint;
beforeAll(async () => {
  // Every request is answered by a rule or never reaches anything: nothing listens on port 9.
  front = await startHostileFront("http://127.0.0.1:9");
  endpoint = { origin: front.url, settingKey: "test:server", namespace: "test", allowUnverifiedSsl: false };
});
afterAll(async () => {
  await front.close();
});
beforeEach(() => front.disarm());


it("a header value with CR/LF is never sent: a credential header is an authentication error, any other a validation error", async () => {
  const token = await failure(send(endpoint, { method: "GET", path: "/x", headers: { authorization: "Bearer abc\r\nX-Injected: 1" }, operation: "GET plan" }));
  expect(token).toMatchObject({ kind: "authentication", delivery: "notSent", transient: false });
  expect(token.message).toBe(
    `GET plan was not sent to ${front.url} (test:server): the value of its authorization header holds characters HTTP does not allow there (control characters such as CR or LF). The credential came from the server and cannot be used.`,
  );
  const other = await failure(send(endpoint, { method: "GET", path: "/x", headers: { "x-request-id": "a\u0000b" }, operation: "GET plan" }));
  expect(other).toMatchObject({ kind: "validation", delivery: "notSent", transient: false });
  expect(front.log).toEqual([]);
});

it("anything else undici refuses to send (UND_ERR_INVALID_ARG) is not sent and not repeated, never a network failure", async () => {
  const error = await failure(send(endpoint, { method: "GET", path: "/x", headers: { "bad header name": "x" }, operation: "GET plan" }));
  expect(error).toMatchObject({ kind: "validation", delivery: "notSent", transient: false });
  expect(error.message).toContain("undici refused the request as built (invalid header key)");
  expect(classify(error)).toEqual({ delivery: "notSent", transient: false });
  expect(front.log).toEqual([]);
});

it("an answer that announces more than the limit is refused before its body is read", async () => {
  front.arm({ misbehave: { kind: "oversized", bytes: MAX_RESPONSE_BYTES + 1 } });
  const error = await failure(send(endpoint, { method: "GET", path: "/big", operation: "GET big", object: "Plan:p-1" }));
  expect(error).toMatchObject({ kind: "server", delivery: "unknown", transient: false });
  expect(error.message).toBe(`${front.url} (test:server) answered GET big on Plan:p-1 with more than 32 MiB, the limit of one answer; the connection was dropped and the answer discarded.`);
});

it("a request that runs out of time says how far the answer got, and that the limit was its own timeout", async () => {
  front.arm({ misbehave: { kind: "trickle", intervalMs: 200, body: '{"value":"task-1"}' } });
  const error = await failure(send(endpoint, { method: "POST", path: "/slow", operation: "PowerOnVM_Task", timeoutMs: 700 }));
  expect(error).toMatchObject({ kind: "timeout", delivery: "unknown", transient: true });
  expect(error.message).toMatch(
    new RegExp(`^${front.url.replace(/[.]/g, "\\.")} \\(test:server\\) did not answer PowerOnVM_Task within 700 ms \\(the longest one request may take\\); last state: HTTP 200 headers and [1-9]\\d* of 18 bytes of the body received\\.$`),
  );
});

it("endless and oversized answers cost a bounded amount of memory, and an answer under the limit is still read", async () => {
  const figures = await measureMemory(path.join(__dirname, "../../dist/tools/hostile/memoryProbe.js"));
  const limitMiB = MAX_RESPONSE_BYTES / (1024 * 1024);
  expect(figures.calls.map((call) => call.outcome.startsWith("ServerError:") && call.outcome.includes("more than 32 MiB"))).toEqual([true, true, true, true, false]);
  expect(figures.calls[4]).toEqual({ path: "/large", outcome: "answered (24 MiB)" });
  // Without the limit an endless answer grows until the process dies; with it the peak stays a few times the limit.
  expect(figures.growthMiB).toBeLessThan(5 * limitMiB);
  expect(figures.buffersPeakMiB).toBeLessThan(3 * limitMiB);
}, 120_000);
