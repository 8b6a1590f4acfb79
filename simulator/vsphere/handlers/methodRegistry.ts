/**
 * How a VI/JSON method is declared: managed object type, name, body rule (requestBodies.ts), privilege (reported in
 * NotAuthenticated) and whether it needs a session. The router looks methods up by `MoType/name`; the handler files
 * declare them.
 * A handler returns `undefined` for 204 No Content, an `HttpAnswer` when it needs headers, anything else for 200 JSON.
 */
import type { SimRequest } from "../../common/httpServer";
import { requireEntity } from "../model/inventoryTree";
import type { EntityRef } from "../model/stateTypes";
import type { VsphereWorld } from "../model/world";
import { parseBody, type BodyRule, type MoRefInput } from "../requestBodies";
import type { Session } from "../sessions";
import type { MoRef } from "../wire";

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

/** The inventory entity a MoRef argument names. */
export function entityOf(ref: MoRef | MoRefInput): EntityRef {
  return { type: ref.type, id: ref.value };
}

/** A MoRef argument must name an entity of the expected type (one of them, when several) that exists. Returns its id. */
export function expectMoRef(world: VsphereWorld, ref: MoRef | MoRefInput, expectedType: string | string[], argument: string): string {
  return requireEntity(world, entityOf(ref), expectedType, argument);
}
