// `pushlab merge-reports DIR…`: the shards of a run (each a results.jsonl — the blob of its
// shard — or a report.json) into one report, as if one machine had run them all: the same
// results, per-target counts rebuilt from them, each target's wall time the longest of its
// shards' (they ran side by side). What would make the merged report differ from an unsharded
// run is a problem that marks it incomplete: a shard missing, a run in two shards, a shard's
// log cut short, shards of different splits.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../exit-codes.ts";
import { rebuildReport, RESULTS_LOG_FILE, RESULTS_LOG_SCHEMA } from "../results-log.ts";
import { emptyLevelStats, emptyStats, flakyCount, tally, type RunReport, type ScenarioResult, type TargetSummary } from "../results.ts";

export interface ShardInput {
  source: string; // the file read
  report: RunReport;
  complete: boolean;
}

/** DIR (its results.jsonl, else its report.json) or a .jsonl / .json file. */
export function readShard(arg: string): ShardInput {
  let file = arg;
  if (existsSync(arg) && statSync(arg).isDirectory()) {
    const log = join(arg, RESULTS_LOG_FILE);
    const json = join(arg, "report.json");
    if (existsSync(log)) file = log;
    else if (existsSync(json)) file = json;
    else throw new UsageError(`merge-reports: ${arg} holds neither ${RESULTS_LOG_FILE} nor report.json`);
  } else if (!existsSync(arg)) {
    throw new UsageError(`merge-reports: no such file or directory: ${arg}`);
  }
  if (file.endsWith(".jsonl")) {
    try {
      const { report, complete } = rebuildReport(file);
      return { source: file, report, complete };
    } catch (e) {
      throw new UsageError(`merge-reports: ${(e as Error).message}`);
    }
  }
  let report: RunReport;
  try {
    report = JSON.parse(readFileSync(file, "utf8")) as RunReport;
  } catch (e) {
    throw new UsageError(`merge-reports: ${file}: not JSON: ${(e as Error).message}`);
  }
  if (report?.schema !== "pushlab-report/1" || !Array.isArray(report.scenarios)) throw new UsageError(`merge-reports: ${file}: not a pushlab report (schema pushlab-report/1)`);
  return { source: file, report, complete: report.options?.incomplete === undefined };
}

function shardOf(r: RunReport): { index: number; total: number } | undefined {
  const m = typeof r.options.shard === "string" ? /^(\d+)\/(\d+)$/.exec(r.options.shard) : null;
  return m ? { index: Number(m[1]), total: Number(m[2]) } : undefined;
}

