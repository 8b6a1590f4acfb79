import * as crud from "../../provider/resources/zstack/vmInstanceRecovery/provider";
import { UNKNOWN_VALUE } from "../../provider/resources/common/unknown";
import * as errors from "../../provider/errors";
import { fromZstackError, httpFailure, isSessionExpired } from "../../provider/zstack/faults";
import { jobPathFromLocation, newJobUuid, rewriteJobLocation } from "../../provider/zstack/jobs";
import { registerSecret } from "../../provider/redact";
import { sessionUuidProblem, sha512Hex } from "../../provider/zstack/session";
import { normalizeZstackUuid, uuidSegment } from "../../provider/zstack/uuid";

const UUID = "6ab7f3e2c1d04b5a9e8f7d6c5b4a3f21";

describe("check", () => {
  test("applies defaults and normalizes a hyphenated, upper-case uuid", async () => {
    // olds with the same VM: validation only (a new uuid is also looked up in ZStack, see the integration tests).
    const result = await crud.check({ vmInstanceUuid: UUID }, { vmInstanceUuid: "6AB7F3E2-C1D0-4B5A-9E8F-7D6C5B4A3F21" });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ vmInstanceUuid: UUID, startAfterRecovery: false, timeoutSeconds: 600, connection: "zstack" });
  });

  test("refuses a uuid that is not 32 hex characters, naming the property", async () => {
    for (const bad of ["vm-42", "6ab7f3e2c1d04b5a9e8f7d6c5b4a3f2", "../../accounts/login", "6ab7f3e2c1d04b5a9e8f7d6c5b4a3f2g", 42]) {
      const result = await crud.check({}, { vmInstanceUuid: bad });
      expect(result.failures?.map((failure) => failure.property)).toEqual(["vmInstanceUuid"]);
      expect(result.failures?.[0]?.reason).toMatch(/vmInstanceUuid/);
    }
  });

  test("a missing uuid is a failure", async () => {
    const result = await crud.check({}, {});
    expect(result.failures?.map((failure) => failure.property)).toEqual(["vmInstanceUuid"]);
  });

  test("bounds timeoutSeconds and types the other inputs", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ timeoutSeconds: 0 }, "timeoutSeconds"],
      [{ timeoutSeconds: 21_601 }, "timeoutSeconds"],
      [{ timeoutSeconds: 1.5 }, "timeoutSeconds"],
      [{ startAfterRecovery: "yes" }, "startAfterRecovery"],
      [{ systemTags: "a" }, "systemTags"],
      [{ userTags: [""] }, "userTags.0"],
      [{ vmUuid: UUID }, "vmUuid"],
    ];
    for (const [extra, property] of cases) {
      const result = await crud.check({}, { vmInstanceUuid: UUID, ...extra });
      expect(result.failures?.map((failure) => failure.property)).toContain(property);
    }
  });

  test("unknown values pass during preview; output names are tolerated", async () => {
    const result = await crud.check({}, { vmInstanceUuid: UNKNOWN_VALUE, systemTags: [UNKNOWN_VALUE], state: undefined, recovered: undefined });
    expect(result.failures).toEqual([]);
    expect(result.inputs["vmInstanceUuid"]).toBe(UNKNOWN_VALUE);
  });
});

