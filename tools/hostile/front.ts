/**
 * A misbehaving front: a small HTTP proxy on 127.0.0.1 before a twin (or any HTTP server) that passes requests through
 * until a rule says otherwise, and then answers the way a broken proxy, a half-upgraded appliance or an impersonated
 * endpoint would. Tests and the fault matrix point a vendor's server setting at `front.url` instead of the twin's.
 *
 *   const front = await startHostileFront(twin.url);
 *   const rule = front.arm({ match: "PowerOnVM_Task", misbehave: { kind: "hang" } });
 *   ... run the operation ...
 *   rule.hits            // how many requests the rule answered
 *   front.disarm();      // every rule removed; connections it holds are cut
 *   await front.close();
 *
 * Rules (`arm`) are tried in the order they were armed; the first that matches a request and has uses left answers it;
 * a request no rule takes is passed through unchanged. `match` is a text the path (with query) contains, a RegExp on it,
 * or a predicate on the whole request; `times` bounds the uses (default: every matching request); `skip` lets that many
 * matching requests through first.
 *
 * Misbehaviours:
 *   hang            accepts and never answers; `forward: true` passes the request on first (the server acts, its answer is
 *                   swallowed)
 *   headersOnly     passes the request on, sends the real status and headers, never a byte of the body
 *   trickle         the real answer (or `body`) one byte per `intervalMs`, after headers sent at once
 *   endless         a 200 whose body never ends (`chunk` repeated, as fast as the client reads)
 *   oversized       a 200 body of `bytes` bytes (a declared content-length unless `chunked`)
 *   nest            the real JSON answer with the value at `at` replaced by one nested `depth` levels deep
 *   escapes         the real JSON answer with ESCAPES wrapped around every string value (or those at `at`)
 *   echoCredentials a fault/error body (`status`, default 500) that repeats the request's credentials: Authorization,
 *                   session headers, and any password / token field of a JSON or form body (see `echoBodies`)
 *   badToken        the real answer with a token replaced (header `header`, or the JSON value at `at`) by `value`
 *                   (default: the original followed by CR/LF and an injected header line)
 *   respond         a given answer: `status`, `headers`, `body`
 *   rewrite         the real JSON answer passed through `body` (e.g. a server that leaves some updates out)
 *
 * JSON paths (`at`): keys separated by dots; `[]` is every element of an array, `[3]` one element, `[name=x.y]` the
 * elements whose `name` is "x.y". Example: `objects[].propSet[name=runtime.powerState].val`.
 *
 * Plain node:http, no dependencies: the same front serves tests (test/hostile/) and `npm run reliability`.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** Escape sequences and control characters a hostile answer smuggles into text: CSI (clear screen, colour), OSC (window title), BEL, NUL, backspace, 8-bit CSI, NEL. */
export const ESCAPES = "\u001b[2J\u001b[31m\u001b]0;owned\u0007\u0000\u0008\u009b1m\u0085";

/** The default replacement of a token: the original followed by CR/LF and an injected header line. */
export function crlfToken(original: string): string {
  return `${original}\r\nX-Injected: 1`;
}

