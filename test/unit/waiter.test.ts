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
