/**
 * The VI/JSON wire protocol: `/sdk/vim25/{release}/{MoType}/{moId}/{methodOrProperty}` (methods POST, properties GET),
 * an unknown release → 404, session header `vmware-api-session-id` (missing or dead → 500 NotAuthenticated
 * {object, privilegeId}), unknown object → 500 ManagedObjectNotFound {obj}, faults as HTTP 500 JSON, void → 204,
 * and the release negotiation `POST /api/vcenter/system?action=hello`.
 */
import type { SimHandler, SimReply, SimRequest } from "../common/httpServer";
import { faults, VimFaultError } from "./faults";
import { viMethods } from "./handlers";
import { compareReleases, MANAGED_OBJECT_PROPERTIES } from "./handlers/managedObjectProperties";
import { HttpAnswer, type CallContext, type RegisteredMethod } from "./handlers/methodRegistry";
import type { PropertyCollectorService } from "./handlers/propertyCollector";
import type { VsphereWorld } from "./model/world";
import { SESSION_HEADER, userSessionData, type Session } from "./sessions";
import { moRef } from "./wire";

const SDK_PREFIX = "/sdk/vim25/";
/** The first release with `POST /api/vcenter/system?action=hello`. */
const HELLO_SINCE = "8.0.2.0";

/** Properties readable without a session. */
const ANONYMOUS_PROPERTIES = new Set(["ServiceInstance/content", "SessionManager/currentSession"]);

export interface ParsedSdkPath {
  release: string;
  moType: string;
  moId: string;
  name: string;
}

export function parseSdkPath(path: string): ParsedSdkPath | undefined {
  if (!path.startsWith(SDK_PREFIX)) return undefined;
  const segments = path.slice(SDK_PREFIX.length).split("/");
  if (segments.length !== 4 || segments.some((segment) => segment === "")) return undefined;
  try {
    const [release, moType, moId, name] = segments.map((segment) => decodeURIComponent(segment));
    return { release, moType, moId, name };
  } catch {
    return undefined;
  }
}

export function routeLabel(request: SimRequest): string {
  const parsed = parseSdkPath(request.path);
  if (parsed) return `${request.method} ${parsed.moType}/${parsed.name}`;
  return `${request.method} ${request.path}`;
}

function faultReply(error: VimFaultError): SimReply {
  return { status: 500, body: error.body };
}

function notFound(message: string): SimReply {
  return { status: 404, body: { error: "Not Found", message } };
}

export function createVsphereHandler(world: VsphereWorld, collectors: PropertyCollectorService): SimHandler {
  const methods = new Map<string, RegisteredMethod>();
  for (const method of viMethods(world, collectors)) {
    methods.set(`${method.moType}/${method.name}`, method);
  }

  function objectExists(session: Session | undefined, moType: string, moId: string): boolean {
    if (moType === "PropertyCollector") return collectors.exists(session, moId);
    if (moType === "PropertyFilter") return collectors.filterExists(session, moId);
    return world.exists(moType, moId, session?.token);
  }

  function readProperty(session: Session | undefined, target: ParsedSdkPath): unknown {
    if (target.moType === "SessionManager" && target.name === "currentSession") return session ? userSessionData(session) : null;
    const property = MANAGED_OBJECT_PROPERTIES[target.moType]?.[target.name];
    if (!property) throw new Error(`no property ${target.moType}/${target.name}`);
    return property.read(world, target.moId) ?? null;
  }

  async function handleSdk(request: SimRequest, target: ParsedSdkPath): Promise<SimReply> {
    if (!world.releases.includes(target.release)) return notFound(`Unsupported release ${target.release}`);
    const method = methods.get(`${target.moType}/${target.name}`);
    const isProperty = (target.moType === "SessionManager" && target.name === "currentSession") || MANAGED_OBJECT_PROPERTIES[target.moType]?.[target.name] !== undefined;
    if (!method && !isProperty) return notFound(`No method or property ${target.name} on ${target.moType}`);
    if (method && request.method !== "POST") return { status: 405, headers: { allow: "POST" }, body: { error: "Method Not Allowed", message: `${target.name} is a method: use POST` } };
    if (!method && request.method !== "GET") return { status: 405, headers: { allow: "GET" }, body: { error: "Method Not Allowed", message: `${target.name} is a property: use GET` } };

    const token = request.headers[SESSION_HEADER];
    const sessionToken = typeof token === "string" ? token : undefined;
    const anonymous = method ? method.anonymous : ANONYMOUS_PROPERTIES.has(`${target.moType}/${target.name}`);
    const session = world.sessions.touch(sessionToken);
    try {
      if (!anonymous && !session) throw faults.notAuthenticated(moRef(target.moType, target.moId), method?.privilege ?? "System.View");
      if (!objectExists(session, target.moType, target.moId)) throw faults.managedObjectNotFound(moRef(target.moType, target.moId));
      if (!method) return { status: 200, body: readProperty(session, target) };
      const context: CallContext = { world, session, moType: target.moType, moId: target.moId, request };
      const result = await method.invoke(context);
      if (result instanceof HttpAnswer) return { status: result.status, body: result.body, headers: result.headers };
      if (result === undefined) return { status: 204 };
      return { status: 200, body: result };
    } catch (error) {
      if (error instanceof VimFaultError) return faultReply(error);
      throw error;
    }
  }

  function handleHello(request: SimRequest): SimReply {
    const newest = [...world.releases].sort(compareReleases).pop();
    if (!newest || compareReleases(newest, HELLO_SINCE) < 0) return notFound("This vCenter has no /api/vcenter/system hello (before 8.0.2).");
    if (request.method !== "POST") return { status: 405, headers: { allow: "POST" }, body: { error_type: "OPERATION_NOT_FOUND", messages: [] } };
    let offered: unknown;
    try {
      offered = JSON.parse(request.bodyText || "null");
    } catch {
      offered = undefined;
    }
    const releases = typeof offered === "object" && offered !== null && "api_releases" in offered ? (offered as { api_releases: unknown }).api_releases : undefined;
    if (!Array.isArray(releases) || !releases.every((release) => typeof release === "string")) {
      return {
        status: 400,
        body: { error_type: "INVALID_ARGUMENT", messages: [{ id: "vapi.data.structure.field.missing", default_message: "Field api_releases (a list of strings) is required.", args: [] }] },
      };
    }
    const common = releases.filter((release) => world.releases.includes(release)).sort(compareReleases);
    return { status: 200, body: { api_release: common.pop() ?? "" } };
  }

  return async (request) => {
    if (request.path === "/api/vcenter/system" && request.query.get("action") === "hello") return handleHello(request);
    const target = parseSdkPath(request.path);
    if (!target) return notFound(`No route ${request.path}`);
    return handleSdk(request, target);
  };
}
