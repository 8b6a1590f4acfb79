/**
 * FailoverPlanRun against the Veeam twin over real HTTP (127.0.0.1, port 0), the provider functions called as the
 * dynamic-provider host calls them. The whole lifecycle runs on one version of each API generation (VAO REST v2 under
 * /v2, Recovery Orchestrator v13.2 under /api/v13.2); the other Recovery Orchestrator path versions (v7.21, v13, v13.1)
 * change only the path segment, so each runs one lifecycle that proves every request goes to its own paths. Then the
 * detection of the newest version a server offers, and the twin behind the misbehaving front: requests never answered
 * or trickled, a lost Failover answer, echoed credentials, a corrupt token, a value nested without end.
 */
import * as util from "node:util";
import * as crud from "../../provider/resources/veeam/failoverPlanRun/provider";
import { AuthenticationError, ConflictError, NotFoundError, PartialFailureError, ServerError, TimeoutError, ValidationError } from "../../provider/errors";
import { forget } from "../../provider/runtime";
import { recordStackConfig } from "../../provider/config";
import { RELEASE_API_VERSIONS, startVeeamSimulator, type VeeamSimulator } from "../../simulator/veeam";
import { echoBodies, startHostileFront, type HostileFront } from "../../tools/hostile/front";

/** A failover or undo on the twin: short, so that most waits end at the waiter's first look. */
const RUN_MS = 120;
/** Long enough for the waiter to see the run going before it ends. */
const OBSERVED_RUN_MS = 400;
/** A run planned never to end by itself (finished by hand with `finishOperation`). */
const ENDLESS_MS = 1e9;

let sim: VeeamSimulator;

beforeAll(async () => {
  sim = await startVeeamSimulator({ runDurationMs: RUN_MS, seed: false });
});

afterAll(async () => {
  await sim.close();
});

function configure(apiVersion: string | undefined, server = sim.url): void {
  forget("veeam.");
  recordStackConfig({
    "veeam:server": server,
    "veeam:username": sim.username,
    "veeam:password": sim.password,
    ...(apiVersion ? { "veeam:apiVersion": apiVersion } : {}),
  });
}

