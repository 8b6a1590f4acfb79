import * as util from "node:util";
import { hasKind } from "../../provider/errors";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import * as vmSnapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import * as connections from "../../provider/vsphere/connection";
import { getProperty } from "../../provider/vsphere/invoke";
import { moRef } from "../../provider/vsphere/moref";
import { ESCAPES, crlfToken, echoBodies } from "../../tools/hostile/front";
import { useVsphereBehindFront } from "./vsphereFront";
import { failure } from "./support";

/**
 * What a hostile vCenter (or whatever stands in front of it) can put in an answer, and what reaches the user: values
 * nested without end or of the wrong type give a clear error naming the property; server text in an error is bounded
 * and cleaned; credentials the server echoes are redacted wherever the error can be looked at; a session id that cannot
 * be used is refused as such, once.
 */

const twin = useVsphereBehindFront();

/** Control characters and escape sequences (ESC included) that must never reach a message. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const POWER_STATE_VALUE = "objects[].propSet[name=runtime.powerState].val";


/** Every way an error can be looked at: message, stack, JSON.stringify, util.inspect at full depth (causes included). */
function renderings(error: unknown): string[] {
  const shown = error as Error;
  return [shown.message, String(shown.stack), JSON.stringify(error), util.inspect(error, { depth: Infinity })];
}

/** The error is one of ours (not a RangeError or TypeError from walking the value). */
function expectTyped(error: unknown): void {
  expect(hasKind(error, "server") || hasKind(error, "vendor-fault") || hasKind(error, "not-found")).toBe(true);
}

describe("values nested without end, or not what the spec says", () => {
  it("check of each resource refuses a value nested a hundred thousand levels deep, naming the property", async () => {
    const deep = { kind: "nest", at: POWER_STATE_VALUE, depth: 100_000 } as const;
    const everywhere = { kind: "nest", at: "objects[].propSet[].val", depth: 100_000 } as const;
    const cases: Array<[string, () => Promise<unknown>, typeof deep | typeof everywhere]> = [
      ["VmPowerState", () => vmPowerState.check({}, { vmId: twin.newVm(), state: "poweredOff" }), deep],
      ["VmSnapshot", () => vmSnapshot.check({}, { vmId: twin.newVm(), name: "deep" }), everywhere],
      ["FtSecondary", () => ftSecondary.check({}, { vmId: twin.newVm() }), everywhere],
    ];
    for (const [resource, check, misbehave] of cases) {
      twin.front.disarm();
      twin.front.arm({ match: "RetrievePropertiesEx", misbehave });
      const error = await failure(check());
      expectTyped(error);
      expect(`${resource}: ${error.message}`).toMatch(/the value of (runtime\.powerState|name|[\w.]+) is nested deeper than 1000 levels/);
    }
  });

  it("a power state that is an array, or carries escape sequences, is described without being serialized", async () => {
    twin.front.arm({ match: "RetrievePropertiesEx", times: 1, misbehave: { kind: "nest", at: POWER_STATE_VALUE, depth: 900 } });
    const nested = await failure(vmPowerState.check({}, { vmId: twin.newVm(), state: "poweredOn" }));
    expect(nested.message).toMatch(/^vCenter answered runtime\.powerState of VirtualMachine:vm-\d+ with an array of 1 item; expected "poweredOn", "poweredOff" or "suspended"\.$/);

    twin.front.arm({ match: "RetrievePropertiesEx", times: 1, misbehave: { kind: "escapes", at: `${POWER_STATE_VALUE}._value` } });
    const escaped = await failure(vmPowerState.check({}, { vmId: twin.newVm(), state: "poweredOn" }));
    expect(escaped.message).toMatch(/^vCenter answered runtime\.powerState of VirtualMachine:vm-\d+ with ".*poweredOn.*"; expected/);
    expect(escaped.message).not.toMatch(CONTROL);
  });

  it("reads of snapshot trees and FT groups refuse a value nested without end, and an answer that is not JSON", async () => {
    const vmId = twin.newVm();
    const snapshot = await vmSnapshot.create({ vmId, name: "kept", timeoutSeconds: 30 });
    twin.front.arm({ match: "RetrievePropertiesEx", misbehave: { kind: "nest", at: "objects[].propSet[name=snapshot].val", depth: 100_000 } });
    const tree = await failure(vmSnapshot.read(snapshot.id, snapshot.outs as Record<string, unknown>));
    expectTyped(tree);
    expect(tree.message).toContain("the value of snapshot is nested deeper than 1000 levels");

    twin.front.disarm();
    twin.front.arm({ match: "RetrievePropertiesEx", misbehave: { kind: "respond", status: 200, headers: { "content-type": "application/json" }, body: '{"objects":[{"obj":' } });
    const truncated = await failure(ftSecondary.read(vmId, { vmId, timeoutSeconds: 10 }));
    expectTyped(truncated);
    expect(truncated.message).toMatch(/RetrievePropertiesEx on .*VirtualMachine:vm-\d+.*: the server answered 200 with a body that is not JSON/);

    twin.front.disarm();
    twin.front.arm({ match: "RetrievePropertiesEx", misbehave: { kind: "respond", status: 200, headers: { "content-type": "application/json" }, body: '{"objects":"none"}' } });
    const misshapen = await failure(vmPowerState.read(vmId, { vmId, state: "poweredOn" }));
    expect(misshapen.message).toMatch(/unexpected shape at objects:/);
  });
});

