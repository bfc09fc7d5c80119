// The reviewed-survivor lists (test/mutation/equivalent.md, NEEDS-SCENARIO.md) as data: one entry
// per line, `- file:line · Mutator · "original" → "replacement" · why`. Read by the mutation
// review (test/mutation/review.ts) and by the HTML report, which shows each survivor's reason.
import { readFileSync } from "node:fs";
import type { MutantRef } from "./mutation-summary.ts";

/** One reviewed survivor. */
export interface ReviewEntry {
  file: string;
  line: number;
  mutator: string;
  original: string;
  replacement: string;
  why: string;
  /** Where the entry is written (list file and line), for error messages. */
  at: string;
}

const ENTRY = /^- (\S+?):(\d+) · (\w+) · ("(?:[^"\\]|\\.)*") → ("(?:[^"\\]|\\.)*") · (.+)$/;

/** Reads the entries of a review list (other lines are prose and ignored). */
export function parseReviewList(text: string, name: string): { entries: ReviewEntry[]; errors: string[] } {
  const entries: ReviewEntry[] = [];
  const errors: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.startsWith("- engine/")) return;
    const m = ENTRY.exec(line);
    if (!m) {
      errors.push(`${name}:${i + 1}: not an entry (want: - file:line · Mutator · "original" → "replacement" · why)`);
      return;
    }
    entries.push({
      file: m[1]!,
      line: Number(m[2]),
      mutator: m[3]!,
      original: JSON.parse(m[4]!) as string,
      replacement: JSON.parse(m[5]!) as string,
      why: m[6]!,
      at: `${name}:${i + 1}`,
    });
  });
  return { entries, errors };
}

export function readReviewList(path: string): { entries: ReviewEntry[]; errors: string[] } {
  return parseReviewList(readFileSync(path, "utf8"), path);
}

/** Whitespace-insensitive, so a long replaced block can be written on one line. */
export const flat = (s: string) => s.replace(/\s+/g, " ").trim();

export function entryMatches(e: ReviewEntry, m: MutantRef): boolean {
  return (
    e.file === m.file &&
    e.line === m.line &&
    e.mutator === m.mutator &&
    flat(e.original) === flat(m.original) &&
    flat(e.replacement) === flat(m.replacement)
  );
}

/** The entry line for a mutant, in the lists' format. */
export function entryLine(m: MutantRef, why = "WHY"): string {
  return `- ${m.file}:${m.line} · ${m.mutator} · ${JSON.stringify(flat(m.original))} → ${JSON.stringify(flat(m.replacement))} · ${why}`;
}
