import * as util from "node:util";
import {
  AuthenticationError,
  CancelledError,
  ConfigurationError,
  ConflictError,
  ConnectionError,
  MESSAGE_LIMIT,
  NotFoundError,
  PartialFailureError,
  ServerError,
  TimeoutError,
  ValidationError,
  VendorFaultError,
  type ErrorContext,
  type VmAvailabilityError,
} from "../../provider/errors";
import { registerSecret } from "../../provider/redact";
import { ESCAPES } from "../../tools/hostile/front";

/**
 * Errors are safe as built: whatever a server planted in the message, the fault, its fields or the causes, no rendering
 * of the error (JSON.stringify, util.inspect at any depth, the cause chain walked by hand) shows a registered secret, a
 * credential-looking value, an escape sequence or a control character, and nothing is unbounded.
 */

const SECRET = "Planted!Secret-0123456789";
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
registerSecret(SECRET);

function deeplyNested(depth: number): unknown {
  return JSON.parse(`${"[".repeat(depth)}"${SECRET}"${"]".repeat(depth)}`);
}

/** A library error as undici or zod would throw it: the secret in the message, in its own fields and in its cause. */
function foreignCause(): Error {
  const inner = Object.assign(new Error(`socket said ${SECRET}${ESCAPES}`), { code: "ECONNRESET", data: `raw ${SECRET}` });
  return Object.assign(new Error(`request failed: authorization: Bearer ${SECRET}`, { cause: inner }), { code: "UND_ERR_SOCKET", headers: { "vmware-api-session-id": SECRET } });
}

function context(): ErrorContext {
  return {
    operation: "PowerOnVM_Task",
    object: `VirtualMachine:vm-42${ESCAPES}`,
    cause: foreignCause(),
    fault: {
      type: `InvalidLogin${ESCAPES}`,
      message: `password=${SECRET} ${ESCAPES}${"long ".repeat(2_000)}`,
      details: JSON.parse(`{"__proto__":{"polluted":"${SECRET}"},"echo":"${SECRET}","deep":${JSON.stringify(deeplyNested(3))},"far":${"[".repeat(100)}1${"]".repeat(100)}}`) as Record<string, unknown>,
    },
  };
}

const message = `refused ${SECRET} with ${ESCAPES}`;
const classes: Array<[string, () => VmAvailabilityError]> = [
  ["ValidationError", () => new ValidationError(message, "vmId", context())],
  ["ConfigurationError", () => new ConfigurationError(message, "vsphere:password", context())],
  ["AuthenticationError", () => new AuthenticationError(message, context())],
  ["NotFoundError", () => new NotFoundError(message, context())],
  ["ConflictError", () => new ConflictError(message, context())],
  ["ServerError", () => new ServerError(message, 500, context())],
  ["ConnectionError", () => new ConnectionError(message, true, context())],
  ["TimeoutError", () => new TimeoutError(message, `running ${SECRET}${ESCAPES}`, context())],
  ["CancelledError", () => new CancelledError(message, context())],
  ["VendorFaultError", () => new VendorFaultError(message, context())],
  ["PartialFailureError", () => new PartialFailureError(message, "vm-42", { vmId: "vm-42", note: `made with ${SECRET}` }, [`because ${SECRET}${ESCAPES}`], context())],
];

/** The error and every cause below it, walked by hand. */
function chain(error: unknown): unknown[] {
  const links: unknown[] = [];
  for (let current: unknown = error; current !== undefined && links.length < 20; current = (current as { cause?: unknown }).cause) links.push(current);
  return links;
}

describe.each(classes)("%s", (_name, build) => {
  it("shows no secret and no control character in JSON.stringify, util.inspect at full depth, or any cause", () => {
    const error = build();
    const renderings = [JSON.stringify(error), util.inspect(error, { depth: Infinity }), util.inspect(error, { depth: Infinity, showHidden: true })];
    for (const link of chain(error)) renderings.push(String((link as Error).message), String((link as Error).stack), JSON.stringify(link));
    for (const text of renderings) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/\u001b/);
    }
    for (const link of chain(error)) expect(String((link as Error).message)).not.toMatch(CONTROL);
    expect(chain(error)).toHaveLength(3);
  });

  it("keeps what callers use: the class, the fault type, the causes' codes; bounded fault fields", () => {
    const error = build();
    expect(error.message).toBe("refused [redacted] with \\u0000\\u0008\\u009b1m\\u0085");
    expect(error.fault?.type).toBe("InvalidLogin\\u0000\\u0008\\u009b1m\\u0085");
    expect(error.fault?.message?.length).toBeLessThan(2_100);
    expect(error.fault?.message).toMatch(/^password=\[redacted\] .*… \(cut: \d+ more characters\)$/);
    expect(error.fault?.details?.["echo"]).toBe("[redacted]");
    expect(JSON.stringify(error.fault?.details?.["far"])).toContain("nested too deep to keep");
    // A "__proto__" key stays a key: nothing is polluted.
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.getPrototypeOf(error.fault?.details)).toBe(Object.prototype);
    const [, cause, inner] = chain(error) as Array<Error & { code?: string }>;
    expect(cause).toBeInstanceOf(Error);
    expect(cause?.code).toBe("UND_ERR_SOCKET");
    expect(inner?.code).toBe("ECONNRESET");
  });
});

it("an error kept as the cause of another is the same object (it was made safe when built)", () => {
  const inner = new ConnectionError(`lost ${SECRET}`, true, { operation: "PowerOnVM_Task" });
  const outer = new TimeoutError("no answer", undefined, { operation: "create VmPowerState", cause: inner });
  expect(outer.cause).toBe(inner);
  expect(inner.message).toBe("lost [redacted]");
});

it("a message longer than the limit is cut and says so; a partial failure's properties and reasons are redacted, not cut", () => {
  const long = new ServerError("x".repeat(MESSAGE_LIMIT * 3), 500, { operation: "read" });
  expect(long.message).toBe(`${"x".repeat(MESSAGE_LIMIT)}… (cut: ${MESSAGE_LIMIT * 2} more characters)`);
  const triggers = { nested: { deeper: { list: [1, 2, 3] } } };
  const partial = new PartialFailureError("half made", "snapshot-7", { snapshotId: "snapshot-7", triggers, token: SECRET }, [`reason ${SECRET}`], { operation: "create" });
  expect(partial.properties).toEqual({ snapshotId: "snapshot-7", triggers, token: "[redacted]" });
  expect(partial.reasons).toEqual(["reason [redacted]"]);
});

it("a cause that is not an Error (a string, a plain object) is made safe too", () => {
  const fromString = new VendorFaultError("failed", { operation: "x", cause: `text ${SECRET}${ESCAPES}` });
  expect(fromString.cause).toBe("text [redacted]\\u0000\\u0008\\u009b1m\\u0085");
  const fromObject = new VendorFaultError("failed", { operation: "x", cause: { token: SECRET, deep: deeplyNested(50) } });
  expect(JSON.stringify(fromObject.cause)).not.toContain(SECRET);
});
