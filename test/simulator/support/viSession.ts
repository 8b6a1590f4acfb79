/**
 * A logged-in VI/JSON session against a vSphere twin, for tests that speak the wire protocol with plain fetch: calls,
 * faults, tasks waited for through the PropertyCollector, and property changes watched with WaitForUpdatesEx.
 */
import { startVsphereSimulator, type VsphereSimulator, type VsphereSimulatorOptions } from "../../../simulator/vsphere";

export type Json = Record<string, unknown>;

export interface Answer {
  status: number;
  body: unknown;
}

export const ref = (type: string, value: string) => ({ _typeName: "ManagedObjectReference", type, value });

export interface PropertyWatch {
  /** Waits until `seen(values)` holds (checked on the current values first); every set of values seen so far, in order. */
  until(seen: (values: Json) => boolean, timeoutSeconds?: number): Promise<Json[]>;
  close(): Promise<void>;
}

export class ViSession {
  private constructor(
    readonly sim: VsphereSimulator,
    readonly token: string,
    private readonly release: string,
  ) {}

  static async login(sim: VsphereSimulator, release = "9.0.0.0"): Promise<ViSession> {
    const response = await fetch(`${sim.url}/sdk/vim25/${release}/SessionManager/SessionManager/Login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userName: sim.username, password: sim.password }),
    });
    if (response.status !== 200) throw new Error(`Login answered ${response.status}`);
    return new ViSession(sim, response.headers.get("vmware-api-session-id") as string, release);
  }

  async http(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { "vmware-api-session-id": this.token };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.sim.url}/sdk/vim25/${this.release}/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  }

  /** POST that must answer 200; the body. */
  async call(path: string, body?: unknown): Promise<unknown> {
    const answer = await this.http("POST", path, body);
    if (answer.status !== 200) throw new Error(`${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async get(path: string): Promise<unknown> {
    const answer = await this.http("GET", path);
    if (answer.status !== 200) throw new Error(`GET ${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** POST that must answer 500 with this fault type; the fault. */
  async fault(path: string, body: unknown, typeName: string): Promise<Json> {
    const answer = await this.http("POST", path, body);
    expect({ path, status: answer.status, fault: (answer.body as Json | undefined)?._typeName }).toEqual({ path, status: 500, fault: typeName });
    return answer.body as Json;
  }

  /** Starts a task; the Task MoRef. */
  async startTask(path: string, body?: unknown): Promise<Json> {
    const task = (await this.call(path, body)) as Json;
    expect(task).toMatchObject({ _typeName: "ManagedObjectReference", type: "Task" });
    return task;
  }

  /** Runs a task to its end (success expected); its TaskInfo. */
  async runTask(path: string, body?: unknown): Promise<Json> {
    const info = await this.waitTask(await this.startTask(path, body));
    if (info.state !== "success") throw new Error(`${path} failed: ${JSON.stringify(info.error)}`);
    return info;
  }

  /** Waits for a task to end; its TaskInfo. */
  async waitTask(task: Json): Promise<Json> {
    let info: Json | undefined;
    await this.watch("Task", task.value as string, ["info"], (values) => {
      info = values.info as Json;
      return info.state === "success" || info.state === "error";
    });
    return info as Json;
  }

  /**
   * Watches properties of one object through a PropertyCollector of its own (CreateFilter + WaitForUpdatesEx): calls
   * `seen` with the current values at first and after every change, until it answers true. Returns every set of
   * values seen, in order.
   */
  async watch(moType: string, moId: string, pathSet: string[], seen: (values: Json) => boolean, timeoutSeconds = 10): Promise<Json[]> {
    const watching = await this.openWatch(moType, moId, pathSet);
    try {
      return await watching.until(seen, timeoutSeconds);
    } finally {
      await watching.close();
    }
  }

  /** A watch whose first values are already read: changes made after this returns are all seen by `until`. */
  async openWatch(moType: string, moId: string, pathSet: string[]): Promise<PropertyWatch> {
    const collector = (await this.call("PropertyCollector/propertyCollector/CreatePropertyCollector")) as Json;
    const pc = `PropertyCollector/${encodeURIComponent(collector.value as string)}`;
    await this.call(`${pc}/CreateFilter`, {
      spec: { _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: moType, pathSet }], objectSet: [{ _typeName: "ObjectSpec", obj: ref(moType, moId) }] },
      partialUpdates: false,
    });
    const values: Json = {};
    const history: Json[] = [];
    let version = "";
    const next = async (maxWaitSeconds: number): Promise<boolean> => {
      const update = (await this.call(`${pc}/WaitForUpdatesEx`, { version, options: { _typeName: "WaitOptions", maxWaitSeconds } })) as Json | null;
      if (update === null) return false;
      version = update.version as string;
      for (const filterUpdate of update.filterSet as Json[]) {
        for (const objectUpdate of (filterUpdate.objectSet ?? []) as Json[]) {
          for (const change of (objectUpdate.changeSet ?? []) as Json[]) {
            const val = change.val as Json | undefined;
            values[change.name as string] = val !== undefined && typeof val === "object" && val !== null && "_value" in val ? val._value : val;
          }
        }
      }
      history.push({ ...values });
      return true;
    };
    await next(0);
    return {
      until: async (seen, timeoutSeconds = 10) => {
        const deadline = Date.now() + timeoutSeconds * 1000;
        while (!seen(values)) {
          if (Date.now() > deadline) throw new Error(`${moType}:${moId} ${pathSet.join(",")} never reached the awaited state; last seen ${JSON.stringify(values)}`);
          await next(1);
        }
        return history;
      },
      close: async () => {
        await this.http("POST", `${pc}/DestroyPropertyCollector`);
      },
    };
  }
}

/** A fresh twin and a logged-in session for each test of the file (started in beforeEach, closed in afterEach). */
export function useViTwin(options: VsphereSimulatorOptions): { readonly sim: VsphereSimulator; readonly vi: ViSession } {
  let current: { sim: VsphereSimulator; vi: ViSession } | undefined;
  beforeEach(async () => {
    const sim = await startVsphereSimulator(options);
    current = { sim, vi: await ViSession.login(sim) };
  });
  afterEach(async () => {
    await current?.sim.close();
    current = undefined;
  });
  const running = () => {
    if (!current) throw new Error("the twin runs only inside a test");
    return current;
  };
  return {
    get sim() {
      return running().sim;
    },
    get vi() {
      return running().vi;
    },
  };
}
