import type { Step } from "../engine/engine";

const SYMBOLS: Record<Step["op"], string> = {
  create: "+ ",
  update: "~ ",
  replace: "+-",
  delete: "- ",
  same: "  ",
  "refresh-same": "  ",
  "refresh-update": "~ ",
  "refresh-delete": "- ",
  failed: "! ",
};

const WORDS: Record<Step["op"], string> = {
  create: "create",
  update: "update",
  replace: "replace",
  delete: "delete",
  same: "same",
  "refresh-same": "unchanged",
  "refresh-update": "drift: outputs changed",
  "refresh-delete": "gone: removed from state",
  failed: "failed",
};

/** Renders steps the way `pulumi preview` lists them: symbol, type, name, operation, changed properties. */
export function renderSteps(steps: Step[]): string {
  const typeWidth = Math.max(...steps.map((s) => s.type.length), 4);
  const nameWidth = Math.max(...steps.map((s) => s.resource.length), 4);
  const lines = steps.map((step) => {
    const detail =
      step.op === "failed"
        ? step.error ?? ""
        : step.replaces && step.replaces.length > 0
          ? `[replace because of: ${step.replaces.join(", ")}]`
          : step.changed.length > 0 && step.op !== "create"
            ? `[${step.changed.join(", ")}]`
            : "";
    return `    ${SYMBOLS[step.op]} ${step.type.padEnd(typeWidth)}  ${step.resource.padEnd(nameWidth)}  ${WORDS[step.op]}${detail ? `  ${detail}` : ""}`;
  });
  const counts = new Map<string, number>();
  for (const step of steps) counts.set(WORDS[step.op], (counts.get(WORDS[step.op]) ?? 0) + 1);
  const summary = [...counts].map(([word, count]) => `${count} ${word}`).join(", ");
  return `${lines.join("\n")}\n    Resources: ${summary}`;
}
