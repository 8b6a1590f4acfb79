import { recordNamespaceSettings, recordStackConfig, vsphereSettings } from "../../provider/config";
import { ConfigurationError } from "../../provider/errors";
import { redact } from "../../provider/redact";
import { runtimeState } from "../../provider/runtime";

/** A program's settings recorded the way lookupVirtualMachine records them (a program process never gets configure). */
afterEach(() => recordStackConfig({}));

const program = (values: Record<string, string>) => (key: string) => values[key];

describe("recordNamespaceSettings", () => {
  it("makes a namespace's program config the settings, the password a secret to redact", () => {
    recordNamespaceSettings("vsphere", "vsphere-dr", program({ vsphereServer: "vc-dr.example.com", user: "automation", password: "dr-s3cret-pw" }));
    expect(vsphereSettings("vsphere-dr")).toMatchObject({ origin: "https://vc-dr.example.com", user: "automation", password: "dr-s3cret-pw" });
    expect(redact("login with dr-s3cret-pw failed")).toBe("login with [redacted] failed");
  });

  it("keeps other namespaces, and drops what the program no longer holds so the environment applies again", () => {
    recordStackConfig({ "vsphere:vsphereServer": "vc.example.com", "vsphere:user": "u", "vsphere:password": "pw-1234", "veeam:server": "vro.example.com" });
    recordNamespaceSettings("vsphere", "vsphere", program({ user: "other" }));
    expect(runtimeState().stackConfig).toEqual({ "vsphere:user": "other", "veeam:server": "vro.example.com" });
    const saved = process.env.VSPHERE_SERVER;
    process.env.VSPHERE_SERVER = "from-env.example.com";
    try {
      expect(() => vsphereSettings()).toThrow(ConfigurationError);
      recordNamespaceSettings("vsphere", "vsphere", program({ user: "other", password: "pw-5678" }));
      expect(vsphereSettings()).toMatchObject({ origin: "https://from-env.example.com", user: "other" });
    } finally {
      if (saved === undefined) delete process.env.VSPHERE_SERVER;
      else process.env.VSPHERE_SERVER = saved;
    }
  });

  it("refuses a namespace that is not a name, naming connection", () => {
    expect(() => recordNamespaceSettings("vsphere", "vsphere dr", program({}))).toThrow(expect.objectContaining({ setting: "connection" }));
  });
});
