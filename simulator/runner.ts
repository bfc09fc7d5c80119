// Loads scenarios, runs them on each target (in parallel up to the target's limit), feeds the
// reporters and returns the report. The exit code is derived from the report, nowhere else.
import { emptyStats, type RunReport, type ScenarioResult, type TargetSummary } from "../reports/model.ts";
import { Multiplexer, type Reporter } from "../reports/reporter.ts";
import { loadRules } from "./rules-catalog.ts";
import { discoverScenarioFiles } from "./scenario/discover.ts";
import { loadScenarioFile } from "./scenario/load.ts";
import type { Loaded, Scenario } from "./scenario/model.ts";
import { brokenResult, runScenario } from "./scenario/run-scenario.ts";
import type { Target } from "./target.ts";
import { HARNESS_VERSION } from "./version.ts";
import { capResult } from "./result-cap.ts";

export interface RunOptions {
  paths: string[];
  targets: Target[];
  grep?: string;
  reporters: Reporter[];
  onReporterError?: (e: Error) => void;
}

export function loadAll(paths: string[], grep?: string): Loaded[] {
  const all = discoverScenarioFiles(paths).flatMap((f) => loadScenarioFile(f));
  if (!grep) return all;
  const g = grep.toLowerCase();
  return all.filter((l) => {
    const s = l.ok ? l.scenario : l.broken;
    return [s.id, s.name, ...s.rules].some((x) => x.toLowerCase().includes(g));
  });
}

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(width, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

export async function run(opts: RunOptions): Promise<RunReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const out = new Multiplexer(opts.reporters, opts.onReporterError ?? ((e) => console.error(`reporter error: ${e.message}`)));
  const loaded = loadAll(opts.paths, opts.grep);
  const results: ScenarioResult[] = [];
  const summaries: TargetSummary[] = [];
  await out.onBegin({ total: loaded.length * opts.targets.length, targets: opts.targets.map((t) => t.name), startedAt: startedAt.toISOString() });

  for (const target of opts.targets) {
    const summary: TargetSummary = { name: target.name, version: "", stats: emptyStats() };
    summaries.push(summary);
    const finish = async (full: ScenarioResult) => {
      const r = capResult(full); // bounded report data per scenario (simulator/result-cap.ts)
      results.push(r);
      summary.stats[r.verdict]++;
      await out.onScenarioEnd(r);
    };
    const avail = await target.available();
    if (!avail.ok) {
      summary.version = "unavailable";
      await out.onTargetStart(summary);
      for (const l of loaded) {
        const s = l.ok ? l.scenario : l.broken;
        await finish({ id: s.id, file: s.file, name: s.name, rules: s.rules, target: target.name, verdict: "skipped", skipReason: avail.reason, durationMs: 0, findings: [], timeline: [], source: s.source });
      }
      continue;
    }
    let info;
    try {
      info = await target.start();
    } catch (e) {
      summary.version = "failed to start";
      await out.onTargetStart(summary);
      for (const l of loaded) {
        const s = l.ok ? l.scenario : l.broken;
        await finish({ id: s.id, file: s.file, name: s.name, rules: s.rules, target: target.name, verdict: "failed", durationMs: 0, findings: [{ check: "target", message: `${target.name} did not start: ${(e as Error).message}` }], timeline: [], source: s.source });
      }
      continue;
    }
    summary.version = info.version;
    if (info.details) summary.details = info.details;
    await out.onTargetStart(summary);
    try {
      for (const l of loaded) if (!l.ok) await finish(brokenResult(l.broken, target.name));
      const runnable = loaded.filter((l): l is { ok: true; scenario: Scenario } => l.ok).map((l) => l.scenario);
      await pool(runnable, target.parallelism, async (s) => {
        await out.onScenarioBegin({ id: s.id, name: s.name, target: target.name });
        await finish(await runScenario(s, target));
      });
    } finally {
      await target.stop();
    }
  }

  const stats = emptyStats();
  for (const r of results) stats[r.verdict]++;
  const order = new Map(opts.targets.map((t, i) => [t.name, i]));
  results.sort((a, b) => order.get(a.target)! - order.get(b.target)! || a.id.localeCompare(b.id));
  const report: RunReport = {
    schema: "pushlab-report/1",
    harness: { name: "pushlab", version: HARNESS_VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    options: { paths: opts.paths, targets: opts.targets.map((t) => t.name), ...(opts.grep && { grep: opts.grep }) },
    targets: summaries,
    rules: loadRules(),
    scenarios: results,
    stats,
  };
  await out.onEnd(report);
  return report;
}

/** Non-zero when anything failed or could not run as written. */
export function exitCodeOf(report: RunReport): number {
  return report.stats.failed > 0 || report.stats.broken > 0 ? 1 : 0;
}
