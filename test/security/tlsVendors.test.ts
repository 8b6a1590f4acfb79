/**
 * TLS to Veeam and ZStack, as test/integration/tls.test.ts proves it for vCenter: a simulator with a certificate from a
 * private CA is refused by default (the error names the settings that fix it), accepted with `<ns>:caCertificate` (a
 * PEM path or PEM text), and accepted without verification only when `<ns>:allowUnverifiedSsl` is set explicitly, with
 * a warning. `allowUnverifiedSsl: false` is the same as not setting it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { recordStackConfig, veeamSettings, zstackSettings } from "../../provider/config";
import { deadlineAfter } from "../../provider/deadline";
import { ConnectionError } from "../../provider/errors";
import { forget } from "../../provider/runtime";
import { veeamConnection } from "../../provider/veeam/connection";
import { readPlanStatus } from "../../provider/veeam/plans";
import { queryVmInstance } from "../../provider/zstack/vmInstances";
import { startVeeamSimulator, startZstackSimulator, type VeeamSimulator, type ZstackSimulator } from "../../simulator";

const fixtures = path.join(__dirname, "..", "fixtures", "tls");
const tls = { key: fs.readFileSync(path.join(fixtures, "server.key"), "utf8"), cert: fs.readFileSync(path.join(fixtures, "server.pem"), "utf8") };
const caPath = path.join(fixtures, "ca.pem");
const caText = fs.readFileSync(caPath, "utf8");
const PLAN = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";

let veeam: VeeamSimulator;
let zstack: ZstackSimulator;
let zstackVm: string;

beforeAll(async () => {
  veeam = await startVeeamSimulator({ tls, runDurationMs: 10 });
  zstack = await startZstackSimulator({ tls, jobDurationMs: 10 });
  zstackVm = zstack.world.addVm({ name: "tls-vm", state: "Running" }).uuid;
});
afterAll(async () => {
  recordStackConfig({});
  await Promise.all([veeam?.close(), zstack?.close()]);
});
beforeEach(() => {
  forget("veeam.");
  forget("zstack.");
});

interface VendorCase {
  namespace: "veeam" | "zstack";
  serverKey: string;
  url: () => string;
  configure: (extra: Record<string, string>) => void;
  /** One authenticated call through the provider's client. */
  call: () => Promise<unknown>;
}

const CASES: VendorCase[] = [
  {
    namespace: "veeam",
    serverKey: "veeam:server",
    url: () => veeam.url,
    configure: (extra) => recordStackConfig({ "veeam:server": veeam.url, "veeam:username": veeam.username, "veeam:password": veeam.password, ...extra }),
    call: async () => readPlanStatus(await veeamConnection("veeam", deadlineAfter(30)), PLAN, { deadline: deadlineAfter(30) }),
  },
  {
    namespace: "zstack",
    serverKey: "zstack:endpoint",
    url: () => zstack.url,
    configure: (extra) => recordStackConfig({ "zstack:endpoint": zstack.url, "zstack:accountName": zstack.accountName, "zstack:accountPassword": zstack.password, ...extra }),
    call: () => queryVmInstance(zstackSettings(), zstackVm),
  },
];

describe.each(CASES.map((c) => [c.namespace, c] as const))("TLS to %s", (namespace, vendor) => {
  it("the simulator really serves https with the test certificate", () => {
    expect(vendor.url()).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("verifies the certificate by default and says which settings fix an untrusted one", async () => {
    vendor.configure({});
    const error = await vendor.call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    const pattern = new RegExp(
      `The TLS certificate of https://127\\.0\\.0\\.1:\\d+ \\(${vendor.serverKey}\\) is not trusted \\([A-Z_]+\\): set ${namespace}:caCertificate to the CA that signed it, or, only for a lab, ${namespace}:allowUnverifiedSsl to true\\.`,
    );
    expect((error as Error).message).toMatch(pattern);
  });

  it("allowUnverifiedSsl=false is the same as not setting it", async () => {
    vendor.configure({ [`${namespace}:allowUnverifiedSsl`]: "false" });
    await expect(vendor.call()).rejects.toBeInstanceOf(ConnectionError);
  });

  it("trusts the server when caCertificate names its CA (a PEM file path or PEM text)", async () => {
    vendor.configure({ [`${namespace}:caCertificate`]: caPath });
    await expect(vendor.call()).resolves.toBeDefined();
    forget(`${namespace}.`);
    vendor.configure({ [`${namespace}:caCertificate`]: caText });
    await expect(vendor.call()).resolves.toBeDefined();
  });

  it("skips verification only when allowUnverifiedSsl is set, with a warning naming the setting", async () => {
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      vendor.configure({ [`${namespace}:allowUnverifiedSsl`]: "true" });
      await expect(vendor.call()).resolves.toBeDefined();
      const messages = emitWarning.mock.calls.map((call) => String(call[0]));
      expect(messages).toContainEqual(
        expect.stringMatching(new RegExp(`TLS certificate verification is disabled for https://127\\.0\\.0\\.1:\\d+ because ${namespace}:allowUnverifiedSsl is true`)),
      );
    } finally {
      emitWarning.mockRestore();
    }
  });

  it("reads TLS settings from the environment too, with the stack config taking precedence", () => {
    const envName = namespace === "veeam" ? "VEEAM_ALLOW_UNVERIFIED_SSL" : "ZSTACK_ALLOW_UNVERIFIED_SSL";
    const read = namespace === "veeam" ? veeamSettings : zstackSettings;
    process.env[envName] = "true";
    try {
      vendor.configure({});
      expect(read().allowUnverifiedSsl).toBe(true);
      vendor.configure({ [`${namespace}:allowUnverifiedSsl`]: "false" });
      expect(read().allowUnverifiedSsl).toBe(false);
    } finally {
      delete process.env[envName];
    }
  });
});
