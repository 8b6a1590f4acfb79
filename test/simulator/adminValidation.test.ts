/**
 * The admin API's bodies over real HTTP: on every admin route of vSphere, Veeam and ZStack (and the common /_sim/faults
 * and /_sim/stats), a field the route does not know and a field of the wrong type are HTTP 400 with a message naming the
 * field and what is allowed, and change nothing. The token is checked before the body. `/_sim` and `/_simfoo` are
 * neither admin routes nor vendor paths.
 */
import * as http from "node:http";
import { startOfflineTwin, type OfflineTwin } from "../../simulator";
import { ADMIN_ROUTES, PLAN, VM, type Vendor } from "./support/adminRoutes";

let twin: OfflineTwin;
beforeAll(async () => {
  twin = await startOfflineTwin({ durationMs: 10 });
});
afterAll(async () => {
  await twin?.close();
});

/** An admin request over node:http, which (unlike fetch) also sends a body with GET, as `curl -X GET -d` does. */
function admin(vendor: Vendor, method: string, path: string, body?: unknown, token: string | null = twin.adminToken): Promise<{ status: number; error: string }> {
  const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token === null ? {} : { "x-simulator-admin-token": token };
    // Node frames a GET or DELETE body only when told its length.
    if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
    const request = http.request(`${twin[vendor].url}${path}`, { method, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      response.once("end", () => {
        let error = text;
        try {
          error = String((JSON.parse(text) as { error?: unknown }).error ?? text);
        } catch {
          // a plain text answer
        }
        resolve({ status: response.statusCode ?? 0, error });
      });
    });
    request.once("error", reject);
    request.end(payload);
  });
}

/** What each world looks like, to show a refused body changed nothing. */
function worlds(): string {
  return JSON.stringify({
    vsphere: twin.vsphere.world.inventory(),
    veeam: twin.veeam.world.allPlans().map(({ id, name, enabled, phase, nextOutcomes }) => ({ id, name, enabled, phase, nextOutcomes })),
    veeamSettings: twin.veeam.world.settings,
    zstack: [...twin.zstack.world.vms.values()],
    zstackConfig: [twin.zstack.world.jobDurationMs, twin.zstack.world.sessionLifetimeSeconds, twin.zstack.world.expungePeriodSeconds, twin.zstack.world.injectedFailures.length],
    faults: (["vsphere", "veeam", "zstack"] as const).map((vendor) => twin[vendor].server.faults.describe()),
  });
}

