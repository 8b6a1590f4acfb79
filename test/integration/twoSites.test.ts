/**
 * Two sites in one provider process, in-process against a two-site offline twin over loopback: every resource speaks
 * to the endpoint its `connection` names and to nothing else. The same VM id on both vCenters is acted on at once
 * without a shared lock, task wait or session; one Login per endpoint and user; TLS settings belong to their endpoint;
 * diff decides from config alone; a namespace that points at another vendor's server fails at the first call, naming
 * the namespace's keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { recordStackConfig } from "../../provider/config";
import * as errors from "../../provider/errors";
import * as failoverPlanRun from "../../provider/resources/veeam/failoverPlanRun/provider";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import * as vmSnapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import * as vmInstanceRecovery from "../../provider/resources/zstack/vmInstanceRecovery/provider";
import { forget } from "../../provider/runtime";
import { connect } from "../../provider/vsphere/connection";
import { startOfflineTwin, startVsphereSimulator, ZSTACK_SEED, type OfflineTwin, type OfflineTwinSite, type VsphereSimulator } from "../../simulator";
import { aliasOf, requestCounts, requestsSince, routeCount, stackConfigValues } from "./support/sites";

const LOGIN = "POST SessionManager/Login";

let twin: OfflineTwin;
let primary: OfflineTwinSite;
let dr: OfflineTwinSite;

beforeAll(async () => {
  twin = await startOfflineTwin({ sites: 2, durationMs: 50 });
  [primary, dr] = twin.sites as [OfflineTwinSite, OfflineTwinSite];
});
afterAll(async () => {
  await twin.close();
});
beforeEach(() => {
  forget("vsphere.");
  forget("zstack.");
  forget("veeam.");
  configureSites();
});

/** Both sites, plus `*-alias` namespaces naming the primary site's servers again. */
function configureSites(extra: Record<string, string> = {}): void {
  recordStackConfig({ ...stackConfigValues(primary, dr, aliasOf(primary, "alias")), ...extra });
}

type Crud = typeof vmPowerState;

async function checked(crud: Crud, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await crud.check(olds, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

async function create(crud: Crud, inputs: Record<string, unknown>) {
  return crud.create(await checked(crud, {}, inputs));
}

function vmOn(site: OfflineTwinSite, vmId: string) {
  return site.vsphere.world.inventory().vms.find((vm) => vm.id === vmId);
}

function snapshotsOn(site: OfflineTwinSite, vmId: string) {
  return site.vsphere.world.inventory().snapshots.filter((snapshot) => snapshot.vmId === vmId);
}

/** Adds the same VM (same id) to both vCenters. */
function onBoth(spec: { id: string; name: string; powerState?: "poweredOn" | "poweredOff" }): string {
  for (const site of [primary, dr]) site.vsphere.world.addVm(spec);
  return spec.id;
}

/** Resolves once `site`'s vCenter has handled a request whose route label is `route` (e.g. the task that will hang). */
function handled(site: OfflineTwinSite, route: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = site.vsphere.server.onHandled((request) => {
      if (!request.path.includes(route)) return;
      stop();
      resolve();
    });
  });
}

