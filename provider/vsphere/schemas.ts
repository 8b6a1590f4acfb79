import { z } from "zod";
import { memo } from "../runtime";

/**
 * Deepest nesting accepted in a property value (a snapshot tree nests two levels per snapshot, and vSphere keeps at most
 * a few hundred snapshots in a chain). A deeper value is refused where it is parsed, naming the property, so nothing
 * downstream (a tree walk, a message) can exhaust the stack on it.
 */
export const MAX_VALUE_DEPTH = 1_000;

/** True when `value` nests deeper than `limit` levels; walks with its own stack (no recursion) and stops at the first. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    if (depth >= limit) return true;
    for (const member of Array.isArray(current) ? current : Object.values(current)) pending.push([member, depth + 1]);
  }
  return false;
}

/** zod schemas of the VI/JSON shapes the client reads. Built at run time (zod instances cannot be serialized). */
export function vimSchemas() {
  return memo("vsphere.schemas", () => {
    const tooDeep = `is nested deeper than ${MAX_VALUE_DEPTH} levels`;
    const MoRef = z.object({ _typeName: z.string().optional(), type: z.string(), value: z.string() }).passthrough();
    const LocalizableMessage = z.object({ key: z.string().optional(), message: z.string().optional() }).passthrough();
    const MethodFault: z.ZodType<{ _typeName?: string; faultMessage?: { key?: string; message?: string }[]; faultCause?: unknown; [k: string]: unknown }> = z
      .object({
        _typeName: z.string().optional(),
        faultMessage: z.array(LocalizableMessage).optional(),
        faultCause: z.unknown().optional(),
      })
      .passthrough();
    const AboutInfo = z.object({ apiVersion: z.string(), version: z.string().optional(), fullName: z.string().optional() }).passthrough();
    const ServiceContent = z
      .object({
        rootFolder: MoRef,
        propertyCollector: MoRef,
        sessionManager: MoRef.optional(),
        searchIndex: MoRef.optional(),
        viewManager: MoRef.optional(),
        about: AboutInfo,
      })
      .passthrough();
    const UserSession = z.object({ key: z.string(), userName: z.string() }).passthrough();
    const TaskInfo = z
      .object({
        key: z.string(),
        task: MoRef,
        state: z.enum(["queued", "running", "success", "error"]),
        cancelled: z.boolean().optional(),
        cancelable: z.boolean().optional(),
        progress: z.number().optional(),
        result: z.unknown().optional(),
        error: z.unknown().optional(),
        descriptionId: z.string().optional(),
        entityName: z.string().optional(),
      })
      .passthrough();
    const DynamicProperty = z
      .object({ name: z.string(), val: z.unknown() })
      .passthrough()
      .superRefine((property, context) => {
        if (nestsDeeperThan(property.val, MAX_VALUE_DEPTH)) context.addIssue({ code: "custom", path: ["val"], message: `the value of ${property.name} ${tooDeep}` });
      });
    const ObjectContent = z
      .object({ obj: MoRef, propSet: z.array(DynamicProperty).optional(), missingSet: z.array(z.object({ path: z.string(), fault: z.unknown() }).passthrough()).optional() })
      .passthrough();
    const RetrieveResult = z.object({ token: z.string().optional(), objects: z.array(ObjectContent) }).passthrough();
    const PropertyChange = z
      .object({ name: z.string(), op: z.string(), val: z.unknown().optional() })
      .passthrough()
      .superRefine((change, context) => {
        if (nestsDeeperThan(change.val, MAX_VALUE_DEPTH)) context.addIssue({ code: "custom", path: ["val"], message: `the value of ${change.name} ${tooDeep}` });
      });
    const MissingProperty = z.object({ path: z.string() }).passthrough();
    const ObjectUpdate = z.object({ kind: z.string(), obj: MoRef, changeSet: z.array(PropertyChange).optional(), missingSet: z.array(MissingProperty).optional() }).passthrough();
    const MissingObject = z.object({ obj: MoRef }).passthrough();
    const PropertyFilterUpdate = z.object({ filter: MoRef, objectSet: z.array(ObjectUpdate).optional(), missingSet: z.array(MissingObject).optional() }).passthrough();
    const UpdateSet = z.object({ version: z.string(), filterSet: z.array(PropertyFilterUpdate).optional(), truncated: z.boolean().optional() }).passthrough();
    const ReleaseHello = z.object({ api_release: z.string() }).passthrough();
    // FaultToleranceConfigInfo: role 1 is the primary; FaultToleranceSecondaryConfigInfo adds primaryVM.
    const FaultToleranceConfigInfo = z.object({ _typeName: z.string().optional(), role: z.number().int(), primaryVM: MoRef.optional() }).passthrough();
    return { MoRef, MethodFault, ServiceContent, UserSession, TaskInfo, RetrieveResult, UpdateSet, ReleaseHello, LocalizableMessage, FaultToleranceConfigInfo };
  });
}

type Schemas = ReturnType<typeof vimSchemas>;
export type TaskInfo = z.infer<Schemas["TaskInfo"]>;
export type ServiceContent = z.infer<Schemas["ServiceContent"]>;
export type RetrieveResult = z.infer<Schemas["RetrieveResult"]>;
export type UpdateSet = z.infer<Schemas["UpdateSet"]>;
export type ObjectUpdate = NonNullable<NonNullable<UpdateSet["filterSet"]>[number]["objectSet"]>[number];
export type MethodFaultBody = z.infer<Schemas["MethodFault"]>;
export type FaultToleranceConfigInfo = z.infer<Schemas["FaultToleranceConfigInfo"]>;
