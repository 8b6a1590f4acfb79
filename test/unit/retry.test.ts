import { ConnectionError, ServerError, TimeoutError, ValidationError, ConflictError } from "../../provider/errors";
import { isRetryable, withRetry } from "../../provider/http/retry";
import { backoffDelay } from "../../provider/http/backoff";

const ctx = { operation: "op", object: "obj" };

describe("isRetryable", () => {
  it("repeats idempotent calls on any transient failure", () => {
    expect(isRetryable(new ConnectionError("reset", true, { ...ctx, transient: true }), true)).toBe(true);
    expect(isRetryable(new TimeoutError("slow", undefined, { ...ctx, transient: true }), true)).toBe(true);
  });
  it("repeats a call that starts work only when the server provably did not act", () => {
    expect(isRetryable(new ConnectionError("refused", false, { ...ctx, transient: true }), false)).toBe(true);
    expect(isRetryable(new ServerError("503", 503, { ...ctx, transient: true }), false)).toBe(true);
    expect(isRetryable(new ConflictError("busy", { ...ctx, transient: true }), false)).toBe(true);
    expect(isRetryable(new ConnectionError("reset mid-request", true, { ...ctx, transient: true }), false)).toBe(false);
    expect(isRetryable(new TimeoutError("no answer", undefined, { ...ctx, transient: true }), false)).toBe(false);
  });
  it("never repeats permanent failures", () => {
    expect(isRetryable(new ServerError("500", 500, ctx), true)).toBe(false);
    expect(isRetryable(new ValidationError("bad", "vmId"), true)).toBe(false);
    expect(isRetryable(new Error("plain"), true)).toBe(false);
  });
});

describe("withRetry", () => {
  const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
  it("retries transient failures up to the bound and then throws the last error", async () => {
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls += 1;
      throw new ServerError(`503 #${calls}`, 503, { ...ctx, transient: true });
    };
    await expect(withRetry(failing, { idempotent: false, policy: fast })).rejects.toThrow("503 #4");
    expect(calls).toBe(4);
  });
  it("returns as soon as a try succeeds", async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new ConnectionError("refused", false, { ...ctx, transient: true });
        return "ok";
      },
      { idempotent: false, policy: fast },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });
  it("does not retry an ambiguous failure of a call that starts work", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw new ConnectionError("reset", true, { ...ctx, transient: true });
        },
        { idempotent: false, policy: fast },
      ),
    ).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toBe(1);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially, stays within [ceiling/2, ceiling] and is capped", () => {
    expect(backoffDelay(0, 100, 5000, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 5000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 5000, () => 1)).toBe(800);
    expect(backoffDelay(20, 100, 5000, () => 1)).toBe(5000);
  });
});
