import type { PropertyDiff, Step } from "../engine/engine";

/**
 * The text the Pulumi CLI prints for a command's result: the resource tree under the stack (symbol, type, name,
 * plan or status, `[diff: …]` info), the stack's `Outputs:` after an update, the `Resources:` summary and, for
 * anything but a preview, `Duration:`. Built from the steps the engine harness took; nothing is shown that the CLI
 * would not show.
 */

export type Command = "preview" | "up" | "refresh" | "destroy";

export interface CommandResult {
  command: Command;
  project: string;
  stack: string;
  steps: Step[];
  /** Whether the stack existed before the command (the first `up` creates its `pulumi:pulumi:Stack`). */
  stackExisted: boolean;
  /** The stack outputs after an `up`, and before it (to mark what changed). */
  outputs?: { before?: Record<string, unknown>; after: Record<string, unknown> };
  durationMs: number;
}

type Kind = "create" | "update" | "replace" | "delete" | "same" | "failed";

const SYMBOL: Record<Kind, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: "", failed: "" };
const PLAN: Record<Kind, string> = { create: "create", update: "update", replace: "replace", delete: "delete", same: "", failed: "" };
const STATUS: Record<Kind, string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "", failed: "**failed**" };
const TITLE: Record<Command, string> = { preview: "Previewing update", up: "Updating", refresh: "Refreshing", destroy: "Destroying" };

/** What the CLI makes of a step: a refresh shows an update only where the provider's Diff still finds one. */
function kindOf(step: Step): Kind {
  switch (step.op) {
    case "refresh-same":
      return "same";
    case "refresh-update":
      return step.drifted ? "update" : "same";
    case "refresh-delete":
      return "delete";
    default:
      return step.op;
  }
}

/** `[diff: +a ~b -c]`, the keys sorted in each group, as the CLI writes it; empty without differences. */
export function diffInfo(diff: PropertyDiff | undefined): string {
  if (!diff) return "";
  const groups = [
    ["+", diff.adds],
    ["-", diff.deletes],
    ["~", diff.updates],
  ] as const;
  const parts = groups.filter(([, keys]) => keys.length > 0).map(([symbol, keys]) => `${symbol}${[...keys].sort().join(",")}`);
  return parts.length > 0 ? `[diff: ${parts.join(" ")}]` : "";
}

interface Row {
  symbol: string;
  type: string;
  name: string;
  plan: string;
  info: string;
}

function rows(result: CommandResult): Row[] {
  const label = result.command === "preview" ? PLAN : STATUS;
  const kinds = result.steps.map(kindOf);
  const stackKind: Kind = result.command === "destroy" ? "delete" : result.stackExisted ? "same" : "create";
  const stackRow: Row = { symbol: SYMBOL[stackKind], type: "pulumi:pulumi:Stack", name: `${result.project}-${result.stack}`, plan: label[stackKind], info: "" };
  const children = result.steps.map((step, index): Row => {
    const kind = kinds[index]!;
    const branch = index === result.steps.length - 1 ? "└─ " : "├─ ";
    const info = kind === "failed" ? "1 error" : kind === "update" || kind === "replace" ? diffInfo(step.diff) : "";
    return { symbol: SYMBOL[kind], type: `${branch}pulumi-nodejs:dynamic/${step.type}`, name: step.resource, plan: label[kind], info };
  });
  return [stackRow, ...children];
}

function table(result: CommandResult): string[] {
  const all = rows(result);
  const typeWidth = Math.max(4, ...all.map((row) => row.type.length));
  const nameWidth = Math.max(4, ...all.map((row) => row.name.length));
  const planWidth = Math.max(6, ...all.map((row) => row.plan.length));
  const withInfo = all.some((row) => row.info !== "");
  const line = (symbol: string, type: string, name: string, plan: string, info: string): string =>
    ` ${symbol.padEnd(3)} ${type.padEnd(typeWidth)}  ${name.padEnd(nameWidth)}  ${withInfo ? `${plan.padEnd(planWidth)}  ${info}` : plan}`.trimEnd();
  return [line("", "Type", "Name", result.command === "preview" ? "Plan" : "Status", withInfo ? "Info" : ""), ...all.map((row) => line(row.symbol, row.type, row.name, row.plan, row.info))];
}

