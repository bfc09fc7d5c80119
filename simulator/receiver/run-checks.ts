// Runs receiver checks in file order against one receiver and turns them into a RunReport for the
// existing reporters: target "receiver", one ScenarioResult per check, the receiver rule catalog,
// and the latency series in `bench`.
import { emptyStats, type BenchSeries, type RunReport, type ScenarioResult } from "../results.ts";
import { Multiplexer, type Reporter } from "../reporter.ts";
import { Trace } from "../trace.ts";
import { HARNESS_VERSION } from "../version.ts";
import type { LoadedCheck, ReceiverCheck } from "./check-model.ts";
import { CheckRun, consequenceTable, percentile, runStep, SkipStep, type ConsequenceRow } from "./check-steps.ts";
import { IqTracker } from "./iq-tracker.ts";
import { loadReceiverRules } from "./rules.ts";
import { RunState, type ReceiverSetup } from "./run-state.ts";
import { ReceiverTableReporter } from "./table-reporter.ts";

export const RECEIVER_TARGET = "receiver";

export interface ReceiverRunResult {
  report: RunReport;
  consequences: ConsequenceRow[];
}

async function runCheck(state: RunState, check: ReceiverCheck): Promise<ScenarioResult> {
  const t0 = performance.now();
  const trace = new Trace(() => Math.round((performance.now() - t0) * 10) / 10);
  const run = new CheckRun(state, check.name, trace);
  let skipped: string | undefined;
  let crash: string | undefined;
  let ran = 0;
  for (const [i, step] of check.steps.entries()) {
    try {
      await runStep(run, step, i);
      ran++;
    } catch (e) {
      if (e instanceof SkipStep) {
        skipped ??= e.message;
        trace.add("note", "runner", { text: `step skipped: ${e.message}` });
        continue;
      }
      crash = (e as Error).message;
      run.findings.push({ check: "step", message: `step ${i + 1} (${step.action}) could not run: ${crash}`, step: i, location: step.loc });
      trace.add("check", "runner", { text: crash, ok: false });
      break;
    }
  }
  const deviceSteps = check.steps.filter((s) => "device" in s).length;
  const verdict = run.findings.length > 0 ? "failed" : skipped && (ran === 0 || deviceSteps > 0 && run.publishes === 0) ? "skipped" : "passed";
  return {
    id: check.id,
    file: check.file,
    name: check.name,
    rules: [check.rule],
    target: RECEIVER_TARGET,
    verdict,
    durationMs: performance.now() - t0,
    ...(verdict === "skipped" && { skipReason: skipped }),
    findings: run.findings,
    timeline: trace.events,
    source: check.source,
  };
}

function brokenResult(l: Extract<LoadedCheck, { ok: false }>): ScenarioResult {
  return {
    id: `${l.file}#${l.name}`,
    file: l.file,
    name: l.name,
    rules: l.rule ? [l.rule] : [],
    target: RECEIVER_TARGET,
    verdict: "broken",
    durationMs: 0,
    findings: l.errors.map((e) => ({ check: "load", message: e.message, location: e.loc })),
    timeline: [],
    source: l.source,
  };
}

/** A latency series with a histogram on fixed bounds (ms). */
export function latencySeries(metric: string, samples: number[]): BenchSeries {
  const sorted = [...samples].sort((a, b) => a - b);
  const bounds = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 60000];
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    target: RECEIVER_TARGET,
    metric,
    unit: "ms",
    samples: sorted.length,
    summary: { p50: r(percentile(sorted, 50)), p90: r(percentile(sorted, 90)), p99: r(percentile(sorted, 99)), max: r(sorted.at(-1) ?? 0) },
    histogram: bounds.map((le, i) => ({ le, count: sorted.filter((x) => x <= le && (i === 0 || x > bounds[i - 1]!)).length })),
  };
}

export interface RunChecksOptions {
  setup: ReceiverSetup;
  checks: LoadedCheck[];
  reporters: Reporter[];
  /** Shown in the report header. */
  details: Record<string, string>;
  options?: Record<string, unknown>;
  onReporterError?: (e: Error) => void;
}

export async function runReceiverChecks(opts: RunChecksOptions): Promise<ReceiverRunResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const out = new Multiplexer(opts.reporters, opts.onReporterError ?? ((e) => console.error(`reporter error: ${e.message}`)));
  const iq = new IqTracker(opts.setup.channel);
  const state = new RunState(opts.setup, iq);
  const results: ScenarioResult[] = [];
  const summary = { name: RECEIVER_TARGET, version: "", details: opts.details, stats: emptyStats() };
  await out.onBegin({ total: opts.checks.length, targets: [RECEIVER_TARGET], startedAt: startedAt.toISOString() });
  await out.onTargetStart({ ...summary, version: "(probing)" });
  for (const l of opts.checks) {
    let r: ScenarioResult;
    if (!l.ok) r = brokenResult(l);
    else {
      await out.onScenarioBegin({ id: l.check.id, name: l.check.name, target: RECEIVER_TARGET });
      r = await runCheck(state, l.check);
    }
    results.push(r);
    summary.stats[r.verdict]++;
    await out.onScenarioEnd(r);
  }
  iq.cancelAll();
  summary.version = state.identity ?? "unknown (no pubsub/push identity seen)";
  const stats = emptyStats();
  for (const r of results) stats[r.verdict]++;
  const series: BenchSeries[] = [];
  if (state.latencies.length) series.push(latencySeries("publish → result latency (single publishes)", state.latencies));
  if (state.burstLatencies.length) series.push(latencySeries("publish → answer latency (burst)", state.burstLatencies));
  const report: RunReport = {
    schema: "pushlab-report/1",
    harness: { name: "pushlab", version: HARNESS_VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    options: { command: "receiver", ...opts.options },
    targets: [{ ...summary, details: { ...opts.details, ...opts.setup.channel.details() } }],
    rules: loadReceiverRules(),
    scenarios: results,
    stats,
    ...(series.length > 0 && { bench: { series } }),
  };
  const consequences = consequenceTable(state.replies);
  for (const r of opts.reporters) if (r instanceof ReceiverTableReporter) r.consequences = consequences;
  await out.onEnd(report);
  return { report, consequences };
}