export interface FrontRequest {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Credentials found in a request (what an echoing server repeats back). */
export interface EchoedCredentials {
  authorization?: string;
  /** Session headers: vmware-api-session-id, x-auth-token and the like. */
  session?: string;
  /** password / token fields of a JSON or form body. */
  fields: string[];
  /** Everything above, in one list. */
  all: string[];
}

export type Misbehaviour =
  | { kind: "hang"; forward?: boolean }
  | { kind: "headersOnly" }
  | { kind: "trickle"; intervalMs: number; body?: string; status?: number }
  | { kind: "endless"; chunk?: string; contentType?: string }
  | { kind: "oversized"; bytes: number; chunked?: boolean; contentType?: string }
  | { kind: "nest"; at: string; depth: number; shape?: "array" | "object" }
  | { kind: "escapes"; at?: string }
  | { kind: "echoCredentials"; status?: number; body?: (echoed: EchoedCredentials) => string; contentType?: string }
  | { kind: "badToken"; header?: string; at?: string; value?: string | ((original: string) => string) }
  | { kind: "respond"; status: number; headers?: Record<string, string>; body: string }
  | { kind: "rewrite"; body: (json: unknown) => unknown };

export interface FrontRule {
  /** Which requests: a text the path contains, a RegExp on the path, or a predicate (default: every request). */
  match?: string | RegExp | ((request: FrontRequest) => boolean);
  /** How many matching requests the rule answers (default: all of them). */
  times?: number;
  /** Matching requests let through before the rule starts answering (default 0). */
  skip?: number;
  misbehave: Misbehaviour;
}

export interface ArmedRule {
  readonly rule: FrontRule;
  /** Requests this rule answered so far. */
  readonly hits: number;
  /** Removes this rule (connections it holds stay as they are until `front.disarm()` or `close()`). */
  disarm(): void;
}

export interface FrontLogEntry {
  method: string;
  path: string;
  /** The misbehaviour that answered, or "pass". */
  answer: Misbehaviour["kind"] | "pass";
}

export interface HostileFront {
  /** http://127.0.0.1:<port>: point the client here. */
  readonly url: string;
  /** The server requests are passed to. */
  readonly target: string;
  /** Every request the front received, in order. */
  readonly log: FrontLogEntry[];
  /** Calls `listener` with each request's log entry as the front receives it; returns the unsubscribe function. */
  onRequest(listener: (entry: FrontLogEntry) => void): () => void;
  arm(rule: FrontRule): ArmedRule;
  /** Removes every rule and cuts the connections rules are holding (hung, trickling, endless answers). */
  disarm(): void;
  /** Connections the front holds open right now (client side). */
  openConnections(): number;
  close(): Promise<void>;
}

/** Ready-made echoing fault bodies in each vendor's error format. */
export const echoBodies = {
  vsphere: (echoed: EchoedCredentials): string =>
    JSON.stringify({
      _typeName: "InvalidRequest",
      faultMessage: [{ _typeName: "LocalizableMessage", key: "echo", message: `request rejected: ${echoed.all.join(" ")}` }],
      echoedHeaders: { authorization: echoed.authorization ?? null, session: echoed.session ?? null },
      echoedFields: echoed.fields,
    }),
  zstack: (echoed: EchoedCredentials): string =>
    JSON.stringify({ error: { code: "SYS.1000", description: `request rejected: ${echoed.all.join(" ")}`, details: echoed.all.join(" "), elaboration: echoed.fields.join(" ") } }),
  veeam: (echoed: EchoedCredentials): string =>
    JSON.stringify({ errorCode: "Unauthorized", message: `request rejected: ${echoed.all.join(" ")}`, details: { headers: [echoed.authorization, echoed.session], fields: echoed.fields } }),
};

interface RuleSlot {
  rule: FrontRule;
  seen: number;
  hits: number;
  active: boolean;
}

interface UpstreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Misbehaviours that keep a connection busy (never answering, or answering slowly or without end). */
const HOLDING = new Set<Misbehaviour["kind"]>(["hang", "headersOnly", "trickle", "endless", "oversized"]);

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "content-length"]);

