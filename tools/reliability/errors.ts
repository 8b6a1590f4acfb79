/**
 * Is an error one a user can act on? It must be one of the provider's typed errors, carry the operation that failed,
 * name the object (by id or name, in the message the user sees), say why (a message beyond the object's name), and
 * contain no credential (password, session id, token) anywhere: message, stack, partial-failure properties, causes.
 */
import type { StateRecord, Target } from "./model";

const KINDS = ["validation", "configuration", "authentication", "not-found", "conflict", "server", "connection", "timeout", "cancelled", "vendor-fault", "partial"];

/** A preview/apply `check` that returned failures: what the engine shows the user instead of running the operation. */
export class CheckFailures extends Error {
  readonly kind = "validation";
  override readonly name = "CheckFailures";
  constructor(
    readonly operation: string,
    readonly failures: Array<{ property: string; reason: string }>,
  ) {
    super(failures.map((failure) => (failure.reason.startsWith(`${failure.property}:`) ? failure.reason : `${failure.property}: ${failure.reason}`)).join("; "));
  }
}

function field(error: unknown, key: string): unknown {
  return error && typeof error === "object" ? (error as Record<string, unknown>)[key] : undefined;
}

/** Every text reachable from the error: message, stack, properties, causes (depth-limited). */
function texts(error: unknown, depth = 0): string[] {
  if (depth > 4 || error === undefined || error === null) return [];
  if (typeof error !== "object") return [String(error)];
  const found: string[] = [];
  for (const key of ["message", "stack"]) {
    const value = field(error, key);
    if (typeof value === "string") found.push(value);
  }
  const properties = field(error, "properties");
  if (properties !== undefined) found.push(JSON.stringify(properties));
  const reasons = field(error, "reasons");
  if (Array.isArray(reasons)) found.push(reasons.join("\n"));
  return [...found, ...texts(field(error, "cause"), depth + 1)];
}

export function firstLine(error: unknown): string {
  const name = String(field(error, "name") ?? "Error");
  const message = String(field(error, "message") ?? error);
  return `${name}: ${message.split("\n")[0]}`;
}

/** Problems with an error the user would see (empty: clear and safe). */
export function judgeError(error: unknown, target: Target, records: StateRecord[], secrets: string[]): string[] {
  const problems: string[] = [];
  const kind = field(error, "kind");
  const message = field(error, "message");
  if (typeof kind !== "string" || !KINDS.includes(kind) || typeof message !== "string") {
    problems.push(`untyped error: ${firstLine(error)}`);
    return problems;
  }
  const operation = field(error, "operation");
  if (typeof operation !== "string" || operation.trim() === "") problems.push(`error names no operation: ${firstLine(error)}`);
  const names = [...target.names, ...records.map((record) => record.id)].filter((name) => name.length > 0);
  const object = field(error, "object");
  const named = names.some((name) => message.includes(name));
  if (!named) problems.push(`error message does not name the object (${target.names.join(" / ")})${typeof object === "string" ? ` (object field: ${object})` : ""}: ${firstLine(error)}`);
  const stripped = names.reduce((text, name) => text.split(name).join(""), message).replace(/[^A-Za-z]/g, "");
  if (stripped.length < 20) problems.push(`error message gives no cause: ${firstLine(error)}`);
  for (const text of texts(error)) {
    for (const secret of secrets) {
      if (secret.length >= 8 && text.includes(secret)) problems.push(`credential leaked in an error (${secret.slice(0, 3)}…): ${firstLine(error)}`);
    }
  }
  return [...new Set(problems)];
}
