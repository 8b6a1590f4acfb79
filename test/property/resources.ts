import fc from "fast-check";
import type * as pulumi from "@pulumi/pulumi";
import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import * as vmSnapshot from "../../provider/resources/vsphere/vmSnapshot/provider";
import * as vmInstanceRecovery from "../../provider/resources/zstack/vmInstanceRecovery/provider";
import * as failoverPlanRun from "../../provider/resources/veeam/failoverPlanRun/provider";
import { NASTY_NUMBERS, NASTY_STRINGS, oddButValidMoId, type FieldSpec } from "./hostile";

/**
 * Every resource's inputs as an independent oracle: `accepts` says whether a known value is valid, written from the
 * documented rules (Args TSDoc), not from the provider's zod schemas.
 */

export interface Crud {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult>;
  read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

export interface OracleField extends FieldSpec {
  accepts(value: unknown): boolean;
}

export interface ResourceSpec {
  name: string;
  vendor: "vsphere" | "veeam" | "zstack";
  crud: Crud;
  fields: Record<string, OracleField>;
  /** Inputs whose value becomes part of a URL or the resource id. */
  idInput: string;
  /** A valid input set pointing at an object of the simulator (filled by the test's setup). */
  realistic(fixture: Record<string, string>): Record<string, unknown>;
  /** Names of outputs that are not inputs (diff receives them in olds). */
  outputNames: readonly string[];
  /** Whether check may make live API calls (vSphere; ZStack looks the VM up for a new uuid). */
  liveCheck: boolean;
  /** Outputs a refresh records for an object in its declared state (diff against them is "no change"). */
  steadyOutputs: Record<string, unknown>;
}

const MOID = /^[A-Za-z0-9][A-Za-z0-9_.:\-[\]]{0,127}$/;
const isMoId = (value: unknown): boolean => typeof value === "string" && MOID.test(value);
const isBool = (value: unknown): boolean => typeof value === "boolean";
const wholeIn = (min: number, max: number) => (value: unknown): boolean => typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

function notAccepted(accepts: (value: unknown) => boolean, pool: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return pool.filter((value) => !accepts(value));
}

const anyNastyScalar = fc.oneof(fc.constantFrom<unknown>(...NASTY_STRINGS), fc.constantFrom<unknown>(...NASTY_NUMBERS), fc.constantFrom<unknown>(null, true, false, [], {}, ["x"], { a: 1 }));

function moIdField(required: boolean): OracleField {
  return { accepts: isMoId, valid: oddButValidMoId(), invalid: notAccepted(isMoId, anyNastyScalar), required };
}

function boolField(): OracleField {
  return { accepts: isBool, valid: fc.boolean(), invalid: notAccepted(isBool, anyNastyScalar) };
}

function secondsField(max: number): OracleField {
  const accepts = wholeIn(1, max);
  return { accepts, valid: fc.integer({ min: 1, max }), invalid: notAccepted(accepts, fc.oneof(anyNastyScalar, fc.double(), fc.integer())) };
}

function enumField(values: string[], required = false): OracleField {
  const accepts = (value: unknown): boolean => typeof value === "string" && values.includes(value);
  return { accepts, valid: fc.constantFrom(...values), invalid: notAccepted(accepts, fc.oneof(anyNastyScalar, fc.string({ maxLength: 10 }), fc.constantFrom(...values.map((v) => v.toUpperCase()), ...values.map((v) => ` ${v}`)))), required };
}

const zstackUuid = (value: unknown): boolean =>
  typeof value === "string" && (/^\s*[0-9a-fA-F]{32}\s*$/.test(value) || /^\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\s*$/.test(value));

function tagsField(): OracleField {
  const accepts = (value: unknown): boolean =>
    Array.isArray(value) && value.length <= 100 && value.every((tag) => typeof tag === "string" && tag.length >= 1 && tag.length <= 2048);
  return {
    accepts,
    valid: fc.array(fc.string({ minLength: 1, maxLength: 30, unit: "grapheme" }), { maxLength: 5 }),
    invalid: notAccepted(accepts, fc.oneof(anyNastyScalar, fc.constantFrom<unknown>([""], [1], [null], ["ok", {}], Array.from({ length: 101 }, () => "t"), ["x".repeat(2049)]))),
  };
}

const planIdOk = (value: unknown): boolean =>
  typeof value === "string" &&
  (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value) || /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/.test(value));

