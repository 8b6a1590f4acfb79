import type { SimReply, SimRequest } from "../common/httpServer";
import * as zerr from "./errors";
import type { ZstackWorld } from "./world";

/**
 * The ZStack REST surface the simulator serves (ZStack Cloud dev guide; zstackio/zstack RestServer.java):
 *
 *   PUT    /zstack/v1/accounts/login                 {"logInByAccount":{accountName,password:<sha512 hex>}} → 200 {"inventory":{uuid,…}}
 *   DELETE /zstack/v1/accounts/sessions/{uuid}       → 200 {}
 *   GET    /zstack/v1/vm-instances[/{uuid}]          → 200 {"inventories":[…]} (q=uuid=… and q=state=… conditions)
 *   PUT    /zstack/v1/vm-instances/{uuid}/actions    {"recoverVmInstance"|"startVmInstance"|"stopVmInstance"|"expungeVmInstance":{…},
 *                                                     "systemTags"?:[…],"userTags"?:[…]} → 202 {"location","apiTimeout"}
 *   DELETE /zstack/v1/vm-instances/{uuid}            → 202 (destroy, Delay policy)
 *   GET    /zstack/v1/api-jobs/{uuid}                → 202 running (empty body) | 200 result | 503 {"error"} | 404 expired
 *
 * Synchronous failures (queries, login) are 503 with `{"error":…}`; an asynchronous call is always accepted (202) and
 * its failure (expired session included) is reported by the job. A missing Authorization header is 400 with a text
 * body, a malformed X-Job-UUID is 400, and a repeated X-Job-UUID returns the existing job without executing again.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

export interface ApiContext {
  world: ZstackWorld;
  /** host:port written into job locations (ZStack can advertise an internal address). */
  advertisedHost: () => string;
  requests: RecordedRequest[];
}

const API_TIMEOUT_MS = 1_800_000;

function json(status: number, body: unknown): SimReply {
  return { status, body };
}

function text(status: number, message: string): SimReply {
  return { status, rawBody: message, headers: { "content-type": "text/plain; charset=utf-8" } };
}

function failure(status: number, error: zerr.SimErrorCode): SimReply {
  return json(status, { error });
}

function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The session uuid of `Authorization: OAuth <uuid>`, or a 400 reply as RestServer sends it. */
function sessionOf(request: SimRequest): { sessionUuid: string } | { reply: SimReply } {
  const auth = header(request, "authorization");
  if (auth === undefined) return { reply: text(400, "missing header 'Authorization'") };
  const trimmed = auth.trim();
  if (!trimmed.startsWith("OAuth")) return { reply: text(400, "Authorization type must be 'OAuth'") };
  return { sessionUuid: trimmed.replace(/^OAuth/, "").trim() };
}

function parseBody(request: SimRequest): Record<string, unknown> | undefined {
  if (!request.bodyText) return {};
  try {
    const value = JSON.parse(request.bodyText) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : undefined;
}

function record(context: ApiContext, request: SimRequest): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  context.requests.push({ method: request.method, path: request.path, query: request.query.toString(), headers, body: request.bodyText });
  if (context.requests.length > 1000) context.requests.splice(0, context.requests.length - 1000);
}

export function routeLabel(request: SimRequest): string {
  const path = request.path.replace(/\/[0-9a-fA-F]{32}(?=\/|$)/g, "/{uuid}");
  return `${request.method} ${path}`;
}

