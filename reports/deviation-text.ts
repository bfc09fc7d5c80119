// Declared deviations in words: what the scenario expects, what the target's declaration says it
// does instead, and what this run observed. The evidence carries step arguments as JSON and the
// observation as the check's own text; these helpers make both short and comparable.
import type { DeviationEvidence } from "../simulator/results.ts";
import { clipWidth, parsePushListing, pushSummary, readableValue } from "./stanza-text.ts";

/** Flattens step arguments to "key: value" lines, nested keys joined with dots ("match.body: …"). */
export function argLines(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.split("\n");
  }
  if (value === null || typeof value !== "object") return [text];
  const lines: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== "object")) lines.push(`${path}: [${v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(", ")}]`);
      else v.forEach((x, i) => walk(x, `${path}[${i + 1}]`));
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) lines.push(`${path}: {}`);
      for (const [k, x] of entries) walk(x, path ? `${path}.${k}` : k);
    } else {
      lines.push(`${path}: ${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
    }
  };
  walk(value, "");
  return lines;
}

/** The same on one line: "count: 1, within: "2s", match.body: "New Message!"". */
export function argsInline(text: string): string {
  return argLines(text).join(", ");
}

/** The observation on one line: "1 push in 2.003 s: node=n1 message-count=1 …" or its first line. */
export function observedInline(text: string, width = 200): string {
  const listing = parsePushListing(text);
  if (listing) {
    const first = listing.pushes[0];
    const noun = `${listing.count} push${listing.count === 1 ? "" : "es"}`;
    if (!first) return noun;
    if (listing.pushes.length === 1) return clipWidth(`${noun}: ${pushSummary(first, { offset: false })}`, width);
    // Several: which nodes they went to (in order), then what the first carried.
    const nodes = listing.pushes.map((p) => p.node ?? "-");
    return clipWidth(`${noun} to nodes ${nodes.join(", ")}; the first: ${pushSummary(first, { offset: false, node: false })}`, width);
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return clipWidth(lines[0] ?? "(nothing recorded)", width) + (lines.length > 1 ? ` (+${lines.length - 1} lines)` : "");
}

/** Expected vs observed in one line, for the console. */
export function deviationLine(d: DeviationEvidence, width = 220): string {
  return clipWidth(`expected ${argsInline(d.expected)} · observed ${observedInline(d.observed)}`, width);
}

/** Multi-line readable forms of the three sides (HTML report, JUnit output). */
export function deviationSides(d: DeviationEvidence): { expected: string; declared: string; observed: string } {
  return {
    expected: argLines(d.expected).join("\n"),
    declared: argLines(d.declared).join("\n"),
    observed: readableValue(d.observed, { maxPushes: 50, maxLines: 400, width: 400 }),
  };
}

/** Where a declaration was written and what backs it: "file:line · observed on … · link". */
export function declarationWhere(d: DeviationEvidence): string {
  const s = d.source;
  return [
    `${s.file}:${s.line}`,
    s.observedOn.length ? `observed on ${s.observedOn.join("; ")}` : "",
    s.xep ? `XEP-0357: ${s.xep === "none" ? "no requirement violated" : s.xep}` : "",
    s.link ?? "",
  ].filter(Boolean).join(" · ");
}
