/**
 * Declares a VI/JSON method with its body rule (requestBodies.ts): the body is parsed, and refused with InvalidRequest,
 * before the handler runs. Kept apart from methodRegistry.ts so that the zod behind the rules stays out of the twin's
 * public types.
 */
import { parseBody, type BodyRule } from "../requestBodies";
import type { Session } from "../sessions";
import type { MethodCall, RegisteredMethod } from "./methodRegistry";

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