async function checked(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await crud.check({}, inputs);
  expect(result.failures).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

async function captureFailure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

/** Waits on the twin's own state (in this process), looking every few milliseconds. */
async function until(condition: () => boolean, what: string, withinMs = 10_000): Promise<void> {
  const end = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`the twin never showed ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each([
  ["VAO REST v2", "v2"],
  ["VRO v13.2", "v13.2"],
])("FailoverPlanRun over %s", (_label, apiVersion) => {
  beforeEach(() => {
    configure(apiVersion);
    sim.world.settings.runDurationMs = RUN_MS;
    sim.world.settings.tokenLifetimeSeconds = 900;
  });

  test("runs the failover, waits, records the run, reads it back and undoes it on delete", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-ok`, runDurationMs: OBSERVED_RUN_MS });
    const inputs = await checked({ planId: plan.id, restorePointDate: "2024-05-01T02:00:00Z", executeChainedPlans: true });
    const { id, outs } = await crud.create(inputs);
    expect(id.startsWith(`${plan.id}@`)).toBe(true);
    expect(outs).toMatchObject({
      planId: plan.id,
      planName: plan.name,
      result: "success",
      planState: expect.stringMatching(/failover/i),
      planStateDetails: "Complete, no errors, no warnings",
      executeChainedPlans: true,
      undoOnDelete: true,
      restorePointDate: "2024-05-01T02:00:00Z",
      progress: 100,
      apiVersion,
      connection: "veeam",
      endpoint: sim.url,
    });
    expect(Date.parse(outs.startedAt)).toBeLessThanOrEqual(Date.parse(outs.finishedAt));
    expect(sim.world.plan(plan.id)?.phase).toBe("failover");
    expect(sim.world.plan(plan.id)?.launches).toEqual([
      expect.objectContaining({ api: apiVersion === "v2" ? "v2" : "vro", apiVersion, executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" }),
    ]);

    const refreshed = await crud.read(id, outs);
    expect(refreshed.id).toBe(id);
    expect(refreshed.props).toMatchObject({ planId: plan.id, result: "success", planName: plan.name, startedAt: outs.startedAt, endpoint: outs.endpoint });

    await crud.delete(id, outs);
    expect(sim.world.plan(plan.id)?.phase).toBe("undoFailover");
    expect(sim.world.plan(plan.id)?.undos).toBe(1);
    const gone = await crud.read(id, outs);
    expect(gone.id).toBe("");
  });

  test("without restorePointDate the latest restore point is used", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-latest` });
    const before = Date.now();
    const { outs } = await crud.create(await checked({ planId: plan.id }));
    expect(outs.result).toBe("success");
    const launch = sim.world.plan(plan.id)?.launches[0];
    if (apiVersion === "v2") {
      // v2 has no documented "latest" value: the client asks for the restore point nearest to now.
      expect(Date.parse(launch?.restorePointDate ?? "")).toBeGreaterThanOrEqual(before - 1000);
    } else {
      expect(launch?.restorePointDate).toBeNull();
    }
    expect(launch?.executeChainedPlans).toBe(false);
  });

  test("a run that ends with warnings succeeds and says so in the outputs", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-warn`, nextOutcome: "warning" });
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { outs } = await crud.create(await checked({ planId: plan.id }));
      expect(outs).toMatchObject({ result: "warning", warningCount: 1, errorCount: 0, planStateDetails: "Complete, no errors, 1 warning" });
      expect(warn.mock.calls.map((call) => String(call[0])).join("\n")).toMatch(/failed over with warnings/);
    } finally {
      warn.mockRestore();
    }
  });

  test("a run that ends in error fails with the plan's own details, recorded as a partial failure that destroy can undo", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-err`, nextOutcome: "error" });
    const error = await captureFailure(crud.create(await checked({ planId: plan.id })));
    expect(error).toBeInstanceOf(PartialFailureError);
    const partial = error as PartialFailureError;
    expect(partial.message).toContain("Complete, 1 error, no warnings");
    expect(partial.id.startsWith(`${plan.id}@`)).toBe(true);
    expect(partial.properties).toMatchObject({ planId: plan.id, result: "error", errorCount: 1, connection: "veeam", endpoint: sim.url });
    await crud.delete(partial.id, partial.properties);
    expect(sim.world.plan(plan.id)?.phase).toBe("undoFailover");
  });

  test("a run that halts fails and the halted plan can be undone on delete", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-halt`, nextOutcome: "halt" });
    const error = (await captureFailure(crud.create(await checked({ planId: plan.id })))) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/Halted/);
    expect(sim.world.plan(plan.id)?.phase).toBe("halted");
    await crud.delete(error.id, error.properties);
    expect(sim.world.plan(plan.id)?.phase).toBe("undoFailover");
  });

  test("a disabled plan is refused before anything runs, naming its state", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-disabled`, enabled: false });
    const error = await captureFailure(crud.create(await checked({ planId: plan.id })));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/disabled/);
    expect(sim.world.plan(plan.id)?.launches).toHaveLength(0);
  });

  test("a busy plan (being edited) is refused, naming its state", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-busy`, editing: true });
    const error = await captureFailure(crud.create(await checked({ planId: plan.id })));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/busy \(state Editing/);
    expect(sim.world.plan(plan.id)?.launches).toHaveLength(0);
  });

  test("a plan that is already failed over is refused, naming its state", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-already`, phase: "failover" });
    const error = await captureFailure(crud.create(await checked({ planId: plan.id })));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/not ready for a failover: its state is Failover/);
  });

  test("a plan that does not exist is a NotFoundError naming the plan and the setting of the server", async () => {
    const error = await captureFailure(crud.create(await checked({ planId: "11111111-2222-4333-8444-555555555555" })));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain("11111111-2222-4333-8444-555555555555");
    expect((error as Error).message).toContain("(veeam:server)");
  });

  test("invalid inputs are a ValidationError naming the property", async () => {
    const error = await captureFailure(crud.create({ planId: "../../etc/passwd" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).property).toBe("planId");
  });

  test("tokens expiring mid-wait: the 401 is answered by one renewal and the wait goes on", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-expiry`, runDurationMs: OBSERVED_RUN_MS });
    const grantsBefore = { ...sim.world.grants };
    const running = crud.create(await checked({ planId: plan.id }));
    await until(() => sim.world.plans.get(plan.id)?.operation?.kind === "failover", "the failover started");
    sim.world.expireTokens();
    const { outs } = await running;
    expect(outs.result).toBe("success");
    const renewals = sim.world.grants.refresh - grantsBefore.refresh + (sim.world.grants.password - grantsBefore.password);
    expect(renewals).toBeGreaterThanOrEqual(1);
    expect(sim.world.grants.rejected).toBe(grantsBefore.rejected);
  });

  test("short-lived tokens are refreshed with the refresh token before they expire", async () => {
    sim.world.settings.tokenLifetimeSeconds = 1;
    // Renewal starts at three quarters of the lifetime: the run outlasts that, so the waiter's later looks renew.
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-short`, runDurationMs: 1200 });
    const refreshBefore = sim.world.grants.refresh;
    const { outs } = await crud.create(await checked({ planId: plan.id }));
    expect(outs.result).toBe("success");
    expect(sim.world.grants.refresh).toBeGreaterThan(refreshBefore);
  });

  test("expired refresh tokens fall back to a password grant", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-refresh-expired` });
    await crud.read(`${plan.id}@x`, { planId: plan.id }); // obtains a token
    sim.world.expireTokens({ refreshTokens: true });
    const passwordBefore = sim.world.grants.password;
    const { outs } = await crud.create(await checked({ planId: plan.id }));
    expect(outs.result).toBe("success");
    expect(sim.world.grants.password).toBe(passwordBefore + 1);
  });

  test("concurrent operations share one token", async () => {
    forget("veeam.");
    const passwordBefore = sim.world.grants.password;
    const plans = [1, 2, 3].map((n) => sim.world.addPlan({ name: `DR-${apiVersion}-par-${n}` }));
    const results = await Promise.all(plans.map(async (plan) => crud.create(await checked({ planId: plan.id }))));
    expect(results.map((r) => r.outs.result)).toEqual(["success", "success", "success"]);
    expect(sim.world.grants.password).toBe(passwordBefore + 1);
  });

  test("refresh after an undo by hand: the run disappears", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-byhand` });
    const { id, outs } = await crud.create(await checked({ planId: plan.id }));
    expect(sim.world.startUndo(sim.world.plan(plan.id)!, 0)).toBeUndefined();
    const result = await crud.read(id, outs);
    expect(result).toEqual({ id: "", props: {} });
    // destroy after that changes nothing and succeeds
    const undos = sim.world.plan(plan.id)?.undos;
    await crud.delete(id, outs);
    expect(sim.world.plan(plan.id)?.undos).toBe(undos);
  });

  test("refresh shows drift: a plan reset to ready is gone, a deleted plan is gone", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-drift` });
    const { id, outs } = await crud.create(await checked({ planId: plan.id }));
    sim.world.modifyPlan(plan.id, { phase: "ready" });
    expect((await crud.read(id, outs)).id).toBe("");
    sim.world.removePlan(plan.id);
    expect((await crud.read(id, outs)).id).toBe("");
    await crud.delete(id, outs); // already gone: succeeds
  });

  test("a failed-over plan being edited is kept on refresh (only a plan seen out of failover disappears)", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-edited` });
    const { id, outs } = await crud.create(await checked({ planId: plan.id }));
    sim.world.modifyPlan(plan.id, { editing: true });
    const during = await crud.read(id, outs);
    expect(during.id).toBe(id);
    expect(during.props).toMatchObject({ planState: "Editing", result: "success" });
    // destroy refuses while the plan is busy, so it can be retried
    await expect(crud.delete(id, outs)).rejects.toBeInstanceOf(ConflictError);
    sim.world.modifyPlan(plan.id, { editing: false });
    await crud.delete(id, outs);
    expect(sim.world.plan(plan.id)?.phase).toBe("undoFailover");
  });

  test("undoOnDelete=false leaves the plan failed over and says why", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-keep` });
    const { id, outs } = await crud.create(await checked({ planId: plan.id, undoOnDelete: false }));
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await crud.delete(id, outs);
      expect(warn.mock.calls.map((call) => String(call[0])).join("\n")).toMatch(/undoOnDelete is false/);
    } finally {
      warn.mockRestore();
    }
    expect(sim.world.plan(plan.id)?.phase).toBe("failover");
    expect(sim.world.plan(plan.id)?.undos).toBe(0);
  });

  test("a state that forbids Undo (permanent failover) is left as it is, with the reason", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-permanent` });
    const { id, outs } = await crud.create(await checked({ planId: plan.id }));
    sim.world.modifyPlan(plan.id, { phase: "permanentFailover" });
    const refreshed = await crud.read(id, outs);
    expect(refreshed.id).toBe(id);
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await crud.delete(id, outs);
      expect(warn.mock.calls.map((call) => String(call[0])).join("\n")).toMatch(/does not allow Undo/);
    } finally {
      warn.mockRestore();
    }
    expect(sim.world.plan(plan.id)?.phase).toBe("permanentFailover");
  });

  test("a wait that times out is a partial failure with the id; a later destroy waits for the run and undoes it", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-timeout`, runDurationMs: ENDLESS_MS });
    const error = (await captureFailure(crud.create(await checked({ planId: plan.id, timeoutSeconds: 1 })))) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/did not finish within 1 s/);
    expect(error.properties).toMatchObject({ planId: plan.id, undoOnDelete: true });
    expect(sim.world.plan(plan.id)?.operation?.kind).toBe("failover");
    const requestsBefore = sim.server.stats.requests;
    const destroy = crud.delete(error.id, { ...error.properties, timeoutSeconds: 30 });
    // The destroy has read the plan (one request on v2, plan and runtime details on VRO) and looked again while it runs.
    await until(() => sim.server.stats.requests >= requestsBefore + 3, "the destroy waiting for the run");
    expect(sim.world.plan(plan.id)?.undos).toBe(0);
    plan.runDurationMs = undefined; // the undo takes the usual time
    sim.world.finishOperation(plan.id);
    await destroy;
    expect(sim.world.plan(plan.id)).toMatchObject({ phase: "undoFailover", undos: 1 });
  });

  test("import by a bare plan id reads the failed-over plan and returns its inputs", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-import`, phase: "failover", result: "warning", warnings: 2 });
    const imported = await crud.read(plan.id, {});
    expect(imported.id).toBe(plan.id);
    expect(imported.props).toMatchObject({ planId: plan.id, planName: plan.name, result: "warning", warningCount: 2, undoOnDelete: true, apiVersion });
    expect(imported.inputs).toMatchObject({ planId: plan.id, executeChainedPlans: false, undoOnDelete: true, timeoutSeconds: 3600, connection: "veeam" });
  });

  test("refresh during a run that outlasted the timeout keeps the recorded result and shows the progress", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-slow`, runDurationMs: ENDLESS_MS });
    const error = (await captureFailure(crud.create(await checked({ planId: plan.id, timeoutSeconds: 1 })))) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    const during = await crud.read(error.id, error.properties);
    expect(during.id).toBe(error.id);
    expect(during.props).toMatchObject({ result: "error", planState: "Failover", finishedAt: "" });
    sim.world.finishOperation(plan.id);
    const after = await crud.read(error.id, error.properties);
    expect(after.props).toMatchObject({ result: "success", planStateDetails: "Complete, no errors, no warnings", progress: 100 });
    expect(typeof after.props?.finishedAt).toBe("string");
    expect(after.props?.finishedAt).not.toBe("");
  });

  test("update changes undoOnDelete in place without touching the plan", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-update` });
    const { id, outs } = await crud.create(await checked({ planId: plan.id }));
    const launches = sim.world.plan(plan.id)?.launches.length;
    const news = await checked({ planId: plan.id, undoOnDelete: false, timeoutSeconds: 600 });
    const diff = await crud.diff(id, outs, news);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const updated = await crud.update(id, outs, news);
    expect(updated.outs).toMatchObject({ undoOnDelete: false, timeoutSeconds: 600, result: "success", startedAt: outs.startedAt, endpoint: outs.endpoint });
    expect(sim.world.plan(plan.id)?.launches.length).toBe(launches);
  });
});

describe.each(["v7.21", "v13", "v13.1"])("FailoverPlanRun over VRO %s", (apiVersion) => {
  test("the lifecycle (run, refresh, undo, a run ending in error) speaks only this version's paths", async () => {
    configure(apiVersion);
    sim.world.requests.length = 0;
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-paths`, runDurationMs: OBSERVED_RUN_MS });
    const { id, outs } = await crud.create(await checked({ planId: plan.id, restorePointDate: "2024-05-01T02:00:00Z", executeChainedPlans: true }));
    expect(outs).toMatchObject({ apiVersion, result: "success", planStateDetails: "Complete, no errors, no warnings" });
    expect(sim.world.plan(plan.id)?.launches).toEqual([expect.objectContaining({ api: "vro", apiVersion, executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" })]);
    expect((await crud.read(id, outs)).props).toMatchObject({ apiVersion, result: "success" });
    await crud.delete(id, outs);
    expect(sim.world.plan(plan.id)).toMatchObject({ phase: "undoFailover", undos: 1 });

    sim.world.modifyPlan(plan.id, { nextOutcome: "error" });
    const failed = (await captureFailure(crud.create(await checked({ planId: plan.id })))) as PartialFailureError;
    expect(failed).toBeInstanceOf(PartialFailureError);
    expect(failed.properties).toMatchObject({ apiVersion, result: "error", errorCount: 1 });

    const paths = sim.world.requests.map((entry) => entry.path);
    expect(paths.filter((path) => path !== "/api/token" && !path.startsWith(`/api/${apiVersion}/`))).toEqual([]);
    for (const path of [`Plans/${plan.id}`, `RuntimeDetails/Plans/${plan.id}`, `Plans/${plan.id}/Failover`, `Plans/${plan.id}/Undo`]) {
      expect(paths).toContain(`/api/${apiVersion}/${path}`);
    }
  });
});