/** Problems that make the merge differ from one unsharded run (empty: it does not). */
export function mergeProblems(inputs: ShardInput[]): string[] {
  const problems: string[] = [];
  for (const i of inputs) if (!i.complete) problems.push(`${i.source}: cut short (${String(i.report.options.incomplete ?? "no end line")})`);
  // Shards belong together when they ran the same targets with the same filter (one CI matrix row).
  const groups = new Map<string, ShardInput[]>();
  for (const i of inputs) {
    const o = i.report.options;
    const key = JSON.stringify([o.targets ?? i.report.targets.map((t) => t.name), o.grep ?? null, o["grep-invert"] ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  for (const group of groups.values()) {
    const shards = group.map((i) => shardOf(i.report));
    if (!shards.some(Boolean)) continue;
    const label = `--target ${String(group[0]!.report.options.targets ?? "?")}`;
    const totals = new Set(shards.map((s) => s?.total ?? 0));
    if (totals.size > 1) {
      problems.push(`${label}: shards of different splits (or an unsharded run among them): ${group.map((i, k) => `${i.source} ${shards[k] ? `${shards[k]!.index}/${shards[k]!.total}` : "unsharded"}`).join(", ")}`);
      continue;
    }
    const total = [...totals][0]!;
    const seen = new Map<number, string>();
    shards.forEach((s, k) => {
      const before = seen.get(s!.index);
      if (before) problems.push(`${label}: shard ${s!.index}/${total} given twice: ${before} and ${group[k]!.source}`);
      seen.set(s!.index, group[k]!.source);
    });
    const missing = Array.from({ length: total }, (_, k) => k + 1).filter((k) => !seen.has(k));
    if (missing.length) problems.push(`${label}: missing shard(s) ${missing.map((k) => `${k}/${total}`).join(", ")}: their runs are not in the merged report`);
  }
  const owner = new Map<string, string>();
  for (const i of inputs)
    for (const r of i.report.scenarios) {
      const k = `${r.target}\u0000${r.id}`;
      const before = owner.get(k);
      if (before && before !== i.source) problems.push(`${r.target} › ${r.id} is in ${before} and in ${i.source}`);
      owner.set(k, i.source);
    }
  return problems;
}

function mergeTarget(name: string, parts: TargetSummary[], results: ScenarioResult[], retried: boolean): TargetSummary {
  const first = parts[0]!;
  const versions = [...new Set(parts.map((p) => p.version))];
  const t: TargetSummary = {
    ...first,
    name,
    version: versions.join(" / "), // shards on different builds show both
    stats: tally(results),
    durationMs: Math.max(0, ...parts.map((p) => p.durationMs ?? 0)),
  };
  if (first.levels) {
    t.levels = emptyLevelStats();
    for (const r of results) if (r.level) t.levels[r.level][r.verdict]++;
  }
  if (retried) t.flaky = flakyCount(results);
  else delete t.flaky;
  return t;
}

export interface Merged {
  report: RunReport;
  problems: string[];
}

export function mergeReports(inputs: ShardInput[]): Merged {
  if (inputs.length === 0) throw new UsageError("merge-reports: give the shards' report dirs (or their results.jsonl / report.json files)");
  const sources = inputs.map((i) => resolve(i.source));
  const twice = sources.find((s, k) => sources.indexOf(s) !== k);
  if (twice) throw new UsageError(`merge-reports: ${twice} given twice`);
  const problems = mergeProblems(inputs);
  const reports = inputs.map((i) => i.report);
  // Targets in the order of the run's --target (as an unsharded run orders them).
  const order: string[] = [];
  for (const r of reports) for (const t of [...((r.options.targets as string[] | undefined) ?? []), ...r.targets.map((x) => x.name)]) if (!order.includes(t)) order.push(t);
  const scenarios = reports.flatMap((r) => r.scenarios);
  const rank = new Map(order.map((t, k) => [t, k]));
  scenarios.sort((a, b) => (rank.get(a.target) ?? 99) - (rank.get(b.target) ?? 99) || a.id.localeCompare(b.id));
  const retried = reports.some((r) => r.flaky !== undefined || (r.options.retries !== undefined && r.options.retries !== 0));
  const targets = order
    .map((name) => ({ name, parts: reports.flatMap((r) => r.targets.filter((t) => t.name === name)) }))
    .filter((x) => x.parts.length > 0)
    .map(({ name, parts }) => mergeTarget(name, parts, scenarios.filter((s) => s.target === name), retried));
  const first = reports[0]!;
  const { shard: _shard, incomplete: _incomplete, "shard-durations": _durations, ...options } = first.options;
  const shards = reports.filter((r) => typeof r.options.shard === "string").map((r) => `${String(r.options.targets ?? "?")} ${String(r.options.shard)}`);
  const strict = reports.some((r) => r.options.strict === true);
  const incomplete = [...problems];
  const report: RunReport = {
    schema: "pushlab-report/1",
    harness: first.harness,
    startedAt: reports.map((r) => r.startedAt).sort()[0]!,
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    options: {
      ...options,
      targets: order,
      ...(strict && { strict: true }),
      merged: { from: inputs.map((i) => i.source), ...(shards.length && { shards: shards.sort() }) },
      ...(incomplete.length && { incomplete: incomplete.join("; ") }),
    },
    targets,
    rules: first.rules,
    scenarios,
    stats: emptyStats(),
    ...(retried && { flaky: flakyCount(scenarios) }),
  };
  report.stats = tally(scenarios);
  return { report, problems };
}

/** The merged run as a results.jsonl, so it can be merged again or re-rendered with `pushlab report`. */
export function writeMergedLog(dir: string, report: RunReport): string {
  const file = join(dir, RESULTS_LOG_FILE);
  const lines: object[] = [
    { type: "begin", schema: RESULTS_LOG_SCHEMA, harness: report.harness, startedAt: report.startedAt, options: report.options, total: report.scenarios.length, targets: report.targets.map((t) => t.name) },
    ...report.targets.map((t) => ({ type: "target", at: 0, target: t })),
    ...report.scenarios.map((r) => ({ type: "result", at: 0, result: r })),
  ];
  // A merge with problems stays incomplete when read back: no end line.
  if (report.options.incomplete === undefined) lines.push({ type: "end", at: Math.round(report.durationMs), durationMs: report.durationMs });
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return file;
}