describe("the same VM id on two vCenters at once", () => {
  it("both succeed: a task hung on one vCenter holds neither the other's VM lock nor its task wait", async () => {
    const vmId = onBoth({ id: "vm-901", name: "same-id", powerState: "poweredOff" });
    primary.vsphere.world.hangNextTask(vmId, "PowerOnVM_Task");
    const started = handled(primary, "PowerOnVM_Task");
    let primaryDone = false;
    const onPrimary = create(vmPowerState, { vmId, state: "poweredOn", shutdownMode: "hard", timeoutSeconds: 60 }).finally(() => {
      primaryDone = true;
    });
    await started;

    const onDr = await create(vmPowerState, { vmId, state: "poweredOn", shutdownMode: "hard", connection: dr.namespaces.vsphere, timeoutSeconds: 60 });
    expect(onDr.outs).toMatchObject({ connection: "vsphere-dr", endpoint: dr.vsphere.url, powerState: "poweredOn" });
    expect(vmOn(dr, vmId)?.powerState).toBe("poweredOn");
    expect(primaryDone).toBe(false);
    expect(vmOn(primary, vmId)?.powerState).toBe("poweredOff");

    primary.vsphere.world.finishHungTasks();
    expect((await onPrimary).outs).toMatchObject({ connection: "vsphere", endpoint: primary.vsphere.url, powerState: "poweredOn" });
    expect(vmOn(primary, vmId)?.powerState).toBe("poweredOn");
  });

  it("snapshots of the same VM id with the same name, at once: one on each vCenter, each recorded with its own endpoint", async () => {
    const vmId = onBoth({ id: "vm-902", name: "snap-twice" });
    const [onPrimary, onDr] = await Promise.all([
      create(vmSnapshot as unknown as Crud, { vmId, name: "before-failover" }),
      create(vmSnapshot as unknown as Crud, { vmId, name: "before-failover", connection: "vsphere-dr" }),
    ]);
    expect(snapshotsOn(primary, vmId).map((snapshot) => snapshot.id)).toEqual([onPrimary.id]);
    expect(snapshotsOn(dr, vmId).map((snapshot) => snapshot.id)).toEqual([onDr.id]);
    expect([onPrimary.outs?.["endpoint"], onDr.outs?.["endpoint"]]).toEqual([primary.vsphere.url, dr.vsphere.url]);

    await Promise.all([vmSnapshot.delete(onPrimary.id, onPrimary.outs ?? {}), vmSnapshot.delete(onDr.id, onDr.outs ?? {})]);
    expect([snapshotsOn(primary, vmId), snapshotsOn(dr, vmId)]).toEqual([[], []]);
  });

  it("FT on the same VM id on both vCenters: each secondary is made, read and turned off on its own vCenter", async () => {
    const vmId = onBoth({ id: "vm-903", name: "ft-twice" });
    const [onPrimary, onDr] = await Promise.all([
      create(ftSecondary as unknown as Crud, { vmId, timeoutSeconds: 60 }),
      create(ftSecondary as unknown as Crud, { vmId, timeoutSeconds: 60, connection: "vsphere-dr" }),
    ]);
    expect(onPrimary.outs?.["secondaryVmId"]).toBe(vmOn(primary, vmId)?.secondaryIds[0]);
    expect(onDr.outs?.["secondaryVmId"]).toBe(vmOn(dr, vmId)?.secondaryIds[0]);

    dr.vsphere.world.turnOffFtOutOfBand(vmId);
    expect((await ftSecondary.read(vmId, onDr.outs ?? {})).id).toBe("");
    expect((await ftSecondary.read(vmId, onPrimary.outs ?? {})).id).toBe(vmId);
    await ftSecondary.delete(vmId, onPrimary.outs ?? {});
    expect([vmOn(primary, vmId)?.ftRole, vmOn(dr, vmId)?.ftRole]).toEqual(["none", "none"]);
  });
});

describe("sessions", () => {
  it("one Login per endpoint and user, whatever namespace names it", async () => {
    const logins = { primary: routeCount(primary.vsphere.server, LOGIN), dr: routeCount(dr.vsphere.server, LOGIN) };
    const read = (connection: string) => vmPowerState.read("vm-101", { vmId: "vm-101", state: "poweredOn", connection });
    await Promise.all([read("vsphere"), read("vsphere-alias"), read("vsphere-dr"), read("vsphere"), read("vsphere-dr")]);
    expect(routeCount(primary.vsphere.server, LOGIN) - logins.primary).toBe(1);
    expect(routeCount(dr.vsphere.server, LOGIN) - logins.dr).toBe(1);
  });

  it("a session that expired on one site is renewed on that site only", async () => {
    const read = async (connection: string) => (await vmPowerState.read("vm-101", { vmId: "vm-101", state: "poweredOn", connection })).props?.["endpoint"];
    await Promise.all([read("vsphere"), read("vsphere-dr")]);
    const logins = { primary: routeCount(primary.vsphere.server, LOGIN), dr: routeCount(dr.vsphere.server, LOGIN) };
    expect(primary.vsphere.world.expireAllSessions()).toBeGreaterThan(0);
    expect(await Promise.all([read("vsphere"), read("vsphere-dr")])).toEqual([primary.vsphere.url, dr.vsphere.url]);
    expect(routeCount(primary.vsphere.server, LOGIN) - logins.primary).toBe(1);
    expect(routeCount(dr.vsphere.server, LOGIN) - logins.dr).toBe(0);
  });
});

