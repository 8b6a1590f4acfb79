/** Pure logic of veeam:FailoverPlanRun: check, diff, plan ids, API versions, and the state mapping of both API generations. */
import * as crud from "../../provider/resources/veeam/failoverPlanRun/provider";
import { isIsoDate } from "../../provider/resources/veeam/failoverPlanRun/fields";
import { UNKNOWN_VALUE } from "../../provider/resources/common/unknown";
import { isValidPlanId, planPathSegment } from "../../provider/veeam/ids";
import { recordStackConfig } from "../../provider/config";
import { ConfigurationError, ValidationError } from "../../provider/errors";
import * as state from "../../provider/veeam/state";
import { runFailoverBody } from "../../provider/veeam/v2";
import { failoverBody } from "../../provider/veeam/vro";
import { probedVroVersions, supportedApiVersions, validateApiVersion } from "../../provider/veeam/versions";

const PLAN = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";

function siteConfig(namespace: string, server: string): Record<string, string> {
  return { [`${namespace}:server`]: server, [`${namespace}:username`]: "svc", [`${namespace}:password`]: "unit-test-password" };
}

describe("check", () => {
  test("applies defaults, the connection namespace included (the host puts __provider back itself)", async () => {
    const result = await crud.check({}, { planId: PLAN, __provider: "serialized" });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ planId: PLAN, executeChainedPlans: false, undoOnDelete: true, timeoutSeconds: 3600, connection: "veeam" });
  });

  test.each([
    [{ planId: "a/b" }, "planId", /GUID/],
    [{ planId: 42 }, "planId", /GUID.*got 42/],
    [{}, "planId", /planId/],
    [{ planId: PLAN, restorePointDate: "last tuesday" }, "restorePointDate", /ISO 8601/],
    [{ planId: PLAN, restorePointDate: "2024-02-30T00:00:00Z" }, "restorePointDate", /ISO 8601/],
    [{ planId: PLAN, executeChainedPlans: "yes" }, "executeChainedPlans", /true or false/],
    [{ planId: PLAN, undoOnDelete: 1 }, "undoOnDelete", /true or false/],
    [{ planId: PLAN, timeoutSeconds: 0 }, "timeoutSeconds", /from 1 to 86400/],
    [{ planId: PLAN, timeoutSeconds: 1.5 }, "timeoutSeconds", /whole number/],
    [{ planId: PLAN, timeoutSeconds: 100000 }, "timeoutSeconds", /from 1 to 86400/],
    [{ planId: PLAN, connection: "veeam dr" }, "connection", /namespace name/],
    [{ planId: PLAN, triggers: "monthly" }, "triggers", /array or object/],
    [{ planId: PLAN, typo: true }, "typo", /not an input/],
  ])("%j fails on %s", async (news, property, reason) => {
    const result = await crud.check({}, news as Record<string, unknown>);
    const failure = result.failures?.find((f) => f.property === property);
    expect(failure).toBeDefined();
    expect(failure?.reason).toMatch(reason);
  });

  test("a connection namespace without a Veeam server fails, naming its keys", async () => {
    recordStackConfig({});
    const result = await crud.check({}, { planId: PLAN, connection: "veeam-dr" });
    expect(result.failures).toEqual([{ property: "connection", reason: expect.stringContaining("veeam-dr:server") }]);
  });

  test("unknown values pass during preview", async () => {
    const result = await crud.check({}, { planId: UNKNOWN_VALUE, restorePointDate: UNKNOWN_VALUE, triggers: [UNKNOWN_VALUE] });
    expect(result.failures).toEqual([]);
  });

  test("valid dates and triggers", async () => {
    for (const date of ["2024-05-01", "2024-05-01T02:00:00Z", "2024-05-01T02:00:00.123+02:00", "2024-05-01T02:00"]) expect(isIsoDate(date)).toBe(true);
    const result = await crud.check({}, { planId: PLAN, triggers: { drill: "2024-05" }, restorePointDate: "2024-05-01T02:00:00Z" });
    expect(result.failures).toEqual([]);
  });
});