export async function startHostileFront(target: string): Promise<HostileFront> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const slots: RuleSlot[] = [];
  const log: FrontLogEntry[] = [];
  const requestListeners = new Set<(entry: FrontLogEntry) => void>();
  const sockets = new Set<Socket>();
  /** Client connections a rule answered and is still holding (or trickling into). */
  const held = new Set<Socket>();

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      held.delete(socket);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: FrontRequest = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    const slot = pick(request);
    const entry: FrontLogEntry = { method: request.method, path: request.path, answer: slot ? slot.rule.misbehave.kind : "pass" };
    log.push(entry);
    for (const listener of [...requestListeners]) listener(entry);
    try {
      if (!slot) {
        await passThrough(request, res);
        return;
      }
      if (HOLDING.has(slot.rule.misbehave.kind)) {
        const socket = req.socket;
        held.add(socket);
        res.on("finish", () => held.delete(socket));
      }
      await misbehave(slot.rule.misbehave, request, req, res);
    } catch {
      // The upstream failed or the client went away: the client sees its connection cut, as it would without the front.
      req.socket.destroy();
    }
  }

  function pick(request: FrontRequest): RuleSlot | undefined {
    for (const slot of slots) {
      if (!slot.active || !matches(slot.rule, request)) continue;
      slot.seen += 1;
      if (slot.seen <= (slot.rule.skip ?? 0)) continue;
      if (slot.hits >= (slot.rule.times ?? Infinity)) continue;
      slot.hits += 1;
      return slot;
    }
    return undefined;
  }

  function forward(request: FrontRequest): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.path,
          headers: { ...request.headers, host: upstream.host },
          agent,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => parts.push(chunk));
          answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts) }));
          answer.on("error", reject);
          answer.on("aborted", () => reject(new Error("upstream answer cut")));
        },
      );
      outgoing.on("error", reject);
      outgoing.end(request.body);
    });
  }

  async function passThrough(request: FrontRequest, res: http.ServerResponse): Promise<void> {
    const answer = await forward(request);
    sendWhole(res, answer.status, answer.headers, answer.body);
  }

  async function misbehave(behaviour: Misbehaviour, request: FrontRequest, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    switch (behaviour.kind) {
      case "hang":
        if (behaviour.forward) await forward(request);
        return;
      case "headersOnly": {
        const answer = await forward(request);
        res.writeHead(answer.status, { ...endToEnd(answer.headers), "content-length": String(Math.max(answer.body.length, 1)) });
        res.flushHeaders();
        return;
      }
      case "trickle": {
        const answer = behaviour.body === undefined ? await forward(request) : { status: behaviour.status ?? 200, headers: { "content-type": "application/json" }, body: Buffer.from(behaviour.body) };
        res.writeHead(answer.status, { ...endToEnd(answer.headers), "content-length": String(answer.body.length) });
        res.flushHeaders();
        await trickle(res, answer.body, behaviour.intervalMs);
        return;
      }
      case "endless":
        res.writeHead(200, { "content-type": behaviour.contentType ?? "application/json" });
        await stream(res, Buffer.from(behaviour.chunk ?? `{"_typeName":"${"A".repeat(1000)}",`), Infinity);
        return;
      case "oversized":
        res.writeHead(200, { "content-type": behaviour.contentType ?? "application/json", ...(behaviour.chunked ? {} : { "content-length": String(behaviour.bytes) }) });
        await stream(res, Buffer.from("A".repeat(64 * 1024)), behaviour.bytes);
        return;
      case "nest": {
        const answer = await forward(request);
        sendWhole(res, answer.status, answer.headers, Buffer.from(nestAt(answer.body.toString("utf8"), behaviour.at, behaviour.depth, behaviour.shape ?? "array")));
        return;
      }
      case "escapes": {
        const answer = await forward(request);
        sendWhole(res, answer.status, answer.headers, Buffer.from(JSON.stringify(withEscapes(JSON.parse(answer.body.toString("utf8")) as unknown, behaviour.at))));
        return;
      }
      case "echoCredentials": {
        const echoed = credentialsIn(request);
        const body = behaviour.body ? behaviour.body(echoed) : JSON.stringify({ error: "request rejected", echo: echoed.all });
        sendWhole(res, behaviour.status ?? 500, { "content-type": behaviour.contentType ?? "application/json" }, Buffer.from(body));
        return;
      }
      case "badToken": {
        const answer = await forward(request);
        const replace = (original: string): string =>
          typeof behaviour.value === "function" ? behaviour.value(original) : (behaviour.value ?? crlfToken(original));
        if (behaviour.header) {
          const name = behaviour.header.toLowerCase();
          const original = answer.headers[name];
          const headers = { ...answer.headers, [name]: replace(typeof original === "string" ? original : "") };
          // node:http refuses to write a header value with CR/LF or other control characters: write the answer raw.
          writeRaw(req.socket, answer.status, headers, answer.body);
          return;
        }
        const json = JSON.parse(answer.body.toString("utf8")) as unknown;
        for (const slot of select(json, behaviour.at ?? "")) {
          const original = slot.parent[slot.key];
          slot.parent[slot.key] = replace(typeof original === "string" ? original : "");
        }
        sendWhole(res, answer.status, answer.headers, Buffer.from(JSON.stringify(json)));
        return;
      }
      case "respond":
        sendWhole(res, behaviour.status, behaviour.headers ?? {}, Buffer.from(behaviour.body));
        return;
      case "rewrite": {
        const answer = await forward(request);
        const text = answer.body.toString("utf8");
        sendWhole(res, answer.status, answer.headers, Buffer.from(JSON.stringify(behaviour.body(text.length > 0 ? (JSON.parse(text) as unknown) : null))));
        return;
      }
    }
  }

  function trickle(res: http.ServerResponse, body: Buffer, intervalMs: number): Promise<void> {
    return new Promise((resolve) => {
      let offset = 0;
      const timer = setInterval(() => {
        if (res.destroyed || offset >= body.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          resolve();
          return;
        }
        res.write(body.subarray(offset, offset + 1));
        offset += 1;
      }, intervalMs);
      res.on("close", () => {
        clearInterval(timer);
        resolve();
      });
    });
  }

  /** Writes `chunk` over and over until `total` bytes went out or the client left, at the pace the client reads. */
  async function stream(res: http.ServerResponse, chunk: Buffer, total: number): Promise<void> {
    let sent = 0;
    while (sent < total && !res.destroyed) {
      const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
      sent += piece.length;
      if (!res.write(piece)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off("drain", done);
            res.off("close", done);
            resolve();
          };
          res.on("drain", done);
          res.on("close", done);
        });
      }
    }
    if (!res.destroyed) res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const front: HostileFront = {
    url: `http://127.0.0.1:${port}`,
    target,
    log,
    onRequest(listener) {
      requestListeners.add(listener);
      return () => requestListeners.delete(listener);
    },
    arm(rule) {
      const slot: RuleSlot = { rule, seen: 0, hits: 0, active: true };
      slots.push(slot);
      return {
        rule,
        get hits() {
          return slot.hits;
        },
        disarm() {
          slot.active = false;
        },
      };
    },
    disarm() {
      for (const slot of slots) slot.active = false;
      slots.splice(0, slots.length);
      for (const socket of held) socket.destroy();
      held.clear();
    },
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        front.disarm();
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
  return front;
}