describe("server text that reaches an error", () => {
  it("a fault with an endless message, escape sequences and deep fields becomes a bounded, printable error", async () => {
    const vmId = twin.newVm();
    const body =
      `{"_typeName":"GenericVmConfigFault","faultMessage":[{"message":${JSON.stringify(`${ESCAPES}disk locked ${"and more ".repeat(20_000)}`)}}],` +
      `"reason":${JSON.stringify(`${ESCAPES}${"r".repeat(5_000)}`)},"nested":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    twin.front.arm({ match: `/${vmId}/CreateSnapshotEx_Task`, misbehave: { kind: "respond", status: 500, headers: { "content-type": "application/json" }, body } });
    const error = await failure(vmSnapshot.create({ vmId, name: "refused", timeoutSeconds: 10 }));
    expect(error.kind).toBe("vendor-fault");
    expect(error.fault?.type).toBe("GenericVmConfigFault");
    expect(error.message).toMatch(/^CreateSnapshotEx_Task on VirtualMachine:vm-\d+ failed: GenericVmConfigFault: .*disk locked and more .*… \(cut: \d+ more characters\)$/);
    for (const text of renderings(error)) expect(text).not.toMatch(CONTROL);
    expect(JSON.stringify(error).length).toBeLessThan(20_000);
    expect(String(error.fault?.details?.["nested"])).toContain("nested too deep to keep");
  });

  it("a plain-text error page (the transport's own excerpt) is cut and cleaned too", async () => {
    const vmId = twin.newVm();
    const created = await vmPowerState.create({ vmId, state: "poweredOn", timeoutSeconds: 10 });
    twin.front.arm({ match: "RetrievePropertiesEx", misbehave: { kind: "respond", status: 500, headers: { "content-type": "text/plain" }, body: `${ESCAPES}proxy error ${"x".repeat(100_000)}` } });
    const error = await failure(vmPowerState.read(vmId, created.outs as Record<string, unknown>));
    expect(error.message).toMatch(/RetrievePropertiesEx on VirtualMachine:vm-\d+ failed: HTTP 500 \(server error\): .*proxy error x+… \(cut: \d+ more characters\)$/);
    for (const text of renderings(error)) expect(text).not.toMatch(CONTROL);
  });
});

describe("credentials the server echoes", () => {
  const sessions = new Set<string>();
  beforeAll(() => {
    twin.sim.server.onHandled((request) => {
      const session = request.headers["vmware-api-session-id"];
      if (typeof session === "string") sessions.add(session);
    });
  });

  function expectNoCredential(error: unknown): void {
    for (const text of renderings(error)) {
      expect(text).not.toContain(twin.sim.password);
      for (const session of sessions) expect(text).not.toContain(session);
    }
  }

  it("a Login fault that repeats the password is redacted in every rendering of the error", async () => {
    twin.front.arm({ match: "/Login", misbehave: { kind: "echoCredentials", body: echoBodies.vsphere } });
    const error = await failure(vmPowerState.create({ vmId: twin.newVm(), state: "poweredOn", timeoutSeconds: 10 }));
    expect(error.message).toContain("[redacted]");
    expectNoCredential(error);

    twin.front.disarm();
    twin.front.arm({ match: "/Login", misbehave: { kind: "echoCredentials", status: 401, contentType: "text/plain", body: (echoed) => `denied password=${echoed.fields.join(",")} for ${echoed.all.join(" ")}` } });
    const page = await failure(vmPowerState.create({ vmId: twin.newVm(), state: "poweredOn", timeoutSeconds: 10 }));
    expect(page.kind).toBe("authentication");
    expectNoCredential(page);
  });

  it("task faults that repeat the session id are redacted, also where a resource wraps them and in their causes", async () => {
    const power = twin.newVm({ powerState: "poweredOff" });
    const ft = twin.newVm();
    const snapshot = twin.newVm();
    twin.front.arm({ match: /PowerOnVM_Task|CreateSecondaryVMEx_Task|CreateSnapshotEx_Task/, misbehave: { kind: "echoCredentials", body: echoBodies.vsphere } });
    const errors = await Promise.all([
      failure(vmPowerState.create({ vmId: power, state: "poweredOn", timeoutSeconds: 10 })),
      failure(ftSecondary.create({ vmId: ft, timeoutSeconds: 10 })),
      failure(vmSnapshot.create({ vmId: snapshot, name: "echoed", timeoutSeconds: 10 })),
    ]);
    expect(sessions.size).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.message).toContain("[redacted]");
      expectNoCredential(error);
    }
  });
});

describe("session ids the server issues", () => {
  let seen = 0;
  beforeEach(() => {
    seen = twin.front.log.length;
  });
  /** Logins sent in this test. */
  function logins(): number {
    return twin.front.log.slice(seen).filter((entry) => entry.path.endsWith("/Login")).length;
  }

  it.each([
    ["a space", "two words", "contains spaces or characters outside visible ASCII"],
    ["a non-ASCII letter", "sessi\u00f3n-0123456789", "contains spaces or characters outside visible ASCII"],
    ["an absurd length", "s".repeat(5_000), "is 5000 characters long (at most 4096 are accepted)"],
  ])("a session id with %s is refused once, as an authentication error that says why without showing it", async (_what, value, why) => {
    twin.front.arm({ match: "/Login", misbehave: { kind: "badToken", header: "vmware-api-session-id", value } });
    const error = await failure(vmPowerState.create({ vmId: twin.newVm(), state: "poweredOn", timeoutSeconds: 10 }));
    expect(error.kind).toBe("authentication");
    expect(error.transient).toBe(false);
    expect(error.message).toContain(`(vsphere:vsphereServer) accepted the Login but the vmware-api-session-id it issued ${why}; it was not used.`);
    for (const text of renderings(error)) expect(text).not.toContain(value);
    expect(logins()).toBe(1);
  });

  it("control characters in the session header make an answer that is not HTTP: a clear error, not retried", async () => {
    twin.front.arm({ match: "/Login", misbehave: { kind: "badToken", header: "vmware-api-session-id", value: "session\u0001id" } });
    const error = await failure(vmPowerState.create({ vmId: twin.newVm(), state: "poweredOn", timeoutSeconds: 10 }));
    expect(error.kind).toBe("connection");
    expect(error.message).toMatch(/answered Login on vCenter \S+ with something that is not valid HTTP \(Invalid header value char\); whether it acted is unknown\.$/);
    expect(logins()).toBe(1);

    // CR/LF ends the header line on the wire: what follows is a header of its own, and the session id before it is used.
    twin.front.disarm();
    twin.front.arm({ match: "/Login", misbehave: { kind: "badToken", header: "vmware-api-session-id", value: crlfToken } });
    expect((await vmPowerState.create({ vmId: twin.newVm(), state: "poweredOn", timeoutSeconds: 10 })).outs).toMatchObject({ powerState: "poweredOn" });
  });

  it("a session id that cannot be sent in a header is never sent: an authentication error, delivery notSent, not transient", async () => {
    const connection = await connections.connect("vsphere");
    connection.session.id = "session\r\nX-Injected: 1";
    const before = twin.front.log.length;
    const error = await failure(getProperty(connection, moRef("VirtualMachine", twin.newVm()), "runtime", { deadline: Date.now() + 10_000 }));
    expect(error.kind).toBe("authentication");
    expect(error.delivery).toBe("notSent");
    expect(error.transient).toBe(false);
    expect(error.message).toContain("the value of its vmware-api-session-id header holds characters HTTP does not allow there");
    expect(twin.front.log.length).toBe(before);
  });
});