describe("admin bodies", () => {
  it.each(ADMIN_ROUTES)("%s %s %s: an unknown field is 400 naming it and the fields allowed", async (vendor, method, path, fields) => {
    const before = worlds();
    const answer = await admin(vendor, method, path, { surplus: 1 });
    expect(answer.status).toBe(400);
    expect(answer.error).toContain('unknown field "surplus"');
    expect(answer.error).toContain(fields.length === 0 ? "this route takes no body fields" : `allowed fields: ${fields.join(", ")}`);
    expect(worlds()).toBe(before);
  });

  it.each(ADMIN_ROUTES.filter(([, method]) => method === "POST"))("%s %s %s: a body that is not a JSON object is 400", async (vendor, method, path) => {
    for (const body of ["{not json", "[1,2]", '"text"', "null"]) {
      const answer = await admin(vendor, method, path, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.error).toMatch(/^the body (is not JSON|must be a JSON object)/);
    }
  });

  it.each<[Vendor, string, unknown, string]>([
    ["vsphere", "/_sim/faults", { latencyMs: "abc" }, 'field "latencyMs": expected number, received string'],
    ["veeam", "/_sim/faults", { fail503: 1.5 }, 'field "fail503": expected int, received number'],
    ["zstack", "/_sim/faults", { drop: -1 }, 'field "drop": Too small: expected number to be >=0'],
    ["vsphere", "/_sim/vsphere/vms", { name: "x", powerState: "on" }, 'field "powerState": expected one of "poweredOn"|"poweredOff"|"suspended"'],
    ["vsphere", "/_sim/vsphere/vms/vm-101/guest-operation-ms", { ms: "soon" }, 'field "ms": expected a number of ms >= 0, "Infinity" or null'],
    ["vsphere", "/_sim/vsphere/vms/vm-101/tools", { running: "yes" }, 'field "running": expected boolean, received string'],
    ["veeam", "/_sim/veeam/plans", { enabled: "true" }, 'field "enabled": expected boolean, received string'],
    ["veeam", `/_sim/veeam/plans/${PLAN}`, { phase: "done" }, 'field "phase": expected one of "ready"|"failover"|"undoFailover"|"halted"|"permanentFailover"'],
    ["veeam", "/_sim/veeam/settings", { runDurationMs: "abc" }, 'field "runDurationMs": expected number, received string'],
    ["veeam", `/_sim/veeam/plans/${PLAN}/outcome`, {}, 'field "outcome": expected one of "success"|"warning"|"error"|"halt"'],
    ["zstack", "/_sim/zstack/vms", { uuid: "ABC" }, 'field "uuid": expected 32 lowercase hex characters'],
    ["zstack", `/_sim/zstack/vms/${VM}/state`, { state: "Sleeping" }, 'field "state": expected one of "Created"|'],
    ["zstack", "/_sim/zstack/config", { jobDurationMs: "abc" }, 'field "jobDurationMs": expected number, received string'],
    ["zstack", "/_sim/zstack/jobs/fail-next", { error: { code: 7 } }, 'field "error.code": expected string, received number'],
    ["zstack", "/_sim/zstack/jobs/fail-next", { error: { cause: { reason: "x" } } }, 'unknown field "reason" in "error.cause" (allowed fields: code, description, details, elaboration, opaque, cause)'],
  ])("%s POST %s %j: 400 naming the field and what is allowed", async (vendor, path, body, message) => {
    const before = worlds();
    const answer = await admin(vendor, "POST", path, body);
    expect(answer.status).toBe(400);
    expect(answer.error).toContain(message);
    expect(worlds()).toBe(before);
  });

  it("accepts a valid body (the refusals above are the checks, not a broken route)", async () => {
    expect((await admin("vsphere", "POST", "/_sim/faults", { latencyMs: 0, pathContains: "never-matches" })).status).toBe(200);
    expect((await admin("veeam", "POST", "/_sim/veeam/settings", { runDurationMs: 10 })).status).toBe(200);
    expect((await admin("zstack", "POST", "/_sim/zstack/config", { jobDurationMs: 10 })).status).toBe(200);
    expect((await admin("zstack", "POST", "/_sim/zstack/jobs/fail-next", { action: "never", error: { code: "X.1", cause: { code: "X.2" } } })).status).toBe(200);
    expect((await admin("vsphere", "DELETE", "/_sim/faults")).status).toBe(204);
    expect((await admin("vsphere", "POST", "/_sim/vsphere/tasks/finish-hung", {})).status).toBe(200);
    twin.zstack.world.injectedFailures.length = 0;
  });

  it("checks the admin token before the body", async () => {
    expect((await admin("vsphere", "POST", "/_sim/faults", { latencyMs: "abc" }, null)).status).toBe(401);
    expect((await admin("zstack", "POST", "/_sim/zstack/config", "{not json", "wrong")).status).toBe(401);
  });
});

describe("unknown admin routes", () => {
  it.each<[Vendor, string, string]>([
    ["vsphere", "POST", "/_sim/vsphere/vms/vm-101/constructor"],
    ["veeam", "POST", "/_sim/veeam/plans/5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11/toString"],
    ["zstack", "POST", `/_sim/zstack/vms/${VM}/constructor`],
    ["zstack", "GET", "/_sim/zstack/vms"],
    ["vsphere", "POST", "/_sim/stats"],
  ])("%s %s %s is 404 naming the route", async (vendor, method, path) => {
    expect(await admin(vendor, method, path, {})).toEqual({ status: 404, error: `no admin route ${method} ${path}` });
  });
});

describe("/_sim without its slash", () => {
  it.each(["vsphere", "veeam", "zstack"] as const)("%s: /_sim and /_simfoo are 404 with a clear message, reaching neither the vendor nor the admin API", async (vendor) => {
    const requests = twin[vendor].server.stats.requests;
    for (const path of ["/_sim", "/_simfoo", "/_sim?x=1", "/_simstats"]) {
      for (const token of [null, twin.adminToken]) {
        for (const method of ["GET", "POST"]) {
          const answer = await admin(vendor, method, path, method === "POST" ? { latencyMs: 5 } : undefined, token);
          expect({ path, method, token, status: answer.status }).toEqual({ path, method, token, status: 404 });
          expect(answer.error).toBe(`${path.split("?")[0]} is neither a ${vendor} API path nor an admin route: admin routes start with /_sim/ (e.g. /_sim/stats)`);
        }
      }
    }
    expect(twin[vendor].server.stats.requests).toBe(requests);
    expect(twin[vendor].server.faults.describe().latencyMs).toBe(0);
  });
});
