/**
 * Two sites in one stack, through the real dynamic-provider host over gRPC: a protected site (the default namespaces)
 * and a recovery site (`vsphere-dr`, `veeam-dr`, `zstack-dr`), each a site of the offline twin, configured once by stack
 * config (Configure) and once by environment variables. Every resource's requests reach only its own site (counted at
 * each twin), drift on one site shows on that site's resources only, a connection moved to another name of the same
 * endpoint is an update and to another endpoint a replace, bad `connection` values are refused at preview with nothing
 * called, no password appears in state, errors or the host's output, and destroy cleans both sites. Last, the
 * `examples/two-site-dr` program runs through the engine against both sites, its providers serialized while its config
 * holds the passwords.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startOfflineTwin, ZSTACK_SEED, type OfflineTwin, type OfflineTwinSite, type SiteConnection, type StackConfigEntry } from "../../simulator";
import { declaredProgram } from "../../tools/engine/declaredProgram";
import { EngineSimulation, type DeclaredResource, type Step } from "../../tools/engine/engine";
import { pulumiDirFrom, startHost, type HostProcess } from "../../tools/engine/host";
import { aliasOf, environmentOf, requestCounts, requestsSince, routeCount, stackConfigOf } from "../integration/support/sites";
import { hostEnvironment, REPO, serializeInstalledProviders } from "./support";

const TIER1_PLAN = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";
const WEB_03 = ZSTACK_SEED.destroyedVm.uuid;
const LOGIN = "POST SessionManager/Login";
/**
 * A `…:password` key as messages show it here: the twin's first ZStack keeps the simulator's default password, the word
 * "password", and every registered password is redacted from every message, so the key may read `…:[redacted]`.
 */
const PASSWORD_KEY = "(?:password|\\[redacted\\])";

/** The whole message: text parts literally (a `…:password` key as PASSWORD_KEY), regular expressions as they are. */
function message(...parts: Array<string | RegExp>): RegExp {
  const source = parts.map((part) => (typeof part === "string" ? part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:password\b/g, `:${PASSWORD_KEY}`) : part.source));
  return new RegExp(`^${source.join("")}$`, "s");
}

type Vendor = "vsphere" | "veeam" | "zstack";

let providers: Record<string, string>;
let stackDir: string;

beforeAll(() => {
  ({ providers, stackDir } = serializeInstalledProviders());
});
afterAll(() => {
  if (stackDir) fs.rmSync(stackDir, { recursive: true, force: true });
});

/** The recovery site's vCenter once more, under `vsphere-typo`, with a password that is wrong: a login that must fail without echoing it. */
function typoOf(site: OfflineTwinSite): SiteConnection {
  const password = `Typo-${site.vsphere.password}`;
  return {
    stackConfig: {
      "vsphere-typo:vsphereServer": { value: site.vsphere.url, secret: false },
      "vsphere-typo:user": { value: site.vsphere.username, secret: false },
      "vsphere-typo:password": { value: password, secret: true },
    },
    environment: { VSPHERE_TYPO_SERVER: site.vsphere.url, VSPHERE_TYPO_USER: site.vsphere.username, VSPHERE_TYPO_PASSWORD: password },
  };
}

/** Every namespace the stack uses: both sites, `*-alias` (the protected site's servers again) and `vsphere-typo`. */
function connectionsOf(twin: OfflineTwin): SiteConnection[] {
  const [primary, dr] = twin.sites as [OfflineTwinSite, OfflineTwinSite];
  return [primary, dr, aliasOf(primary, "alias"), typoOf(dr)];
}

interface Mode {
  name: string;
  hostEnvironment(twin: OfflineTwin): NodeJS.ProcessEnv;
  stackConfig(twin: OfflineTwin): Record<string, StackConfigEntry>;
}

const MODES: Mode[] = [
  { name: "stack config (Configure)", hostEnvironment: () => hostEnvironment(), stackConfig: (twin) => stackConfigOf(...connectionsOf(twin)) },
  { name: "environment variables", hostEnvironment: (twin) => ({ ...hostEnvironment(), ...environmentOf(...connectionsOf(twin)) }), stackConfig: () => ({}) },
];