describe("API detection", () => {
  test("without veeam:apiVersion the twin (serving v2 and v7.2 … v13.2) is spoken to in its newest version, v13.2", async () => {
    configure(undefined);
    const plan = sim.world.addPlan({ name: "DR-detect" });
    const { outs } = await crud.create(await checked({ planId: plan.id }));
    expect(outs.apiVersion).toBe("v13.2");
    expect(sim.world.plan(plan.id)?.launches[0]).toMatchObject({ api: "vro", apiVersion: "v13.2" });
  });

  test("wrong credentials are an AuthenticationError naming veeam:username, without the password", async () => {
    forget("veeam.");
    recordStackConfig({ "veeam:server": sim.url, "veeam:username": sim.username, "veeam:password": "wrong-password-123", "veeam:apiVersion": "v7.21" });
    const error = (await captureFailure(crud.create(await checked({ planId: "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11" })))) as Error;
    expect(error.name).toBe("AuthenticationError");
    expect(error.message).toMatch(/veeam:username/);
    expect(error.message).not.toContain("wrong-password-123");
  });

  test("an unsupported veeam:apiVersion is refused before any request, naming the supported ones", async () => {
    configure("v13.3");
    const requestsBefore = sim.world.requests.length;
    const plan = sim.world.addPlan({ name: "DR-unsupported" });
    const error = (await captureFailure(crud.create(await checked({ planId: plan.id })))) as Error;
    expect(error.name).toBe("ConfigurationError");
    expect(error.message).toContain("v2, v7.2, v7.21, v13, v13.1, v13.2");
    expect(sim.world.requests.length).toBe(requestsBefore);
  });
});

