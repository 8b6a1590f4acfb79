import { BASE, CONTENT, HELLO, RELEASE, moref as ref, useVsphereMock, type Answer, type Seen, type VsphereMock } from "./vsphereMock";

/**
 * A small routed fake vCenter on the shared MockAgent, for the contract tests of the FT and snapshot resources: login,
 * RetrievePropertiesEx answered from a property table, `*_Task` methods answering Task MoRefs (task-1, task-2…),
 * Task.info polling (CreatePropertyCollector is refused with NotSupported, so the waiter polls), and extra routes a
 * test adds. The tables are emptied before each test.
 */
export interface RoutedVcenter {
  readonly mock: VsphereMock;
  readonly seen: Seen[];
  /** Property values by "Type:id" then path, as RetrievePropertiesEx returns them (val of DynamicProperty). */
  readonly properties: Record<string, Record<string, unknown>>;
  /** Extra routes: "METHOD /path-after-release" → answer. */
  readonly routes: Record<string, (call: Seen) => Answer>;
  /** Task outcomes by task id (default: success without a result). */
  readonly taskResults: Record<string, { state: "success" | "error"; result?: unknown; error?: unknown }>;
  /** The method calls (`…/<Type>/<id>/<Method>_Task` or `…Ex`) among the requests, in order. */
  methodCalls(): Seen[];
  /** The answer the property table gives a RetrievePropertiesEx (for a route that changes the table as reads arrive). */
  retrieve(call: Seen): Answer;
}

type RetrieveBody = { specSet: { propSet: { type: string; pathSet: string[] }[]; objectSet: { obj: { type: string; value: string } }[] }[] };

export function useRoutedVcenter(session: string): RoutedVcenter {
  const mock = useVsphereMock();
  const properties: RoutedVcenter["properties"] = {};
  const routes: RoutedVcenter["routes"] = {};
  const taskResults: RoutedVcenter["taskResults"] = {};
  let nextTask = 1;

  const retrieve = (body: RetrieveBody): Answer => {
    const objects: unknown[] = [];
    for (const spec of body.specSet) {
      for (const { obj } of spec.objectSet) {
        const table = properties[`${obj.type}:${obj.value}`];
        if (!table) continue;
        const paths = spec.propSet.find((set) => set.type === obj.type)?.pathSet ?? [];
        objects.push({
          _typeName: "ObjectContent",
          obj: ref(obj.type, obj.value),
          propSet: paths.filter((path) => table[path] !== undefined).map((path) => ({ _typeName: "DynamicProperty", name: path, val: table[path] })),
        });
      }
    }
    return { status: 200, body: { _typeName: "RetrieveResult", objects } };
  };

  const route = (call: Seen): Answer => {
    if (call.path === HELLO) return { status: 200, body: { api_release: RELEASE } };
    const rest = call.path.startsWith(BASE) ? call.path.slice(BASE.length) : call.path;
    const key = `${call.method} ${rest}`;
    if (routes[key]) return routes[key]!(call);
    if (key === "GET /ServiceInstance/ServiceInstance/content") return { status: 200, body: CONTENT };
    if (key === "POST /SessionManager/SessionManager/Login") return { status: 200, body: { _typeName: "UserSession", key: "k", userName: "admin" }, headers: { "vmware-api-session-id": session } };
    if (key === "POST /PropertyCollector/propertyCollector/CreatePropertyCollector") return { status: 500, body: { _typeName: "NotSupported" } };
    if (key === "POST /PropertyCollector/propertyCollector/RetrievePropertiesEx") return retrieve(call.body as RetrieveBody);
    const task = /^GET \/Task\/([^/]+)\/info$/.exec(key);
    if (task) {
      const outcome = taskResults[task[1]!] ?? { state: "success" };
      return {
        status: 200,
        body: {
          _typeName: "TaskInfo",
          key: task[1],
          task: ref("Task", task[1]!),
          state: outcome.state,
          cancelled: false,
          cancelable: false,
          queueTime: "2026-01-01T00:00:00Z",
          ...(outcome.result ? { result: outcome.result } : {}),
          ...(outcome.error ? { error: outcome.error } : {}),
        },
      };
    }
    if (/^POST \/[A-Za-z]+\/[^/]+\/[A-Za-z]+_Task$/.test(key)) return { status: 200, body: ref("Task", `task-${nextTask++}`) };
    return { status: 404, body: { error: `no route ${key}` } };
  };

  beforeEach(() => {
    for (const table of [properties, routes, taskResults]) for (const key of Object.keys(table)) delete (table as Record<string, unknown>)[key];
    nextTask = 1;
    mock.routeAll(route);
  });

  return {
    mock,
    seen: mock.seen,
    properties,
    routes,
    taskResults,
    methodCalls: () => mock.seen.filter((call) => /\/[A-Za-z]+\/[^/]+\/[A-Za-z]+(_Task|Ex)$/.test(call.path) && !call.path.endsWith("/RetrievePropertiesEx")),
    retrieve: (call) => retrieve(call.body as RetrieveBody),
  };
}