function summary(result: CommandResult): string[] {
  const counts = new Map<Kind, number>();
  const stackKind: Kind = result.command === "destroy" ? "delete" : result.stackExisted ? "same" : "create";
  for (const kind of [stackKind, ...result.steps.map(kindOf)]) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const preview = result.command === "preview";
  const phrase: Record<Exclude<Kind, "same" | "failed">, string> = preview
    ? { create: "to create", update: "to update", replace: "to replace", delete: "to delete" }
    : { create: "created", update: "updated", replace: "replaced", delete: "deleted" };
  const lines: string[] = [];
  for (const kind of ["create", "update", "replace", "delete"] as const) {
    const count = counts.get(kind);
    if (count) lines.push(`    ${SYMBOL[kind].padEnd(2)}${count} ${phrase[kind]}`);
  }
  if (counts.get("failed")) lines.push(`    ${counts.get("failed")} errored`);
  if (counts.get("same")) lines.push(`    ${counts.get("same")} unchanged`);
  return ["Resources:", ...lines];
}

/** Go's time.Duration, rounded to the second, as the CLI prints it: 3s, 1m5s. */
export function cliDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${seconds % 60}s` : `${seconds}s`;
}

function literal(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? "undefined";
}

/** One property the way the CLI prints a stack output: `name: "value"`, arrays and objects spread over lines. */
function property(name: string, value: unknown, indent: string, width: number, marker = "  ", before?: unknown): string[] {
  const title = `${indent}${marker}${name.padEnd(width)}: `;
  const changed = before !== undefined && JSON.stringify(before) !== JSON.stringify(value);
  if (Array.isArray(value)) {
    const lines = [`${title}[`];
    value.forEach((item, index) => {
      const old = Array.isArray(before) ? before[index] : undefined;
      const itemChanged = changed && JSON.stringify(old) !== JSON.stringify(item);
      lines.push(...property(`[${index}]`, item, `${indent}    `, 0, itemChanged ? "~ " : "  ", itemChanged ? old : undefined));
    });
    lines.push(`${indent}  ]`);
    return lines;
  }
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    const inner = Math.max(0, ...keys.map((key) => key.length));
    const lines = [`${title}{`];
    for (const key of keys) lines.push(...property(key, (value as Record<string, unknown>)[key], `${indent}    `, inner));
    lines.push(`${indent}  }`);
    return lines;
  }
  return [`${title}${changed ? `${literal(before)} => ${literal(value)}` : literal(value)}`];
}

/** `Outputs:` with every stack output, the ones that changed since the last update marked `~`. */
export function outputsBlock(outputs: { before?: Record<string, unknown>; after: Record<string, unknown> }): string[] {
  const keys = Object.keys(outputs.after).sort();
  const width = Math.max(0, ...keys.map((key) => key.length));
  const lines = ["Outputs:"];
  for (const key of keys) {
    const before = outputs.before?.[key];
    const changed = outputs.before !== undefined && JSON.stringify(before) !== JSON.stringify(outputs.after[key]);
    lines.push(...property(key, outputs.after[key], "  ", width, changed ? "~ " : "  ", changed ? before : undefined));
  }
  return lines;
}

function diagnostics(result: CommandResult): string[] {
  const failed = result.steps.filter((step) => step.op === "failed");
  if (failed.length === 0) return [];
  const lines = ["Diagnostics:"];
  for (const step of failed) lines.push(`  pulumi-nodejs:dynamic/${step.type} (${step.resource}):`, `    error: ${step.error ?? "failed"}`, "");
  return lines;
}

export function renderCommand(result: CommandResult): string {
  const lines = [`${TITLE[result.command]} (${result.stack})`, "", ...table(result), "", ...diagnostics(result)];
  if (result.outputs) lines.push(...outputsBlock(result.outputs), "");
  lines.push(...summary(result));
  if (result.command !== "preview") lines.push("", `Duration: ${cliDuration(result.durationMs)}`);
  return lines.join("\n");
}
