/**
 * Several sites from code: `startOfflineTwin({ sites: 2 })` returns every site with its namespaces, environment and
 * stack config, each with its own worlds, sessions and passwords over the same seeded ids; a single-site caller's API
 * is unchanged. Also: the helper that names a namespace's settings, and the banner read from the worlds.
 */
import { recordStackConfig, veeamSettings, vsphereSettings, zstackSettings } from "../../provider/config";
import { renderBanner } from "../../simulator/cli/banner";
import { environmentVariable, PortInUseError, siteConnection, siteNamespaces, startOfflineTwin, ZSTACK_SEED, type OfflineTwin } from "../../simulator";
import { freeConsecutivePorts } from "./support/freePorts";

describe("the naming of a site's settings", () => {
  it("upper-cases the namespace, turns every run of other characters into _, then appends the suffix", () => {
    expect(environmentVariable("vsphere", "SERVER")).toBe("VSPHERE_SERVER");
    expect(environmentVariable("vsphere-dr", "SERVER")).toBe("VSPHERE_DR_SERVER");
    expect(environmentVariable("zstack-dr", "ACCOUNT_PASSWORD")).toBe("ZSTACK_DR_ACCOUNT_PASSWORD");
    expect(environmentVariable("veeam.eu--west 2", "USERNAME")).toBe("VEEAM_EU_WEST_2_USERNAME");
  });

  it("names the first site's namespaces as today and the next ones -dr, -dr2", () => {
    expect(siteNamespaces(0)).toEqual({ vsphere: "vsphere", veeam: "veeam", zstack: "zstack" });
    expect(siteNamespaces(1)).toEqual({ vsphere: "vsphere-dr", veeam: "veeam-dr", zstack: "zstack-dr" });
    expect(siteNamespaces(2)).toEqual({ vsphere: "vsphere-dr2", veeam: "veeam-dr2", zstack: "zstack-dr2" });
  });

  it("builds the stack config and the environment of a site from its namespaces and endpoints", () => {
    const endpoints = {
      vsphere: { url: "http://127.0.0.1:1", username: "u1", password: "p1" },
      veeam: { url: "http://127.0.0.1:2", username: "u2", password: "p2" },
      zstack: { url: "http://127.0.0.1:3", accountName: "u3", password: "p3" },
    };
    expect(siteConnection({ vsphere: "vsphere-dr", veeam: "veeam-dr", zstack: "zstack-dr" }, endpoints)).toEqual({
      stackConfig: {
        "vsphere-dr:vsphereServer": { value: "http://127.0.0.1:1", secret: false },
        "vsphere-dr:user": { value: "u1", secret: false },
        "vsphere-dr:password": { value: "p1", secret: true },
        "veeam-dr:server": { value: "http://127.0.0.1:2", secret: false },
        "veeam-dr:username": { value: "u2", secret: false },
        "veeam-dr:password": { value: "p2", secret: true },
        "zstack-dr:endpoint": { value: "http://127.0.0.1:3", secret: false },
        "zstack-dr:accountName": { value: "u3", secret: false },
        "zstack-dr:accountPassword": { value: "p3", secret: true },
      },
      environment: {
        VSPHERE_DR_SERVER: "http://127.0.0.1:1",
        VSPHERE_DR_USER: "u1",
        VSPHERE_DR_PASSWORD: "p1",
        VEEAM_DR_SERVER: "http://127.0.0.1:2",
        VEEAM_DR_USERNAME: "u2",
        VEEAM_DR_PASSWORD: "p2",
        ZSTACK_DR_ENDPOINT: "http://127.0.0.1:3",
        ZSTACK_DR_ACCOUNT_NAME: "u3",
        ZSTACK_DR_ACCOUNT_PASSWORD: "p3",
      },
    });
  });
});

