import { hasKind, type VmAvailabilityError } from "../../provider/errors";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import * as vmSnapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import { useVsphereBehindFront } from "./vsphereFront";
import { failure } from "./support";

/**
 * Answers that never come, or come too slowly, end the operation at its deadline (timeoutSeconds) with an error that
 * names the endpoint, the call and the last state seen; the read-back that follows says what really happened. And no
 * answer is read beyond the size limit. Every vSphere resource, through the misbehaving front.
 */

const twin = useVsphereBehindFront();
const TIMEOUT_SECONDS = 5;
const TRICKLE = { kind: "trickle", intervalMs: 250 } as const;


/** The error names the endpoint (address and setting), the call, and the last state seen of its answer. */
function expectTimedOutCall(error: VmAvailabilityError, call: string, lastState: RegExp): void {
  expect(error.message).toContain(`${twin.front.url} (vsphere:vsphereServer)`);
  expect(error.message).toContain(`did not answer ${call}`);
  expect(error.message).toMatch(new RegExp(`last state: ${lastState.source}`));
}

function ftRole(vmId: string): string | undefined {
  return twin.sim.world.inventory().vms.find((vm) => vm.id === vmId)?.ftRole;
}

const NO_HEADERS = /connected or connecting, no response headers received/;
const PART_OF_BODY = /HTTP 200 headers and \d+ of \d+ bytes of the body received/;

it("VmPowerState create: a power-on never answered, or trickled, ends at the deadline; the read-back shows what vSphere did", async () => {
  const silent = twin.newVm({ powerState: "poweredOff" });
  const slow = twin.newVm({ powerState: "poweredOff" });
  twin.front.arm({ match: `/${silent}/PowerOnVM_Task`, misbehave: { kind: "hang" } });
  twin.front.arm({ match: `/${slow}/PowerOnVM_Task`, misbehave: TRICKLE });
  const [hung, trickled] = await Promise.all([
    failure(vmPowerState.create({ vmId: silent, state: "poweredOn", timeoutSeconds: TIMEOUT_SECONDS })),
    failure(vmPowerState.create({ vmId: slow, state: "poweredOn", timeoutSeconds: TIMEOUT_SECONDS })),
  ]);
  expect(hung.kind).toBe("timeout");
  expectTimedOutCall(hung, `PowerOnVM_Task on VirtualMachine:${silent}`, NO_HEADERS);
  expect(trickled.kind).toBe("timeout");
  expectTimedOutCall(trickled, `PowerOnVM_Task on VirtualMachine:${slow}`, PART_OF_BODY);

  twin.front.disarm();
  // Never answered: the front did not pass the call on. Trickled: vSphere acted, only its answer was slow.
  expect((await vmPowerState.read(silent, { vmId: silent, state: "poweredOn" })).props).toMatchObject({ powerState: "poweredOff" });
  expect((await vmPowerState.read(slow, { vmId: slow, state: "poweredOn" })).props).toMatchObject({ powerState: "poweredOn" });
});

it("VmSnapshot create: nothing is left behind when the start was never answered; a snapshot made behind a trickled answer is recorded", async () => {
  const silent = twin.newVm();
  const slow = twin.newVm();
  twin.front.arm({ match: `/${silent}/CreateSnapshotEx_Task`, misbehave: { kind: "hang" } });
  twin.front.arm({ match: `/${slow}/CreateSnapshotEx_Task`, misbehave: TRICKLE });
  const [hung, trickled] = await Promise.all([
    failure(vmSnapshot.create({ vmId: silent, name: "before-change", timeoutSeconds: TIMEOUT_SECONDS })),
    failure(vmSnapshot.create({ vmId: slow, name: "before-change", timeoutSeconds: TIMEOUT_SECONDS })),
  ]);
  expect(hung.kind).toBe("timeout");
  expectTimedOutCall(hung, `CreateSnapshotEx_Task on VirtualMachine:${silent}`, NO_HEADERS);
  expect(twin.sim.world.inventory().snapshots.filter((snapshot) => snapshot.vmId === silent)).toEqual([]);

  // vSphere made the snapshot: the create reports it as a partial failure, so the stack records its id.
  expect(hasKind(trickled, "partial")).toBe(true);
  expectTimedOutCall(trickled, `CreateSnapshotEx_Task on VirtualMachine:${slow}`, PART_OF_BODY);
  const made = twin.sim.world.inventory().snapshots.filter((snapshot) => snapshot.vmId === slow);
  expect(made.map((snapshot) => snapshot.id)).toEqual([(trickled as unknown as { id: string }).id]);
});

