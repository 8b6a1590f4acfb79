/**
 * Request bodies (the `*RequestType` schemas of the VI/JSON specification) as strict zod schemas. A request type needs no `_typeName` of its
 * own (one is tolerated when it names the request type); every data object nested in it must carry `_typeName` (the `Any`
 * base requires it), MoRefs included. Unknown keys, missing required fields and wrong types are refused with
 * InvalidRequest, like a server that deserializes by the schema.
 */
import { z } from "zod";
import { faults } from "./faults";
import type { MoRefInput, ObjectSpecInput, PropertyFilterSpecInput, PropertySpecInput, SelectionSpecInput } from "./requestTypes";
import { MO_TYPES } from "./specSchemas";

const moTypeNames = MO_TYPES as [string, ...string[]];

export const moRefSchema: z.ZodType<MoRefInput> = z.strictObject({
  _typeName: z.literal("ManagedObjectReference"),
  type: z.enum(moTypeNames),
  value: z.string().min(1),
});

/** A data object of one of these type names (the first is the declared type, the others its subtypes). */
function dataObject<Shape extends z.ZodRawShape>(typeNames: [string, ...string[]], shape: Shape) {
  return z.strictObject({ _typeName: z.enum(typeNames), ...shape });
}

/** A request type body: no `_typeName` needed; when sent, it must name the request type. */
function requestType<Shape extends z.ZodRawShape>(typeName: string, shape: Shape) {
  return z.strictObject({ _typeName: z.literal(typeName).optional(), ...shape });
}

const int32 = z.number().int().min(-2147483648).max(2147483647);

// ---- SessionManager ----------------------------------------------------------------------------------------------
export const loginBody = requestType("LoginRequestType", { userName: z.string(), password: z.string(), locale: z.string().optional() });

// ---- PropertyCollector -------------------------------------------------------------------------------------------
const selectionSpecSchema: z.ZodType<SelectionSpecInput> = z.lazy(() =>
  z.discriminatedUnion("_typeName", [
    z.strictObject({ _typeName: z.literal("SelectionSpec"), name: z.string().optional() }),
    z.strictObject({
      _typeName: z.literal("TraversalSpec"),
      name: z.string().optional(),
      type: z.string(),
      path: z.string(),
      skip: z.boolean().optional(),
      selectSet: z.array(selectionSpecSchema).optional(),
    }),
  ]),
);
export const propertySpecSchema: z.ZodType<PropertySpecInput> = dataObject(["PropertySpec"], {
  type: z.string(),
  all: z.boolean().optional(),
  pathSet: z.array(z.string()).optional(),
});
export const objectSpecSchema: z.ZodType<ObjectSpecInput> = dataObject(["ObjectSpec"], {
  obj: moRefSchema,
  skip: z.boolean().optional(),
  selectSet: z.array(selectionSpecSchema).optional(),
});
export const propertyFilterSpecSchema: z.ZodType<PropertyFilterSpecInput> = dataObject(["PropertyFilterSpec"], {
  propSet: z.array(propertySpecSchema),
  objectSet: z.array(objectSpecSchema),
  reportMissingObjectsInResults: z.boolean().optional(),
});

export const createFilterBody = requestType("CreateFilterRequestType", { spec: propertyFilterSpecSchema, partialUpdates: z.boolean() });
export const retrievePropertiesExBody = requestType("RetrievePropertiesExRequestType", {
  specSet: z.array(propertyFilterSpecSchema),
  options: dataObject(["RetrieveOptions"], { maxObjects: int32.optional() }),
});
export const continueRetrievePropertiesExBody = requestType("ContinueRetrievePropertiesExRequestType", { token: z.string() });
export const waitForUpdatesExBody = requestType("WaitForUpdatesExRequestType", {
  version: z.string().optional(),
  options: dataObject(["WaitOptions"], { maxWaitSeconds: int32.optional(), maxObjectUpdates: int32.optional() }).optional(),
});

// ---- SearchIndex and ViewManager ----------------------------------------------------------------------------------
export const findByInventoryPathBody = requestType("FindByInventoryPathRequestType", { inventoryPath: z.string() });
/** FindByUuid and FindAllByUuid take the same parameters. */
const uuidQuery = { datacenter: moRefSchema.optional(), uuid: z.string(), vmSearch: z.boolean(), instanceUuid: z.boolean().optional() };
export const findByUuidBody = requestType("FindByUuidRequestType", uuidQuery);
export const findAllByUuidBody = requestType("FindAllByUuidRequestType", uuidQuery);
export const findChildBody = requestType("FindChildRequestType", { entity: moRefSchema, name: z.string() });
export const createContainerViewBody = requestType("CreateContainerViewRequestType", {
  container: moRefSchema,
  type: z.array(z.string()).optional(),
  recursive: z.boolean(),
});

// ---- VirtualMachine: power ---------------------------------------------------------------------------------------
export const powerOnBody = requestType("PowerOnVMRequestType", { host: moRefSchema.optional() });

