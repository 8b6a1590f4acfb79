/**
 * How a VI/JSON method is declared: managed object type, name, body rule (requestBodies.ts), privilege (reported in
 * NotAuthenticated) and whether it needs a session. The router looks methods up here; the operation files declare them.
 * A handler returns `undefined` for 204 No Content, an `HttpAnswer` when it needs headers, anything else for 200 JSON.
 */
import type { SimRequest } from "../common/httpServer";
import { faults, VimFaultError } from "./faults";
import { parseBody, type BodyRule } from "./requestBodies";
import type { Session } from "./sessions";
import { startTask, type TaskSpec } from "./tasks";
import type { MoRef } from "./wire";
import type { VsphereWorld } from "./world";

export interface CallContext {
  world: VsphereWorld;
  /** Present on every method that requires a session (the router checked it). */
  session: Session | undefined;
  moType: string;
  moId: string;
  request: SimRequest;
}

export interface MethodCall<B> extends CallContext {
  session: Session;
  body: B;
}

export class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface RegisteredMethod {
  moType: string;
  name: string;
  privilege: string;
  /** Callable without a session (Login, RetrieveServiceContent). */
  anonymous: boolean;
  invoke(context: CallContext): unknown;
}

export function defineMethod<B>(
  moType: string,
  name: string,
  options: { body: BodyRule<B>; privilege: string; anonymous?: boolean },
  run: (call: MethodCall<B>) => unknown,
): RegisteredMethod {
  return {
    moType,
    name,
    privilege: options.privilege,
    anonymous: options.anonymous ?? false,
    invoke: (context) => {
      const body = parseBody(options.body, context.request.bodyText, name);
      if (!context.session && !options.anonymous) throw new Error(`${name} reached without a session`);
      return run({ ...context, session: context.session as Session, body });
    },
  };
}

/**
 * Starts a task after its preconditions: TaskInProgress is always the HTTP answer; other precondition faults are the
 * HTTP answer too, or (world.preconditionFaults = "task") the error of a task created anyway.
 */
export function startCheckedTask(world: VsphereWorld, spec: TaskSpec, precheck: () => void): MoRef {
  if (spec.lockVmId) world.taskRunner.assertVmFree(spec.lockVmId);
  try {
    precheck();
  } catch (error) {
    if (error instanceof VimFaultError && world.preconditionFaults === "task") return startTask(world, { ...spec, presetError: error.body });
    throw error;
  }
  return startTask(world, spec);
}

/** A MoRef argument must name an object of the expected type that exists. */
export function expectMoRef(world: VsphereWorld, ref: MoRef | { type: string; value: string }, expectedType: string, argument: string): string {
  if (ref.type !== expectedType) throw faults.invalidArgument(argument, `${argument} must refer to a ${expectedType}, not a ${ref.type}.`);
  if (!world.exists(ref.type, ref.value)) throw faults.managedObjectNotFound({ _typeName: "ManagedObjectReference", type: ref.type, value: ref.value });
  return ref.value;
}
