// Recorded scenario durations per target, to balance shards: from a previous run's report.json
// or results.jsonl (--shard-durations FILE), or from the committed simulator/shard/durations.json
// (written by `npm run durations -- report.json…` from real runs). Keyed by the scenario's key
// (its path under scenarios/), which does not depend on the directory pushlab runs from.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UsageError } from "../exit-codes.ts";
import type { ScenarioResult } from "../results.ts";

export const DURATIONS_SCHEMA = "pushlab-durations/1";
export const BUNDLED_DURATIONS = fileURLToPath(new URL("./durations.json", import.meta.url));

export interface Durations {
  /** Where they came from, for messages and the report's options. */
  source: string;
  /** target → scenario key → ms */
  targets: Record<string, Record<string, number>>;
}

export const NO_DURATIONS: Durations = { source: "none (split by count)", targets: {} };

function fromResults(results: Pick<ScenarioResult, "target" | "key" | "id" | "durationMs">[], source: string): Durations {
  const targets: Record<string, Record<string, number>> = {};
  for (const r of results) {
    if (!(r.durationMs >= 0)) continue; // a skip counts too: it will most likely be skipped again, at no cost
    (targets[r.target] ??= {})[r.key ?? r.id] = Math.round(r.durationMs);
  }
  return { source, targets };
}

/** Reads a durations file, a report.json or a results.jsonl. Throws UsageError when it is none of them. */
export function readDurations(file: string): Durations {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--shard-durations ${file}: cannot read: ${(e as Error).message}`);
  }
  const bad = (why: string) => new UsageError(`--shard-durations ${file}: ${why}`);
  let doc: { schema?: string; targets?: unknown; scenarios?: unknown; type?: string } | undefined;
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    doc = undefined; // not one JSON document: a results.jsonl, perhaps
  }
  if (doc && typeof doc === "object" && doc.type === undefined) {
    if (doc.schema === DURATIONS_SCHEMA) {
      const t = doc.targets as Record<string, Record<string, unknown>>;
      if (!t || typeof t !== "object") throw bad("no targets in it");
      for (const [target, m] of Object.entries(t))
        for (const [key, ms] of Object.entries(m ?? {})) if (typeof ms !== "number" || !(ms >= 0)) throw bad(`${target} › ${key}: not a duration in ms`);
      return { source: file, targets: t as Record<string, Record<string, number>> };
    }
    if (Array.isArray(doc.scenarios)) return fromResults(doc.scenarios as ScenarioResult[], file);
    throw bad(`neither a report.json, a results.jsonl nor a ${DURATIONS_SCHEMA} file`);
  }
  return fromJsonl(text, file, bad);
}

function fromJsonl(text: string, file: string, bad: (why: string) => UsageError): Durations {
  const results: ScenarioResult[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let rec: { type?: string; result?: ScenarioResult };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      if (i >= lines.length - 2) break; // a last line cut short by a dying harness
      throw bad(`line ${i + 1}: not JSON`);
    }
    if (rec.type === "result" && rec.result) results.push(rec.result);
  }
  if (results.length === 0) throw bad("no results in it (neither a report.json, a results.jsonl nor a durations file)");
  return fromResults(results, file);
}

/** --shard-durations FILE, else the bundled durations file, else none. */
export function durationsFor(file: string | undefined): Durations {
  if (file !== undefined) return readDurations(file);
  if (existsSync(BUNDLED_DURATIONS)) return { ...readDurations(BUNDLED_DURATIONS), source: "bundled simulator/shard/durations.json" };
  return NO_DURATIONS;
}

/** The durations file's text: targets and keys sorted, so regenerating gives small diffs. */
export function renderDurations(d: Durations, note: string): string {
  const targets = Object.fromEntries(
    Object.keys(d.targets)
      .sort()
      .map((t) => [t, Object.fromEntries(Object.entries(d.targets[t]!).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))]),
  );
  return JSON.stringify({ schema: DURATIONS_SCHEMA, note, targets }, null, 1) + "\n";
}

/** Several sources into one (later ones win per target and key). */
export function mergeDurations(list: Durations[]): Durations {
  const targets: Record<string, Record<string, number>> = {};
  for (const d of list) for (const [t, m] of Object.entries(d.targets)) Object.assign((targets[t] ??= {}), m);
  return { source: list.map((d) => d.source).join(", "), targets };
}