it("FtSecondary create: a secondary vSphere created behind a trickled answer is recorded; an unanswered start leaves FT off", async () => {
  const silent = twin.newVm();
  const slow = twin.newVm();
  twin.front.arm({ match: `/${silent}/CreateSecondaryVMEx_Task`, misbehave: { kind: "hang" } });
  twin.front.arm({ match: `/${slow}/CreateSecondaryVMEx_Task`, misbehave: TRICKLE });
  const [hung, trickled] = await Promise.all([
    failure(ftSecondary.create({ vmId: silent, timeoutSeconds: TIMEOUT_SECONDS })),
    failure(ftSecondary.create({ vmId: slow, timeoutSeconds: TIMEOUT_SECONDS })),
  ]);
  expectTimedOutCall(hung, `CreateSecondaryVMEx_Task on VirtualMachine:${silent}`, NO_HEADERS);
  expectTimedOutCall(trickled, `CreateSecondaryVMEx_Task on VirtualMachine:${slow}`, PART_OF_BODY);
  expect(hasKind(trickled, "partial")).toBe(true);
  expect(ftRole(slow)).toBe("primary");

  twin.front.disarm();
  expect(ftRole(silent)).toBe("none");
  // The outcome of the unanswered start was unknown when it failed: a refresh settles it.
  expect((await ftSecondary.read(silent, { vmId: silent, timeoutSeconds: TIMEOUT_SECONDS })).id).toBe("");
});

it("reads that get headers and never a body, or no answer at all, end at the deadline saying so", async () => {
  const vmId = twin.newVm();
  const created = await vmPowerState.create({ vmId, state: "poweredOn", timeoutSeconds: 3 });
  const outs = created.outs as Record<string, unknown>;
  twin.front.arm({ match: "RetrievePropertiesEx", misbehave: { kind: "headersOnly" } });
  const headersOnly = await failure(vmPowerState.read(vmId, outs));
  expect(headersOnly.kind).toBe("timeout");
  expectTimedOutCall(headersOnly, `RetrievePropertiesEx on VirtualMachine:${vmId}`, /HTTP 200 headers and 0 of \d+ bytes of the body received/);

  twin.front.disarm();
  twin.front.arm({ match: "RetrievePropertiesEx", misbehave: { kind: "hang" } });
  const silent = await failure(vmPowerState.read(vmId, outs));
  expect(silent.kind).toBe("timeout");
  expect(silent.message).toContain(`${twin.front.url} (vsphere:vsphereServer)`);
  expect(silent.message).toContain(`RetrievePropertiesEx`);
  expect(silent.message).toContain(`VirtualMachine:${vmId}`);
});

it("a task waiter whose collector never answers (CreateFilter, WaitForUpdatesEx) learns the outcome from Task.info instead", async () => {
  const first = twin.newVm({ powerState: "poweredOff" });
  const second = twin.newVm({ powerState: "poweredOff" });
  twin.front.arm({ match: "/CreateFilter", misbehave: { kind: "hang" } });
  twin.front.arm({ match: "/WaitForUpdatesEx", misbehave: { kind: "hang" } });
  const outcomes = await Promise.all([
    vmPowerState.create({ vmId: first, state: "poweredOn", timeoutSeconds: TIMEOUT_SECONDS }),
    vmSnapshot.create({ vmId: second, name: "waited", memory: false, timeoutSeconds: TIMEOUT_SECONDS }),
  ]);
  // The tasks finished on vSphere; the waiters learnt it by reading Task.info.
  expect(outcomes[0].outs).toMatchObject({ powerState: "poweredOn" });
  expect(twin.sim.world.inventory().snapshots.some((snapshot) => snapshot.id === outcomes[1].id)).toBe(true);
  expect(twin.front.log.some((entry) => entry.path.includes("/CreateFilter") && entry.answer === "hang")).toBe(true);
});

it("an answer larger than the limit is cut off: the read fails naming the endpoint, the call and the limit", async () => {
  const vmId = twin.newVm();
  const created = await vmPowerState.create({ vmId, state: "poweredOn", timeoutSeconds: TIMEOUT_SECONDS });
  const outs = created.outs as Record<string, unknown>;
  for (const misbehave of [{ kind: "oversized", bytes: 40 * 1024 * 1024 } as const, { kind: "oversized", bytes: 40 * 1024 * 1024, chunked: true } as const, { kind: "endless" } as const]) {
    twin.front.disarm();
    twin.front.arm({ match: "RetrievePropertiesEx", misbehave });
    const error = await failure(vmPowerState.read(vmId, outs));
    expect(error.kind).toBe("server");
    expect(error.message).toBe(
      `${twin.front.url} (vsphere:vsphereServer) answered RetrievePropertiesEx on VirtualMachine:${vmId} with more than 32 MiB, the limit of one answer; the connection was dropped and the answer discarded.`,
    );
  }
});
