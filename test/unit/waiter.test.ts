import { CancelledError, ServerError, TimeoutError, VendorFaultError } from "../../provider/errors";
import { waitFor } from "../../provider/http/waiter";

describe("waitFor", () => {
  it("returns the value once the observation is done", async () => {
    let looks = 0;
    const value = await waitFor({
      what: "the thing",
      operation: "wait",
      deadline: Date.now() + 5_000,
      initialDelayMs: 1,
      observe: async () => (++looks < 3 ? { done: false, state: `look ${looks}` } : { done: true, value: "ready" }),
    });
    expect(value).toBe("ready");
    expect(looks).toBe(3);
  });

  it("names the last state seen when the deadline passes", async () => {
    const error = await waitFor({
      what: "vm-1 to be poweredOff",
      operation: "wait",
      object: "VirtualMachine:vm-1",
      deadline: Date.now() + 30,
      initialDelayMs: 5,
      observe: async () => ({ done: false, state: "poweredOn" }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).lastState).toBe("poweredOn");
    expect((error as Error).message).toContain("vm-1 to be poweredOff; last state: poweredOn.");
  });

  it("keeps the last state seen when the looks after it get no answer, and says what became of them", async () => {
    let looks = 0;
    const error = await waitFor({
      what: "vm-1 to be poweredOff",
      operation: "wait",
      deadline: Date.now() + 60,
      initialDelayMs: 5,
      observe: async () => {
        looks += 1;
        if (looks === 1) return { done: false, state: "poweredOn" };
        throw new ServerError("vCenter did not answer RetrievePropertiesEx", 504, { operation: "RetrievePropertiesEx", transient: true });
      },
    }).catch((e: unknown) => e);
    expect((error as TimeoutError).lastState).toBe("poweredOn");
    expect((error as Error).message).toContain("last state: poweredOn; since then unreachable (vCenter did not answer RetrievePropertiesEx).");
  });

  it("tolerates transient failures of a look and fails at once on a permanent one", async () => {
    let looks = 0;
    await expect(
      waitFor({
        what: "x",
        operation: "wait",
        deadline: Date.now() + 5_000,
        initialDelayMs: 1,
        observe: async () => {
          looks += 1;
          if (looks === 1) throw new ServerError("503", 503, { operation: "poll", transient: true });
          if (looks === 2) throw new VendorFaultError("broken", { operation: "poll" });
          return { done: true, value: 1 };
        },
      }),
    ).rejects.toBeInstanceOf(VendorFaultError);
    expect(looks).toBe(2);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(
      waitFor({ what: "x", operation: "wait", deadline: Date.now() + 5_000, initialDelayMs: 5, signal: controller.signal, observe: async () => ({ done: false, state: "s" }) }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("a look cut short by the wait's own deadline", () => {
  it("ends the wait with the state seen before it, not with the look's error", async () => {
    let looks = 0;
    const deadline = Date.now() + 40;
    const error = await waitFor({
      what: "job j-1 to finish",
      operation: "wait",
      deadline,
      initialDelayMs: 5,
      maxDelayMs: 5,
      observe: async () => {
        looks += 1;
        if (Date.now() < deadline) return { done: false, state: "job j-1 running" };
        throw new TimeoutError("GET job was not sent: the operation's deadline has passed.", undefined, { operation: "GET job", delivery: "notSent", transient: false });
      },
    }).catch((e: unknown) => e);
    expect(looks).toBeGreaterThan(1);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).lastState).toBe("job j-1 running");
    expect((error as Error).message).toMatch(/^Timed out waiting for job j-1 to finish; last state: job j-1 running; since then unreachable/);
  });
});
