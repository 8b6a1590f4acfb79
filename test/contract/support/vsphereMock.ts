import { MockAgent, type Dispatcher } from "undici";
import { recordStackConfig } from "../../../provider/config";
import { setDispatcherOverride } from "../../../provider/http/transport";
import { forget } from "../../../provider/runtime";

/**
 * The shared MockAgent harness for the VI/JSON contract tests: one fake vCenter at ORIGIN, every request recorded
 * (method, path, lower-cased headers, raw and parsed body), answers queued one per request with `intercept` or routed
 * by a handler with `routeAll`. `useVsphereMock()` installs the hooks that give each test a fresh agent and stack config.
 */

export const ORIGIN = "https://vc.example.test";
export const RELEASE = "8.0.3.0";
export const BASE = `/sdk/vim25/${RELEASE}`;
export const HELLO = "/api/vcenter/system?action=hello";
export const CONTENT_PATH = `${BASE}/ServiceInstance/ServiceInstance/content`;
export const LOGIN = `${BASE}/SessionManager/SessionManager/Login`;
export const RETRIEVE = `${BASE}/PropertyCollector/propertyCollector/RetrievePropertiesEx`;
export const CREATE_PROPERTY_COLLECTOR = `${BASE}/PropertyCollector/propertyCollector/CreatePropertyCollector`;
export const CREDENTIALS = { user: "admin@vsphere.local", password: "Pa55-word" };

export const moref = (type: string, value: string) => ({ _typeName: "ManagedObjectReference" as const, type, value });
export const boxed = (typeName: string, value: unknown) => ({ _typeName: typeName, _value: value });

export const CONTENT = {
  _typeName: "ServiceContent",
  rootFolder: moref("Folder", "group-d1"),
  propertyCollector: moref("PropertyCollector", "propertyCollector"),
  sessionManager: moref("SessionManager", "SessionManager"),
  about: { _typeName: "AboutInfo", name: "VMware vCenter Server", apiVersion: RELEASE, version: "8.0.3" },
};

/** The VM fact paths the vSphere resources read in one RetrievePropertiesEx. */
export const FACT_PATHS = ["name", "runtime.powerState", "runtime.host", "runtime.faultToleranceState", "guest.toolsRunningStatus", "config.template", "config.ftInfo"];

/** One request the fake server received. */
export interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

/** What a routed request is answered with. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function headersOf(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (Array.isArray(raw)) for (let i = 0; i < raw.length; i += 2) headers[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  else if (raw && typeof raw === "object") for (const [k, v] of Object.entries(raw)) headers[k.toLowerCase()] = String(v);
  return headers;
}

/** A request as the recorder keeps it: headers lower-cased, a string body kept raw and parsed as JSON. */
export function describeRequest(options: Dispatcher.DispatchOptions): Seen {
  const rawBody = typeof options.body === "string" ? options.body : undefined;
  return { method: options.method, path: options.path, headers: headersOf(options.headers), rawBody, body: rawBody ? JSON.parse(rawBody) : undefined };
}

/** A RetrievePropertiesEx answer: one ObjectContent per object, its properties as DynamicProperty entries. */
export function retrieveResult(...objects: { obj: unknown; props?: Record<string, unknown> }[]): unknown {
  return {
    _typeName: "RetrieveResult",
    objects: objects.map(({ obj, props }) => ({
      _typeName: "ObjectContent",
      obj,
      ...(props ? { propSet: Object.entries(props).map(([name, val]) => ({ _typeName: "DynamicProperty", name, val })) } : {}),
    })),
  };
}

/** A RetrievePropertiesEx answer with the VM facts. */
export function facts(vmId: string, powerState: string, tools = "guestToolsRunning"): unknown {
  return retrieveResult({
    obj: moref("VirtualMachine", vmId),
    props: {
      name: boxed("string", "app-01"),
      "runtime.powerState": boxed("VirtualMachinePowerState", powerState),
      "runtime.host": moref("HostSystem", "host-9"),
      "runtime.faultToleranceState": boxed("VirtualMachineFaultToleranceState", "notConfigured"),
      "guest.toolsRunningStatus": boxed("string", tools),
      "config.template": boxed("boolean", false),
    },
  });
}

/** A RetrievePropertiesEx answer with runtime.powerState alone. */
export function powerStateOnly(vmId: string, powerState: string): unknown {
  return retrieveResult({ obj: moref("VirtualMachine", vmId), props: { "runtime.powerState": boxed("VirtualMachinePowerState", powerState) } });
}

/** The RetrievePropertiesEx body the spec asks for when reading `paths` of one VM. */
export function retrieveBody(vmId: string, paths: string[]): unknown {
  return {
    specSet: [
      {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: paths }],
        objectSet: [{ _typeName: "ObjectSpec", obj: moref("VirtualMachine", vmId), skip: false }],
        reportMissingObjectsInResults: true,
      },
    ],
    options: { _typeName: "RetrieveOptions" },
  };
}

/** A Task.info value for `taskId`. */
export function taskInfo(taskId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { _typeName: "TaskInfo", key: taskId, task: moref("Task", taskId), ...fields };
}

