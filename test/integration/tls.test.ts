import * as fs from "node:fs";
import * as path from "node:path";
import { recordStackConfig } from "../../provider/config";
import { ConnectionError } from "../../provider/errors";
import { forget } from "../../provider/runtime";
import { connect } from "../../provider/vsphere/connection";
import { startVsphereSimulator, type VsphereSimulator } from "../../simulator/vsphere";

const fixtures = path.join(__dirname, "..", "fixtures", "tls");
const tls = { key: fs.readFileSync(path.join(fixtures, "server.key"), "utf8"), cert: fs.readFileSync(path.join(fixtures, "server.pem"), "utf8") };
const caPath = path.join(fixtures, "ca.pem");

let sim: VsphereSimulator;
beforeAll(async () => {
  sim = await startVsphereSimulator({ tls });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => forget("vsphere."));

function configure(extra: Record<string, string> = {}): void {
  recordStackConfig({ "vsphere:vsphereServer": sim.url, "vsphere:user": sim.username, "vsphere:password": sim.password, ...extra });
}

describe("TLS to vCenter", () => {
  it("verifies the certificate by default and says which settings fix an untrusted one", async () => {
    configure();
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      /^The TLS certificate of https:\/\/127\.0\.0\.1:\d+ \(vsphere:vsphereServer\) is not trusted \([A-Z_]+\): set vsphere:caCertificate to the CA that signed it, or, only for a lab, vsphere:allowUnverifiedSsl to true\.$/,
    );
  });

  it("trusts the server when vsphere:caCertificate names its CA (a PEM file path or PEM text)", async () => {
    configure({ "vsphere:caCertificate": caPath });
    expect((await connect()).session.id).toBeTruthy();
    forget("vsphere.");
    configure({ "vsphere:caCertificate": fs.readFileSync(caPath, "utf8") });
    expect((await connect()).session.id).toBeTruthy();
  });

  it("skips verification only when allowUnverifiedSsl is set, with a warning", async () => {
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    configure({ "vsphere:allowUnverifiedSsl": "true" });
    expect((await connect()).session.id).toBeTruthy();
    const messages = emitWarning.mock.calls.map((call) => String(call[0]));
    emitWarning.mockRestore();
    expect(messages).toContainEqual(expect.stringMatching(/TLS certificate verification is disabled for https:\/\/127\.0\.0\.1:\d+ because vsphere:allowUnverifiedSsl is true/));
  });
});

describe("a scheme that does not match the port says so", () => {
  let plain: VsphereSimulator;
  beforeAll(async () => {
    plain = await startVsphereSimulator();
  });
  afterAll(async () => {
    await plain.close();
  });

  it("https:// to a server that answers plain HTTP: the server does not speak TLS; use http:// (whatever allowUnverifiedSsl says)", async () => {
    for (const allowUnverifiedSsl of ["false", "true"]) {
      forget("vsphere.");
      const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
      const https = plain.url.replace(/^http:/, "https:");
      recordStackConfig({ "vsphere:vsphereServer": https, "vsphere:user": plain.username, "vsphere:password": plain.password, "vsphere:allowUnverifiedSsl": allowUnverifiedSsl });
      const error = await connect().catch((e: unknown) => e);
      emitWarning.mockRestore();
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toContain(`${https} (vsphere:vsphereServer) does not speak TLS`);
      expect((error as Error).message).toContain(`set vsphere:vsphereServer to ${plain.url}`);
      expect((error as Error).message).not.toContain("allowUnverifiedSsl");
    }
  });

  it("http:// to a TLS port: it looks like a TLS port; use https://", async () => {
    const http = sim.url.replace(/^https:/, "http:");
    recordStackConfig({ "vsphere:vsphereServer": http, "vsphere:user": sim.username, "vsphere:password": sim.password });
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(`${http} (vsphere:vsphereServer) looks like a TLS port`);
    expect((error as Error).message).toContain(`: set vsphere:vsphereServer to ${sim.url}`);
  });
});
