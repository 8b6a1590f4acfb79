/** Plain-text and Markdown tables for the bench output. */

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Lines printed under the table (what a column means, what was left out). */
  notes?: string[];
}

/** A Markdown table: readable in a terminal and pasteable into the README as it is. */
export function renderTable(table: Table): string {
  const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  const separator = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  const out = [`### ${table.title}`, "", line(table.headers), separator, ...table.rows.map((row) => line(table.headers.map((_, column) => row[column] ?? "")))];
  if (table.notes && table.notes.length > 0) out.push("", ...table.notes.map((note) => `- ${note}`));
  return out.join("\n");
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes.toFixed(0)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
