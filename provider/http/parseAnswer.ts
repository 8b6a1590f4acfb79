import type { z } from "zod";
import { ServerError, type ErrorContext } from "../errors";

/** Parses a server answer with zod; a shape the client does not understand is a ServerError naming the first mismatch. */
export function parseAnswer<T>(schema: z.ZodType<T>, raw: unknown, context: ErrorContext): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join(".")}` : "";
  throw new ServerError(
    `${context.operation}${context.object ? ` on ${context.object}` : ""}: the server answered with an unexpected shape${where}: ${issue?.message ?? "invalid"}.`,
    200,
    context,
  );
}
