import { z } from "zod";
import { memo } from "../runtime";

/** zod schemas of the VI/JSON shapes the client reads. Built at run time (zod instances cannot be serialized). */
export function vimSchemas() {
  return memo("vsphere.schemas", () => {
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
    const DynamicProperty = z.object({ name: z.string(), val: z.unknown() }).passthrough();
    const ObjectContent = z
      .object({ obj: MoRef, propSet: z.array(DynamicProperty).optional(), missingSet: z.array(z.object({ path: z.string(), fault: z.unknown() }).passthrough()).optional() })
      .passthrough();
    const RetrieveResult = z.object({ token: z.string().optional(), objects: z.array(ObjectContent) }).passthrough();
    const PropertyChange = z.object({ name: z.string(), op: z.string(), val: z.unknown().optional() }).passthrough();
    const ObjectUpdate = z.object({ kind: z.string(), obj: MoRef, changeSet: z.array(PropertyChange).optional() }).passthrough();
    const PropertyFilterUpdate = z.object({ filter: MoRef, objectSet: z.array(ObjectUpdate).optional() }).passthrough();
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
export type MethodFaultBody = z.infer<Schemas["MethodFault"]>;
export type FaultToleranceConfigInfo = z.infer<Schemas["FaultToleranceConfigInfo"]>;
