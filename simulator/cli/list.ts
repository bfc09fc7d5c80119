// `pushlab list [--json]` (scenarios) and `pushlab run --list [--json]` (the scenario runs a run
// would make, per target, after --grep and --shard): text for people, JSON for scripts.
import type { Loaded } from "../scenario/model.ts";

export const LIST_SCHEMA = "pushlab-list/1";

export interface ListedScenario {
  id: string;
  key: string;
  file: string;
  line: number;
  name: string;
  rules: string[];
  level?: string;
  /** Set when the file cannot be loaded: its first error. */
  broken?: string;
  target?: string;
}

export function listed(l: Loaded, target?: string): ListedScenario {
  if (l.ok) {
    const s = l.scenario;
    return { id: s.id, key: s.key, file: s.file, line: s.loc.line, name: s.name, rules: s.rules, level: s.level, ...(target && { target }) };
  }
  const b = l.broken;
  const e = b.errors[0];
  return { id: b.id, key: b.key, file: b.file, line: e?.loc.line ?? 1, name: b.name, rules: b.rules, broken: e ? `${e.loc.file}:${e.loc.line}:${e.loc.col}: ${e.message}` : "broken", ...(target && { target }) };
}

export interface ListDocument {
  schema: typeof LIST_SCHEMA;
  /** For run --list: targets, shard and the durations the split used. */
  run?: { targets: string[]; shard?: string; durations?: string; estimatedMs?: number };
  total: number;
  scenarios: ListedScenario[];
}

export function listText(items: ListedScenario[], withTarget: boolean): string {
  return items.map((s) => `${withTarget ? `${s.target!.padEnd(9)} ` : ""}${s.rules.join(",").padEnd(28)} ${s.id}${s.broken ? `  (broken: ${s.broken})` : ""}\n`).join("");
}
