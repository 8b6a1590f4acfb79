import { NotFoundError } from "../../provider/errors";
import { setDispatcherOverride } from "../../provider/http/transport";
import { waitForProtection } from "../../provider/resources/vsphere/ftSecondary/protection";
import { connect, type VsphereConnection } from "../../provider/vsphere/connection";
import { waitForTask } from "../../provider/vsphere/taskWaiter";
import { waitForProperties } from "../../provider/vsphere/watch";
import { holdRequests } from "./support/heldRequests";
import { BASE, boxed, eventually, moref, powerStateOnly, retrieveBody, retrieveResult, taskUpdates, useVsphereMock, type Answer, type Seen } from "./support/vsphereMock";

const mock = useVsphereMock();

const COLLECTOR = `${BASE}/PropertyCollector/pc`;
const methodOf = (call: Seen) => decodeURIComponent(call.path.split("/").pop() ?? "");
const runtime = (fields: Record<string, unknown>) => ({ _typeName: "VirtualMachineRuntimeInfo", ...fields });
const primaryFtInfo = { _typeName: "FaultTolerancePrimaryConfigInfo", role: 1, instanceUuids: [], configPaths: [], secondaries: [moref("VirtualMachine", "vm-2")] };
/** The filter's first report of an FT primary whose secondary is still starting. */
const startingPrimary = objectUpdate("1", "enter", "vm-1", [
  { name: "config.ftInfo", val: primaryFtInfo },
  { name: "runtime", val: runtime({ powerState: "poweredOn", faultToleranceState: "starting" }) },
]);
const poweredOff = (values: Record<string, unknown>) => values["runtime.powerState"] === "poweredOff";

/** An UpdateSet with one ObjectUpdate of `obj` from filter `f-<obj>`. */
function objectUpdate(version: string, kind: string, obj: string, changeSet: Array<{ name: string; op?: string; val?: unknown }> = []): unknown {
  return {
    _typeName: "UpdateSet",
    version,
    filterSet: [
      {
        _typeName: "PropertyFilterUpdate",
        filter: moref("PropertyFilter", `f-${obj}`),
        objectSet: [
          {
            _typeName: "ObjectUpdate",
            kind,
            obj: moref("VirtualMachine", obj),
            ...(kind === "leave" ? {} : { changeSet: changeSet.map((change) => ({ _typeName: "PropertyChange", op: "assign", ...change })) }),
          },
        ],
      },
    ],
  };
}

/**
 * A routed vCenter: CreatePropertyCollector → "pc", CreateFilter on object O → "f-O" (or `createFilter`'s answer), the
 * WaitForUpdatesEx answers in `longPolls` order and then null (nothing to report), RetrievePropertiesEx answers in
 * `reads` order (the last one repeated), 204 for every void method.
 */
function route(script: { longPolls?: unknown[]; reads?: unknown[]; createFilter?: Answer; createCollector?: Answer }): void {
  let polls = 0;
  let reads = 0;
  mock.routeAll((call): Answer => {
    switch (methodOf(call)) {
      case "CreatePropertyCollector":
        return script.createCollector ?? { status: 200, body: moref("PropertyCollector", "pc") };
      case "CreateFilter": {
        if (script.createFilter) return script.createFilter;
        const spec = (call.body as { spec: { objectSet: Array<{ obj: { value: string } }> } }).spec;
        return { status: 200, body: moref("PropertyFilter", `f-${spec.objectSet[0]!.obj.value}`) };
      }
      case "WaitForUpdatesEx":
        polls += 1;
        return { status: 200, body: polls <= (script.longPolls ?? []).length ? script.longPolls![polls - 1] : null };
      case "RetrievePropertiesEx": {
        const answers = script.reads ?? [];
        reads += 1;
        return { status: 200, body: answers[Math.min(reads, answers.length) - 1] ?? null };
      }
      default:
        return { status: 204 };
    }
  });
}

/** One UpdateSet with the filter updates of several (same version). */
function together(...updateSets: unknown[]): unknown {
  const sets = updateSets as Array<{ version: string; filterSet: unknown[] }>;
  return { _typeName: "UpdateSet", version: sets[0]!.version, filterSet: sets.flatMap((set) => set.filterSet) };
}

const calls = (): string[] => mock.seen.slice(3).map(methodOf);
const loopEnded = (connection: VsphereConnection): boolean => !connection.collector.looping && !connection.collector.inFlight;