describe("diff", () => {
  const olds = { planId: PLAN, executeChainedPlans: false, undoOnDelete: true, timeoutSeconds: 3600, planName: "Tier1", result: "success", startedAt: "x", __provider: "p" };

  test("no change when the inputs are the same (outputs and __provider ignored, defaults equal absent values)", async () => {
    const result = await crud.diff("id", olds, { planId: PLAN, undoOnDelete: true, __provider: "other" });
    expect(result.changes).toBe(false);
    expect(result.replaces).toEqual([]);
  });

  test.each([
    [{ planId: "8d6f3a2b-1c4e-4f7a-9b2d-3e5f6a7b8c90" }, ["planId"]],
    [{ restorePointDate: "2024-05-01T02:00:00Z" }, ["restorePointDate"]],
    [{ executeChainedPlans: true }, ["executeChainedPlans"]],
    [{ triggers: ["2024-06"] }, ["triggers"]],
  ])("%j replaces, deleting first", async (change, replaces) => {
    const result = await crud.diff("id", olds, { ...olds, ...change });
    expect(result).toMatchObject({ changes: true, replaces, deleteBeforeReplace: true });
  });

  test.each([[{ undoOnDelete: false }], [{ timeoutSeconds: 60 }]])("%j updates in place", async (change) => {
    const result = await crud.diff("id", olds, { ...olds, ...change });
    expect(result).toMatchObject({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("a connection naming the same server updates in place; one naming another server replaces, deleting first", async () => {
    recordStackConfig({
      ...siteConfig("veeam", "https://vro.example.com"),
      ...siteConfig("veeam-alias", "vro.example.com:443"),
      ...siteConfig("veeam-dr", "https://vro-dr.example.com"),
    });
    try {
      const recorded = { ...olds, connection: "veeam", endpoint: "https://vro.example.com:443" };
      expect(await crud.diff("id", recorded, { ...recorded, connection: "veeam-alias" })).toMatchObject({ changes: true, replaces: [] });
      expect(await crud.diff("id", recorded, { ...recorded, connection: "veeam-dr" })).toMatchObject({ changes: true, replaces: ["connection"], deleteBeforeReplace: true });
    } finally {
      recordStackConfig({});
    }
  });

  test("triggers compare by value, not key order", async () => {
    const result = await crud.diff("id", { ...olds, triggers: { a: 1, b: [1, 2] } }, { ...olds, triggers: { b: [1, 2], a: 1 } });
    expect(result.changes).toBe(false);
  });
});

describe("plan ids", () => {
  test("GUIDs and safe tokens pass; path tricks do not", () => {
    expect(isValidPlanId(PLAN)).toBe(true);
    expect(isValidPlanId("plan_01.a-b")).toBe(true);
    for (const bad of ["", "..", "../x", "a/b", "a b", "a?b", "%2e%2e", ".hidden", 42, undefined]) expect(isValidPlanId(bad)).toBe(false);
    expect(planPathSegment(PLAN)).toBe(PLAN);
    expect(() => planPathSegment("a/b")).toThrow(ValidationError);
  });
});

describe("API versions", () => {
  test("every supported version passes as given", () => {
    for (const version of supportedApiVersions()) expect(validateApiVersion(version)).toBe(version);
  });

  test("a malformed value and a well-formed unknown one are told apart; both name the setting and the supported list", () => {
    let malformed: unknown;
    try {
      validateApiVersion("13.1");
    } catch (error) {
      malformed = error;
    }
    expect(malformed).toBeInstanceOf(ConfigurationError);
    expect((malformed as ConfigurationError).setting).toBe("veeam:apiVersion");
    expect((malformed as Error).message).toMatch(/"13\.1" is not an API version.*Supported: v2, v7\.2, v7\.21, v13, v13\.1, v13\.2/);
    expect(() => validateApiVersion("v13.5")).toThrow(/v13\.5 is not a version this provider speaks/);
    expect(() => validateApiVersion("v1")).toThrow(/Availability Orchestrator 1\.0/);
  });

  test("the error names the setting of the namespace it came from", () => {
    expect(() => validateApiVersion("v9", "veeam-dr")).toThrow(/^veeam-dr:apiVersion \(VEEAM_DR_API_VERSION\): v9 is not a version/);
  });

  test("detection probes Recovery Orchestrator versions newest first, all of them supported", () => {
    const probed = probedVroVersions();
    expect(probed).toEqual(["v13.2", "v13.1", "v13", "v7.21"]);
    for (const version of probed) expect(supportedApiVersions()).toContain(version);
  });
});

describe("request bodies", () => {
  test("v2 Run body uses the Swagger spelling planLaunchOptions", () => {
    expect(runFailoverBody({ executeChainedPlans: true, restorePointDate: "2024-05-01T02:00:00Z" })).toEqual({
      mode: "FailoverNow",
      planLaunchOptions: { restorePointRule: { date: "2024-05-01T02:00:00Z" }, executeChainedPlans: true },
    });
    const now = new Date("2025-01-02T03:04:05.000Z");
    expect(runFailoverBody({ executeChainedPlans: false }, now)).toMatchObject({ planLaunchOptions: { restorePointRule: { date: "2025-01-02T03:04:05.000Z" } } });
  });

  test("VRO Failover body: null restorePointDate means latest", () => {
    expect(failoverBody({ executeChainedPlans: false })).toEqual({ executeChainedPlans: false, restorePointDate: null });
  });
});

describe("state mapping", () => {
  test.each([
    ["Complete, no errors, no warnings", { result: "success", errors: 0, warnings: 0 }],
    ["Complete, no errors, 1 warning", { result: "warning", errors: 0, warnings: 1 }],
    ["Complete, 2 errors, 3 warnings", { result: "error", errors: 2, warnings: 3 }],
    ["Failed", { result: "error" }],
    ["", {}],
  ])("parseResultDetails(%j)", (details, expected) => {
    expect(state.parseResultDetails(details)).toEqual(expect.objectContaining(expected));
  });

  test.each([
    ["Verified", "ready"],
    ["NotVerified", "ready"],
    ["Disabled", "ready"],
    ["Failover", "failedOver"],
    ["FailoverComplete", "failedOver"],
    ["FAILOVER", "failedOver"],
    ["FailedOver", "failedOver"],
    ["Undo Failover", "undone"],
    ["UndoFailoverComplete", "undone"],
    ["Halted", "halted"],
    ["Permanent Failover", "permanentFailover"],
    ["Failback", "failback"],
    ["Undo Failback", "failback"],
    ["Editing", "busy"],
    ["Testing Halted", "ready"],
    ["Something new", "other"],
  ])("classifyState(%j) → %s", (raw, phase) => {
    expect(state.classifyState(raw).phase).toBe(phase);
  });

  test("v2: planInUse drives running; Halted is stable although in use; Disabled is not enabled", () => {
    expect(state.statusFromV2(PLAN, { planState: "Failover", planStateDetails: "In progress, no errors, no warnings", planInUse: true })).toMatchObject({
      phase: "failingOver",
      running: true,
      stable: false,
    });
    expect(state.statusFromV2(PLAN, { planState: "Failover", planStateDetails: "Complete, no errors, 1 warning", planInUse: false })).toMatchObject({
      phase: "failedOver",
      stable: true,
      result: "warning",
      progress: 100,
    });
    expect(state.statusFromV2(PLAN, { planState: "Halted", planStateDetails: "Halted, 1 error, no warnings", planInUse: true })).toMatchObject({
      phase: "halted",
      running: false,
      stable: true,
      result: "error",
    });
    expect(state.statusFromV2(PLAN, { planState: "Disabled", planInUse: false }).enabled).toBe(false);
    expect(state.statusFromV2(PLAN, { planState: "Editing", planInUse: true })).toMatchObject({ phase: "busy", stable: false });
  });

  test("VRO: runtime flags win; currentRunResult gives the result; isUndoPossible is kept", () => {
    const failedOver = state.statusFromVro(
      PLAN,
      { name: "Tier1", enabled: true, state: "FailoverComplete", stateName: "Failover" },
      { state: "FailoverComplete", stateName: "Failover", resultName: "Complete, no errors, 1 warning", isRunningState: false, isStableState: true, currentRunResult: "Warning", totalProgress: 100, isUndoPossible: true },
    );
    expect(failedOver).toMatchObject({ name: "Tier1", phase: "failedOver", result: "warning", progress: 100, undoPossible: true, stable: true });
    expect(state.canUndo(failedOver)).toBe(true);
    expect(state.holdsFailover(failedOver)).toBe(true);
    const running = state.statusFromVro(PLAN, undefined, { state: "Failover", isRunningState: true, isStableState: false, totalProgress: 40 });
    expect(running).toMatchObject({ phase: "failingOver", running: true, stable: false, progress: 40 });
    const editing = state.statusFromVro(PLAN, { enabled: true, state: "Editing" }, { state: "Editing", stateName: "Editing", isRunningState: false, isStableState: false });
    expect(editing).toMatchObject({ phase: "busy", stable: false });
    expect(state.canStartFailover(editing)).toBe(false);
    const disabled = state.statusFromVro(PLAN, { enabled: false, state: "Verified" }, undefined);
    expect(disabled).toMatchObject({ enabled: false, phase: "ready" });
    const noUndo = state.statusFromVro(PLAN, { enabled: true }, { state: "FailoverComplete", isRunningState: false, isStableState: true, isUndoPossible: false });
    expect(state.canUndo(noUndo)).toBe(false);
    const undone = state.statusFromVro(PLAN, { enabled: true }, { state: "UndoFailoverComplete", stateName: "Undo Failover", isRunningState: false, isStableState: true });
    expect(state.canStartFailover(undone)).toBe(true);
    expect(state.holdsFailover(undone)).toBe(false);
  });

  test("a busy plan counts by its last stable state; unknown means kept", () => {
    const editedFailover = state.statusFromVro(PLAN, { enabled: true }, { state: "Editing", lastStableState: "FailoverComplete", isRunningState: false, isStableState: false });
    expect(editedFailover).toMatchObject({ phase: "busy", lastStablePhase: "failedOver" });
    expect(state.holdsFailover(editedFailover)).toBe(true);
    const editedReady = state.statusFromVro(PLAN, { enabled: true }, { state: "Editing", lastStableState: "Verified", isRunningState: false, isStableState: false });
    expect(state.holdsFailover(editedReady)).toBe(false);
    expect(state.holdsFailover(state.statusFromV2(PLAN, { planState: "Editing", planInUse: true }))).toBe(true);
    expect(state.holdsFailover(state.statusFromV2(PLAN, { planState: "Verified", planInUse: false }))).toBe(false);
  });

  test("no result while a run executes", () => {
    expect(state.statusFromV2(PLAN, { planState: "Failover", planStateDetails: "In progress, no errors, no warnings", planInUse: true }).result).toBeUndefined();
    expect(state.statusFromVro(PLAN, undefined, { state: "Failover", resultName: "In progress, 1 error, no warnings", isRunningState: true, isStableState: false, currentRunResult: "Error" }).result).toBeUndefined();
  });

  test("VRO without runtime details (after an Orchestrator restart) falls back to the plan's own state", () => {
    const status = state.statusFromVro(PLAN, { name: "Tier1", enabled: true, state: "Failover", stateName: "Failover", resultName: "Complete, no errors, no warnings" }, undefined);
    expect(status).toMatchObject({ phase: "failedOver", result: "success", stable: true });
  });
});
