import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { noBodySchema, withBody } from "./adminBody";
import type { SimHandler, SimReply, SimRequest } from "./exchange";
import { PortInUseError } from "./errors";
import { FaultInjector } from "./faultInjector";

export type { SimHandler, SimReply, SimRequest } from "./exchange";

export interface SimulatorServer {
  name: string;
  url: string;
  port: number;
  faults: FaultInjector;
  /** Requests answered by the vendor handler (admin requests are not counted). */
  stats: { requests: number; byRoute: Record<string, number> };
  /**
   * Calls `listener` after the vendor handler acted on a request (before the answer is sent, also when the answer is
   * then dropped by `dropAfter`). Returns the unsubscribe function. Used by fault scenarios ("when the task has started…").
   */
  onHandled(listener: HandledListener): () => void;
  /**
   * A restart as clients see it: every open connection is cut, the port refuses connections for `downMs` (default 0),
   * then the server listens again on the same host and port. The vendor state (world) is kept; whatever a real restart
   * also loses (sessions) is the caller's to drop.
   */
  restart(options?: { downMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export type HandledListener = (request: SimRequest, reply: SimReply) => void;

export interface StartOptions {
  name: string;
  host?: string;
  port?: number;
  tls?: { key: string; cert: string };
  /** Required in header `x-simulator-admin-token` on every `/_sim/` request (checked before anything else). */
  adminToken: string;
  handler: SimHandler;
  /** Vendor admin routes under `/_sim/`; the common ones (faults, stats) are handled here. */
  adminHandler?: SimHandler;
  /** Route label for request statistics, e.g. "POST VirtualMachine/PowerOnVM_Task". */
  routeLabel?: (request: SimRequest) => string;
}

export const ADMIN_TOKEN_HEADER = "x-simulator-admin-token";

/** Admin routes live under this prefix; `/_sim` itself and `/_simfoo` belong neither to the admin API nor to a vendor. */
const ADMIN_PREFIX = "/_sim/";

/** How long `close()` lets requests in flight finish (a pending long poll is answered by its simulator) before cutting them. */
const CLOSE_GRACE_MS = 500;

const faultPlanSchema = z.strictObject({
  latencyMs: z.number().nonnegative().optional(),
  fail503: z.number().int().nonnegative().optional(),
  drop: z.number().int().nonnegative().optional(),
  dropAfter: z.number().int().nonnegative().optional(),
  pathContains: z.string().optional(),
  skip: z.number().int().nonnegative().optional(),
});

/** Starts one vendor simulator on loopback (port 0 picks a free port) with fault injection and an admin API. */
export async function startHttpServer(options: StartOptions): Promise<SimulatorServer> {
  const faults = new FaultInjector();
  const stats = { requests: 0, byRoute: {} as Record<string, number> };
  const handledListeners = new Set<HandledListener>();
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void serve(req, res);
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 30_000;
  let closing = false;
  const reply = (res: http.ServerResponse, answer: SimReply): void => send(res, answer, closing);

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const request: SimRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      bodyText: Buffer.concat(chunks).toString("utf8"),
    };
    try {
      if (request.path.startsWith(ADMIN_PREFIX)) {
        if (req.headers[ADMIN_TOKEN_HEADER] !== options.adminToken) return reply(res, { status: 401, body: { error: "admin token required" } });
        return reply(res, await handleAdmin(request));
      }
      if (request.path.startsWith("/_sim")) {
        return reply(res, { status: 404, body: { error: `${request.path} is neither a ${options.name} API path nor an admin route: admin routes start with ${ADMIN_PREFIX} (e.g. ${ADMIN_PREFIX}stats)` } });
      }
      stats.requests += 1;
      const label = options.routeLabel ? options.routeLabel(request) : `${request.method} ${request.path}`;
      stats.byRoute[label] = (stats.byRoute[label] ?? 0) + 1;
      const injected = faults.next(request.path);
      if (injected.latencyMs > 0) await delay(injected.latencyMs);
      if (injected.action === "drop") {
        req.socket.destroy();
        return;
      }
      if (injected.action === "503") return reply(res, { status: 503, rawBody: "Service Unavailable (injected)", headers: { "content-type": "text/plain" } });
      const answer = await options.handler(request);
      for (const listener of [...handledListeners]) {
        try {
          listener(request, answer);
        } catch {
          // a listener's failure is not the client's
        }
      }
      if (injected.action === "dropAfter") {
        req.socket.destroy();
        return;
      }
      reply(res, answer);
    } catch (error) {
      reply(res, { status: 500, rawBody: `simulator error: ${error instanceof Error ? error.stack : String(error)}`, headers: { "content-type": "text/plain" } });
    }
  }

  const commonRoutes: Record<string, (request: SimRequest) => SimReply> = {
    "POST /_sim/faults": withBody(faultPlanSchema, (plan) => {
      faults.configure(plan);
      return { status: 200, body: faults.describe() };
    }),
    "DELETE /_sim/faults": withBody(noBodySchema, () => {
      faults.reset();
      return { status: 204 };
    }),
    "GET /_sim/stats": withBody(noBodySchema, () => ({ status: 200, body: stats })),
    "DELETE /_sim/stats": withBody(noBodySchema, () => {
      stats.requests = 0;
      stats.byRoute = {};
      return { status: 204 };
    }),
  };

  async function handleAdmin(request: SimRequest): Promise<SimReply> {
    const common = commonRoutes[`${request.method} ${request.path}`];
    if (common) return common(request);
    if (options.adminHandler) return options.adminHandler(request);
    return { status: 404, body: { error: `no admin route ${request.method} ${request.path}` } };
  }

  const listen = (port: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const host = options.host ?? "127.0.0.1";
      const refuse = (error: NodeJS.ErrnoException): void => reject(error.code === "EADDRINUSE" ? new PortInUseError(host, port, options.name) : error);
      server.once("error", refuse);
      server.listen(port, host, () => {
        server.off("error", refuse);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    name: options.name,
    url: `${options.tls ? "https" : "http"}://${host}:${address.port}`,
    port: address.port,
    faults,
    stats,
    onHandled: (listener) => {
      handledListeners.add(listener);
      return () => {
        handledListeners.delete(listener);
      };
    },
    restart: async (restartOptions = {}) => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      const downMs = restartOptions.downMs ?? 0;
      if (downMs > 0) await delay(downMs);
      await listen(address.port);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        closing = true;
        // Stop accepting, drop idle keep-alive sockets now, let answers in flight go out (each then closes its socket),
        // and cut whatever is still open after the grace period.
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function send(res: http.ServerResponse, reply: SimReply, closing: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (closing) headers["connection"] = "close";
  let payload: string | undefined;
  if (reply.rawBody !== undefined) payload = reply.rawBody;
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers["content-type"] ??= "application/json";
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
