import * as crud from "../../provider/resources/zstack/vmInstanceRecovery/provider";
import { recordStackConfig, zstackSettings } from "../../provider/config";
import * as errors from "../../provider/errors";
import { forget } from "../../provider/runtime";
import { runJob } from "../../provider/zstack/jobs";
import { currentSession, loginCount } from "../../provider/zstack/session";
import { recoverVmInstance } from "../../provider/zstack/vmInstances";
import { startZstackSimulator, type ZstackSimulator } from "../../simulator/zstack";

let sim: ZstackSimulator;

beforeAll(async () => {
  sim = await startZstackSimulator({ accountName: "ops", password: "s3cret-Pass", jobDurationMs: 30 });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  forget("zstack.");
  recordStackConfig({
    "zstack:endpoint": sim.url,
    "zstack:accountName": "ops",
    "zstack:accountPassword": "s3cret-Pass",
  });
  sim.server.faults.reset();
  sim.requests.splice(0, sim.requests.length);
  sim.world.injectedFailures.splice(0);
  sim.world.jobDurationMs = 30;
});

function destroyedVm(name = "db-1"): string {
  const vm = sim.world.addVm({ name, state: "Running" });
  sim.world.destroyVm(vm.uuid);
  return vm.uuid;
}

function actionRequests(): typeof sim.requests {
  return sim.requests.filter((request) => request.path.endsWith("/actions"));
}

async function create(inputs: Record<string, unknown>) {
  const checked = await crud.check({}, inputs);
  expect(checked.failures ?? []).toEqual([]);
  return crud.create(checked.inputs as Record<string, unknown>);
}

test("recovers a Destroyed VM: it comes back Stopped, without IP addresses", async () => {
  const uuid = destroyedVm();
  const result = await create({ vmInstanceUuid: uuid });
  expect(result.id).toBe(uuid);
  expect(result.outs).toMatchObject({
    vmInstanceUuid: uuid,
    name: "db-1",
    state: "Stopped",
    initialState: "Destroyed",
    recovered: true,
    startedAfterRecovery: false,
    startAfterRecovery: false,
    timeoutSeconds: 600,
    ipAddresses: [],
    hypervisorType: "KVM",
  });
  expect(typeof result.outs.recoveredAt).toBe("string");
  expect(result.outs.hostUuid).toBeUndefined();
  expect(sim.world.vms.get(uuid)?.state).toBe("Stopped");
  // The job location was advertised on another host:port and followed on the configured endpoint.
  expect(sim.requests.some((request) => request.path.startsWith("/zstack/v1/api-jobs/"))).toBe(true);
  expect(actionRequests()).toHaveLength(1);

  const read = await crud.read(uuid, result.outs);
  expect(read.id).toBe(uuid);
  expect(read.props).toMatchObject({ state: "Stopped", recovered: true, initialState: "Destroyed" });

  await crud.delete(uuid, result.outs);
  expect(sim.world.vms.get(uuid)?.state).toBe("Stopped");
});

test("recovers and starts when startAfterRecovery is true; tags travel with the recover call", async () => {
  const uuid = destroyedVm("web-1");
  const result = await create({ vmInstanceUuid: uuid, startAfterRecovery: true, systemTags: ["recoveredBy::pulumi"], userTags: ["sre"] });
  expect(result.outs).toMatchObject({ state: "Running", recovered: true, startedAfterRecovery: true });
  expect(result.outs.hostUuid).toBe(sim.world.vms.get(uuid)?.hostUuid);
  expect((result.outs.ipAddresses as string[]).length).toBe(1);
  const bodies = actionRequests().map((request) => JSON.parse(request.body));
  expect(bodies).toEqual([
    { recoverVmInstance: {}, systemTags: ["recoveredBy::pulumi"], userTags: ["sre"] },
    { startVmInstance: {} },
  ]);
  expect(sim.world.vms.get(uuid)?.systemTags).toContain("recoveredBy::pulumi");
});

test("a VM that is not Destroyed is left alone and the resource records that nothing was needed", async () => {
  const vm = sim.world.addVm({ name: "app", state: "Running" });
  const result = await create({ vmInstanceUuid: vm.uuid, startAfterRecovery: true });
  expect(result.outs).toMatchObject({ state: "Running", initialState: "Running", recovered: false, startedAfterRecovery: false });
  expect(actionRequests()).toHaveLength(0);

  const stopped = sim.world.addVm({ name: "batch", state: "Stopped" });
  const second = await create({ vmInstanceUuid: stopped.uuid, startAfterRecovery: true });
  expect(second.outs).toMatchObject({ state: "Stopped", recovered: false });
  expect(sim.world.vms.get(stopped.uuid)?.state).toBe("Stopped");
});

