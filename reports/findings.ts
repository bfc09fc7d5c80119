// Plain-text rendering of findings, shared by the console and JUnit reporters: the field
// difference first, then the stanza pretty-printed, push listings as one summary line per push
// with the true count, every value cut to the sizes the caller gives (a CI log stays readable).
import type { Finding, ScenarioResult, SourceLocation } from "../simulator/results.ts";
import { clipLines, clipWidth, pairFieldDiff, prettyStanzas, readableValue, splitFieldDiff, type ReadableOptions } from "./stanza-text.ts";

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

export interface FindingTextOptions extends ReadableOptions {
  /** Lines kept of a pretty-printed stanza. */
  stanzaLines?: number;
}

/** Generous sizes, for files (JUnit): everything a reader needs, nothing a CI tool chokes on. */
export const FULL_TEXT: FindingTextOptions = { maxPushes: 100, maxLines: 400, width: 400, stanzaLines: 200 };

/** Multi-line text: "[check] message", the field difference or expected/actual, then where. */
export function formatFinding(f: Finding, pad = "  ", opts: FindingTextOptions = {}): string {
  const lines = [`[${f.check}] ${f.message}`];
  const fieldDiff = splitFieldDiff(f.actual);
  if (fieldDiff) {
    // push-content: which fields differ, then the push they were read from.
    for (const l of pairFieldDiff(f.expected, fieldDiff.fields)) lines.push(pad + clipWidth(l, opts.width ?? 160));
    const stanza = clipLines(prettyStanzas(fieldDiff.stanza).split("\n").map((l) => clipWidth(l, opts.width ?? 160)).join("\n"), opts.stanzaLines ?? 16);
    lines.push(`${pad}the push:`, ...stanza.split("\n").map((l) => `${pad}  ${l}`));
  } else {
    const labelPad = pad + " ".repeat(10);
    if (f.expected !== undefined) lines.push(`${pad}expected: ${indentBlock(readableValue(f.expected, opts), labelPad)}`);
    if (f.actual !== undefined) lines.push(`${pad}actual:   ${indentBlock(readableValue(f.actual, opts), labelPad)}`);
  }
  const where = findingWhere(f);
  if (where) lines.push(`${pad}at ${where}`);
  return lines.join("\n");
}

export function formatFindings(result: ScenarioResult, opts: FindingTextOptions = FULL_TEXT): string {
  return result.findings.map((f) => formatFinding(f, "  ", opts)).join("\n\n");
}
