import type { SimReply, SimRequest } from "../../../simulator/common/httpServer";
import type { VsphereSimulator } from "../../../simulator/vsphere";
import type { VsphereTwin } from "./vsphereTwin";

/**
 * What the vSphere twin handled while a test watched it, read at the twin: each request as "METHOD MoType/name", and
 * the PropertyCollectors and PropertyFilters clients created, with whether the twin still holds them (asked of the
 * twin's PropertyCollector service for the session that created them; a session that ended took its objects along).
 * Requests the fault injector answered (503, drops) never reach the handler and are not seen here.
 */
export interface TwinObserver {
  /** Handled requests so far, in order: "POST PropertyCollector/CreateFilter", "GET Task/info", … */
  readonly routes: readonly string[];
  count(route: string): number;
  /** Session tokens of the requests that created collectors or filters while watching. */
  creatorSessions(): Set<string>;
  /** Filters created while watching (ids). */
  filtersCreated(): string[];
  /** Of those, each one a DestroyPropertyFilter removed, once per call (a filter created earlier is not counted). */
  filtersDestroyed(): string[];
  /** Filters created while watching that the twin still holds. */
  liveFilters(): string[];
  /** Per session token: collectors created while watching that the twin still holds. */
  liveCollectors(): Map<string, string[]>;
  /** Resolves once the twin holds none of the filters created while watching; rejects after `boundMs`, naming them. */
  filtersGone(boundMs?: number): Promise<void>;
  stop(): void;
}

const SESSION_HEADER = "vmware-api-session-id";

/** `/sdk/vim25/{release}/{MoType}/{moId}/{name}` → its parts (undefined for other paths). */
function sdkTarget(path: string): { moType: string; moId: string; name: string } | undefined {
  const match = /^\/sdk\/vim25\/[^/]+\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const [moType, moId, name] = match.slice(1).map((segment) => decodeURIComponent(segment)) as [string, string, string];
  return { moType, moId, name };
}

function createdId(reply: SimReply): string | undefined {
  const body = reply.body as { value?: unknown } | undefined;
  return reply.status === 200 && typeof body?.value === "string" ? body.value : undefined;
}

export function observeTwin(sim: VsphereSimulator): TwinObserver {
  const routes: string[] = [];
  const filters = new Map<string, string>();
  const collectors = new Map<string, string>();
  const destroyed: string[] = [];
  const waiters = new Set<() => void>();

  const filterHeld = (id: string): boolean => sim.propertyCollector.filterExists(sim.world.sessions.peek(filters.get(id)), id);
  const liveFilters = (): string[] => [...filters.keys()].filter(filterHeld);

  const unsubscribe = sim.server.onHandled((request: SimRequest, reply: SimReply) => {
    const target = sdkTarget(request.path);
    routes.push(target ? `${request.method} ${target.moType}/${target.name}` : `${request.method} ${request.path}`);
    const token = request.headers[SESSION_HEADER];
    if (target && typeof token === "string") {
      const id = createdId(reply);
      if (target.name === "CreateFilter" && id) filters.set(id, token);
      if (target.name === "CreatePropertyCollector" && id) collectors.set(id, token);
      if (target.name === "DestroyPropertyFilter" && reply.status < 300 && filters.has(target.moId)) destroyed.push(target.moId);
    }
    for (const check of [...waiters]) check();
  });

  return {
    routes,
    count: (route) => routes.filter((seen) => seen === route).length,
    creatorSessions: () => new Set([...filters.values(), ...collectors.values()]),
    filtersCreated: () => [...filters.keys()],
    filtersDestroyed: () => [...destroyed],
    liveFilters,
    liveCollectors: () => {
      const live = new Map<string, string[]>();
      for (const [id, token] of collectors) {
        if (!sim.propertyCollector.exists(sim.world.sessions.peek(token), id)) continue;
        live.set(token, [...(live.get(token) ?? []), id]);
      }
      return live;
    },
    filtersGone: (boundMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const bound = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the twin still holds PropertyFilters ${liveFilters().join(", ")} after ${boundMs} ms`));
        }, boundMs);
        const check = (): void => {
          if (liveFilters().length > 0) return;
          clearTimeout(bound);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    stop: unsubscribe,
  };
}

/**
 * For a test file: `observe()` watches the twin from then until the end of the test; after each test the observer
 * stops and the twin's fault plan is reset.
 */
export function useTwinObserver(twin: VsphereTwin): () => TwinObserver {
  let observer: TwinObserver | undefined;
  afterEach(() => {
    observer?.stop();
    observer = undefined;
    twin.sim.server.faults.reset();
  });
  return () => {
    observer = observeTwin(twin.sim);
    return observer;
  };
}
