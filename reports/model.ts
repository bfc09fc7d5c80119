// The JSON report: the stable document every other report format is rendered from.
// Schema id "pushlab-report/1"; see reports/report.schema.json. Add fields, never repurpose them.
import type { TraceEvent } from "../simulator/trace.ts";

export type Verdict = "passed" | "failed" | "deviation" | "broken" | "skipped";

export interface SourceLocation {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

/** One failed check (or a load error for a broken scenario). */
export interface Finding {
  check: string; // e.g. "push-count", "push-field", "iq-reply", "load", "crash"
  message: string;
  expected?: string;
  actual?: string;
  step?: number; // 0-based index of the step
  location?: SourceLocation;
}

export interface ScenarioResult {
  id: string; // stable: relative file path + "#" + scenario name
  file: string; // path relative to the project root
  name: string;
  rules: string[]; // R- ids
  target: string;
  verdict: Verdict;
  durationMs: number; // wall time
  virtualMs?: number; // target clock time at the end
  deviation?: string; // declared reason, when verdict is "deviation"
  skipReason?: string;
  findings: Finding[];
  timeline: TraceEvent[];
  source: string; // the scenario's YAML text
}

export interface TargetSummary {
  name: string;
  version: string;
  details?: Record<string, string>;
  stats: Record<Verdict, number>;
}

export interface RuleInfo {
  id: string;
  title: string;
  family: string;
}

export interface RunReport {
  schema: "pushlab-report/1";
  harness: { name: "pushlab"; version: string };
  startedAt: string; // ISO date
  durationMs: number;
  options: Record<string, unknown>; // CLI options of the run (targets, grep, …)
  targets: TargetSummary[];
  rules: RuleInfo[];
  scenarios: ScenarioResult[];
  stats: Record<Verdict, number>;
  bench?: BenchReport; // load/benchmark runs only; the HTML report shows charts when present
}

/** Results of a load/benchmark run: one series per target and metric. */
export interface BenchReport {
  series: BenchSeries[];
  /** Single figures, each with its goal when it has one (npm run bench, pushlab load). */
  figures?: BenchFigure[];
  /** Values sampled over the run (pushes/s, CPU, RSS …), for the time-series charts. */
  timeSeries?: BenchTimeSeries[];
  /** Where it ran: cores, CPU model, Node version, date … */
  machine?: Record<string, string | number>;
}

export interface BenchFigure {
  id: string;
  name: string;
  value: number;
  unit: string;
  goal?: { kind: "min" | "max"; value: number };
  anchor?: string; // the anchor's figure for the same thing, as text
  note?: string;
}

export interface BenchTimeSeries {
  target: string;
  metric: string;
  unit: string;
  points: { t: number; v: number }[]; // t: seconds since the start of the run
}

export interface BenchSeries {
  target: string;
  metric: string; // e.g. "push latency"
  unit: string; // e.g. "ms"
  samples: number;
  summary: Record<string, number>; // e.g. { p50, p90, p99, max }
  histogram: { le: number; count: number }[]; // buckets by inclusive upper bound, ascending
}

export const VERDICTS: Verdict[] = ["passed", "failed", "deviation", "broken", "skipped"];

export function emptyStats(): Record<Verdict, number> {
  return { passed: 0, failed: 0, deviation: 0, broken: 0, skipped: 0 };
}
