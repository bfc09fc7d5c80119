// Loads scenarios and each target's expectation file, runs the scenarios on each target (in
// parallel up to the target's limit), feeds the reporters and returns the report. Which results
// fail the run is decided by each target's profile; the exit code is derived from the report.
import { relative } from "node:path";
import { loadExpectations } from "./expectations/load.ts";
import type { ExpectationSet } from "./expectations/model.ts";
import { Multiplexer, type Reporter } from "./reporter.ts";
import {
  emptyLevelStats,
  emptyStats,
  failsRun,
  flakyCount,
  PROFILE_LEVELS,
  tally,
  type Profile,
  type MutationInfo,
  type RunReport,
  type ScenarioResult,
  type TargetSummary,
} from "./results.ts";
import { loadRules } from "./rules-catalog.ts";
import { discoverScenarioFiles } from "./scenario/discover.ts";
import { loadScenarioFile } from "./scenario/load.ts";
import type { Loaded, Scenario } from "./scenario/model.ts";
import { brokenResult, runScenario } from "./scenario/run-scenario.ts";
import type { Target } from "./target.ts";
import { TARGET_NAMES } from "./targets/index.ts";
import { HARNESS_VERSION } from "./version.ts";
import type { LoadError } from "./yaml/locate.ts";

export const BUNDLED_SCENARIOS = new URL("../scenarios/", import.meta.url);
import { capResult } from "./result-cap.ts";
import { runWithRetries } from "./retry.ts";

