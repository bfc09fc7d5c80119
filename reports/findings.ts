// Plain-text rendering of findings, shared by the console and JUnit reporters.
import type { Finding, ScenarioResult, SourceLocation } from "../simulator/results.ts";

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** "where" of a finding: file:line:col, the step, or "" when neither is known. */
export function findingWhere(f: Finding): string {
  const parts: string[] = [];
  if (f.location) parts.push(formatLocation(f.location));
  if (f.step !== undefined) parts.push(`step ${f.step + 1}`);
  return parts.join(", ");
}

function indentBlock(text: string, pad: string): string {
  return text.split("\n").map((l, i) => (i === 0 ? l : pad + l)).join("\n");
}

/** Multi-line text: "[check] message", then expected/actual and where. */
export function formatFinding(f: Finding, pad = "  "): string {
  const lines = [`[${f.check}] ${f.message}`];
  const labelPad = pad + " ".repeat(10);
  if (f.expected !== undefined) lines.push(`${pad}expected: ${indentBlock(f.expected, labelPad)}`);
  if (f.actual !== undefined) lines.push(`${pad}actual:   ${indentBlock(f.actual, labelPad)}`);
  const where = findingWhere(f);
  if (where) lines.push(`${pad}at ${where}`);
  return lines.join("\n");
}

export function formatFindings(result: ScenarioResult): string {
  return result.findings.map((f) => formatFinding(f)).join("\n\n");
}