describe("property waits through the PropertyCollector", () => {
  it("watch the primary with a filter on its paths, woken by the shared long poll, and end on the update that reaches the goal: no read", async () => {
    mock.loginSequence();
    const connection = await connect();
    route({
      longPolls: [
        startingPrimary,
        objectUpdate("2", "modify", "vm-1", [{ name: "runtime", val: runtime({ powerState: "poweredOn", faultToleranceState: "running" }) }]),
      ],
    });
    const outcome = await waitForProtection(connection, "vm-1", "running", Date.now() + 10_000);
    expect(outcome).toMatchObject({ reached: true, last: { faultToleranceState: "running", role: "primary", powerState: "poweredOn" } });
    await eventually("the filter destroyed", () => calls().includes("DestroyPropertyFilter"));
    expect(calls()).toEqual(["CreatePropertyCollector", "CreateFilter", "WaitForUpdatesEx", "WaitForUpdatesEx", "DestroyPropertyFilter"]);
    const [, createFilter, firstPoll, secondPoll, destroy] = mock.seen.slice(3);
    expect(createFilter).toMatchObject({ method: "POST", path: `${COLLECTOR}/CreateFilter` });
    expect(createFilter!.body).toEqual({
      spec: {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["runtime", "config.ftInfo"] }],
        objectSet: [{ _typeName: "ObjectSpec", obj: moref("VirtualMachine", "vm-1"), skip: false }],
      },
      partialUpdates: false,
    });
    expect(firstPoll!.body).toEqual({ version: "", options: { _typeName: "WaitOptions", maxWaitSeconds: 30 } });
    expect(secondPoll!.body).toEqual({ version: "1", options: { _typeName: "WaitOptions", maxWaitSeconds: 30 } });
    expect(destroy).toMatchObject({ method: "POST", path: `${BASE}/PropertyFilter/f-vm-1/DestroyPropertyFilter`, body: undefined });
  });

  it("follow a change reported inside a watched value, or around it", async () => {
    mock.loginSequence();
    const connection = await connect();
    route({
      longPolls: [
        startingPrimary,
        objectUpdate("2", "modify", "vm-1", [{ name: "runtime.faultToleranceState", val: boxed("VirtualMachineFaultToleranceState", "running") }]),
        objectUpdate("3", "enter", "vm-3", [{ name: "runtime", val: runtime({ powerState: "poweredOn" }) }]),
        objectUpdate("4", "modify", "vm-3", [{ name: "runtime", val: runtime({ powerState: "poweredOff" }) }]),
      ],
    });
    expect(await waitForProtection(connection, "vm-1", "running", Date.now() + 10_000)).toMatchObject({ reached: true, last: { faultToleranceState: "running", powerState: "poweredOn" } });
    await eventually("the loop end", () => loopEnded(connection));
    expect(await waitForProperties(connection, moref("VirtualMachine", "vm-3"), ["runtime.powerState"], poweredOff, { deadline: Date.now() + 10_000, what: "vm-3 off" })).toEqual({
      reached: true,
      values: { "runtime.powerState": "poweredOff" },
    });
    expect(calls().filter((call) => call === "RetrievePropertiesEx")).toEqual([]);
    expect(calls().filter((call) => call === "CreatePropertyCollector")).toHaveLength(1);
  });

  it("read the properties when the collector says nothing of the object for a second, and end on the read that sees the change", async () => {
    mock.loginSequence();
    const connection = await connect();
    route({
      longPolls: [objectUpdate("1", "enter", "vm-1", [{ name: "runtime.powerState", val: boxed("VirtualMachinePowerState", "poweredOn") }])],
      reads: [powerStateOnly("vm-1", "poweredOff")],
    });
    const outcome = await waitForProperties(connection, moref("VirtualMachine", "vm-1"), ["runtime.powerState"], poweredOff, { deadline: Date.now() + 10_000, what: "vm-1 off" });
    expect(outcome).toEqual({ reached: true, values: { "runtime.powerState": "poweredOff" } });
    const read = mock.seen.find((call) => methodOf(call) === "RetrievePropertiesEx");
    expect(read!.body).toEqual(retrieveBody("vm-1", ["runtime.powerState"]));
    await eventually("the filter destroyed", () => calls().includes("DestroyPropertyFilter"));
    // Long polls that come back empty at once are paced, not repeated in a tight loop.
    expect(calls().filter((call) => call === "WaitForUpdatesEx").length).toBeLessThanOrEqual(4);
  });

  it("read instead when CreateFilter is refused, and keep the collector for other waits", async () => {
    mock.loginSequence();
    const connection = await connect();
    route({ createFilter: { status: 500, body: { _typeName: "InvalidProperty", name: "runtime.powerState" } }, reads: [powerStateOnly("vm-1", "poweredOff")] });
    const outcome = await waitForProperties(connection, moref("VirtualMachine", "vm-1"), ["runtime.powerState"], poweredOff, { deadline: Date.now() + 10_000, what: "vm-1 off" });
    expect(outcome).toEqual({ reached: true, values: { "runtime.powerState": "poweredOff" } });
    expect(calls()).toEqual(["CreatePropertyCollector", "CreateFilter", "RetrievePropertiesEx"]);
    expect(connection.collector.unsupported).toBe(false);
    expect(connection.collector.ref).toEqual(moref("PropertyCollector", "pc"));
  });

  it("poll with reads, as before, on a server without PropertyCollector waits", async () => {
    mock.loginSequence();
    const connection = await connect();
    route({ createCollector: { status: 500, body: { _typeName: "NotSupported" } }, reads: [powerStateOnly("vm-1", "poweredOn"), powerStateOnly("vm-1", "poweredOff")] });
    const wait = () => waitForProperties(connection, moref("VirtualMachine", "vm-1"), ["runtime.powerState"], poweredOff, { deadline: Date.now() + 10_000, what: "vm-1 off", initialDelayMs: 1 });
    expect(await wait()).toEqual({ reached: true, values: { "runtime.powerState": "poweredOff" } });
    expect(await wait()).toEqual({ reached: true, values: { "runtime.powerState": "poweredOff" } });
    expect(calls()).toEqual(["CreatePropertyCollector", "RetrievePropertiesEx", "RetrievePropertiesEx", "RetrievePropertiesEx"]);
  });

  it("read when an update cannot be followed, and throw NotFoundError for an object that left the filter and is gone", async () => {
    mock.loginSequence();
    const connection = await connect();
    route({
      longPolls: [
        objectUpdate("1", "enter", "vm-1", [{ name: "runtime.powerState", val: boxed("VirtualMachinePowerState", "poweredOn") }]),
        objectUpdate("2", "modify", "vm-1", [{ name: "runtime.powerState", op: "merge", val: boxed("VirtualMachinePowerState", "suspended") }]),
        objectUpdate("3", "leave", "vm-1"),
      ],
      reads: [powerStateOnly("vm-1", "suspended"), retrieveResult()],
    });
    const gone = await waitForProperties(connection, moref("VirtualMachine", "vm-1"), ["runtime.powerState"], poweredOff, { deadline: Date.now() + 10_000, what: "vm-1 off" }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(NotFoundError);
    expect((gone as NotFoundError).message).toBe("VirtualMachine:vm-1 does not exist (or this user cannot see it).");
    expect(calls().filter((call) => call === "RetrievePropertiesEx")).toHaveLength(2);
    await eventually("the filter destroyed", () => calls().includes("DestroyPropertyFilter"));
  });

  it("end at the deadline with the last values and state, destroy the filter and cancel the long poll still out", async () => {
    mock.loginSequence();
    const connection = await connect();
    route({ longPolls: [objectUpdate("1", "enter", "vm-1", [{ name: "runtime.powerState", val: boxed("VirtualMachinePowerState", "poweredOn") }])] });
    let polls = 0;
    const wire = holdRequests(mock.agent, (call) => methodOf(call) === "WaitForUpdatesEx" && ++polls === 2);
    setDispatcherOverride(wire.dispatcher);
    const outcome = await waitForProperties(connection, moref("VirtualMachine", "vm-1"), ["runtime.powerState"], poweredOff, {
      deadline: Date.now() + 400,
      what: "vm-1 off",
      describe: (values) => String(values["runtime.powerState"]),
    });
    expect(outcome).toEqual({ reached: false, values: { "runtime.powerState": "poweredOn" }, lastState: "poweredOn" });
    await eventually("the clean-up calls", () => wire.sent.some((call) => methodOf(call) === "CancelWaitForUpdates") && wire.sent.some((call) => methodOf(call) === "DestroyPropertyFilter"));
    wire.release();
    await eventually("the loop end", () => loopEnded(connection));
    expect(wire.sent.map(methodOf).sort()).toEqual(["CancelWaitForUpdates", "CreateFilter", "CreatePropertyCollector", "DestroyPropertyFilter", "WaitForUpdatesEx", "WaitForUpdatesEx"]);
  });

  it("share one collector and one long poll with task waits", async () => {
    mock.loginSequence();
    const connection = await connect();
    const powerState = (value: string) => [{ name: "runtime.powerState", val: boxed("VirtualMachinePowerState", value) }];
    route({
      longPolls: [
        together(taskUpdates("1", { "task-7": { state: "running" } }), objectUpdate("1", "enter", "vm-1", powerState("poweredOn"))),
        together(taskUpdates("2", { "task-7": { state: "success" } }), objectUpdate("2", "modify", "vm-1", powerState("poweredOff"))),
      ],
    });
    const wire = holdRequests(mock.agent, (call) => methodOf(call) === "WaitForUpdatesEx" && wire.sent.filter((sent) => methodOf(sent) === "CreateFilter").length < 2);
    setDispatcherOverride(wire.dispatcher);
    const task = waitForTask(connection, { task: moref("Task", "task-7"), operation: "PowerOffVM_Task", object: "VirtualMachine:vm-1" }, { deadline: Date.now() + 10_000 });
    const property = waitForProperties(connection, moref("VirtualMachine", "vm-1"), ["runtime.powerState"], poweredOff, { deadline: Date.now() + 10_000, what: "vm-1 off" });
    await eventually("both filters asked for", () => wire.sent.filter((call) => methodOf(call) === "CreateFilter").length === 2);
    wire.release();
    expect(await task).toMatchObject({ status: "success" });
    expect(await property).toEqual({ reached: true, values: { "runtime.powerState": "poweredOff" } });
    const sent = wire.sent.map(methodOf);
    expect(sent.filter((call) => call === "CreatePropertyCollector")).toHaveLength(1);
    expect(sent.filter((call) => call === "RetrievePropertiesEx")).toEqual([]);
    expect(wire.sent.filter((call) => methodOf(call) === "WaitForUpdatesEx").map((call) => (call.body as { version: string }).version)).toEqual(["", "1"]);
  });
});
