import type { SimReply, SimRequest } from "../common/httpServer";

/** Request-body helpers with ASP.NET's binding rules: form bodies (urlencoded or multipart), case-insensitive JSON members. */

export function contentType(request: SimRequest): string {
  return String(request.headers["content-type"] ?? "").toLowerCase();
}

/** Form fields of an `application/x-www-form-urlencoded` or `multipart/form-data` body; undefined for other types. */
export function formFields(request: SimRequest): Record<string, string> | undefined {
  const type = contentType(request);
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(request.bodyText));
  }
  if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(String(request.headers["content-type"]));
    const marker = boundary?.[1] ?? boundary?.[2];
    if (!marker) return undefined;
    const fields: Record<string, string> = {};
    for (const part of request.bodyText.split(`--${marker}`)) {
      const separator = part.search(/\r?\n\r?\n/);
      if (separator < 0) continue;
      const head = part.slice(0, separator);
      const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
      if (name === undefined) continue;
      const body = part.slice(separator).replace(/^\r?\n\r?\n/, "").replace(/\r?\n$/, "");
      fields[name] = body;
    }
    return fields;
  }
  return undefined;
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; reply: SimReply };

/** The JSON body; 415 for another content type, 400 for malformed JSON (ASP.NET's answers). */
export function jsonBody(request: SimRequest, required: boolean): JsonParse {
  if (request.bodyText.trim() === "") {
    return required ? { ok: false, reply: badRequest("A non-empty request body is required.") } : { ok: true, value: undefined };
  }
  const type = contentType(request);
  if (!type.startsWith("application/json") && !type.startsWith("text/json") && !/\+json/.test(type)) {
    return { ok: false, reply: { status: 415, body: { title: "Unsupported Media Type", status: 415 } } };
  }
  try {
    return { ok: true, value: JSON.parse(request.bodyText) };
  } catch {
    return { ok: false, reply: badRequest("The request body is not valid JSON.") };
  }
}

/** Case-insensitive member lookup (Json.NET / System.Text.Json with case-insensitive binding). */
export function member(value: unknown, name: string): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const lower = name.toLowerCase();
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) if (key.toLowerCase() === lower) return inner;
  return undefined;
}

/** A DateTime the way .NET parses it: ISO 8601 and the like; undefined when absent/null, "invalid" when unparsable. */
export function dateMember(value: unknown): string | null | "invalid" {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) return "invalid";
  return value;
}

export function badRequest(message: string): SimReply {
  return { status: 400, body: { message, errorCode: "BadRequest" } };
}

export function notFound(message: string): SimReply {
  return { status: 404, body: { message, errorCode: "NotFound" } };
}

export function unauthorized(): SimReply {
  return {
    status: 401,
    body: { message: "Authorization has been denied for this request. The authorization header has been expected but not found (or found but expired)." },
    headers: { "www-authenticate": "Bearer" },
  };
}

/** Splits a path into decoded segments. */
export function segments(path: string): string[] {
  return path
    .split("/")
    .filter((part) => part !== "")
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
}