describe("TLS settings belong to their endpoint", () => {
  const fixtures = path.join(__dirname, "..", "fixtures", "tls");
  const tls = { key: fs.readFileSync(path.join(fixtures, "server.key"), "utf8"), cert: fs.readFileSync(path.join(fixtures, "server.pem"), "utf8") };
  let trusted: VsphereSimulator;
  let untrusted: VsphereSimulator;
  beforeAll(async () => {
    [trusted, untrusted] = await Promise.all([startVsphereSimulator({ tls }), startVsphereSimulator({ tls })]);
  });
  afterAll(async () => {
    await Promise.all([trusted.close(), untrusted.close()]);
  });

  it("a CA given to one namespace does not make another endpoint's certificate trusted", async () => {
    recordStackConfig({
      "vsphere-a:vsphereServer": trusted.url,
      "vsphere-a:user": trusted.username,
      "vsphere-a:password": trusted.password,
      "vsphere-a:caCertificate": path.join(fixtures, "ca.pem"),
      "vsphere-b:vsphereServer": untrusted.url,
      "vsphere-b:user": untrusted.username,
      "vsphere-b:password": untrusted.password,
    });
    expect((await connect("vsphere-a")).endpointKey).toBe(trusted.url);
    const refused = await connect("vsphere-b").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(errors.ConnectionError);
    expect((refused as Error).message).toContain(`${untrusted.url} (vsphere-b:vsphereServer) is not trusted`);
    expect((refused as Error).message).toContain("set vsphere-b:caCertificate");
  });
});

