/**
 * What a registered VI/JSON method is: managed object type, name, privilege (reported in NotAuthenticated) and whether
 * it needs a session. The router looks methods up by `MoType/name`; the handler files declare them with `defineMethod`
 * (defineMethod.ts, which adds the body rule). This file stays free of zod: the twin's public types reach it.
 * A handler returns `undefined` for 204 No Content, an `HttpAnswer` when it needs headers, anything else for 200 JSON.
 */
import type { SimRequest } from "../../common/httpServer";
import { requireEntity } from "../model/inventoryTree";
import type { EntityRef } from "../model/stateTypes";
import type { VsphereWorld } from "../model/world";
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

/** The inventory entity a MoRef argument names. */
export function entityOf(ref: MoRef): EntityRef {
  return { type: ref.type, id: ref.value };
}

/** A MoRef argument must name an entity of the expected type (one of them, when several) that exists. Returns its id. */
export function expectMoRef(world: VsphereWorld, ref: MoRef, expectedType: string | string[], argument: string): string {
  return requireEntity(world, entityOf(ref), expectedType, argument);
}