// ---- VirtualMachine: snapshots -----------------------------------------------------------------------------------
/** VirtualMachineGuestQuiesceSpec is stubbed in the subset: any fields, but a known type name. */
const quiesceSpecSchema = z.looseObject({ _typeName: z.enum(["VirtualMachineGuestQuiesceSpec", "VirtualMachineWindowsQuiesceSpec"]) });
export const createSnapshotExBody = requestType("CreateSnapshotExRequestType", {
  name: z.string(),
  description: z.string().optional(),
  memory: z.boolean(),
  quiesceSpec: quiesceSpecSchema.optional(),
});
export const createSnapshotBody = requestType("CreateSnapshotRequestType", {
  name: z.string(),
  description: z.string().optional(),
  memory: z.boolean(),
  quiesce: z.boolean(),
});
export const removeSnapshotBody = requestType("RemoveSnapshotRequestType", { removeChildren: z.boolean(), consolidate: z.boolean().optional() });
export const renameSnapshotBody = requestType("RenameSnapshotRequestType", { name: z.string().optional(), description: z.string().optional() });
export const removeAllSnapshotsBody = requestType("RemoveAllSnapshotsRequestType", {
  consolidate: z.boolean().optional(),
  spec: dataObject(["SnapshotSelectionSpec"], { retentionDays: int32.optional() }).optional(),
});
export const revertToSnapshotBody = requestType("RevertToSnapshotRequestType", { host: moRefSchema.optional(), suppressPowerOn: z.boolean().optional() });
export const revertToCurrentSnapshotBody = requestType("RevertToCurrentSnapshotRequestType", { host: moRefSchema.optional(), suppressPowerOn: z.boolean().optional() });

// ---- VirtualMachine: fault tolerance -----------------------------------------------------------------------------
const faultToleranceDiskSpecSchema = dataObject(["FaultToleranceDiskSpec"], { disk: z.looseObject({ _typeName: z.string() }), datastore: moRefSchema });
export const faultToleranceConfigSpecSchema = dataObject(["FaultToleranceConfigSpec"], {
  metaDataPath: dataObject(["FaultToleranceMetaSpec"], { metaDataDatastore: moRefSchema }).optional(),
  secondaryVmSpec: dataObject(["FaultToleranceVMConfigSpec"], { vmConfig: moRefSchema.optional(), disks: z.array(faultToleranceDiskSpecSchema).optional() }).optional(),
  metroFtEnabled: z.boolean().optional(),
  metroFtHostGroup: z.string().optional(),
});
export type FaultToleranceConfigSpecInput = z.infer<typeof faultToleranceConfigSpecSchema>;
export const createSecondaryVmExBody = requestType("CreateSecondaryVMExRequestType", { host: moRefSchema.optional(), spec: faultToleranceConfigSpecSchema.optional() });
export const createSecondaryVmBody = requestType("CreateSecondaryVMRequestType", { host: moRefSchema.optional() });
export const disableSecondaryVmBody = requestType("DisableSecondaryVMRequestType", { vm: moRefSchema });
export const enableSecondaryVmBody = requestType("EnableSecondaryVMRequestType", { vm: moRefSchema, host: moRefSchema.optional() });
export const makePrimaryVmBody = requestType("MakePrimaryVMRequestType", { vm: moRefSchema });
export const terminateFaultTolerantVmBody = requestType("TerminateFaultTolerantVMRequestType", { vm: moRefSchema.optional() });
export const queryFaultToleranceCompatibilityExBody = requestType("QueryFaultToleranceCompatibilityExRequestType", { forLegacyFt: z.boolean().optional() });

/** How a method takes its body: `none` (no requestBody in the spec: empty or `{}`), optional, or required. */
export type BodyRule<T> = { kind: "none" } | { kind: "optional"; schema: z.ZodType<T> } | { kind: "required"; schema: z.ZodType<T> };

export const NO_BODY = { kind: "none" } as const;
export function optionalBody<T>(schema: z.ZodType<T>): BodyRule<T> {
  return { kind: "optional", schema };
}
export function requiredBody<T>(schema: z.ZodType<T>): BodyRule<T> {
  return { kind: "required", schema };
}

/**
 * Parses a method's body by its rule. Unparseable JSON, a missing required body, a body where none is declared, or a
 * body that does not match the schema: InvalidRequest (with the problems in faultMessage).
 */
export function parseBody<T>(rule: BodyRule<T>, bodyText: string, method: string): T {
  const text = bodyText.trim();
  let parsed: unknown = undefined;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw faults.invalidRequest(`${method}: the request body is not valid JSON.`);
    }
  }
  if (rule.kind === "none") {
    if (parsed === undefined || (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && Object.keys(parsed).length === 0)) {
      return {} as T;
    }
    throw faults.invalidRequest(`${method} takes no parameters.`);
  }
  if (parsed === undefined || parsed === null) {
    if (rule.kind === "required") throw faults.invalidRequest(`${method}: a request body is required.`);
    parsed = {};
  }
  const result = rule.schema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(body)"}: ${issue.message}`);
    throw faults.invalidRequest(`${method}: invalid request body: ${problems.join("; ")}`);
  }
  return result.data;
}
