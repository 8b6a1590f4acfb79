import * as http from "node:http";
import { ConnectionError, VendorFaultError } from "../../provider/errors";
import { runCell } from "../../tools/reliability/matrix";
import type { ResourceAdapter } from "../../tools/reliability/model";
import { judgeError } from "../../tools/reliability/errors";
import { ftAdapter, snapshotAdapter } from "../../tools/reliability/resources";
import { SCENARIOS } from "../../tools/reliability/scenarios";
import { startReliabilityTwin, type ReliabilityTwin } from "../../tools/reliability/twin";

/** The matrix's own machinery must be able to fail: its judge, its audits, the simulator fault modes it relies on. */

let twin: ReliabilityTwin;
beforeAll(async () => {
  twin = await startReliabilityTwin();
});
afterAll(async () => {
  await twin.close();
});

function scenario(short: string) {
  const found = SCENARIOS.find((candidate) => candidate.short === short);
  if (!found) throw new Error(`no scenario ${short}`);
  return found;
}

function post(url: string, path: string): Promise<number | "dropped"> {
  return new Promise((resolve) => {
    const request = http.request(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", () => resolve("dropped"));
    request.end("{}");
  });
}

describe("error judge", () => {
  const target = { key: "vm-42", names: ["vm-42", "app-42"], label: "app-42" };
  it("accepts a typed error naming the operation, the object and the cause", () => {
    const error = new VendorFaultError("CreateSnapshotEx_Task on VirtualMachine:vm-42 failed: GenericVmConfigFault: disk locked", { operation: "CreateSnapshotEx_Task", object: "VirtualMachine:vm-42" });
    expect(judgeError(error, target, [], ["Rel!vsphere-Secret-7731"])).toEqual([]);
  });
  it("flags untyped errors, errors that do not name the object, and messages without a cause", () => {
    expect(judgeError(new Error("boom"), target, [], [])).toEqual([expect.stringContaining("untyped")]);
    const anonymous = new ConnectionError("The connection to http://127.0.0.1:1 failed during PowerOnVM_Task (UND_ERR_SOCKET).", true, { operation: "PowerOnVM_Task" });
    expect(judgeError(anonymous, target, [], [])).toEqual([expect.stringContaining("does not name the object")]);
    expect(judgeError(new VendorFaultError("vm-42 failed", { operation: "x" }), target, [], [])).toEqual([expect.stringContaining("no cause")]);
  });
  it("flags a credential anywhere in the error, its causes included", () => {
    const cause = new Error("login with sekrit-session-0123456789 refused");
    const error = new VendorFaultError("Login for vm-42 failed: the session was refused by vCenter", { operation: "Login", cause });
    expect(judgeError(error, target, [], ["sekrit-session-0123456789"])).toEqual([expect.stringContaining("credential leaked")]);
  });
});

describe("audits", () => {
  it("finds a snapshot that state does not record, and a record the world lacks", async () => {
    twin.reset();
    const target = await snapshotAdapter.prepare(twin, "audit-orphan");
    const made = await snapshotAdapter.crud.create(snapshotAdapter.createInputs(target, 0, 20));
    expect(snapshotAdapter.audit(twin, target, [])).toEqual([expect.stringContaining(`orphaned snapshot ${made.id}`)]);
    expect(snapshotAdapter.audit(twin, target, [{ id: made.id, outs: made.outs ?? {} }])).toEqual([]);
    twin.vsphere.world.deleteSnapshotOutOfBand(made.id);
    expect(snapshotAdapter.audit(twin, target, [{ id: made.id, outs: made.outs ?? {} }])).toEqual([expect.stringContaining("vSphere has no such snapshot")]);
  });

  it("calls a provider that forgets a half-made FT secondary lost", async () => {
    // A broken create: whatever vSphere did, it forgets the secondary's id (outputs or partial failure) and throws a bare error.
    const forgetful: ResourceAdapter = {
      ...ftAdapter,
      crud: {
        ...ftAdapter.crud,
        create: async (inputs) => {
          await ftAdapter.crud.create(inputs).catch(() => undefined);
          throw new Error("something went wrong");
        },
      },
    };
    const result = await runCell(twin, { adapter: forgetful, scenario: scenario("drop after"), op: "create" });
    expect(result.verdict).toBe("lost");
    expect(result.problems.join("\n")).toMatch(/untyped error/);
    expect(result.problems.join("\n")).toMatch(/left behind: state does not record it/);
  });

  it("calls the real FtSecondary create under the same fault survived or failed-clean", async () => {
    const result = await runCell(twin, { adapter: ftAdapter, scenario: scenario("drop after"), op: "create" });
    expect(result.exercised).toBe(true);
    expect(result.problems).toEqual([]);
    expect(["survived", "failed-clean"]).toContain(result.verdict);
  });
});

describe("simulator fault modes the matrix relies on", () => {
  it("dropAfter lets the server act, then cuts the connection before the answer", async () => {
    twin.reset();
    const server = twin.zstack.server;
    const seen: string[] = [];
    const unsubscribe = server.onHandled((request) => seen.push(request.path));
    server.faults.configure({ dropAfter: 1, pathContains: "/zstack/v1/accounts/login" });
    expect(await post(twin.zstack.url, "/zstack/v1/accounts/login")).toBe("dropped");
    expect(seen).toEqual(["/zstack/v1/accounts/login"]);
    expect(await post(twin.zstack.url, "/zstack/v1/accounts/login")).not.toBe("dropped");
    unsubscribe();
    twin.reset();
  });

  it("restart refuses connections while down and serves the same world on the same port afterwards", async () => {
    const server = twin.zstack.server;
    const vm = twin.zstack.world.addVm({ name: "survives-restart" });
    // restart() closes the listening socket before it returns its promise: the port refuses from then until it listens again.
    const restarting = server.restart({ downMs: 300 });
    expect(await post(twin.zstack.url, "/zstack/v1/accounts/login")).toBe("dropped");
    await restarting;
    expect(await post(twin.zstack.url, "/zstack/v1/accounts/login")).not.toBe("dropped");
    expect(twin.zstack.world.vms.has(vm.uuid)).toBe(true);
  });
});