describe("startOfflineTwin({ sites: 2 })", () => {
  let twin: OfflineTwin;
  beforeAll(async () => {
    twin = await startOfflineTwin({ sites: 2, durationMs: 10 });
  });
  afterAll(async () => {
    await twin?.close();
  });

  it("keeps a single-site caller's API: the twin's own fields are the first site's", () => {
    const [primary, dr] = twin.sites;
    expect(twin.sites).toHaveLength(2);
    expect(twin.vsphere).toBe(primary!.vsphere);
    expect(twin.veeam).toBe(primary!.veeam);
    expect(twin.zstack).toBe(primary!.zstack);
    expect(twin.environment).toEqual(primary!.environment);
    expect(twin.environment["VSPHERE_SERVER"]).toBe(twin.vsphere.url);
    expect(dr!.environment["VSPHERE_DR_SERVER"]).toBe(dr!.vsphere.url);
    expect(twin.namespaces).toEqual({ vsphere: "vsphere", veeam: "veeam", zstack: "zstack" });
    expect(dr!.namespaces).toEqual({ vsphere: "vsphere-dr", veeam: "veeam-dr", zstack: "zstack-dr" });
    expect([primary!.name, dr!.name]).toEqual(["primary", "dr"]);
    expect(dr!.stackConfig["zstack-dr:accountPassword"]).toEqual({ value: dr!.zstack.password, secret: true });
  });

  it("seeds the same ids on both sites, in worlds of their own", () => {
    const [primary, dr] = twin.sites as [OfflineTwin, OfflineTwin];
    for (const site of [primary, dr]) {
      expect(site.vsphere.world.vms.get("vm-101")?.powerState).toBe("poweredOn");
      expect(site.zstack.world.vms.get(ZSTACK_SEED.destroyedVm.uuid)?.state).toBe("Destroyed");
      expect(site.veeam.world.plan("5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11")?.enabled).toBe(true);
    }
    dr.vsphere.world.setPowerState("vm-101", "poweredOff");
    dr.zstack.world.destroyVm(ZSTACK_SEED.runningVm.uuid);
    expect(primary.vsphere.world.vms.get("vm-101")?.powerState).toBe("poweredOn");
    expect(primary.zstack.world.vms.get(ZSTACK_SEED.runningVm.uuid)?.state).toBe("Running");
    expect(primary.vsphere.world).not.toBe(dr.vsphere.world);
    expect(primary.veeam.world).not.toBe(dr.veeam.world);
  });

  it("prints the names the provider reads: each site's settings resolve through its namespaces, from stack config or environment", () => {
    const read = (site: OfflineTwin) => ({
      vsphere: vsphereSettings(site.namespaces.vsphere),
      veeam: veeamSettings(site.namespaces.veeam),
      zstack: zstackSettings(site.namespaces.zstack),
    });
    const expected = (site: OfflineTwin) => ({
      vsphere: expect.objectContaining({ origin: site.vsphere.url, user: site.vsphere.username, password: site.vsphere.password }),
      veeam: expect.objectContaining({ origin: site.veeam.url, username: site.veeam.username, password: site.veeam.password }),
      zstack: expect.objectContaining({ origin: site.zstack.url, accountName: site.zstack.accountName, accountPassword: site.zstack.password }),
    });
    const saved = { ...process.env };
    try {
      recordStackConfig(Object.fromEntries(twin.sites.flatMap((site) => Object.entries(site.stackConfig).map(([key, entry]) => [key, entry.value]))));
      for (const site of twin.sites) expect(read(site as OfflineTwin)).toEqual(expected(site as OfflineTwin));
      recordStackConfig({});
      for (const site of twin.sites) Object.assign(process.env, site.environment);
      for (const site of twin.sites) expect(read(site as OfflineTwin)).toEqual(expected(site as OfflineTwin));
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      recordStackConfig({});
    }
  });

  it("gives each site its own ports, passwords, sessions and datacenter name, and one admin token", async () => {
    const [primary, dr] = twin.sites as [OfflineTwin, OfflineTwin];
    const urls = twin.sites.flatMap((site) => [site.vsphere.url, site.veeam.url, site.zstack.url]);
    expect(new Set(urls).size).toBe(6);
    expect(dr.vsphere.password).not.toBe(primary.vsphere.password);
    expect(dr.veeam.password).not.toBe(primary.veeam.password);
    expect(dr.zstack.password).not.toBe(primary.zstack.password);
    expect([primary.vsphere.world.datacenter.name, dr.vsphere.world.datacenter.name]).toEqual(["dc-sim", "dc-sim-dr"]);
    expect(dr.adminToken).toBe(primary.adminToken);

    const login = (url: string, password: string) =>
      fetch(`${url}/sdk/vim25/8.0.3.0/SessionManager/SessionManager/Login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userName: primary.vsphere.username, password }),
      });
    const answer = await login(primary.vsphere.url, primary.vsphere.password);
    expect(answer.status).toBe(200);
    const session = answer.headers.get("vmware-api-session-id") as string;
    expect(primary.vsphere.world.sessions.count).toBe(1);
    expect(dr.vsphere.world.sessions.count).toBe(0);
    const elsewhere = await fetch(`${dr.vsphere.url}/sdk/vim25/8.0.3.0/VirtualMachine/vm-101/name`, { headers: { "vmware-api-session-id": session } });
    expect(((await elsewhere.json()) as { _typeName: string })._typeName).toBe("NotAuthenticated");
    expect((await login(dr.vsphere.url, primary.vsphere.password)).status).toBe(500);
  });
});

describe("ports", () => {
  it("portBase puts site k on base + 3k, + 1, + 2", async () => {
    const base = await freeConsecutivePorts(6);
    const twin = await startOfflineTwin({ sites: 2, portBase: base });
    try {
      expect(twin.sites.map((site) => [site.vsphere.url, site.veeam.url, site.zstack.url])).toEqual([
        [`http://127.0.0.1:${base}`, `http://127.0.0.1:${base + 1}`, `http://127.0.0.1:${base + 2}`],
        [`http://127.0.0.1:${base + 3}`, `http://127.0.0.1:${base + 4}`, `http://127.0.0.1:${base + 5}`],
      ]);
    } finally {
      await twin.close();
    }
  });

  it("a port in use is a PortInUseError naming it, and the simulators already started are stopped again", async () => {
    const base = await freeConsecutivePorts(6);
    const holder = await startOfflineTwin({ portBase: base + 5 });
    try {
      const failure = await startOfflineTwin({ sites: 2, portBase: base }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PortInUseError);
      expect(failure).toMatchObject({ port: base + 5, simulator: "zstack", host: "127.0.0.1" });
      // Every port the failed start had taken is free again: a twin can take them all.
      const again = await startOfflineTwin({ sites: 1, portBase: base });
      const second = await startOfflineTwin({ ports: { vsphere: base + 3, veeam: base + 4 } });
      await Promise.all([again.close(), second.close()]);
    } finally {
      await holder.close();
    }
  });

  it("refuses a site count or port base out of range, naming the option", async () => {
    await expect(startOfflineTwin({ sites: 0 })).rejects.toThrow("sites must be a whole number from 1 to 9; got 0");
    await expect(startOfflineTwin({ sites: 2, portBase: 65531 })).rejects.toThrow("portBase must be a port number from 1 to 65530 (2 sites use 6 ports from it); got 65531");
  });
});

