import { ServerError } from "../errors";
import { withRetry } from "../http/retry";
import { send } from "../http/transport";
import * as connections from "./connection";
import { errorForResponse } from "./faults";
import { describeMoRef, type MoRef } from "./moref";

export interface CallOptions {
  /** False for calls that start something (tasks, guest shutdown): they are repeated only when the server provably did not act. */
  idempotent?: boolean;
  /** Epoch ms: the operation's deadline, which bounds the request and every retry. */
  deadline: number;
  /** Longest time for one request (default: the transport's). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Object named in errors when it is not the MoRef the call is made on (e.g. the VM a PropertyCollector call is about). */
  object?: string;
}

type Target = Pick<MoRef, "type" | "value">;

/** POSTs a VI/JSON method. Returns the parsed JSON answer, or undefined for 204 (void methods). */
export async function invokeMethod(
  connection: connections.VsphereConnection,
  target: Target,
  method: string,
  body: Record<string, unknown> | undefined,
  options: CallOptions,
): Promise<unknown> {
  return call(connection, {
    method: "POST",
    target,
    name: method,
    body: body === undefined ? undefined : JSON.stringify(body),
    idempotent: options.idempotent ?? false,
    options,
  });
}

/** GETs a property of a managed object (`runtime`, `snapshot`, `info`…). Returns the parsed JSON (null stays null). */
export async function getProperty(connection: connections.VsphereConnection, target: Target, property: string, options: CallOptions): Promise<unknown> {
  return call(connection, { method: "GET", target, name: property, body: undefined, idempotent: true, options });
}

interface Call {
  method: "GET" | "POST";
  target: Target;
  name: string;
  body: string | undefined;
  idempotent: boolean;
  options: CallOptions;
}

/** One call with the session header; NotAuthenticated logs in again once (for all concurrent callers) and replays. */
async function call(connection: connections.VsphereConnection, spec: Call): Promise<unknown> {
  const object = spec.options.object ?? describeMoRef(spec.target);
  const path = `/sdk/vim25/${connection.release}/${encodeURIComponent(spec.target.type)}/${encodeURIComponent(spec.target.value)}/${encodeURIComponent(spec.name)}`;
  const once = async (): Promise<unknown> => {
    const response = await send(connection.endpoint, {
      method: spec.method,
      path,
      headers: {
        accept: "application/json",
        "vmware-api-session-id": connection.session.id,
        ...(spec.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: spec.body,
      operation: spec.name,
      object,
      timeoutMs: spec.options.timeoutMs,
      deadline: spec.options.deadline,
      signal: spec.options.signal,
    });
    if (response.status === 200) return parseJsonBody(response.text, spec.name, object, response.status);
    if (response.status === 204) return undefined;
    throw errorForResponse(response, { operation: spec.name, object });
  };
  const attempt = async (): Promise<unknown> => {
    const generation = connection.session.generation;
    try {
      return await once();
    } catch (error) {
      if (!connections.isSessionExpired(error)) throw error;
      // The server refused the call for want of a session: it did not act, so the replay is safe.
      await connections.relogin(connection, generation, spec.options.deadline);
      return once();
    }
  };
  return withRetry(attempt, { idempotent: spec.idempotent, deadline: spec.options.deadline, signal: spec.options.signal });
}

function parseJsonBody(text: string, operation: string, object: string, status: number): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ServerError(`${operation} on ${object}: the server answered ${status} with a body that is not JSON.`, status, { operation, object, delivery: "unknown" });
  }
}
