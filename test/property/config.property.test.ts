/**
 * Bad configuration, property-based: any string for any setting key (server URLs, booleans, release, apiVersion,
 * caCertificate, credentials) gives either a parsed value or a ConfigurationError naming that key; never another
 * exception, never a hang (a device path as caCertificate), and `configure` itself never throws.
 */
import fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import { settingSources, recordStackConfig, veeamSettings, vsphereSettings, zstackSettings } from "../../provider/config";
import { ConfigurationError } from "../../provider/errors";
import { configure } from "../../provider/resources/common/dynamicProvider";
import { HUGE, NASTY_STRINGS } from "./hostile";

const RUNS = Number(process.env["PROPERTY_RUNS"] ?? 60);
const caPath = path.join(__dirname, "..", "fixtures", "tls", "ca.pem");
const caText = fs.readFileSync(caPath, "utf8");

const BASE: Record<string, string> = {
  "vsphere:vsphereServer": "vcenter.example.test",
  "vsphere:user": "administrator@vsphere.local",
  "vsphere:password": "not-a-real-password",
  "veeam:server": "https://vro.example.test:9898",
  "veeam:username": "VRO\\automation",
  "veeam:password": "not-a-real-password",
  "zstack:endpoint": "http://127.0.0.1:8080",
  "zstack:accountName": "admin",
  "zstack:accountPassword": "not-a-real-password",
};

const settingValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.constantFrom(
    "true", "false", "TRUE", " yes ", "1", "0", "no", "maybe",
    "8.0.3.0", "9.0.0.0", "8.0", "v2", "v7.21", "v13", "v13.1", "V2", "v", "v2/../x",
    "ftp://host", "file:///etc/passwd", "javascript:alert(1)", "http://user:pw@host", "https://[::1]:8443", "http://", "https://", "host:99999", "host:-1",
    "/dev/zero", "/dev/stdin", "/etc/passwd", "/", "/tmp", caPath, caText, `${caText}\n${caText}`, "-----BEGIN CERTIFICATE-----", "../../../../etc/shadow",
    HUGE,
  ),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.domain(),
  fc.string({ unit: "binary", maxLength: 60 }),
);

interface Vendor {
  name: string;
  read: () => unknown;
  keys: Record<string, { configKey: string }>;
}

const VENDORS: Vendor[] = [
  { name: "vsphere", read: () => vsphereSettings(), keys: settingSources("vsphere") },
  { name: "veeam", read: () => veeamSettings(), keys: settingSources("veeam") },
  { name: "zstack", read: () => zstackSettings(), keys: settingSources("zstack") },
];

afterAll(() => recordStackConfig({}));

describe.each(VENDORS.map((vendor) => [vendor.name, vendor] as const))("%s settings", (_name, vendor) => {
  it.each(Object.values(vendor.keys).map((key) => [key.configKey]))("%s: any string parses or fails naming the key", async (configKey) => {
    await fc.assert(
      fc.property(settingValue, (value) => {
        recordStackConfig({ ...BASE, [configKey]: value });
        let parsed: unknown;
        try {
          parsed = vendor.read();
        } catch (error) {
          if (!(error instanceof ConfigurationError)) throw new Error(`${configKey}=${JSON.stringify(value).slice(0, 80)} threw ${String(error)}`);
          expect(error.setting).toBe(configKey);
          expect(error.message).toContain(configKey);
          return;
        }
        const settings = parsed as Record<string, unknown>;
        expect(typeof settings["allowUnverifiedSsl"]).toBe("boolean");
        expect(String(settings["origin"])).toMatch(/^https?:\/\/[^/?#]+$/);
        if (settings["caCertificate"] !== undefined) expect(String(settings["caCertificate"])).toContain("-----BEGIN CERTIFICATE-----");
      }),
      { numRuns: RUNS },
    );
  });
});

it("a device, a directory or a missing file as caCertificate is a ConfigurationError, not a hang", () => {
  for (const value of ["/dev/zero", "/dev/stdin", "/tmp", "/no/such/file.pem"]) {
    recordStackConfig({ ...BASE, "vsphere:caCertificate": value });
    expect(() => vsphereSettings()).toThrow(ConfigurationError);
  }
});

it("configure never throws, whatever the config source does", async () => {
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fc.constantFrom(...Object.keys(BASE), "vsphere:caCertificate", "__proto__", "constructor"), settingValue), fc.boolean(), async (values, throwing) => {
      const source = {
        get: (key: string): string | undefined => {
          if (throwing && key.endsWith("password")) throw new Error("secret store unavailable");
          return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : undefined;
        },
      };
      await expect(configure({ config: source })).resolves.toBeUndefined();
    }),
    { numRuns: RUNS },
  );
});