test("accepts a hyphenated uuid and normalizes it", async () => {
  const uuid = destroyedVm();
  const hyphenated = `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`.toUpperCase();
  const result = await create({ vmInstanceUuid: hyphenated });
  expect(result.id).toBe(uuid);
  expect(result.outs.vmInstanceUuid).toBe(uuid);
});

test("an expunged VM is refused at preview, naming the uuid, and is a clear error if it vanishes before up", async () => {
  const uuid = destroyedVm();
  sim.world.expungeNow(uuid);
  const checked = await crud.check({}, { vmInstanceUuid: uuid });
  expect(checked.failures).toEqual([{ property: "vmInstanceUuid", reason: expect.stringContaining(`${uuid} not found: expunged or never existed`) }]);
  const failure = await crud.create({ vmInstanceUuid: uuid, startAfterRecovery: false, timeoutSeconds: 600 }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(errors.NotFoundError);
  expect((failure as Error).message).toContain(uuid);
  expect((failure as Error).message).toContain("not found: expunged or never existed");
  expect(actionRequests()).toHaveLength(0);
});

test("a Destroyed VM is expunged after the expunge period and can no longer be recovered", async () => {
  const previous = sim.world.expungePeriodSeconds;
  sim.world.expungePeriodSeconds = 0.05;
  try {
    const uuid = destroyedVm();
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(crud.create({ vmInstanceUuid: uuid, startAfterRecovery: false, timeoutSeconds: 600 })).rejects.toBeInstanceOf(errors.NotFoundError);
    expect(sim.world.expunged.has(uuid)).toBe(true);
  } finally {
    sim.world.expungePeriodSeconds = previous;
  }
});

test("an unknown uuid is refused at preview, naming it", async () => {
  const uuid = "0123456789abcdef0123456789abcdef";
  const checked = await crud.check({}, { vmInstanceUuid: uuid });
  expect(checked.failures?.[0]?.reason).toMatch(new RegExp(`^vmInstanceUuid: ZStack VM instance ${uuid} not found: expunged or never existed`));
});

test("a preview of an unchanged uuid makes no call", async () => {
  const uuid = destroyedVm();
  const before = sim.requests.length;
  await crud.check({ vmInstanceUuid: uuid }, { vmInstanceUuid: uuid });
  expect(sim.requests.length).toBe(before);
});

test("a session that expired is replaced by one new login, for queries and for jobs", async () => {
  const uuid = destroyedVm();
  const settings = zstackSettings();
  await currentSession(settings, Date.now() + 10_000);
  expect(loginCount(settings)).toBe(1);
  sim.world.expireSessions();

  // The query answers 503 ID.1001; the client logs in again and replays.
  const vmBefore = sim.world.vms.get(uuid);
  expect(vmBefore?.state).toBe("Destroyed");
  const read = await crud.read(uuid, { vmInstanceUuid: uuid });
  expect(read.props).toMatchObject({ state: "Destroyed" });
  expect(loginCount(settings)).toBe(2);

  // An action accepted with an expired session fails in its job with ID.1001: it did nothing, so it is submitted again.
  sim.world.expireSessions();
  const result = await runJob(settings, () => recoverVmInstance(settings, uuid, { deadline: Date.now() + 10_000 }), {
    what: "recovery",
    deadline: Date.now() + 10_000,
  });
  expect(result).toMatchObject({ inventory: { uuid, state: "Stopped" } });
  expect(loginCount(settings)).toBe(3);
  const jobUuids = actionRequests().map((request) => request.headers["x-job-uuid"]);
  expect(jobUuids).toHaveLength(2);
  expect(jobUuids[0]).not.toBe(jobUuids[1]);
  const jobs = sim.world.dump().jobs as Array<{ uuid: string; success: boolean }>;
  expect(jobs.find((job) => job.uuid === jobUuids[0])?.success).toBe(false);
  expect(jobs.find((job) => job.uuid === jobUuids[1])?.success).toBe(true);
});

test("concurrent callers share one login", async () => {
  const uuids = [destroyedVm("a"), destroyedVm("b"), destroyedVm("c"), destroyedVm("d")];
  await Promise.all(uuids.map((uuid) => crud.read(uuid, { vmInstanceUuid: uuid })));
  expect(sim.requests.filter((request) => request.path === "/zstack/v1/accounts/login")).toHaveLength(1);
});

test("a job that fails keeps ZStack's code, description, details and cause chain; the VM stays Destroyed", async () => {
  const uuid = destroyedVm();
  sim.world.injectedFailures.push({
    action: "recoverVmInstance",
    error: {
      code: "SYS.1006",
      description: "An operation failed",
      details: "cannot allocate primary storage",
      elaboration: null,
      opaque: null,
      cause: { code: "PS.1003", description: "Not enough capacity", details: "primary storage ps-1 is full", elaboration: null, opaque: null, cause: null },
    },
  });
  const failure = (await create({ vmInstanceUuid: uuid }).catch((error: unknown) => error)) as errors.VendorFaultError;
  expect(failure).toBeInstanceOf(errors.VendorFaultError);
  expect(failure.fault?.type).toBe("SYS.1006");
  expect(failure.fault?.details).toMatchObject({
    description: "An operation failed",
    details: "cannot allocate primary storage",
    causes: [{ code: "PS.1003", description: "Not enough capacity", details: "primary storage ps-1 is full" }],
  });
  expect((failure.cause as Error & { code?: string }).code).toBe("PS.1003");
  expect(failure.message).toContain("cannot allocate primary storage");
  expect(failure.operation).toBe("RecoverVmInstance");
  expect(sim.world.vms.get(uuid)?.state).toBe("Destroyed");
});

test("a start that fails after the recovery is a partial failure carrying the id and the recovered state", async () => {
  const uuid = destroyedVm();
  sim.world.injectedFailures.push({ action: "startVmInstance", error: { code: "HOST.1001", description: "No host available", details: "no host has enough memory", elaboration: null, opaque: null, cause: null } });
  const failure = (await create({ vmInstanceUuid: uuid, startAfterRecovery: true }).catch((error: unknown) => error)) as errors.PartialFailureError;
  expect(failure).toBeInstanceOf(errors.PartialFailureError);
  expect(failure.id).toBe(uuid);
  expect(failure.properties).toMatchObject({ state: "Stopped", recovered: true, startedAfterRecovery: false });
  expect(failure.fault?.type).toBe("HOST.1001");
});

test("drift: a VM destroyed again shows as Destroyed, the diff asks for an update and the update recovers it", async () => {
  const uuid = destroyedVm();
  const created = await create({ vmInstanceUuid: uuid });
  sim.world.destroyVm(uuid);

  const refreshed = await crud.read(uuid, created.outs);
  expect(refreshed.props).toMatchObject({ state: "Destroyed", recovered: true });
  const news = (await crud.check(created.outs, { vmInstanceUuid: uuid })).inputs as Record<string, unknown>;
  const diff = await crud.diff(uuid, refreshed.props as Record<string, unknown>, news);
  expect(diff).toMatchObject({ changes: true, replaces: [] });

  const updated = await crud.update(uuid, refreshed.props as Record<string, unknown>, news);
  expect(updated.outs).toMatchObject({ state: "Stopped", recovered: true, initialState: "Destroyed" });
  expect(sim.world.vms.get(uuid)?.state).toBe("Stopped");
  const after = await crud.diff(uuid, updated.outs as Record<string, unknown>, news);
  expect(after.changes).toBe(false);

  // Expunged out of band: refresh drops the resource.
  sim.world.destroyVm(uuid);
  sim.world.expungeNow(uuid);
  expect(await crud.read(uuid, updated.outs as Record<string, unknown>)).toEqual({ id: "", props: {} });
  await expect(crud.delete(uuid, updated.outs as Record<string, unknown>)).resolves.toBeUndefined();
});

test("turning startAfterRecovery on starts a VM this resource recovered", async () => {
  const uuid = destroyedVm();
  const created = await create({ vmInstanceUuid: uuid });
  const news = (await crud.check(created.outs, { vmInstanceUuid: uuid, startAfterRecovery: true })).inputs as Record<string, unknown>;
  expect((await crud.diff(uuid, created.outs, news)).changes).toBe(true);
  const updated = await crud.update(uuid, created.outs, news);
  expect(updated.outs).toMatchObject({ state: "Running", startedAfterRecovery: true, recovered: true });
});

test("a connection dropped on the recover call is resolved through the job uuid, not by recovering twice", async () => {
  const uuid = destroyedVm();
  sim.server.faults.configure({ drop: 1, pathContains: "/actions" });
  const result = await create({ vmInstanceUuid: uuid });
  expect(result.outs).toMatchObject({ state: "Stopped", recovered: true });
  const recorded = actionRequests();
  // The dropped request never reached the handler (so it is not in the log); the one that did carries the same uuid
  // as the probe of the job location that preceded it.
  expect(recorded).toHaveLength(1);
  const jobUuid = recorded[0]?.headers["x-job-uuid"] as string;
  expect(sim.requests.some((request) => request.path === `/zstack/v1/api-jobs/${jobUuid}`)).toBe(true);
  const probeIndex = sim.requests.findIndex((request) => request.path === `/zstack/v1/api-jobs/${jobUuid}`);
  const submitIndex = sim.requests.findIndex((request) => request.path.endsWith("/actions"));
  expect(probeIndex).toBeLessThan(submitIndex);
});

test("gateway 503s while polling are tolerated", async () => {
  const uuid = destroyedVm();
  sim.world.jobDurationMs = 100;
  sim.server.faults.configure({ fail503: 2, pathContains: "/api-jobs/" });
  const result = await create({ vmInstanceUuid: uuid });
  expect(result.outs).toMatchObject({ state: "Stopped", recovered: true });
  expect(sim.server.faults.injected).toBeGreaterThanOrEqual(2);
});

test("a wrong password is an authentication error naming the settings", async () => {
  recordStackConfig({ "zstack:endpoint": sim.url, "zstack:accountName": "ops", "zstack:accountPassword": "wrong-one" });
  const uuid = destroyedVm();
  const failure = (await create({ vmInstanceUuid: uuid }).catch((error: unknown) => error)) as errors.AuthenticationError;
  expect(failure).toBeInstanceOf(errors.AuthenticationError);
  expect(failure.fault?.type).toBe("ID.1000");
  expect(failure.message).toContain("zstack:accountPassword");
  expect(failure.message).not.toContain("wrong-one");
});

test("a timeout names the last job state and leaves a readable resource", async () => {
  const uuid = destroyedVm();
  sim.world.jobDurationMs = 5_000;
  const failure = await create({ vmInstanceUuid: uuid, timeoutSeconds: 1 }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(errors.TimeoutError);
  expect((failure as errors.TimeoutError).lastState).toMatch(/running/);
});

describe("connection: another stack-config namespace", () => {
  function configureNamespaces(): void {
    recordStackConfig({
      "zstack:endpoint": sim.url,
      "zstack:accountName": "ops",
      "zstack:accountPassword": "s3cret-Pass",
      // The same management node and account under another name (the URL written differently: same endpoint).
      "zstack-east:endpoint": `${sim.url}/`,
      "zstack-east:accountName": "ops",
      "zstack-east:accountPassword": "s3cret-Pass",
      "zstack-west:endpoint": sim.url,
      "zstack-west:accountName": "ops",
      "zstack-west:accountPassword": "not-the-password",
    });
  }

  test("the resource speaks to the namespace's endpoint and records it; one session serves every namespace of that endpoint and account", async () => {
    configureNamespaces();
    const uuid = destroyedVm();
    const result = await create({ vmInstanceUuid: uuid, connection: "zstack-east" });
    expect(result.outs).toMatchObject({ connection: "zstack-east", endpoint: sim.url, state: "Stopped", recovered: true });
    await crud.read(uuid, { vmInstanceUuid: uuid });
    expect(sim.requests.filter((request) => request.path === "/zstack/v1/accounts/login")).toHaveLength(1);
    expect(loginCount(zstackSettings("zstack-east"))).toBe(1);

    // Another namespace for the same endpoint is an update in place, not another VM.
    const news = (await crud.check(result.outs, { vmInstanceUuid: uuid, connection: "zstack" })).inputs as Record<string, unknown>;
    expect(await crud.diff(uuid, result.outs, news)).toMatchObject({ changes: true, replaces: [] });
  });

  test("a wrong password names the namespace's own keys, as a sentence of its own", async () => {
    configureNamespaces();
    const uuid = destroyedVm();
    await crud.read(uuid, { vmInstanceUuid: uuid }); // a good session for the same endpoint and account exists
    const failure = (await crud.create({ vmInstanceUuid: uuid, connection: "zstack-west" }).catch((error: unknown) => error)) as errors.AuthenticationError;
    expect(failure).toBeInstanceOf(errors.AuthenticationError);
    expect(failure.fault?.type).toBe("ID.1000");
    expect(failure.message).toMatch(/password\. Check zstack-west:accountName and zstack-west:accountPassword \(or ZSTACK_WEST_ACCOUNT_NAME \/ ZSTACK_WEST_ACCOUNT_PASSWORD\)\.$/);
    expect(failure.message).not.toContain("not-the-password");
  });

  test("a namespace without an endpoint is refused at check, naming it", async () => {
    configureNamespaces();
    const checked = await crud.check({}, { vmInstanceUuid: destroyedVm(), connection: "zstack-north" });
    expect(checked.failures).toEqual([{ property: "connection", reason: expect.stringContaining('namespace "zstack-north"') }]);
  });
});