describe("diff decides from config; read uses the resource's own connection", () => {
  async function poweredOn(vmId: string, name: string): Promise<{ id: string; outs: Record<string, unknown>; vmId: string }> {
    primary.vsphere.world.addVm({ id: vmId, name });
    const made = await create(vmPowerState, { vmId, state: "poweredOn" });
    return { id: made.id, outs: made.outs ?? {}, vmId };
  }

  it("another namespace of the same endpoint is an update, another endpoint a replace; neither check nor diff makes a call", async () => {
    const { id, outs, vmId } = await poweredOn("vm-911", "moves");
    const before = requestCounts(twin.sites);
    const toAlias = await checked(vmPowerState, outs, { vmId, state: "poweredOn", connection: "vsphere-alias" });
    expect(await vmPowerState.diff(id, outs, toAlias)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const toDr = await checked(vmPowerState, outs, { vmId, state: "poweredOn", connection: "vsphere-dr" });
    expect(await vmPowerState.diff(id, outs, toDr)).toEqual({ changes: true, replaces: ["connection"], deleteBeforeReplace: false });
    expect(requestsSince(twin.sites, before)).toEqual({});

    const updated = await vmPowerState.update(id, outs, toAlias);
    expect(updated.outs).toMatchObject({ connection: "vsphere-alias", endpoint: primary.vsphere.url, lastAction: "none" });
    // The update reads the VM (it is already in the declared state): no task, and nothing reaches the other site.
    expect(Object.keys(requestsSince(twin.sites, before))).toEqual(["primary/vsphere"]);
  });

  it("the server behind an unchanged connection moving in the stack config is no replace: the next read reports what is there", async () => {
    const { id, outs, vmId } = await poweredOn("vm-912", "server-moves");
    dr.vsphere.world.addVm({ id: vmId, name: "server-moves", powerState: "poweredOff" });
    configureSites({ "vsphere:vsphereServer": dr.vsphere.url, "vsphere:user": dr.vsphere.username, "vsphere:password": dr.vsphere.password });

    const news = await checked(vmPowerState, outs, { vmId, state: "poweredOn" });
    expect(await vmPowerState.diff(id, outs, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const before = requestCounts(twin.sites);
    const read = await vmPowerState.read(id, outs);
    expect(read.props).toMatchObject({ connection: "vsphere", endpoint: dr.vsphere.url, powerState: "poweredOff" });
    expect(Object.keys(requestsSince(twin.sites, before))).toEqual(["dr/vsphere"]);
    // The drift found there (poweredOff, poweredOn declared) is an update, still not a replace.
    expect(await vmPowerState.diff(id, read.props ?? {}, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("a refresh of a resource recorded on the DR site reads the DR site, whatever the default namespace holds", async () => {
    const recovered = await create(vmInstanceRecovery as unknown as Crud, { vmInstanceUuid: ZSTACK_SEED.destroyedDatabaseVm.uuid, connection: "zstack-dr" });
    expect(recovered.outs).toMatchObject({ endpoint: dr.zstack.url, state: "Stopped" });
    expect(primary.zstack.world.vms.get(ZSTACK_SEED.destroyedDatabaseVm.uuid)?.state).toBe("Destroyed");
    dr.zstack.world.destroyVm(ZSTACK_SEED.destroyedDatabaseVm.uuid);
    const before = requestCounts(twin.sites);
    const read = await vmInstanceRecovery.read(recovered.id, recovered.outs ?? {});
    expect(read.props).toMatchObject({ connection: "zstack-dr", endpoint: dr.zstack.url, state: "Destroyed" });
    expect(Object.keys(requestsSince(twin.sites, before))).toEqual(["dr/zstack"]);
  });
});

describe("a namespace that points at another vendor's server", () => {
  function pointAt(namespace: string, keys: [string, string, string], url: string): Record<string, string> {
    return { [`${namespace}:${keys[0]}`]: url, [`${namespace}:${keys[1]}`]: "automation", [`${namespace}:${keys[2]}`]: "not-a-real-password" };
  }

  it.each([
    ["a Veeam Orchestrator", "veeam"],
    ["a ZStack management node", "zstack"],
  ] as const)("a vSphere resource on %s fails at its first call, naming the namespace's server key, and logs in nowhere", async (_what, vendor) => {
    configureSites(pointAt("vsphere-wrong", ["vsphereServer", "user", "password"], primary[vendor].url));
    const before = requestCounts(twin.sites);
    const failure = await create(vmPowerState, { vmId: "vm-101", state: "poweredOn", connection: "vsphere-wrong", timeoutSeconds: 30 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(errors.ConfigurationError);
    expect((failure as errors.ConfigurationError).setting).toBe("vsphere-wrong:vsphereServer");
    expect((failure as Error).message).toBe(
      `Checking vmId of VmPowerState needs vCenter: ${primary[vendor].url} (vsphere-wrong:vsphereServer) does not serve the VI/JSON API: it needs vCenter 8.0 Update 1 or later.`,
    );
    expect(Object.keys(requestsSince(twin.sites, before))).toEqual([`primary/${vendor}`]);
  });

  it.each([
    ["a vCenter", "vsphere"],
    ["a Veeam Orchestrator", "veeam"],
  ] as const)("a ZStack resource on %s fails at its first call (the check's lookup), naming the namespace", async (_what, vendor) => {
    configureSites(pointAt("zstack-wrong", ["endpoint", "accountName", "accountPassword"], primary[vendor].url));
    const result = await vmInstanceRecovery.check({}, { vmInstanceUuid: ZSTACK_SEED.destroyedVm.uuid, connection: "zstack-wrong" }).catch((error: unknown) => error);
    expect(result).toBeInstanceOf(errors.ConfigurationError);
    expect((result as Error).message).toBe(
      `Checking vmInstanceUuid of VmInstanceRecovery needs ZStack: ${primary[vendor].url} (zstack-wrong:endpoint) is not a ZStack management node: it has no /zstack/v1/accounts/login (HTTP 404). Set zstack-wrong:endpoint (or ZSTACK_WRONG_ENDPOINT) in namespace "zstack-wrong" to the ZStack endpoint.`,
    );
    expect((result as Error).message).not.toContain("not-a-real-password");
  });

  it.each([
    ["a vCenter", "vsphere"],
    ["a ZStack management node", "zstack"],
  ] as const)("a Veeam resource on %s fails at its first call, naming the namespace's keys", async (_what, vendor) => {
    configureSites(pointAt("veeam-wrong", ["server", "username", "password"], primary[vendor].url));
    const before = requestCounts(twin.sites);
    const failure = await create(failoverPlanRun as unknown as Crud, { planId: "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11", connection: "veeam-wrong", timeoutSeconds: 30 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(errors.ConfigurationError);
    expect((failure as Error).message).toContain(`Cannot tell which Veeam Orchestrator API ${primary[vendor].url} speaks`);
    expect((failure as Error).message).toContain("check veeam-wrong:server");
    expect(Object.keys(requestsSince(twin.sites, before))).toEqual([`primary/${vendor}`]);
  });
});
