import { z } from "zod";
import type { SimReply, SimRequest } from "./exchange";

/**
 * Parses the JSON body of an admin request with a strict zod object schema. An empty body counts as `{}`. A body that is
 * not JSON, not an object, has a field of the wrong type or a field the route does not know is refused with one message
 * that names the field and what is allowed (the caller answers it as HTTP 400).
 */
export type AdminBodyResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseAdminBody<T>(schema: z.ZodType<T>, bodyText: string): AdminBodyResult<T> {
  let parsed: unknown;
  try {
    parsed = bodyText.trim() === "" ? {} : JSON.parse(bodyText);
  } catch {
    return { ok: false, error: "the body is not JSON: send a JSON object" };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: result.error.issues.map((issue) => describeIssue(issue, schema)).join("; ") };
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType): string {
  const field = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const names = issue.keys.map((key) => `"${key}"`).join(", ");
    const allowed = fieldsAt(schema, issue.path);
    const known = allowed.length === 0 ? "this route takes no body fields" : `allowed fields: ${allowed.join(", ")}`;
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${names}${field ? ` in "${field}"` : ""} (${known})`;
  }
  const detail = issue.message.replace(/^Invalid (input|option): /, "");
  if (field === "") return `the body must be a JSON object (${detail})`;
  return `field "${field}": ${detail}`;
}

/** The body of a route that takes none: empty, or `{}`. */
export const noBodySchema = z.strictObject({});

/** An admin route whose body is parsed with `schema` first: a bad body is answered 400 and `run` is not called. */
export function withBody<T>(schema: z.ZodType<T>, run: (body: T, request: SimRequest) => SimReply): (request: SimRequest) => SimReply {
  return (request) => {
    const body = parseAdminBody(schema, request.bodyText);
    return body.ok ? run(body.value, request) : { status: 400, body: { error: body.error } };
  };
}

/** The field names of the object schema found at `path` (through optional, nullable, lazy and transformed wrappers). */
function fieldsAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (let step = 0; current !== undefined; ) {
    const def = current._zod.def as z.core.$ZodTypeDef & {
      shape?: Record<string, z.core.$ZodType>;
      innerType?: z.core.$ZodType;
      getter?: () => z.core.$ZodType;
      in?: z.core.$ZodType;
    };
    if (def.innerType) current = def.innerType;
    else if (def.getter) current = def.getter();
    else if (def.type === "pipe" && def.in) current = def.in;
    else if (def.shape && step < path.length) current = def.shape[String(path[step++])];
    else return def.shape ? Object.keys(def.shape) : [];
  }
  return [];
}