describe("diff", () => {
  const olds = { vmInstanceUuid: UUID, startAfterRecovery: false, timeoutSeconds: 600, state: "Stopped", recovered: true, __provider: "x" };

  test("no change", async () => {
    expect(await crud.diff(UUID, olds, { vmInstanceUuid: UUID, startAfterRecovery: false, timeoutSeconds: 600, __provider: "y" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("another VM replaces; an unknown uuid may be another VM", async () => {
    const other = "0123456789abcdef0123456789abcdef";
    expect(await crud.diff(UUID, olds, { vmInstanceUuid: other, startAfterRecovery: false, timeoutSeconds: 600 })).toMatchObject({
      changes: true,
      replaces: ["vmInstanceUuid"],
    });
    expect((await crud.diff(UUID, olds, { vmInstanceUuid: UNKNOWN_VALUE })).replaces).toEqual(["vmInstanceUuid"]);
  });

  test("the same uuid written differently is no change", async () => {
    const result = await crud.diff(UUID, olds, { vmInstanceUuid: UUID.toUpperCase(), startAfterRecovery: false, timeoutSeconds: 600 });
    expect(result.changes).toBe(false);
  });

  test("startAfterRecovery, tags and timeout update in place", async () => {
    for (const change of [{ startAfterRecovery: true }, { systemTags: ["a"] }, { userTags: ["b"] }, { timeoutSeconds: 60 }]) {
      const result = await crud.diff(UUID, olds, { vmInstanceUuid: UUID, startAfterRecovery: false, timeoutSeconds: 600, ...change });
      expect(result).toMatchObject({ changes: true, replaces: [] });
    }
  });

  test("absent tags equal empty tags", async () => {
    const result = await crud.diff(UUID, { ...olds, systemTags: [] }, { vmInstanceUuid: UUID, startAfterRecovery: false, timeoutSeconds: 600 });
    expect(result.changes).toBe(false);
  });

  test("a VM refreshed as Destroyed is drift: an update (which recovers it again), not a replacement", async () => {
    const result = await crud.diff(UUID, { ...olds, state: "Destroyed" }, { vmInstanceUuid: UUID, startAfterRecovery: false, timeoutSeconds: 600 });
    expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("uuids and job locations", () => {
  test("normalizeZstackUuid", () => {
    expect(normalizeZstackUuid(UUID)).toBe(UUID);
    expect(normalizeZstackUuid(` ${UUID.toUpperCase()} `)).toBe(UUID);
    expect(normalizeZstackUuid("6ab7f3e2-c1d0-4b5a-9e8f-7d6c5b4a3f21")).toBe(UUID);
    expect(normalizeZstackUuid("6ab7f3e2c1d0-4b5a-9e8f-7d6c5b4a3f21")).toBeUndefined();
    expect(normalizeZstackUuid("6ab7f3e2c1d04b5a9e8f7d6c5b4a3f21/actions")).toBeUndefined();
    expect(() => uuidSegment("a/b")).toThrow(errors.ValidationError);
  });

  test("X-Job-UUID is a v4 uuid without hyphens, new for every logical call", () => {
    const a = newJobUuid();
    expect(a).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(newJobUuid()).not.toBe(a);
  });

  test("the location's scheme, host and port are replaced by the configured endpoint", () => {
    const job = "0b0b0b0b0b0b4b0b8b0b0b0b0b0b0b0b";
    expect(rewriteJobLocation(`http://172.20.0.5:8080/zstack/v1/api-jobs/${job}`, "https://zstack.example.com")).toBe(
      `https://zstack.example.com/zstack/v1/api-jobs/${job}`,
    );
    expect(jobPathFromLocation(`localhost:8989/v1/api-jobs/${job}`)).toBe(`/zstack/v1/api-jobs/${job}`);
    expect(jobPathFromLocation(`/zstack/v1/api-jobs/${job}/`)).toBe(`/zstack/v1/api-jobs/${job}`);
    expect(jobPathFromLocation("http://mn/zstack/v1/vm-instances/x")).toBeUndefined();
    expect(jobPathFromLocation("http://mn/zstack/v1/api-jobs/../accounts")).toBeUndefined();
  });

  test("the password goes out as its SHA-512 hex digest", () => {
    expect(sha512Hex("password")).toBe(
      "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86",
    );
  });
});

describe("fault mapping", () => {
  const context = { operation: "RecoverVmInstance", object: `VmInstance:${UUID}`, namespace: "zstack" };

  test("ID.1001 is a session-expired authentication error", () => {
    const error = fromZstackError({ code: "ID.1001", description: "Session expired", details: "Session expired" }, context);
    expect(error).toBeInstanceOf(errors.AuthenticationError);
    expect(isSessionExpired(error)).toBe(true);
    expect(isSessionExpired(fromZstackError({ code: "ID.1000", description: "Authentication error" }, context))).toBe(false);
  });

  test("codes map to classes; the cause chain is kept innermost last", () => {
    expect(fromZstackError({ code: "VM.1010" }, context)).toBeInstanceOf(errors.ConflictError);
    expect(fromZstackError({ code: "SYS.1003" }, context)).toBeInstanceOf(errors.NotFoundError);
    const error = fromZstackError(
      { code: "SYS.1006", description: "failed", details: "outer", cause: { code: "A.1", details: "middle", cause: { code: "B.2", details: "inner" } } },
      context,
    );
    expect(error).toBeInstanceOf(errors.VendorFaultError);
    expect((error.fault?.details?.["causes"] as Array<{ code: string }>).map((cause) => cause.code)).toEqual(["A.1", "B.2"]);
    const first = error.cause as Error & { code: string; cause: Error & { code: string } };
    expect(first.code).toBe("A.1");
    expect(first.cause.code).toBe("B.2");
  });

  test("HTTP answers without a ZStack body: 401 is a session problem, 503 is transient, 400 is not", () => {
    const request = { method: "GET" as const, path: "/zstack/v1/vm-instances", operation: "QueryVmInstance" };
    expect(isSessionExpired(httpFailure({ status: 401, headers: {}, text: "" }, request, "zstack"))).toBe(true);
    const gateway = httpFailure({ status: 503, headers: {}, text: "Service Unavailable" }, request, "zstack");
    expect(gateway).toBeInstanceOf(errors.ServerError);
    expect(gateway.transient).toBe(true);
    const vendor = httpFailure({ status: 503, headers: {}, text: JSON.stringify({ error: { code: "SYS.1006", description: "x" } }) }, request, "zstack");
    expect(vendor).toBeInstanceOf(errors.VendorFaultError);
    expect(vendor.transient).toBe(false);
    const bad = httpFailure({ status: 400, headers: {}, text: "missing header 'Authorization'" }, request, "zstack");
    expect(bad.transient).toBe(false);
  });

  test("a wrong password: the hint is a sentence of its own and names the namespace's keys", () => {
    const plain = fromZstackError({ code: "ID.1000", description: "Authentication error", details: "wrong account name or password" }, context);
    expect(plain.message).toMatch(/or password\. Check zstack:accountName and zstack:accountPassword \(or ZSTACK_ACCOUNT_NAME \/ ZSTACK_ACCOUNT_PASSWORD\)\.$/);
    const east = fromZstackError({ code: "ID.1000", description: "Authentication error", details: "wrong password." }, { ...context, namespace: "zstack-east" });
    expect(east.message).toContain("wrong password. Check zstack-east:accountName and zstack-east:accountPassword (or ZSTACK_EAST_ACCOUNT_NAME / ZSTACK_EAST_ACCOUNT_PASSWORD).");
  });

  test("every field kept from the server is redacted, cleaned and bounded", () => {
    registerSecret("planted-secret-4411");
    const error = fromZstackError(
      { code: "SYS.1006", description: "\u001b[31mplanted-secret-4411", details: "d".repeat(10_000), elaboration: "x\u0000y", cause: { code: "A.1", details: "planted-secret-4411" } },
      context,
    );
    const kept = JSON.stringify(error.fault) + (error.cause as Error).message;
    expect(kept).not.toContain("planted-secret-4411");
    expect(kept).not.toContain("\u001b");
    expect(error.fault?.details?.["elaboration"]).toBe("x\\u0000y");
    expect((error.fault?.details?.["details"] as string).length).toBeLessThan(600);
  });
});

describe("session uuids the server issues", () => {
  test("32 hex characters are usable; anything else says what is wrong", () => {
    expect(sessionUuidProblem("5e5e5e5e5e5e4e5e8e5e5e5e5e5e5e5e")).toBeUndefined();
    expect(sessionUuidProblem("5E5E5E5E5E5E4E5E8E5E5E5E5E5E5E5E")).toBeUndefined();
    expect(sessionUuidProblem("5e5e5e5e5e5e4e5e8e5e5e5e5e5e5e5e\r\nX: y")).toBe("it contains a line break");
    expect(sessionUuidProblem("5e5e5e5e5e5e4e5e 8e5e5e5e5e5e5e5e")).toBe("it contains white space");
    expect(sessionUuidProblem("5e5e5e5e-5e5e-4e5e-8e5e-5e5e5e5e5e5e")).toBe("it contains characters other than 0-9 and a-f");
    expect(sessionUuidProblem("5e5e")).toBe("it has 4 characters");
    expect(sessionUuidProblem("")).toBe("it is empty");
  });
});