describe("another stack-config namespace", () => {
  test("a run over connection 'veeam-dr' reads that namespace's settings and names its keys", async () => {
    forget("veeam.");
    recordStackConfig({ "veeam-dr:server": sim.url, "veeam-dr:username": sim.username, "veeam-dr:password": sim.password, "veeam-dr:apiVersion": "v13" });
    const plan = sim.world.addPlan({ name: "DR-other-site" });
    const { id, outs } = await crud.create(await checked({ planId: plan.id, connection: "veeam-dr" }));
    expect(outs).toMatchObject({ connection: "veeam-dr", apiVersion: "v13", endpoint: sim.url });
    expect((await crud.read(id, outs)).props).toMatchObject({ connection: "veeam-dr", apiVersion: "v13" });
    await crud.delete(id, outs);
    expect(sim.world.plan(plan.id)).toMatchObject({ phase: "undoFailover", undos: 1 });

    recordStackConfig({ "veeam-dr:server": sim.url, "veeam-dr:username": sim.username, "veeam-dr:password": "not-the-password", "veeam-dr:apiVersion": "v13" });
    forget("veeam.");
    const refused = (await captureFailure(crud.create(await checked({ planId: plan.id, connection: "veeam-dr" })))) as Error;
    expect(refused.name).toBe("AuthenticationError");
    expect(refused.message).toContain("veeam-dr:username");
    expect(refused.message).toContain("VEEAM_DR_PASSWORD");
  });
});

