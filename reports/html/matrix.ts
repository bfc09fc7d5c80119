// The rules × targets matrix: verdict counts per rule and target. A scenario with several rules
// counts once in each of their rows; catalog rules without scenarios keep an (empty) row, and
// rules used by scenarios but missing from the catalog still get one.
import type { Level, RunReport, Verdict } from "../../simulator/results.ts";
import { emptyStats, LEVELS } from "../../simulator/results.ts";

/** Row key for scenarios that name no rule. */
export const NO_RULE = "(none)";

export interface MatrixRow {
  rule: string;
  title: string;
  family: string;
  level?: Level;
  citation?: string; // "§7.1 SHOULD" for xep-0357 rules
  catalogued: boolean;
  cells: Record<string, Record<Verdict, number>>; // by target name
}

export interface MatrixFamily {
  family: string;
  rows: MatrixRow[];
  stats: Record<Verdict, number>; // all cells of its rows
}

export interface MatrixLevel {
  level?: Level; // undefined: rules outside the catalog
  families: MatrixFamily[];
  stats: Record<Verdict, number>;
}

export interface Matrix {
  targets: string[];
  rows: MatrixRow[]; // catalog order (XEP first), for the rule filter
  /** Level → family → rule, each list with what needs attention first (failed, broken, deviation, skipped, passed, empty). */
  groups: MatrixLevel[];
}

/** What needs attention first; rows without any scenario last. */
export const ATTENTION: Verdict[] = ["failed", "broken", "deviation", "skipped", "passed"];

function add(into: Record<Verdict, number>, from: Record<Verdict, number>): void {
  for (const v of ATTENTION) into[v] += from[v];
}

/** Rank of the worst verdict present: 0 = a failure … 4 = only passes, 5 = nothing ran. */
export function attentionRank(stats: Record<Verdict, number>): number {
  const i = ATTENTION.findIndex((v) => stats[v] > 0);
  return i < 0 ? ATTENTION.length : i;
}

function rowStats(row: MatrixRow): Record<Verdict, number> {
  const s = emptyStats();
  for (const c of Object.values(row.cells)) add(s, c);
  return s;
}

/** Stable sort by attention rank: catalog order is kept among equals. */
function byAttention<T>(items: T[], stats: (t: T) => Record<Verdict, number>): T[] {
  return items.map((t, i) => ({ t, i, r: attentionRank(stats(t)) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.t);
}

export function groupMatrix(rows: MatrixRow[]): MatrixLevel[] {
  const levels: MatrixLevel[] = [];
  for (const row of rows) {
    let lv = levels.find((l) => l.level === row.level);
    if (!lv) levels.push((lv = { ...(row.level && { level: row.level }), families: [], stats: emptyStats() }));
    let fam = lv.families.find((f) => f.family === row.family);
    if (!fam) lv.families.push((fam = { family: row.family, rows: [], stats: emptyStats() }));
    fam.rows.push(row);
    const s = rowStats(row);
    add(fam.stats, s);
    add(lv.stats, s);
  }
  for (const lv of levels) {
    for (const f of lv.families) f.rows = byAttention(f.rows, rowStats);
    lv.families = byAttention(lv.families, (f) => f.stats);
  }
  // Levels with failures first; among equals the catalog's order (XEP-0357 first, rules outside the catalog last).
  return byAttention(levels, (l) => l.stats);
}

export function matrixTargets(report: RunReport): string[] {
  const names = report.targets.map((t) => t.name);
  for (const s of report.scenarios) if (!names.includes(s.target)) names.push(s.target);
  return names;
}

export function buildMatrix(report: RunReport): Matrix {
  const targets = matrixTargets(report);
  const rows = new Map<string, MatrixRow>();
  const row = (rule: string): MatrixRow => {
    let r = rows.get(rule);
    if (!r) {
      const info = report.rules.find((x) => x.id === rule);
      r = {
        rule,
        title: info?.title ?? (rule === NO_RULE ? "Scenarios that name no rule" : "Not in the rule catalog"),
        family: info?.family ?? "",
        ...(info?.level && { level: info.level }),
        ...(info?.section && { citation: `§${info.section} ${info.keyword ?? ""}`.trim() }),
        catalogued: info !== undefined,
        cells: Object.fromEntries(targets.map((t) => [t, emptyStats()])),
      };
      rows.set(rule, r);
    }
    return r;
  };
  for (const info of report.rules) row(info.id);
  const extra: string[] = [];
  for (const s of report.scenarios) {
    for (const rule of s.rules.length > 0 ? s.rules : [NO_RULE]) {
      if (!rows.has(rule)) extra.push(rule);
      row(rule).cells[s.target]![s.verdict]++;
    }
  }
  // Catalog order within each level (XEP first), then the uncatalogued ones sorted ("(none)" last).
  const rank = (l: Level | undefined) => (l ? LEVELS.indexOf(l) : LEVELS.length);
  const catalog = report.rules.map((r) => rows.get(r.id)!).sort((a, b) => rank(a.level) - rank(b.level));
  const rest = extra
    .sort((a, b) => (a === NO_RULE ? 1 : b === NO_RULE ? -1 : a.localeCompare(b)))
    .map((r) => rows.get(r)!);
  const all = [...catalog, ...rest];
  return { targets, rows: all, groups: groupMatrix(all) };
}