/**
 * A WaitForUpdatesEx answer reporting Task.info paths of several tasks, each path its own change as vSphere sends them
 * (enums and Any boxed): `{ "task-7": { state: "running", progress: 40 } }`.
 */
export function taskUpdates(version: string, tasks: Record<string, { state: string; progress?: number; filter?: string }>): unknown {
  return {
    _typeName: "UpdateSet",
    version,
    filterSet: Object.entries(tasks).map(([taskId, info]) => ({
      _typeName: "PropertyFilterUpdate",
      filter: moref("PropertyFilter", info.filter ?? `f-${taskId}`),
      objectSet: [
        {
          _typeName: "ObjectUpdate",
          kind: "modify",
          obj: moref("Task", taskId),
          changeSet: [
            { _typeName: "PropertyChange", name: "info.state", op: "assign", val: boxed("TaskInfoState", info.state) },
            ...(info.progress === undefined ? [] : [{ _typeName: "PropertyChange", name: "info.progress", op: "assign", val: boxed("int", info.progress) }]),
          ],
        },
      ],
    })),
  };
}

/** Resolves once `condition` holds, looking again after each turn of the event loop (bounded, so a bug fails the test). */
export async function eventually(what: string, condition: () => boolean): Promise<void> {
  const bound = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > bound) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface VsphereMock {
  /** The MockAgent of the running test. */
  readonly agent: MockAgent;
  /** Every request of the running test, in order (the same array throughout the file; emptied before each test). */
  readonly seen: Seen[];
  /** Records a request the agent answered (for replies set up directly on `agent`). */
  record(options: Dispatcher.DispatchOptions): Seen;
  /** Answers the next `method path` request once with `status` and `body` as JSON, recording it. */
  intercept(method: string, path: string, status: number, body: unknown, headers?: Record<string, string>): void;
  /** Answers every request with `handler` (recorded first), for a routed fake. */
  routeAll(handler: (call: Seen) => Answer): void;
  /** hello, ServiceContent and Login, the session answered as `sessionId`. */
  loginSequence(sessionId?: string): void;
  /** Task waits go through Task.info polling: CreatePropertyCollector is refused with NotSupported, then Task.info answers `fields`. */
  pollTask(taskId: string, fields: Record<string, unknown>): void;
  /** A task that has succeeded, found by polling Task.info. */
  taskSucceeds(taskId: string): void;
  /** "METHOD /path-after-release" of each request after the login sequence. */
  calls(): string[];
}

/** Installs beforeEach/afterEach hooks giving each test a fresh MockAgent and vSphere stack config; returns accessors. */
export function useVsphereMock(): VsphereMock {
  let agent: MockAgent | undefined;
  const seen: Seen[] = [];

  const current = (): MockAgent => {
    if (!agent) throw new Error("the vSphere MockAgent exists only while a test runs");
    return agent;
  };
  const record = (options: Dispatcher.DispatchOptions): Seen => {
    const call = describeRequest(options);
    seen.push(call);
    return call;
  };
  const intercept = (method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    current()
      .get(ORIGIN)
      .intercept({ method, path })
      .reply(
        status,
        (options) => {
          record(options as Dispatcher.DispatchOptions);
          return body === undefined ? "" : JSON.stringify(body);
        },
        { headers: { "content-type": "application/json", ...headers } },
      );
  };
  const pollTask = (taskId: string, fields: Record<string, unknown>): void => {
    intercept("POST", CREATE_PROPERTY_COLLECTOR, 500, { _typeName: "NotSupported" });
    intercept("GET", `${BASE}/Task/${taskId}/info`, 200, taskInfo(taskId, fields));
  };

  beforeEach(() => {
    seen.length = 0;
    agent = new MockAgent();
    agent.disableNetConnect();
    setDispatcherOverride(agent);
    forget("vsphere.");
    recordStackConfig({ "vsphere:vsphereServer": ORIGIN, "vsphere:user": CREDENTIALS.user, "vsphere:password": CREDENTIALS.password });
  });
  afterEach(async () => {
    setDispatcherOverride(undefined);
    await agent?.close();
    agent = undefined;
  });

  return {
    get agent() {
      return current();
    },
    seen,
    record,
    intercept,
    routeAll(handler) {
      current()
        .get(ORIGIN)
        .intercept({ path: () => true, method: () => true })
        .reply((options) => {
          const answer = handler(record(options as unknown as Dispatcher.DispatchOptions));
          return { statusCode: answer.status, data: answer.body === undefined ? "" : JSON.stringify(answer.body), responseOptions: { headers: { "content-type": "application/json", ...(answer.headers ?? {}) } } };
        })
        .persist();
    },
    loginSequence(sessionId = "sess-1") {
      intercept("POST", HELLO, 200, { api_release: RELEASE });
      intercept("GET", CONTENT_PATH, 200, CONTENT);
      intercept("POST", LOGIN, 200, { _typeName: "UserSession", key: "k", userName: "u" }, { "vmware-api-session-id": sessionId });
    },
    pollTask,
    taskSucceeds(taskId) {
      pollTask(taskId, { state: "success", cancelled: false, cancelable: false });
    },
    calls() {
      return seen.slice(3).map((s) => `${s.method} ${s.path.replace(BASE, "")}`);
    },
  };
}