describe.each([
  ["VRO 13.1 (v7.21, v13, v13.1)", RELEASE_API_VERSIONS["vro-13.1"]!, "v13.1"],
  ["VRO 13.0 (v7.2, v7.21, v13)", RELEASE_API_VERSIONS["vro-13.0"]!, "v13"],
  ["a server offering only v7.21", ["v7.21"], "v7.21"],
  ["VAO 2 (v2 only)", RELEASE_API_VERSIONS["vao-2"]!, "v2"],
])("detection against %s", (_label, apiVersions, expected) => {
  let server: VeeamSimulator;
  beforeAll(async () => {
    server = await startVeeamSimulator({ runDurationMs: RUN_MS, seed: false, apiVersions });
  });
  afterAll(async () => {
    await server.close();
  });

  test(`speaks ${expected} for the whole lifecycle, after one detection`, async () => {
    forget("veeam.");
    recordStackConfig({ "veeam:server": server.url, "veeam:username": server.username, "veeam:password": server.password });
    const plan = server.world.addPlan({ name: `DR-detect-${expected}` });
    const { id, outs } = await crud.create(await checked({ planId: plan.id }));
    expect(outs).toMatchObject({ apiVersion: expected, result: "success" });
    expect(server.world.plan(plan.id)?.launches[0]).toMatchObject({ apiVersion: expected });
    const detectionRequests = server.world.requests.length;
    expect((await crud.read(id, outs)).props).toMatchObject({ apiVersion: expected });
    await crud.delete(id, outs);
    expect(server.world.plan(plan.id)).toMatchObject({ phase: "undoFailover", undos: 1 });
    // after the detection, every call goes to the detected version's paths, and no further token grant or probe is made
    const later = server.world.requests.slice(detectionRequests).map((entry) => entry.path);
    const prefix = expected === "v2" ? "/v2/FailoverPlans/" : `/api/${expected}/`;
    expect(later.length).toBeGreaterThan(0);
    expect(later.filter((path) => !path.startsWith(prefix))).toEqual([]);
    expect(server.world.grants.password).toBe(1);
  });
});

