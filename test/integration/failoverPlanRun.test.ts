/**
 * FailoverPlanRun against the Veeam simulator over real HTTP (127.0.0.1, port 0), for every API version spoken: VAO
 * REST v2 (/v2) and Recovery Orchestrator v7.21, v13, v13.1 and v13.2 (/api/{v}), and the detection of the newest
 * version a server offers. The provider functions are called as the dynamic-provider host would call them.
 */
import * as crud from "../../provider/resources/veeam/failoverPlanRun/provider";
import { ConflictError, NotFoundError, PartialFailureError, ValidationError } from "../../provider/errors";
import { forget } from "../../provider/runtime";
import { recordStackConfig } from "../../provider/config";
import { RELEASE_API_VERSIONS, startVeeamSimulator, type VeeamSimulator } from "../../simulator/veeam";

let sim: VeeamSimulator;

beforeAll(async () => {
  sim = await startVeeamSimulator({ runDurationMs: 300, seed: false });
});

afterAll(async () => {
  await sim.close();
});

function configure(apiVersion: string | undefined): void {
  forget("veeam.");
  recordStackConfig({
    "veeam:server": sim.url,
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function captureFailure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe.each([
  ["VAO REST v2", "v2"],
  ["VRO v7.21", "v7.21"],
  ["VRO v13", "v13"],
  ["VRO v13.1", "v13.1"],
  ["VRO v13.2", "v13.2"],
])("FailoverPlanRun over %s", (_label, apiVersion) => {
  beforeEach(() => {
    configure(apiVersion);
    sim.world.settings.runDurationMs = 300;
    sim.world.settings.tokenLifetimeSeconds = 900;
  });

  test("runs the failover, waits, records the run, reads it back and undoes it on delete", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-ok` });
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
    });
    expect(Date.parse(outs.startedAt)).toBeLessThanOrEqual(Date.parse(outs.finishedAt));
    expect(sim.world.plan(plan.id)?.phase).toBe("failover");
    expect(sim.world.plan(plan.id)?.launches).toEqual([
      expect.objectContaining({ api: apiVersion === "v2" ? "v2" : "vro", apiVersion, executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" }),
    ]);

    const refreshed = await crud.read(id, outs);
    expect(refreshed.id).toBe(id);
    expect(refreshed.props).toMatchObject({ planId: plan.id, result: "success", planName: plan.name, startedAt: outs.startedAt });

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
    expect(partial.properties).toMatchObject({ planId: plan.id, result: "error", errorCount: 1 });
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

  test("a plan that does not exist is a NotFoundError naming the plan", async () => {
    const error = await captureFailure(crud.create(await checked({ planId: "11111111-2222-4333-8444-555555555555" })));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain("11111111-2222-4333-8444-555555555555");
  });

  test("invalid inputs are a ValidationError naming the property", async () => {
    const error = await captureFailure(crud.create({ planId: "../../etc/passwd" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).property).toBe("planId");
  });

  test("tokens expiring mid-wait: the 401 is answered by one renewal and the wait goes on", async () => {
    sim.world.settings.runDurationMs = 1500;
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-expiry` });
    const grantsBefore = { ...sim.world.grants };
    const running = crud.create(await checked({ planId: plan.id }));
    await sleep(500);
    expect(sim.world.plan(plan.id)?.operation?.kind).toBe("failover");
    sim.world.expireTokens();
    const { outs } = await running;
    expect(outs.result).toBe("success");
    const renewals = sim.world.grants.refresh - grantsBefore.refresh + (sim.world.grants.password - grantsBefore.password);
    expect(renewals).toBeGreaterThanOrEqual(1);
    expect(sim.world.grants.rejected).toBe(grantsBefore.rejected);
  });

  test("short-lived tokens are refreshed with the refresh token before they expire", async () => {
    sim.world.settings.runDurationMs = 1800;
    sim.world.settings.tokenLifetimeSeconds = 1;
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-short` });
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
    sim.world.settings.runDurationMs = 2500;
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-timeout` });
    const error = (await captureFailure(crud.create(await checked({ planId: plan.id, timeoutSeconds: 1 })))) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/did not finish within 1 s/);
    expect(error.properties).toMatchObject({ planId: plan.id, undoOnDelete: true });
    sim.world.settings.runDurationMs = 300; // the running failover keeps its 2.5 s; the undo need not take as long
    await crud.delete(error.id, { ...error.properties, timeoutSeconds: 30 });
    expect(sim.world.plan(plan.id)?.phase).toBe("undoFailover");
  });

  test("import by a bare plan id reads the failed-over plan and returns its inputs", async () => {
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-import`, phase: "failover", result: "warning", warnings: 2 });
    const imported = await crud.read(plan.id, {});
    expect(imported.id).toBe(plan.id);
    expect(imported.props).toMatchObject({ planId: plan.id, planName: plan.name, result: "warning", warningCount: 2, undoOnDelete: true, apiVersion });
    expect(imported.inputs).toMatchObject({ planId: plan.id, executeChainedPlans: false, undoOnDelete: true, timeoutSeconds: 3600 });
  });

  test("refresh during a run that outlasted the timeout keeps the recorded result and shows the progress", async () => {
    sim.world.settings.runDurationMs = 3000;
    const plan = sim.world.addPlan({ name: `DR-${apiVersion}-slow` });
    const error = (await captureFailure(crud.create(await checked({ planId: plan.id, timeoutSeconds: 1 })))) as PartialFailureError;
    expect(error).toBeInstanceOf(PartialFailureError);
    const during = await crud.read(error.id, error.properties);
    expect(during.id).toBe(error.id);
    expect(during.props).toMatchObject({ result: "error", planState: "Failover" });
    await sleep(2200);
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
    expect(updated.outs).toMatchObject({ undoOnDelete: false, timeoutSeconds: 600, result: "success", startedAt: outs.startedAt });
    expect(sim.world.plan(plan.id)?.launches.length).toBe(launches);
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

describe.each([
  ["VRO 13.1 (v7.21, v13, v13.1)", RELEASE_API_VERSIONS["vro-13.1"]!, "v13.1"],
  ["VRO 13.0 (v7.2, v7.21, v13)", RELEASE_API_VERSIONS["vro-13.0"]!, "v13"],
  ["a server offering only v7.21", ["v7.21"], "v7.21"],
  ["VAO 2 (v2 only)", RELEASE_API_VERSIONS["vao-2"]!, "v2"],
])("detection against %s", (_label, apiVersions, expected) => {
  let server: VeeamSimulator;
  beforeAll(async () => {
    server = await startVeeamSimulator({ runDurationMs: 200, seed: false, apiVersions });
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