const RESOURCE_KINDS: Array<{ kind: string; type: string; vendor: Vendor; provider: string; inputs(site: OfflineTwinSite): Record<string, unknown> }> = [
  { kind: "snapshot", type: "vsphere:VmSnapshot", vendor: "vsphere", provider: "vmSnapshotProvider", inputs: (site) => ({ vmId: "vm-102", name: `before-failover ${site.name}` }) },
  { kind: "ft", type: "vsphere:FtSecondary", vendor: "vsphere", provider: "ftSecondaryProvider", inputs: () => ({ vmId: "vm-101", timeoutSeconds: 120 }) },
  { kind: "power", type: "vsphere:VmPowerState", vendor: "vsphere", provider: "vmPowerStateProvider", inputs: () => ({ vmId: "vm-103", state: "poweredOn" }) },
  { kind: "recovery", type: "zstack:VmInstanceRecovery", vendor: "zstack", provider: "vmInstanceRecoveryProvider", inputs: () => ({ vmInstanceUuid: WEB_03 }) },
  { kind: "failover", type: "veeam:FailoverPlanRun", vendor: "veeam", provider: "failoverPlanRunProvider", inputs: () => ({ planId: TIER1_PLAN, timeoutSeconds: 120 }) },
];

describe.each(MODES.map((mode) => [mode.name, mode] as const))("two sites configured by %s", (_name, mode) => {
  let twin: OfflineTwin;
  let primary: OfflineTwinSite;
  let dr: OfflineTwinSite;
  let host: HostProcess;
  let engine: EngineSimulation;
  /** Every error the engine reported in this stack, for the audit of secrets. */
  const errorsSeen: string[] = [];

  beforeAll(async () => {
    twin = await startOfflineTwin({ sites: 2, durationMs: 50 });
    [primary, dr] = twin.sites as [OfflineTwinSite, OfflineTwinSite];
    host = await startHost(pulumiDirFrom(stackDir), mode.hostEnvironment(twin), stackDir);
    engine = new EngineSimulation(host, { project: "two-sites", stack: "dev" });
    await engine.configure(mode.stackConfig(twin));
  });
  afterAll(async () => {
    await host?.stop();
    await twin?.close();
  });

  async function run(steps: Promise<Step[]>): Promise<Step[]> {
    const done = await steps;
    for (const step of done) if (step.error) errorsSeen.push(step.error);
    return done;
  }

  /** The resources of one site: the protected site leaves `connection` out (its vendors' defaults), the other names its namespaces. */
  function siteProgram(site: OfflineTwinSite): DeclaredResource[] {
    return RESOURCE_KINDS.map((kind) => ({
      name: `${site.name}-${kind.kind}`,
      type: kind.type,
      provider: providers[kind.provider]!,
      inputs: { ...kind.inputs(site), ...(site.index === 0 ? {} : { connection: site.namespaces[kind.vendor] }) },
    }));
  }

  /** Both sites' resources, alternating; `inputs` overrides some resources' inputs by name. */
  function program(inputs: Record<string, Record<string, unknown>> = {}): DeclaredResource[] {
    const first = siteProgram(primary);
    const second = siteProgram(dr);
    return first.flatMap((resource, index) => [resource, second[index]!]).map((resource) => {
      const extra = inputs[resource.name];
      return extra ? { ...resource, inputs: { ...(resource.inputs as Record<string, unknown>), ...extra } } : resource;
    });
  }

  function siteOf(resourceName: string): OfflineTwinSite {
    return resourceName.startsWith(`${primary.name}-`) ? primary : dr;
  }

  function vendorOf(resource: DeclaredResource): Vendor {
    return resource.type.split(":")[0] as Vendor;
  }

  function opsByName(steps: Step[]): Record<string, string> {
    return Object.fromEntries(steps.map((step) => [step.resource, step.op]));
  }

  const vm = (site: OfflineTwinSite, vmId: string) => site.vsphere.world.inventory().vms.find((entry) => entry.id === vmId);
  const snapshotNames = (site: OfflineTwinSite, vmId: string) => site.vsphere.world.inventory().snapshots.filter((snapshot) => snapshot.vmId === vmId).map((snapshot) => snapshot.name);
  const zstackState = (site: OfflineTwinSite, uuid: string) => {
    site.zstack.world.advance();
    return site.zstack.world.vms.get(uuid)?.state;
  };
  const planPhase = (site: OfflineTwinSite) => site.veeam.world.plan(TIER1_PLAN)?.phase;

  it("up: each resource's requests reach its own site only, and its outputs record its connection and that site's endpoint", async () => {
    const all = program();
    for (let count = 1; count <= all.length; count += 1) {
      const resource = all[count - 1]!;
      const site = siteOf(resource.name);
      const vendor = vendorOf(resource);
      const before = requestCounts(twin.sites);
      const steps = await run(engine.up(all.slice(0, count)));
      expect(steps.map((step) => `${step.resource}: ${step.op}${step.error ? ` (${step.error})` : ""}`)).toEqual(all.slice(0, count).map((each, index) => `${each.name}: ${index === count - 1 ? "create" : "same"}`));
      expect({ resource: resource.name, reached: Object.keys(requestsSince(twin.sites, before)) }).toEqual({ resource: resource.name, reached: [`${site.name}/${vendor}`] });
      expect(engine.state.get(resource.name)?.outputs).toMatchObject({ connection: site.namespaces[vendor], endpoint: site[vendor].url });
    }
    for (const site of [primary, dr]) {
      expect(snapshotNames(site, "vm-102")).toEqual([`before-failover ${site.name}`]);
      expect(vm(site, "vm-101")?.ftRole).toBe("primary");
      expect(vm(site, "vm-103")?.powerState).toBe("poweredOn");
      expect(zstackState(site, WEB_03)).toBe("Stopped");
      expect(planPhase(site)).toBe("failover");
    }
    // Outputs settle (an FT secondary created "starting" runs by now): a refresh records them before drift is made below.
    const settled = await run(engine.refresh());
    expect(settled.filter((step) => step.op !== "refresh-same" && !(step.op === "refresh-update" && step.resource.endsWith("-ft")))).toEqual([]);
  });

  it("a preview of the unchanged stack calls neither site", async () => {
    const before = requestCounts(twin.sites);
    const steps = await run(engine.preview(program()));
    expect(steps.filter((step) => step.op !== "same")).toEqual([]);
    expect(requestsSince(twin.sites, before)).toEqual({});
  });

  it("refresh: drift on the recovery site shows on the recovery site's resources only, and up mends it there only", async () => {
    dr.vsphere.world.setPowerState("vm-103", "poweredOff");
    dr.vsphere.world.deleteSnapshotOutOfBand(String(engine.state.get("dr-snapshot")?.outputs["snapshotId"]));
    dr.zstack.world.destroyVm(WEB_03);
    const plan = dr.veeam.world.plan(TIER1_PLAN);
    if (!plan) throw new Error("the recovery site has no Tier1-Apps plan");
    dr.veeam.world.startUndo(plan, 0);

    const before = requestCounts(twin.sites);
    const refreshed = opsByName(await run(engine.refresh()));
    expect(refreshed).toEqual({
      "primary-snapshot": "refresh-same",
      "primary-ft": "refresh-same",
      "primary-power": "refresh-same",
      "primary-recovery": "refresh-same",
      "primary-failover": "refresh-same",
      "dr-snapshot": "refresh-delete",
      "dr-ft": "refresh-same",
      "dr-power": "refresh-update",
      "dr-recovery": "refresh-update",
      "dr-failover": "refresh-delete",
    });
    // Every resource read its own site: all six endpoints were asked.
    expect(Object.keys(requestsSince(twin.sites, before)).sort()).toEqual(["dr/veeam", "dr/vsphere", "dr/zstack", "primary/veeam", "primary/vsphere", "primary/zstack"]);

    const mending = requestCounts(twin.sites);
    const mended = opsByName(await run(engine.up(program())));
    expect(mended).toMatchObject({ "dr-snapshot": "create", "dr-power": "update", "dr-recovery": "update", "dr-failover": "create", "dr-ft": "same" });
    expect(Object.entries(mended).filter(([name]) => name.startsWith("primary-")).map(([, op]) => op)).toEqual(["same", "same", "same", "same", "same"]);
    expect(Object.keys(requestsSince(twin.sites, mending)).every((server) => server.startsWith("dr/"))).toBe(true);
    expect([vm(dr, "vm-103")?.powerState, snapshotNames(dr, "vm-102"), zstackState(dr, WEB_03), planPhase(dr)]).toEqual(["poweredOn", ["before-failover dr"], "Stopped", "failover"]);
  });

  it("connection moved to another name of the same endpoint is an update that starts nothing; to the other site's namespace a replace", async () => {
    const before = requestCounts(twin.sites);
    const tasksBefore = Object.entries(primary.vsphere.server.stats.byRoute).filter(([route]) => route.endsWith("_Task")).reduce((sum, [, count]) => sum + count, 0);
    const toAlias = program({ "primary-power": { connection: "vsphere-alias" }, "primary-recovery": { connection: "zstack-alias" } });
    const preview = await run(engine.preview(toAlias));
    expect(preview.filter((step) => step.op !== "same")).toMatchObject([
      { resource: "primary-power", op: "update", changed: ["connection"] },
      { resource: "primary-recovery", op: "update", changed: ["connection"] },
    ]);
    expect(requestsSince(twin.sites, before)).toEqual({});

    const up = opsByName(await run(engine.up(toAlias)));
    expect([up["primary-power"], up["primary-recovery"]]).toEqual(["update", "update"]);
    expect(engine.state.get("primary-power")?.outputs).toMatchObject({ connection: "vsphere-alias", endpoint: primary.vsphere.url, lastAction: "none" });
    expect(engine.state.get("primary-recovery")?.outputs).toMatchObject({ connection: "zstack-alias", endpoint: primary.zstack.url });
    // The updates read their objects back at the protected site; nothing was started, nothing reached the recovery site.
    expect(Object.keys(requestsSince(twin.sites, before)).every((server) => server.startsWith("primary/"))).toBe(true);
    const tasksAfter = Object.entries(primary.vsphere.server.stats.byRoute).filter(([route]) => route.endsWith("_Task")).reduce((sum, [, count]) => sum + count, 0);
    expect(tasksAfter).toBe(tasksBefore);

    const beforeReplace = requestCounts(twin.sites);
    const toRecoverySite = await run(engine.preview(program({ "primary-power": { connection: dr.namespaces.vsphere } })));
    expect(toRecoverySite.find((step) => step.resource === "primary-power")).toMatchObject({ op: "replace", replaces: ["connection"] });
    expect(requestsSince(twin.sites, beforeReplace)).toEqual({});

    expect(opsByName(await run(engine.up(program())))).toMatchObject({ "primary-power": "update", "primary-recovery": "update" });
    expect(engine.state.get("primary-power")?.outputs["connection"]).toBe("vsphere");
  });

  const DR_KEYS = "vsphere-dr:vsphereServer, vsphere-dr:user and vsphere-dr:password (or VSPHERE_DR_SERVER, VSPHERE_DR_USER and VSPHERE_DR_PASSWORD).";
  const NAME_RULE = 'connection: connection must be a namespace name (a letter, then letters, digits, "-" or "_"; at most 63 characters); got';
  it.each([
    ["an empty name", "", message(`connection: connection must not be empty (leave it out to use the default namespace). Use a name such as "vsphere-dr" and set ${DR_KEYS}`)],
    [
      "an unknown namespace",
      "vsphere-nowhere",
      message(
        'connection: The vCenter address is not set in namespace "vsphere-nowhere": run `pulumi config set vsphere-nowhere:vsphereServer <value>` (with vsphere-nowhere:user and, as a secret, vsphere-nowhere:password) or set VSPHERE_NOWHERE_SERVER, VSPHERE_NOWHERE_USER and VSPHERE_NOWHERE_PASSWORD.',
      ),
    ],
    [
      "another vendor's namespace",
      "zstack-dr",
      message(
        'connection: The vCenter address is not set in namespace "zstack-dr": run `pulumi config set zstack-dr:vsphereServer <value>` (with zstack-dr:user and, as a secret, zstack-dr:password) or set ZSTACK_DR_SERVER, ZSTACK_DR_USER and ZSTACK_DR_PASSWORD. The namespace holds only ',
        /.*(zstack-dr:endpoint|ZSTACK_DR_ENDPOINT).*/,
        ": use one namespace per vendor and site.",
      ),
    ],
    ["a name with a space", "vsphere dr", message(`${NAME_RULE} "vsphere dr". Use a name such as "vsphere-dr" and set ${DR_KEYS}`)],
    ["a name with a slash", "vsphere/dr", message(`${NAME_RULE} "vsphere/dr". Use a name such as "vsphere-dr" and set ${DR_KEYS}`)],
    ["a name with a colon", "vsphere:dr", message(`${NAME_RULE} "vsphere:dr". Use a name such as "vsphere-dr" and set ${DR_KEYS}`)],
  ])("%s as connection is refused at preview, naming the input, the keys and the variables; nothing is called", async (_what, connection, reason) => {
    const before = requestCounts(twin.sites);
    const bad: DeclaredResource = { name: "bad", type: "vsphere:VmPowerState", provider: providers["vmPowerStateProvider"]!, inputs: { vmId: "vm-105", state: "poweredOff", connection } };
    const steps = await run(engine.preview([...program(), bad]));
    expect(steps.filter((step) => step.op !== "same")).toEqual([{ resource: "bad", type: "vsphere:VmPowerState", op: "failed", changed: [], error: expect.stringMatching(reason) }]);
    expect(requestsSince(twin.sites, before)).toEqual({});
  });

  it("a ZStack or Veeam resource is refused at preview when its namespace holds another vendor's keys", async () => {
    const before = requestCounts(twin.sites);
    const steps = await run(
      engine.preview([
        ...program(),
        { name: "bad-recovery", type: "zstack:VmInstanceRecovery", provider: providers["vmInstanceRecoveryProvider"]!, inputs: { vmInstanceUuid: WEB_03, connection: "vsphere-dr" } },
        { name: "bad-failover", type: "veeam:FailoverPlanRun", provider: providers["failoverPlanRunProvider"]!, inputs: { planId: TIER1_PLAN, connection: "zstack-dr" } },
      ]),
    );
    const refused = steps.filter((step) => step.op !== "same");
    expect(refused.map((step) => [step.resource, step.op])).toEqual([
      ["bad-recovery", "failed"],
      ["bad-failover", "failed"],
    ]);
    expect(refused[0]?.error).toMatch(/^connection: The ZStack endpoint is not set in namespace "vsphere-dr": run `pulumi config set vsphere-dr:endpoint <value>` .* or set VSPHERE_DR_ENDPOINT, VSPHERE_DR_ACCOUNT_NAME and VSPHERE_DR_ACCOUNT_PASSWORD\. The namespace holds only .*: use one namespace per vendor and site\.$/);
    expect(refused[1]?.error).toMatch(/^connection: The Veeam Orchestrator address is not set in namespace "zstack-dr": run `pulumi config set zstack-dr:server <value>` .* or set ZSTACK_DR_SERVER, ZSTACK_DR_USERNAME and ZSTACK_DR_PASSWORD\. The namespace holds only .*: use one namespace per vendor and site\.$/);
    expect(requestsSince(twin.sites, before)).toEqual({});
  });

  it("a wrong password in a namespace fails at preview naming its keys, without echoing the password", async () => {
    const bad: DeclaredResource = { name: "typo", type: "vsphere:VmPowerState", provider: providers["vmPowerStateProvider"]!, inputs: { vmId: "vm-105", state: "poweredOff", connection: "vsphere-typo" } };
    const [step] = await run(engine.preview([bad]));
    expect(step).toMatchObject({ op: "failed", error: expect.stringContaining("rejected the login") });
    expect(step?.error).toMatch(message(/.*/, "check vsphere-typo:user and vsphere-typo:password (or VSPHERE_TYPO_USER / VSPHERE_TYPO_PASSWORD)."));
  });

  // The providers in state were serialized before any password existed; the example below serializes a program whose
  // config holds them.
  it("the recovery site's password (a secret in the stack config) is used, and appears nowhere in state, outputs, errors or the host's output", () => {
    if (mode.name.startsWith("stack config")) {
      expect(mode.stackConfig(twin)["vsphere-dr:password"]).toEqual({ value: dr.vsphere.password, secret: true });
    }
    expect(routeCount(dr.vsphere.server, LOGIN)).toBeGreaterThan(0);
    expect(engine.state.get("dr-ft")?.outputs["endpoint"]).toBe(dr.vsphere.url);
    const passwords = [dr.vsphere.password, `Typo-${dr.vsphere.password}`, dr.zstack.password, dr.veeam.password, primary.vsphere.password];
    const places: Record<string, string> = {
      state: JSON.stringify([...engine.state.values()]),
      errors: errorsSeen.join("\n"),
      "host output": host.stderr(),
    };
    expect(errorsSeen.length).toBeGreaterThan(0);
    for (const [place, text] of Object.entries(places)) {
      for (const password of passwords) expect({ place, leaks: text.includes(password) }).toEqual({ place, leaks: false });
    }
  });

  it("destroy cleans both sites", async () => {
    const destroyed = await run(engine.destroy());
    expect(destroyed.filter((step) => step.op !== "delete")).toEqual([]);
    expect(engine.state.size).toBe(0);
    for (const site of [primary, dr]) {
      expect(vm(site, "vm-101")?.ftRole).toBe("none");
      expect(snapshotNames(site, "vm-102")).toEqual([]);
      expect(planPhase(site)).toBe("undoFailover");
      // Deleting a power state or a recovery leaves the VM as it is.
      expect([vm(site, "vm-103")?.powerState, zstackState(site, WEB_03)]).toEqual(["poweredOn", "Stopped"]);
    }
  });
});

