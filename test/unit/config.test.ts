import { ConfigurationError } from "../../provider/errors";
import { recordStackConfig, vsphereSettings, veeamSettings, zstackSettings } from "../../provider/config";
import { redact } from "../../provider/redact";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  recordStackConfig({});
});

function settingError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("vsphere settings", () => {
  it("names the stack config key and the environment variable of a missing server", () => {
    delete process.env.VSPHERE_SERVER;
    const error = settingError(() => vsphereSettings());
    expect(error.setting).toBe("vsphere:vsphereServer");
    expect(error.message).toContain("pulumi config set vsphere:vsphereServer");
    expect(error.message).toContain("VSPHERE_SERVER");
  });

  it("takes stack config before the environment, and a bare host as https", () => {
    process.env.VSPHERE_SERVER = "env-vc.example.com";
    recordStackConfig({ "vsphere:vsphereServer": "vc.example.com", "vsphere:user": "u", "vsphere:password": "p4ssw0rd!" });
    const settings = vsphereSettings();
    expect(settings.origin).toBe("https://vc.example.com");
    expect(settings.allowUnverifiedSsl).toBe(false);
  });

  it("keeps only the origin of a URL and accepts http for the simulator", () => {
    recordStackConfig({ "vsphere:vsphereServer": "http://127.0.0.1:8989/sdk", "vsphere:user": "u", "vsphere:password": "pw" });
    expect(vsphereSettings().origin).toBe("http://127.0.0.1:8989");
  });

  it.each([["ftp://vc"], ["https://user:pw@vc"], ["http://"]])("refuses the server value %s with one sentence naming the setting", (server) => {
    recordStackConfig({ "vsphere:vsphereServer": server, "vsphere:user": "u", "vsphere:password": "pw" });
    const error = settingError(() => vsphereSettings());
    expect(error.setting).toBe("vsphere:vsphereServer");
    expect(error.message).toMatch(/vsphere:vsphereServer \(or VSPHERE_SERVER\) must/);
  });

  it("refuses a malformed boolean and a malformed release", () => {
    recordStackConfig({ "vsphere:vsphereServer": "vc", "vsphere:user": "u", "vsphere:password": "pw", "vsphere:allowUnverifiedSsl": "maybe" });
    expect(settingError(() => vsphereSettings()).setting).toBe("vsphere:allowUnverifiedSsl");
    recordStackConfig({ "vsphere:vsphereServer": "vc", "vsphere:user": "u", "vsphere:password": "pw", "vsphere:apiRelease": "8.0" });
    expect(settingError(() => vsphereSettings()).setting).toBe("vsphere:apiRelease");
  });

  it("refuses a caCertificate that is neither PEM nor a readable PEM file", () => {
    recordStackConfig({ "vsphere:vsphereServer": "vc", "vsphere:user": "u", "vsphere:password": "pw", "vsphere:caCertificate": "/nonexistent/ca.pem" });
    expect(settingError(() => vsphereSettings()).setting).toBe("vsphere:caCertificate");
  });

  it("registers the password so that no message can carry it", () => {
    recordStackConfig({ "vsphere:vsphereServer": "vc", "vsphere:user": "u", "vsphere:password": "S3cr3t-Planted" });
    vsphereSettings();
    expect(redact("login failed for S3cr3t-Planted")).toBe("login failed for [redacted]");
  });
});

describe("veeam and zstack settings", () => {
  it("name their own keys", () => {
    delete process.env.VEEAM_SERVER;
    delete process.env.ZSTACK_ENDPOINT;
    expect(settingError(() => veeamSettings()).setting).toBe("veeam:server");
    expect(settingError(() => zstackSettings()).setting).toBe("zstack:endpoint");
  });
  it("validates the Veeam API version", () => {
    recordStackConfig({ "veeam:server": "vro", "veeam:username": "u", "veeam:password": "pw", "veeam:apiVersion": "latest" });
    expect(settingError(() => veeamSettings()).setting).toBe("veeam:apiVersion");
  });
});