describe("the banner", () => {
  it("reads the inventory from the worlds as they are", async () => {
    const twin = await startOfflineTwin({ sites: 2 });
    try {
      const [primary, dr] = twin.sites as [OfflineTwin, OfflineTwin];
      dr.vsphere.world.setPowerState("vm-101", "poweredOff");
      dr.vsphere.world.addVm({ name: "banner-probe", powerState: "poweredOn", toolsInstalled: false });
      dr.veeam.world.addPlan({ id: "11111111-2222-4333-8444-555555555555", name: "Probe-Plan", enabled: false });
      dr.zstack.world.destroyVm(ZSTACK_SEED.runningVm.uuid);
      const [first, second] = renderBanner(twin).split(/^(?===)/m).filter((section) => section.startsWith("== "));
      expect(first).toMatch(/^ {4}vm-101 +app-01 +poweredOn /m);
      expect(first).not.toContain("banner-probe");
      expect(second).toMatch(/^ {4}vm-101 +app-01 +poweredOff +cluster-ha \(HA\) +not running +no$/m);
      expect(second).toMatch(/^ {4}vm-\d+ +banner-probe +poweredOn +cluster-ha \(HA\) +not installed +no$/m);
      expect(second).toMatch(/^ {4}11111111-2222-4333-8444-555555555555 +Probe-Plan +Disabled +no$/m);
      expect(second).toMatch(new RegExp(`^ {4}${ZSTACK_SEED.runningVm.uuid} +web-01 +Destroyed$`, "m"));
      expect(first).toMatch(new RegExp(`^ {4}${ZSTACK_SEED.runningVm.uuid} +web-01 +Running$`, "m"));
      expect(first).toContain(`pulumi config set --secret vsphere:password '${primary.vsphere.password}'`);
    } finally {
      await twin.close();
    }
  });
});