describe("examples/two-site-dr through the engine against two sites", () => {
  let twin: OfflineTwin;
  let primary: OfflineTwinSite;
  let dr: OfflineTwinSite;
  let host: HostProcess;

  beforeAll(async () => {
    twin = await startOfflineTwin({ sites: 2, durationMs: 50 });
    [primary, dr] = twin.sites as [OfflineTwinSite, OfflineTwinSite];
    host = await startHost(pulumiDirFrom(stackDir), hostEnvironment(), stackDir);
  });
  afterAll(async () => {
    await host?.stop();
    await twin?.close();
  });

  it("snapshots and protects on the protected site, fails over and powers on at the recovery site, and destroy undoes it", async () => {
    // The program runs with the stack config a user would have (passwords included): its providers must not capture them.
    const config = { drillMonth: "2026-11", failoverPlanId: TIER1_PLAN, ...Object.fromEntries(Object.entries(stackConfigOf(primary, dr)).map(([key, entry]) => [key, entry.value])) };
    const program = declaredProgram(REPO, stackDir, path.join(REPO, "examples", "two-site-dr"), "two-site-dr", config);
    expect(program.map((resource) => `${resource.type} ${resource.name}`).sort()).toEqual([
      "veeam:FailoverPlanRun failover",
      "vsphere:FtSecondary ft-vm-101",
      "vsphere:FtSecondary ft-vm-102",
      "vsphere:VmPowerState recovered-db",
      "vsphere:VmSnapshot pre-failover",
    ]);
    for (const password of [dr.vsphere.password, dr.zstack.password, primary.vsphere.password]) {
      expect(program.some((resource) => resource.provider.includes(password))).toBe(false);
    }

    const engine = new EngineSimulation(host, { project: "two-site-dr", stack: "dev" });
    await engine.configure(stackConfigOf(primary, dr));
    const up = await engine.up(program);
    expect(up.map((step) => `${step.resource}: ${step.op}${step.error ? ` (${step.error})` : ""}`)).toEqual(program.map((resource) => `${resource.name}: create`));
    const endpoint = (name: string) => engine.state.get(name)?.outputs["endpoint"];
    expect([endpoint("pre-failover"), endpoint("ft-vm-101"), endpoint("failover"), endpoint("recovered-db")]).toEqual([primary.vsphere.url, primary.vsphere.url, dr.veeam.url, dr.vsphere.url]);
    const vm = (site: OfflineTwinSite, vmId: string) => site.vsphere.world.inventory().vms.find((entry) => entry.id === vmId);
    const snapshots = (site: OfflineTwinSite) => site.vsphere.world.inventory().snapshots.map((snapshot) => `${snapshot.vmId} ${snapshot.name}`);
    expect(snapshots(primary)).toEqual(["vm-103 pre-failover 2026-11"]);
    expect(snapshots(dr)).toEqual([]);
    expect([vm(primary, "vm-101")?.ftRole, vm(primary, "vm-102")?.ftRole, vm(dr, "vm-101")?.ftRole]).toEqual(["primary", "primary", "none"]);
    expect([primary.veeam.world.plan(TIER1_PLAN)?.phase, dr.veeam.world.plan(TIER1_PLAN)?.phase]).toEqual(["ready", "failover"]);
    expect([vm(primary, "vm-103")?.powerState, vm(dr, "vm-103")?.powerState]).toEqual(["poweredOff", "poweredOn"]);

    expect((await engine.preview(program)).map((step) => step.op)).toEqual(program.map(() => "same"));
    expect((await engine.refresh()).filter((step) => !["refresh-same", "refresh-update"].includes(step.op))).toEqual([]);
    expect((await engine.destroy()).map((step) => step.op)).toEqual(program.map(() => "delete"));
    expect(snapshots(primary)).toEqual([]);
    expect([vm(primary, "vm-101")?.ftRole, vm(primary, "vm-102")?.ftRole]).toEqual(["none", "none"]);
    expect(dr.veeam.world.plan(TIER1_PLAN)?.phase).toBe("undoFailover");
    expect(vm(dr, "vm-103")?.powerState).toBe("poweredOn");
  });
});