describe("behind a misbehaving front (tools/hostile)", () => {
  let front: HostileFront;
  beforeAll(async () => {
    front = await startHostileFront(sim.url);
  });
  afterEach(() => front.disarm());
  afterAll(async () => {
    await front.close();
  });

  function everythingShown(error: unknown): string {
    return `${JSON.stringify(error)}\n${util.inspect(error, { depth: 10 })}`;
  }

  test.each([
    ["accepts every request and never answers", { kind: "hang" }],
    ["answers the headers, then trickles one byte a second", { kind: "trickle", intervalMs: 1000 }],
  ] as const)("a server that %s ends a create with timeoutSeconds 5 at its deadline, naming the endpoint and the call", async (_label, misbehave) => {
    front.arm({ misbehave });
    configure("v13.2", front.url);
    const plan = sim.world.addPlan({ name: `DR-front-${misbehave.kind}` });
    const error = await captureFailure(crud.create(await checked({ planId: plan.id, timeoutSeconds: 5 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain(`${front.url} (veeam:server) did not answer acquire Veeam token`);
    expect(sim.world.plan(plan.id)?.launches).toHaveLength(0);
  });

  test("a refresh and a destroy against a server that stops answering end by the run's timeoutSeconds", async () => {
    configure("v13.2", front.url);
    const plan = sim.world.addPlan({ name: "DR-front-silent-later" });
    const { id, outs } = await crud.create(await checked({ planId: plan.id, timeoutSeconds: 2 }));
    front.arm({ misbehave: { kind: "hang" } });
    forget("veeam."); // a fresh token grant meets the silent server too
    for (const operation of [() => crud.read(id, outs), () => crud.delete(id, outs)]) {
      const error = await captureFailure(operation());
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toContain(`${front.url} (veeam:server) did not answer`);
    }
    expect(sim.world.plan(plan.id)).toMatchObject({ phase: "failover", undos: 0 });
  });

  test("a Failover whose answer never comes back is sent once, and the create ends by its deadline", async () => {
    const rule = front.arm({ match: "/Failover", misbehave: { kind: "hang", forward: true } });
    configure("v13.2", front.url);
    const plan = sim.world.addPlan({ name: "DR-front-lost-answer", runDurationMs: ENDLESS_MS });
    const error = await captureFailure(crud.create(await checked({ planId: plan.id, timeoutSeconds: 2 })));
    expect(rule.hits).toBe(1);
    expect(sim.world.plan(plan.id)?.launches).toHaveLength(1);
    // Two honest endings, depending on whether time was left to read the plan back after the lost answer: the run is
    // recorded (the read-back found it failing over), or the error says the outcome is unknown and names the call.
    if (error instanceof PartialFailureError) {
      expect(error.message).toMatch(/started but did not finish within 2 s/);
      expect(error.properties).toMatchObject({ planId: plan.id, result: "error" });
    } else {
      expect((error as Error).message).toContain(`Whether POST Plans/Failover took effect is unknown: the state of VeeamPlan:${plan.id} could not be read back`);
    }
    sim.world.finishOperation(plan.id);
  });

  test("a token endpoint that echoes the password, and an API error that echoes the bearer token, leave neither in the error", async () => {
    configure("v13.2", front.url);
    const plan = sim.world.addPlan({ name: "DR-front-echo" });
    const grant = front.arm({ match: "/api/token", times: 1, misbehave: { kind: "echoCredentials", status: 400, body: echoBodies.veeam } });
    const refused = await captureFailure(crud.create(await checked({ planId: plan.id })));
    expect(grant.hits).toBe(1);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(everythingShown(refused)).not.toContain(sim.password);

    const read = front.arm({ match: `/Plans/${plan.id}`, times: 1, misbehave: { kind: "echoCredentials", status: 500, body: echoBodies.veeam } });
    const failed = await captureFailure(crud.create(await checked({ planId: plan.id })));
    expect(read.hits).toBe(1);
    expect(sim.world.accessTokens.size).toBeGreaterThan(0); // the bearer token the front echoed is one of these
    for (const token of sim.world.accessTokens.keys()) expect(everythingShown(failed)).not.toContain(token);
    expect(everythingShown(failed)).not.toContain(sim.password);
  });

  test("an issued token with CR/LF is refused as an AuthenticationError and never sent", async () => {
    configure("v13.2", front.url);
    const plan = sim.world.addPlan({ name: "DR-front-bad-token" });
    front.arm({ match: "/api/token", misbehave: { kind: "badToken", at: "access_token" } });
    const logged = front.log.length;
    const error = await captureFailure(crud.create(await checked({ planId: plan.id })));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/issued an access_token that contains a line break \(CR or LF\)/);
    expect(front.log.slice(logged).map((entry) => entry.path)).toEqual(["/api/token"]);
  });

  test("runtime details nested 100000 levels deep are a ServerError naming the member, and plan texts arrive cleaned", async () => {
    configure("v13.2", front.url);
    const plan = sim.world.addPlan({ name: "DR-front-deep" });
    front.arm({ match: "/RuntimeDetails/", misbehave: { kind: "nest", at: "state", depth: 100_000 } });
    const deep = await captureFailure(crud.create(await checked({ planId: plan.id })));
    expect(deep).toBeInstanceOf(ServerError);
    expect((deep as Error).message).toMatch(/GET RuntimeDetails\/Plans on VeeamPlan:\S+ answered with an unexpected body at state/);
    expect(sim.world.plan(plan.id)?.launches).toHaveLength(0);

    front.disarm();
    front.arm({ match: `/Plans/${plan.id}`, misbehave: { kind: "escapes", at: "name" } });
    const { outs } = await crud.create(await checked({ planId: plan.id }));
    expect(outs.planName).toContain("DR-front-deep");
    expect(String(outs.planName)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