export const RESOURCES: ResourceSpec[] = [
  {
    name: "FtSecondary",
    vendor: "vsphere",
    crud: ftSecondary as unknown as Crud,
    idInput: "vmId",
    liveCheck: true,
    fields: {
      vmId: moIdField(true),
      host: moIdField(false),
      datastore: moIdField(false),
      metaDataDatastore: moIdField(false),
      enabled: boolField(),
      timeoutSeconds: secondsField(21_600),
    },
    realistic: (f) => ({ vmId: f["vm"], enabled: true, timeoutSeconds: 1800 }),
    steadyOutputs: { faultToleranceState: "running", primaryVmId: "vm-1" },
    outputNames: ["vmName", "primaryVmId", "secondaryVmId", "secondaryHost", "secondaryPowerState", "primaryHost", "faultToleranceState", "needSecondaryReason", "faultToleranceType", "instanceUuids", "powerOnAttempted", "powerOnOutcome", "powerOnFault", "placedDisks"],
  },
  {
    name: "VmPowerState",
    vendor: "vsphere",
    crud: vmPowerState as unknown as Crud,
    idInput: "vmId",
    liveCheck: true,
    fields: {
      vmId: moIdField(true),
      state: enumField(["poweredOn", "poweredOff", "suspended"], true),
      shutdownMode: enumField(["guest", "hard"]),
      guestShutdownTimeoutSeconds: secondsField(3_600),
      forceAfterTimeout: boolField(),
      timeoutSeconds: secondsField(21_600),
    },
    realistic: (f) => ({ vmId: f["vm"], state: "poweredOn", shutdownMode: "guest", guestShutdownTimeoutSeconds: 300, forceAfterTimeout: true, timeoutSeconds: 900 }),
    steadyOutputs: { powerState: "poweredOn", lastAction: "none" },
    outputNames: ["powerState", "toolsRunningStatus", "host", "lastAction"],
  },
  {
    name: "VmSnapshot",
    vendor: "vsphere",
    crud: vmSnapshot as unknown as Crud,
    idInput: "vmId",
    liveCheck: true,
    fields: {
      vmId: moIdField(true),
      name: {
        accepts: (value) => typeof value === "string" && value.trim().length > 0 && value.length <= 255,
        valid: fc.constantFrom("pre-change 100%", "%25", "../", "a/b?c#d", "😀 snapshot", "'; DROP TABLE x;--", "\u202e rtl"),
        invalid: fc.constantFrom<unknown>("", " ", "\r\n", "x".repeat(256), 1, null, true, [], {}),
        required: true,
      },
      description: {
        accepts: (value) => typeof value === "string" && value.length <= 4096,
        valid: fc.string({ maxLength: 50, unit: "grapheme" }),
        invalid: fc.constantFrom<unknown>("x".repeat(4097), 1, null, false, ["a"], {}),
      },
      memory: boolField(),
      quiesce: boolField(),
      removeChildren: boolField(),
      consolidate: boolField(),
      timeoutSeconds: secondsField(86_400),
    },
    realistic: (f) => ({ vmId: f["vm"], name: "pre-change 100%", description: "", memory: false, quiesce: false, removeChildren: false, consolidate: true, timeoutSeconds: 1800 }),
    steadyOutputs: { snapshotId: "snapshot-1", isCurrent: true },
    outputNames: ["snapshotId", "createTime", "powerState", "quiesced", "parentSnapshotId", "isCurrent"],
  },
  {
    name: "VmInstanceRecovery",
    vendor: "zstack",
    crud: vmInstanceRecovery as unknown as Crud,
    idInput: "vmInstanceUuid",
    liveCheck: true,
    fields: {
      vmInstanceUuid: {
        accepts: zstackUuid,
        valid: fc.uuid().chain((uuid) => fc.constantFrom(uuid, uuid.replace(/-/g, ""), uuid.toUpperCase())),
        invalid: notAccepted(zstackUuid, fc.oneof(anyNastyScalar, fc.uuid().map((u) => `${u}/..`), fc.uuid().map((u) => `${u.replace(/-/g, "")}?x`))),
        required: true,
      },
      startAfterRecovery: boolField(),
      systemTags: tagsField(),
      userTags: tagsField(),
      timeoutSeconds: secondsField(21_600),
    },
    realistic: (f) => ({ vmInstanceUuid: f["uuid"], startAfterRecovery: false, timeoutSeconds: 600 }),
    steadyOutputs: { state: "Stopped", initialState: "Destroyed", recovered: true },
    outputNames: ["name", "state", "initialState", "recovered", "startedAfterRecovery", "recoveredAt", "ipAddresses"],
  },
  {
    name: "FailoverPlanRun",
    vendor: "veeam",
    crud: failoverPlanRun as unknown as Crud,
    idInput: "planId",
    liveCheck: false,
    fields: {
      planId: {
        accepts: planIdOk,
        valid: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,20}$/)),
        invalid: notAccepted(planIdOk, fc.oneof(anyNastyScalar, fc.uuid().map((u) => `${u}/../x`))),
        required: true,
      },
      restorePointDate: {
        accepts: (value) => typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)),
        valid: fc.constantFrom("2024-05-01T02:00:00Z", "2024-05-01", "2024-05-01T02:00:00.1234567+02:00"),
        invalid: fc.constantFrom<unknown>("last tuesday", "2024-02-30T00:00:00Z", "2024-13-01", "", "../", 1, null, true, {}, []),
      },
      executeChainedPlans: boolField(),
      undoOnDelete: boolField(),
      timeoutSeconds: secondsField(86_400),
      triggers: {
        accepts: (value) => value !== null && typeof value === "object",
        valid: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })),
        invalid: fc.constantFrom<unknown>("x", 1, true, null, NaN),
      },
    },
    realistic: (f) => ({ planId: f["plan"], executeChainedPlans: false, undoOnDelete: true, timeoutSeconds: 3600 }),
    steadyOutputs: { planState: "Failover", result: "success" },
    outputNames: ["planName", "planState", "planStateDetails", "result", "warningCount", "errorCount", "startedAt", "finishedAt", "progress", "apiVersion"],
  },
];
