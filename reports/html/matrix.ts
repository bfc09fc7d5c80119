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

export interface Matrix {
  targets: string[];
  rows: MatrixRow[];
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
  return { targets, rows: [...catalog, ...rest] };
}