export function zstackHandler(context: ApiContext): (request: SimRequest) => SimReply {
  return (request) => {
    record(context, request);
    const { world } = context;
    world.advance();
    const path = decodeURIComponent(request.path);

    if (path === "/zstack/v1/accounts/login") {
      if (request.method !== "PUT") return text(405, `The method[${request.method}] is not allowed for the path[${request.path}]`);
      return login(world, request);
    }
    let match = /^\/zstack\/v1\/accounts\/sessions\/([^/]+)$/.exec(path);
    if (match && request.method === "DELETE") {
      world.logout(match[1] as string);
      return json(200, {});
    }
    match = /^\/zstack\/v1\/api-jobs\/([^/]+)$/.exec(path);
    if (match) {
      if (request.method !== "GET") return text(405, "only GET method is allowed for querying job status");
      return pollJob(world, match[1] as string);
    }
    match = /^\/zstack\/v1\/vm-instances(?:\/([^/]+))?$/.exec(path);
    if (match && request.method === "GET") return queryVms(world, request, match[1]);
    if (match && match[1] && request.method === "DELETE") {
      return submit(context, request, match[1], "destroyVmInstance", {}, { systemTags: undefined, userTags: undefined });
    }
    match = /^\/zstack\/v1\/vm-instances\/([^/]+)\/actions$/.exec(path);
    if (match) {
      if (request.method !== "PUT") return text(405, `The method[${request.method}] is not allowed for the path[${request.path}]`);
      const body = parseBody(request);
      if (!body) return text(400, "the body is not a JSON object");
      const actions = ["recoverVmInstance", "startVmInstance", "stopVmInstance", "expungeVmInstance"];
      const action = actions.find((name) => name in body);
      if (!action) return text(400, `the body doesn't contain action mapping to the URL[${path}]`);
      const params = body[action] && typeof body[action] === "object" ? (body[action] as Record<string, unknown>) : {};
      return submit(context, request, match[1] as string, action, params, {
        systemTags: stringList(body["systemTags"]),
        userTags: stringList(body["userTags"]),
      });
    }
    return text(404, `no api mapping to ${path}`);
  };
}

function login(world: ZstackWorld, request: SimRequest): SimReply {
  const body = parseBody(request);
  const parameter = body?.["logInByAccount"];
  if (!parameter || typeof parameter !== "object") {
    return failure(503, zerr.invalidArgument("field[accountName] of message[org.zstack.header.identity.APILogInByAccountMsg] is mandatory, can not be null"));
  }
  const { accountName, password } = parameter as Record<string, unknown>;
  if (typeof accountName !== "string" || typeof password !== "string") {
    return failure(503, zerr.invalidArgument("field[accountName] and field[password] of APILogInByAccountMsg are mandatory"));
  }
  const result = world.login(accountName, password);
  if ("error" in result) return failure(503, result.error);
  return json(200, { inventory: world.sessionInventory(result.session) });
}

function queryVms(world: ZstackWorld, request: SimRequest, uuid: string | undefined): SimReply {
  const session = sessionOf(request);
  if ("reply" in session) return session.reply;
  if (!world.useSession(session.sessionUuid)) return failure(503, zerr.sessionExpired());
  let vms = [...world.vms.values()];
  if (uuid !== undefined) vms = vms.filter((vm) => vm.uuid === uuid);
  for (const condition of request.query.getAll("q")) {
    const [name, value] = condition.split("=", 2);
    if (name === "uuid") vms = vms.filter((vm) => vm.uuid === value);
    else if (name === "state") vms = vms.filter((vm) => vm.state === value);
    else if (name === "name") vms = vms.filter((vm) => vm.name === value);
  }
  const limit = Number(request.query.get("limit") ?? "1000");
  const start = Number(request.query.get("start") ?? "0");
  const page = vms.slice(start, start + (Number.isFinite(limit) ? limit : 1000));
  const schema: Record<string, string> = {};
  page.forEach((_, index) => {
    schema[`inventories[${index}]`] = "org.zstack.sdk.VmInstanceInventory";
  });
  return json(200, { inventories: page.map((vm) => world.inventory(vm)), schema });
}

function submit(
  context: ApiContext,
  request: SimRequest,
  vmUuid: string,
  action: string,
  params: Record<string, unknown>,
  tags: { systemTags?: string[]; userTags?: string[] },
): SimReply {
  const session = sessionOf(request);
  if ("reply" in session) return session.reply;
  const jobUuid = header(request, "x-job-uuid");
  if (jobUuid !== undefined && !/^[0-9a-fA-F]{32}$/.test(jobUuid)) {
    return text(400, "Invalid header[X-Job-UUID], it must be a UUID with '-' stripped");
  }
  const { job } = context.world.submit({ jobUuid, sessionUuid: session.sessionUuid, action, vmUuid, params, ...tags });
  return json(202, { location: `http://${context.advertisedHost()}/zstack/v1/api-jobs/${job.uuid}`, apiTimeout: API_TIMEOUT_MS });
}

function pollJob(world: ZstackWorld, jobUuid: string): SimReply {
  const job = world.jobs.get(jobUuid);
  if (!job) return text(404, "the job has been expired");
  if (job.state === "processing") return { status: 202, rawBody: "" };
  const outcome = job.outcome;
  if (!outcome || outcome.success) return json(200, outcome?.result ?? {});
  return failure(503, outcome.error);
}