function matches(rule: FrontRule, request: FrontRequest): boolean {
  const match = rule.match;
  if (match === undefined) return true;
  if (typeof match === "string") return request.path.includes(match);
  if (match instanceof RegExp) return match.test(request.path);
  return match(request);
}

function endToEnd(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

function sendWhole(res: http.ServerResponse, status: number, headers: http.IncomingHttpHeaders | Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...endToEnd(headers), "content-length": String(body.length) });
  res.end(body);
}

const REASONS: Record<number, string> = { 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error" };

function writeRaw(socket: Socket, status: number, headers: http.IncomingHttpHeaders, body: Buffer): void {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? "Unknown"}`];
  for (const [name, value] of Object.entries(endToEnd(headers))) for (const each of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${each}`);
  lines.push(`content-length: ${body.length}`, "connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), body]));
}

/** Credentials in a request: auth and session headers, password and token fields of a JSON or form body. */
export function credentialsIn(request: FrontRequest): EchoedCredentials {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  };
  const authorization = header("authorization");
  const session = Object.keys(request.headers)
    .filter((name) => /session|token/i.test(name))
    .map(header)
    .find((value): value is string => !!value);
  const fields: string[] = [];
  const secretKey = /password|secret|token/i;
  try {
    const walk = (value: unknown, depth: number): void => {
      if (!value || typeof value !== "object" || depth > 8) return;
      for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
        if (typeof member === "string" && secretKey.test(key)) fields.push(member);
        else walk(member, depth + 1);
      }
    };
    walk(JSON.parse(request.body) as unknown, 0);
  } catch {
    for (const [key, value] of new URLSearchParams(request.body)) if (secretKey.test(key) && value) fields.push(value);
  }
  const all = [authorization, session, ...fields].filter((value): value is string => !!value);
  return { ...(authorization ? { authorization } : {}), ...(session ? { session } : {}), fields, all };
}

