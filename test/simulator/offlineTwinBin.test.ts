/**
 * The `pulumi-vm-availability-simulator` bin as users run it (the built dist/simulator/bin.js, spawned as a child process
 * on ports found free first): what it prints, that what it prints works, how it refuses bad flags and a port in use,
 * and that SIGTERM/SIGINT stop it cleanly with a long poll and an idle keep-alive connection open.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";
import { DEFAULT_PORT_BASE, parseArguments, USAGE } from "../../simulator/cli/arguments";
import { freeConsecutivePorts } from "./support/freePorts";
import { printedAdminToken, printedSites, runBin, startBin, type RunningBin } from "./support/simulatorBin";

const RELEASE = "8.0.3.0";
const sha512 = (text: string): string => createHash("sha512").update(text).digest("hex");

async function vsphereLogin(url: string, userName: string, password: string): Promise<{ status: number; session: string | null; body: { _typeName?: string } }> {
  const response = await fetch(`${url}/sdk/vim25/${RELEASE}/SessionManager/SessionManager/Login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userName, password }),
  });
  return { status: response.status, session: response.headers.get("vmware-api-session-id"), body: (await response.json()) as { _typeName?: string } };
}

async function vsphereCall(url: string, session: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/sdk/vim25/${RELEASE}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "vmware-api-session-id": session },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function stop(bin: RunningBin, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  bin.child.kill(signal);
  const exit = await bin.exited;
  expect({ code: exit.code, signal: exit.signal, stderr: exit.stderr }).toEqual({ code: 0, signal: null, stderr: "" });
  expect(exit.stdout.trimEnd().split("\n").pop()).toBe("offline twin stopped");
}

describe("the bin's arguments", () => {
  it("default to the fixed ports the README names, one site, loopback", () => {
    expect(DEFAULT_PORT_BASE).toBe(8989);
    expect(parseArguments([])).toEqual({ help: false, options: { portBase: 8989, sites: 1, durationMs: undefined, host: "127.0.0.1" } });
  });

  it("take --flag value and --flag=value, and keep the highest port base that leaves room for every site", () => {
    expect(parseArguments(["--port-base=9100", "--sites", "2", "--duration-ms", "0", "--host", "::1"])).toEqual({
      help: false,
      options: { portBase: 9100, sites: 2, durationMs: 0, host: "::1" },
    });
    expect(parseArguments(["--sites", "2", "--port-base", "65530"])).toMatchObject({ options: { portBase: 65530 } });
    expect(() => parseArguments(["--sites", "2", "--port-base", "65531"])).toThrow("--port-base must be a port number from 1 to 65530 (2 sites use 6 ports from it); got 65531");
    expect(parseArguments(["--port-base", "nope", "--help"])).toEqual({ help: true });
  });
});

describe("the bin refuses what it cannot use", () => {
  it.each([
    [["--duration-ms", "abc"], '--duration-ms must be a whole number of milliseconds (0 or more); got "abc".'],
    [["--port-base", "0"], "--port-base must be a port number from 1 to 65533 (1 site uses 3 ports from it); got 0."],
    [["--port-base", "-5"], '--port-base must be a port number; got "-5".'],
    [["--sites", "0"], "--sites must be a whole number from 1 to 9; got 0."],
    [["--port-base"], "--port-base needs a value."],
    [["--host", "--sites", "2"], "--host needs a value."],
    [["--verbose"], "unknown flag --verbose."],
    [["--port-base", "9000", "--port-base", "9100"], "--port-base is given twice."],
    [["8989"], 'unexpected argument "8989": every option is a --flag.'],
  ])("%j: one sentence naming the flag, the usage line, exit 2", async (args, sentence) => {
    const exit = await runBin(args);
    expect({ code: exit.code, stdout: exit.stdout, stderr: exit.stderr }).toEqual({ code: 2, stdout: "", stderr: `${sentence}\n${USAGE}\n` });
  });

  it("--help prints the usage and every flag, exit 0", async () => {
    const exit = await runBin(["--help"]);
    expect(exit.code).toBe(0);
    expect(exit.stdout.split("\n")[0]).toBe(USAGE);
    for (const flag of ["--port-base N", "--sites N", "--duration-ms N", "--host H", "--help"]) expect(exit.stdout).toContain(`  ${flag}`);
  });

  it("a port in use: one sentence naming the port and --port-base, exit 1", async () => {
    const base = await freeConsecutivePorts(3);
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(base + 1, "127.0.0.1", () => resolve()));
    try {
      const exit = await runBin(["--port-base", String(base)]);
      expect(exit.code).toBe(1);
      expect(exit.stdout).toBe("");
      expect(exit.stderr).toBe(`Port ${base + 1} on 127.0.0.1 (Veeam) is already in use: stop what listens there, or start the twin on other ports with --port-base N.\n`);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});

describe("two sites from the bin", () => {
  let bin: RunningBin;
  let base: number;
  beforeAll(async () => {
    base = await freeConsecutivePorts(6);
    bin = await startBin(["--sites", "2", "--port-base", String(base), "--duration-ms", "20"]);
  });
  afterAll(async () => {
    if (bin) await stop(bin);
  });

  it("prints each site's datacenter, namespaces, ports, stack config and environment under that site's names", () => {
    const [primary, dr] = printedSites(bin.banner);
    expect(printedSites(bin.banner)).toHaveLength(2);
    expect(primary!.header).toBe('== Site 1 of 2, "primary": datacenter dc-sim; stack config namespaces vsphere, veeam, zstack');
    expect(dr!.header).toBe('== Site 2 of 2, "dr": datacenter dc-sim-dr; stack config namespaces vsphere-dr, veeam-dr, zstack-dr');
    const url = (offset: number): string => `http://127.0.0.1:${base + offset}`;
    expect(Object.keys(primary!.config)).toEqual(["vsphere:vsphereServer", "vsphere:user", "vsphere:password", "veeam:server", "veeam:username", "veeam:password", "zstack:endpoint", "zstack:accountName", "zstack:accountPassword"]);
    expect(Object.keys(dr!.config)).toEqual(["vsphere-dr:vsphereServer", "vsphere-dr:user", "vsphere-dr:password", "veeam-dr:server", "veeam-dr:username", "veeam-dr:password", "zstack-dr:endpoint", "zstack-dr:accountName", "zstack-dr:accountPassword"]);
    expect(Object.entries(dr!.config).filter(([, entry]) => entry.secret).map(([key]) => key)).toEqual(["vsphere-dr:password", "veeam-dr:password", "zstack-dr:accountPassword"]);
    expect(Object.keys(primary!.environment)).toEqual(["VSPHERE_SERVER", "VSPHERE_USER", "VSPHERE_PASSWORD", "VEEAM_SERVER", "VEEAM_USERNAME", "VEEAM_PASSWORD", "ZSTACK_ENDPOINT", "ZSTACK_ACCOUNT_NAME", "ZSTACK_ACCOUNT_PASSWORD"]);
    expect(Object.keys(dr!.environment)).toEqual(["VSPHERE_DR_SERVER", "VSPHERE_DR_USER", "VSPHERE_DR_PASSWORD", "VEEAM_DR_SERVER", "VEEAM_DR_USERNAME", "VEEAM_DR_PASSWORD", "ZSTACK_DR_ENDPOINT", "ZSTACK_DR_ACCOUNT_NAME", "ZSTACK_DR_ACCOUNT_PASSWORD"]);
    expect([primary!.config["vsphere:vsphereServer"]!.value, primary!.config["veeam:server"]!.value, primary!.config["zstack:endpoint"]!.value]).toEqual([url(0), url(1), url(2)]);
    expect([dr!.environment["VSPHERE_DR_SERVER"], dr!.environment["VEEAM_DR_SERVER"], dr!.environment["ZSTACK_DR_ENDPOINT"]]).toEqual([url(3), url(4), url(5)]);
    // The export lines say what the config lines say.
    for (const site of [primary!, dr!]) expect(Object.values(site.environment)).toEqual(Object.values(site.config).map((entry) => entry.value));
    for (const [key, secret] of [["vsphere", "password"], ["veeam", "password"], ["zstack", "accountPassword"]]) {
      expect(primary!.config[`${key}:${secret}`]!.value).not.toBe(dr!.config[`${key}-dr:${secret}`]!.value);
    }
  });

  it("prints each site's inventory compactly: vSphere VMs, Veeam plans, ZStack VMs", () => {
    for (const site of printedSites(bin.banner)) {
      expect(site.text).toMatch(/^ {4}VM +NAME +POWER +CLUSTER +TOOLS +TEMPLATE$/m);
      expect(site.text).toMatch(/^ {4}vm-101 +app-01 +poweredOn +cluster-ha \(HA\) +running +no$/m);
      expect(site.text).toMatch(/^ {4}vm-103 +db-01 +poweredOff +cluster-ha \(HA\) +not running +no$/m);
      expect(site.text).toMatch(/^ {4}vm-104 +legacy-01 +poweredOn +cluster-ha \(HA\) +not installed +no$/m);
      expect(site.text).toMatch(/^ {4}vm-105 +batch-01 +poweredOn +cluster-noha +running +no$/m);
      expect(site.text).toMatch(/^ {4}vm-106 +tmpl-rhel9 +poweredOff +cluster-ha \(HA\) +not running +yes$/m);
      expect(site.text).toMatch(/^ {4}5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11 +Tier1-Apps +Verified +yes$/m);
      expect(site.text).toMatch(/^ {4}c3b1e8f0-2d4a-4e6b-8c9d-0a1b2c3d4e5f +Legacy-ERP +Disabled +no$/m);
      expect(site.text).toMatch(/^ {4}a3c1e0b2d4f64e8f9a0b1c2d3e4f5a01 +web-01 +Running$/m);
      expect(site.text).toMatch(/^ {4}a3c1e0b2d4f64e8f9a0b1c2d3e4f5a03 +web-03 +Destroyed$/m);
    }
  });

  it("what it prints works: each site's own passwords log in there and not at the other site; one admin token opens every endpoint", async () => {
    const [primary, dr] = printedSites(bin.banner);
    const vsphere = (site: typeof primary, prefix: string) => ({
      url: site!.environment[`${prefix}_SERVER`]!,
      user: site!.environment[`${prefix}_USER`]!,
      password: site!.environment[`${prefix}_PASSWORD`]!,
    });
    const one = vsphere(primary, "VSPHERE");
    const two = vsphere(dr, "VSPHERE_DR");
    expect((await vsphereLogin(two.url, two.user, two.password)).status).toBe(200);
    const crossed = await vsphereLogin(two.url, one.user, one.password);
    expect({ status: crossed.status, fault: crossed.body._typeName }).toEqual({ status: 500, fault: "InvalidLogin" });

    const zstack = await fetch(`${dr!.environment["ZSTACK_DR_ENDPOINT"]}/zstack/v1/accounts/login`, {
      method: "PUT",
      body: JSON.stringify({ logInByAccount: { accountName: dr!.environment["ZSTACK_DR_ACCOUNT_NAME"], password: sha512(dr!.environment["ZSTACK_DR_ACCOUNT_PASSWORD"]!) } }),
    });
    expect(zstack.status).toBe(200);
    const veeam = await fetch(`${dr!.environment["VEEAM_DR_SERVER"]}/api/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: dr!.environment["VEEAM_DR_USERNAME"]!, password: dr!.environment["VEEAM_DR_PASSWORD"]! }).toString(),
    });
    expect(veeam.status).toBe(200);

    const token = printedAdminToken(bin.banner);
    for (let offset = 0; offset < 6; offset += 1) {
      const stats = await fetch(`http://127.0.0.1:${base + offset}/_sim/stats`, { headers: { "x-simulator-admin-token": token } });
      expect({ offset, status: stats.status }).toEqual({ offset, status: 200 });
    }
  });
});

describe("stopping the bin", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("%s: pending long polls are answered, idle keep-alive sockets closed, one line printed, exit 0", async (signal) => {
    const base = await freeConsecutivePorts(3);
    const bin = await startBin(["--port-base", String(base)]);
    const [site] = printedSites(bin.banner);
    const url = site!.environment["VSPHERE_SERVER"]!;
    const token = printedAdminToken(bin.banner);

    // An idle keep-alive connection: one answered request, the socket left open in the agent's pool.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const idle = await new Promise<{ closed: Promise<void> }>((resolve, reject) => {
      const request = http.get(`${url}/_sim/stats`, { agent, headers: { "x-simulator-admin-token": token } }, (response) => {
        const socket = response.socket;
        response.resume();
        response.once("end", () => resolve({ closed: new Promise<void>((closed) => socket.once("close", () => closed())) }));
      });
      request.once("error", reject);
    });

    // A long poll: WaitForUpdatesEx on a version with nothing new, waiting up to the server's ten minutes.
    const login = await vsphereLogin(url, site!.environment["VSPHERE_USER"]!, site!.environment["VSPHERE_PASSWORD"]!);
    const session = login.session as string;
    const pc = "PropertyCollector/propertyCollector";
    await vsphereCall(url, session, `${pc}/CreateFilter`, {
      spec: {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["runtime.powerState"] }],
        objectSet: [{ _typeName: "ObjectSpec", obj: { _typeName: "ManagedObjectReference", type: "VirtualMachine", value: "vm-101" } }],
      },
      partialUpdates: false,
    });
    const first = (await vsphereCall(url, session, `${pc}/WaitForUpdatesEx`, {})).body as { version: string };
    const longPoll = vsphereCall(url, session, `${pc}/WaitForUpdatesEx`, { version: first.version, options: { _typeName: "WaitOptions", maxWaitSeconds: 600 } }).catch(
      (error: unknown) => ({ error: String(error) }),
    );
    // The twin counts a request when it arrives; its waiter is registered before the next request is read.
    const waits = async (): Promise<number> => {
      const stats = (await (await fetch(`${url}/_sim/stats`, { headers: { "x-simulator-admin-token": token } })).json()) as { byRoute: Record<string, number> };
      return stats.byRoute["POST PropertyCollector/WaitForUpdatesEx"] ?? 0;
    };
    while ((await waits()) < 2);

    await stop(bin, signal);
    const answer = await longPoll;
    expect(answer).toMatchObject({ status: 500, body: { _typeName: "RequestCanceled" } });
    await idle.closed;
    agent.destroy();
  });
});