export interface RunOptions {
  paths: string[];
  targets: Target[];
  grep?: string;
  reporters: Reporter[];
  onReporterError?: (e: Error) => void;
  /** What fails the run on every target; default: each target's own default profile. */
  profile?: Profile;
  /** Expectation files to use instead of the targets' own, by target name. */
  expectations?: Record<string, string>;
  /** The engine's last mutation run, carried into the report as found (run-command.ts). */
  mutation?: MutationInfo;
  /** Which loaded scenarios run on a target (--grep, --grep-invert, --shard); default: all. A target given none is not started. */
  select?: (loaded: Loaded[], target: string) => Loaded[];
  /** Scenarios at once per target, instead of the target's own parallelism (--workers). */
  workers?: number;
  /** Run a failed scenario again up to this many times (--retries); see simulator/retry.ts. */
  retries?: number;
  /** More of the run's options, for the report (shard, retries, strict, …). */
  reportOptions?: Record<string, unknown>;
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

/** An expectation file that cannot be used as written: the run does not start (exit 2). */
export class ExpectationFileError extends Error {
  constructor(readonly errors: LoadError[]) {
    super(errors.map((e) => `${e.loc.file}:${e.loc.line}:${e.loc.col}: ${e.message}`).join("\n"));
    this.name = "ExpectationFileError";
  }
}

/** Finds a scenario by its key among the loaded ones, else in the bundled suite. */
function scenarioResolver(loaded: Loaded[]): (key: string) => Scenario | undefined {
  const byKey = new Map<string, Scenario>();
  for (const l of loaded) if (l.ok) byKey.set(l.scenario.key, l.scenario);
  let bundled: Map<string, Scenario> | undefined;
  return (key) => {
    const hit = byKey.get(key);
    if (hit) return hit;
    bundled ??= new Map(loadAll([relative(process.cwd(), BUNDLED_SCENARIOS.pathname) || "."]).flatMap((l) => (l.ok ? [[l.scenario.key, l.scenario] as const] : [])));
    return bundled.get(key);
  };
}

/** Loads the expectation file a target will be judged with (or none). Throws ExpectationFileError. */
export function expectationsFor(target: Pick<Target, "name" | "expectationsFile">, loaded: Loaded[], override?: string): ExpectationSet | undefined {
  const path = override ?? target.expectationsFile;
  if (!path) return undefined;
  const res = loadExpectations({ file: relative(process.cwd(), path) || path, target: target.name, knownTargets: TARGET_NAMES, scenario: scenarioResolver(loaded) });
  if (!res.ok) throw new ExpectationFileError(res.errors);
  return res.set;
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
  const everything = loadAll(opts.paths);
  const loaded = opts.grep ? loadAll(opts.paths, opts.grep) : everything;
  const chosen = new Map(opts.targets.map((t) => [t.name, opts.select ? opts.select(loaded, t.name) : loaded]));
  // Every expectation file is checked before any server starts: a bad one is a usage error.
  const expectations = new Map(opts.targets.map((t) => [t.name, expectationsFor(t, everything, opts.expectations?.[t.name])]));
  const results: ScenarioResult[] = [];
  const summaries: TargetSummary[] = [];
  await out.onBegin({ total: [...chosen.values()].reduce((n, l) => n + l.length, 0), targets: opts.targets.map((t) => t.name), startedAt: startedAt.toISOString() });

  for (const target of opts.targets) {
    const loaded = chosen.get(target.name)!;
    if (opts.select && loaded.length === 0) continue; // e.g. a shard with no run on this target
    const profile = opts.profile ?? target.defaultProfile;
    const counts = PROFILE_LEVELS[profile];
    const set = expectations.get(target.name);
    const summary: TargetSummary = { name: target.name, version: "", stats: emptyStats(), profile, levels: emptyLevelStats(), ...(set && { expectations: set.file }) };
    summaries.push(summary);
    const began = performance.now(); // the target's wall time: its scenarios run in parallel
    const finish = async (full: ScenarioResult) => {
      summary.durationMs = performance.now() - began;
      const r = capResult(full); // bounded report data per scenario (simulator/result-cap.ts)
      r.counted = r.level ? counts.includes(r.level) : true;
      results.push(r);
      summary.stats[r.verdict]++;
      if (r.level) summary.levels![r.level][r.verdict]++;
      await out.onScenarioEnd(r);
    };
    const everyScenario = async (make: (l: Loaded) => ScenarioResult) => {
      for (const l of loaded) await finish(make(l));
    };
    const avail = await target.available();
    if (!avail.ok) {
      summary.version = "unavailable";
      await out.onTargetStart(summary);
      await everyScenario((l) => ({ ...resultBase(l, target.name), verdict: "skipped", skipReason: avail.reason, durationMs: 0, findings: [], timeline: [] }));
      continue;
    }
    let info;
    try {
      target.prepare?.(loaded.filter((l): l is { ok: true; scenario: Scenario } => l.ok).map((l) => l.scenario));
      info = await target.start();
    } catch (e) {
      summary.version = "failed to start";
      await out.onTargetStart(summary);
      await everyScenario((l) => ({ ...resultBase(l, target.name), verdict: "failed", durationMs: 0, findings: [{ check: "target", message: `${target.name} did not start: ${(e as Error).message}` }], timeline: [] }));
      continue;
    }
    summary.version = info.version;
    if (info.details) summary.details = info.details;
    await out.onTargetStart(summary);
    try {
      for (const l of loaded) if (!l.ok) await finish(brokenResult(l.broken, target.name));
      const runnable = loaded.filter((l): l is { ok: true; scenario: Scenario } => l.ok).map((l) => l.scenario);
      await pool(runnable, opts.workers ?? target.parallelism, async (s) => {
        await out.onScenarioBegin({ id: s.id, name: s.name, target: target.name });
        // Only failures that count are retried: an informational one would not change the outcome.
        await finish(await runWithRetries(() => runScenario(s, target, set), opts.retries ?? 0, (r) => (r.level ? counts.includes(r.level) : true)));
      });
    } finally {
      await target.stop();
    }
  }

  const order = new Map(opts.targets.map((t, i) => [t.name, i]));
  results.sort((a, b) => order.get(a.target)! - order.get(b.target)! || a.id.localeCompare(b.id));
  const report: RunReport = {
    schema: "pushlab-report/1",
    harness: { name: "pushlab", version: HARNESS_VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    options: { paths: opts.paths, targets: opts.targets.map((t) => t.name), ...(opts.grep && { grep: opts.grep }), ...(opts.profile && { profile: opts.profile }), ...opts.reportOptions },
    targets: summaries,
    rules: loadRules(),
    scenarios: results,
    stats: tally(results),
    ...(opts.mutation && { mutation: opts.mutation }),
    ...(opts.retries && { flaky: flakyCount(results) }),
  };
  if (opts.retries) for (const t of summaries) t.flaky = flakyCount(results.filter((r) => r.target === t.name));
  await out.onEnd(report);
  return report;
}

function resultBase(l: Loaded, target: string) {
  const s = l.ok ? l.scenario : l.broken;
  return { id: s.id, key: s.key, file: s.file, name: s.name, rules: s.rules, ...(l.ok && { level: l.scenario.level }), target, source: s.source };
}

/**
 * 1 when anything counted under its target's profile failed or could not run as written; with
 * strict (--strict, or recorded in the report's options), a counted declared deviation too.
 */
export function exitCodeOf(report: RunReport, strict = report.options.strict === true): number {
  return report.scenarios.some((r) => failsRun(r) || (strict && r.verdict === "deviation" && r.counted !== false)) ? 1 : 0;
}