// ---- JSON paths ------------------------------------------------------------------------------------------------------

type Segment = { key: string } | { every: true } | { index: number } | { where: string; equals: string };

function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const [, key, bracket] of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (key !== undefined) segments.push({ key });
    else if (bracket === "" || bracket === undefined) segments.push({ every: true });
    else if (/^\d+$/.test(bracket)) segments.push({ index: Number(bracket) });
    else {
      const at = bracket.indexOf("=");
      segments.push({ where: bracket.slice(0, at), equals: bracket.slice(at + 1) });
    }
  }
  return segments;
}

interface Slot {
  parent: Record<string | number, unknown>;
  key: string | number;
}

/** Every place in `root` the path names (an empty path names nothing). */
export function select(root: unknown, path: string): Slot[] {
  const segments = parsePath(path);
  if (segments.length === 0) return [];
  let slots: Slot[] = [{ parent: { root } as Record<string, unknown>, key: "root" }];
  for (const segment of segments) {
    const next: Slot[] = [];
    for (const slot of slots) {
      const value = slot.parent[slot.key];
      if ("key" in segment) {
        if (value && typeof value === "object" && !Array.isArray(value)) next.push({ parent: value as Record<string, unknown>, key: segment.key });
      } else if (Array.isArray(value)) {
        value.forEach((item: unknown, index) => {
          if ("every" in segment) next.push({ parent: value as unknown as Record<number, unknown>, key: index });
          else if ("index" in segment && segment.index === index) next.push({ parent: value as unknown as Record<number, unknown>, key: index });
          else if ("where" in segment && item && typeof item === "object" && (item as Record<string, unknown>)[segment.where] === segment.equals) {
            next.push({ parent: value as unknown as Record<number, unknown>, key: index });
          }
        });
      }
    }
    slots = next;
  }
  return slots;
}

/** The JSON text with the value at `at` replaced by one nested `depth` levels deep (built as text: no stack is spent on it). */
export function nestAt(text: string, at: string, depth: number, shape: "array" | "object"): string {
  const json = JSON.parse(text) as unknown;
  const marker = "\u0000nested-value\u0000";
  const slots = select(json, at);
  if (slots.length === 0) throw new Error(`nothing at ${at} in the answer`);
  for (const slot of slots) slot.parent[slot.key] = marker;
  const nested = shape === "array" ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}null${"}".repeat(depth)}`;
  return JSON.stringify(json).split(JSON.stringify(marker)).join(nested);
}

/** A copy of the value with ESCAPES around every string (or only those at `at`). */
export function withEscapes(value: unknown, at?: string): unknown {
  if (at !== undefined) {
    for (const slot of select(value, at)) {
      const original = slot.parent[slot.key];
      if (typeof original === "string") slot.parent[slot.key] = `${ESCAPES}${original}${ESCAPES}`;
    }
    return value;
  }
  if (typeof value === "string") return `${ESCAPES}${value}${ESCAPES}`;
  if (Array.isArray(value)) return value.map((item) => withEscapes(item));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, withEscapes(member)]));
  return value;
}
