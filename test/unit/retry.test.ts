import { AuthenticationError, ConflictError, ConnectionError, NotFoundError, ServerError, TimeoutError, ValidationError, VendorFaultError } from "../../provider/errors";
import { classify, mayRepeat, networkFailure, parseRetryAfter, statusFailure } from "../../provider/http/failure";
import { errorForStatus } from "../../provider/http/status";
import { withRetry } from "../../provider/http/retry";
import { backoffDelay } from "../../provider/http/backoff";

const ctx = { operation: "op", object: "obj" };
const later = () => Date.now() + 60_000;

describe("classify: did the server act, and may the call be made again", () => {
  it("a connection never made was not sent; one cut after sending leaves the outcome unknown", () => {
    expect(classify(new ConnectionError("refused", false, { ...ctx, transient: true }))).toEqual({ delivery: "notSent", transient: true });
    expect(classify(new ConnectionError("reset", true, { ...ctx, transient: true }))).toEqual({ delivery: "unknown", transient: true });
    expect(networkFailure("ECONNREFUSED")).toEqual({ delivery: "notSent", transient: true });
    expect(networkFailure("ENOTFOUND")).toEqual({ delivery: "notSent", transient: false });
    expect(networkFailure("ECONNRESET")).toEqual({ delivery: "unknown", transient: true });
  });
  it("a status says refused (429, 503, 4xx) or unknown (502, 504, other 5xx)", () => {
    expect(statusFailure(503)).toEqual({ delivery: "refused", transient: true });
    expect(statusFailure(429)).toEqual({ delivery: "refused", transient: true });
    expect(statusFailure(502)).toEqual({ delivery: "unknown", transient: true });
    expect(statusFailure(504)).toEqual({ delivery: "unknown", transient: true });
    expect(statusFailure(404)).toEqual({ delivery: "refused", transient: false });
    expect(statusFailure(500)).toEqual({ delivery: "unknown", transient: false });
  });
  it("an answer the server gave (a fault, a refusal) is a refusal; anything not ours is unknown", () => {
    expect(classify(new VendorFaultError("bad", ctx)).delivery).toBe("refused");
    expect(classify(new ConflictError("busy", ctx))).toEqual({ delivery: "refused", transient: false });
    expect(classify(new Error("plain"))).toEqual({ delivery: "unknown", transient: false });
  });
  it("one status mapper gives the class, the delivery and the Retry-After", () => {
    const unavailable = errorForStatus({ status: 503, text: "<html>down</html>", retryAfterMs: 2_000 }, ctx);
    expect(unavailable).toBeInstanceOf(ServerError);
    expect(classify(unavailable)).toEqual({ delivery: "refused", transient: true, retryAfterMs: 2_000 });
    expect(errorForStatus({ status: 404, text: "" }, ctx)).toBeInstanceOf(NotFoundError);
    expect(errorForStatus({ status: 403, text: "" }, ctx)).toBeInstanceOf(AuthenticationError);
    expect(errorForStatus({ status: 409, text: "" }, ctx)).toBeInstanceOf(ConflictError);
    expect(errorForStatus({ status: 422, text: "" }, ctx)).toBeInstanceOf(VendorFaultError);
  });
});

describe("mayRepeat", () => {
  it("repeats idempotent calls on any transient failure", () => {
    expect(mayRepeat(new ConnectionError("reset", true, { ...ctx, transient: true }), true)).toBe(true);
    expect(mayRepeat(new TimeoutError("slow", undefined, { ...ctx, transient: true }), true)).toBe(true);
  });
  it("repeats a call that starts work only when the server provably did not act", () => {
    expect(mayRepeat(new ConnectionError("refused", false, { ...ctx, transient: true }), false)).toBe(true);
    expect(mayRepeat(new ServerError("503", 503, { ...ctx, transient: true }), false)).toBe(true);
    expect(mayRepeat(new ServerError("502", 502, { ...ctx, transient: true }), false)).toBe(false);
    expect(mayRepeat(new ConnectionError("reset mid-request", true, { ...ctx, transient: true }), false)).toBe(false);
    expect(mayRepeat(new TimeoutError("no answer", undefined, { ...ctx, transient: true }), false)).toBe(false);
  });
  it("never repeats permanent failures, nor a busy refusal (the task layer waits for the object instead)", () => {
    expect(mayRepeat(new ServerError("500", 500, ctx), true)).toBe(false);
    expect(mayRepeat(new ValidationError("bad", "vmId"), true)).toBe(false);
    expect(mayRepeat(new ConflictError("TaskInProgress", ctx), false)).toBe(false);
    expect(mayRepeat(new Error("plain"), true)).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3_000);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2026, 0, 1, 0, 0, 0))).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
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
    await expect(withRetry(failing, { idempotent: false, policy: fast, deadline: later() })).rejects.toThrow("503 #4");
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
      { idempotent: false, policy: fast, deadline: later() },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });
  it("does not retry an ambiguous failure of a call that starts work", async () => {
    let calls = 0;
    const call = async (): Promise<never> => {
      calls += 1;
      throw new ConnectionError("reset", true, { ...ctx, transient: true });
    };
    await expect(withRetry(call, { idempotent: false, policy: fast, deadline: later() })).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toBe(1);
  });
  it("gives up at once when the server's Retry-After reaches past the deadline", async () => {
    let calls = 0;
    const call = async (): Promise<never> => {
      calls += 1;
      throw new ServerError("503", 503, { ...ctx, transient: true, retryAfterMs: 120_000 });
    };
    await expect(withRetry(call, { idempotent: true, policy: fast, deadline: later() })).rejects.toBeInstanceOf(ServerError);
    expect(calls).toBe(1);
  });
  it("starts no try past the deadline", async () => {
    let calls = 0;
    const call = async (): Promise<never> => {
      calls += 1;
      throw new ServerError("503", 503, { ...ctx, transient: true });
    };
    await expect(withRetry(call, { idempotent: true, policy: { attempts: 50, baseDelayMs: 1, maxDelayMs: 1 }, deadline: Date.now() - 1 })).rejects.toBeInstanceOf(ServerError);
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
