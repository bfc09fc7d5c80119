// The result model, owned by the runner: what a run produced. The JSON report is this document;
// every other format (console, JUnit, HTML) is rendered from it by reports/.
// Schema id "pushlab-report/1"; see reports/report.schema.json. Add fields, never repurpose them.
import type { TraceEvent } from "./trace.ts";

export type Verdict = "passed" | "failed" | "deviation" | "broken" | "skipped";

/**
 * What a rule is: a requirement of XEP-0357 itself, the reference behaviour (mod_cloud_notify's
 * policy), interoperability (receivers: what real servers and push services make of an answer),
 * or our hardening beyond them. A scenario names rules of one level, so it has one level.
 */
export type Level = "xep-0357" | "reference" | "interop" | "hardening";
export const LEVELS: Level[] = ["xep-0357", "reference", "interop", "hardening"];
export const LEVEL_TITLE: Record<Level, string> = {
  "xep-0357": "XEP-0357 conformance",
  reference: "agreement with the reference behaviour",
  interop: "interoperability with real servers and push services",
  hardening: "hardening",
};

/** Which levels make a run fail (exit code); results outside the profile are informational. */
export type Profile = "xep" | "reference" | "all";
export const PROFILES: Profile[] = ["xep", "reference", "all"];
export const PROFILE_LEVELS: Record<Profile, Level[]> = {
  xep: ["xep-0357"],
  reference: ["xep-0357", "reference", "interop"],
  all: ["xep-0357", "reference", "interop", "hardening"],
};

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

/** Where a per-target declaration was written (expectation file entry). */
export interface DeclarationSource {
  file: string;
  line: number;
  col: number;
  observedOn: string[]; // server versions the difference was observed on
  link?: string;
  xep?: string; // the XEP-0357 section the difference violates, or "none"
}

/** Evidence of one declared difference, as observed in this run. */
export interface DeviationEvidence {
  step?: number; // 0-based; absent for a scenario-level declaration
  reason: string;
  expected: string; // what the scenario expects (any server should do)
  declared: string; // what the declaration says this server does instead
  observed: string; // what happened
  /** Set when the observation also met the scenario's expectation (a declared alternative that conforms). */
  conformingAlternative?: boolean;
  source: DeclarationSource;
}

export interface ScenarioResult {
  id: string; // stable: relative file path + "#" + scenario name
  key?: string; // the id expectation files use: path under scenarios/ without .yaml (+ "#name")
  file: string; // path relative to the project root
  name: string;
  rules: string[]; // R- ids
  level?: Level; // the level of its rules
  /** False when the run's profile does not include this level: shown, but never fails the run. */
  counted?: boolean;
  target: string;
  verdict: Verdict;
  durationMs: number; // wall time
  virtualMs?: number; // target clock time at the end
  deviation?: string; // declared reason(s), when verdict is "deviation"
  deviations?: DeviationEvidence[]; // expected vs declared vs observed, per declared difference
  skipReason?: string;
  findings: Finding[];
  timeline: TraceEvent[];
  source: string; // the scenario's YAML text
  /** How many times it ran (--retries); absent when it ran once. */
  attempts?: number;
  /** It failed, then passed (or showed its declared deviation) on a retry: shown, never silently passed. */
  flaky?: boolean;
  /** The attempts before the last one, each a failure: its first finding and wall time. */
  earlierAttempts?: EarlierAttempt[];
}

export interface EarlierAttempt {
  verdict: Verdict;
  durationMs: number;
  finding?: Finding;
}

export interface TargetSummary {
  name: string;
  version: string;
  details?: Record<string, string>;
  stats: Record<Verdict, number>;
  /** The profile this target was judged by (what fails the run on it). */
  profile?: Profile;
  /** Verdicts per rule level. */
  levels?: Record<Level, Record<Verdict, number>>;
  /** The target's expectation file, when one was applied. */
  expectations?: string;
  /** Wall time of this target's run, start to stop (its scenarios run in parallel: not their sum). */
  durationMs?: number;
  /** Scenario runs that passed only on a retry (present when the run had --retries). */
  flaky?: number;
}

export interface RuleInfo {
  id: string;
  title: string;
  family: string;
  level: Level;
  section?: string; // XEP-0357 section, for xep-0357 rules
  keyword?: "MUST" | "SHOULD" | "MAY";
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
  /** Scenario runs that passed only on a retry (present when the run had --retries); they do not fail the run. */
  flaky?: number;
  bench?: BenchReport; // load/benchmark runs only; the HTML report shows charts when present
  /** The engine's last mutation run (npm run mutation), when its report exists (reports/mutation-info.ts). */
  mutation?: MutationInfo;
}

/** The mutation score of engine/ and its survivors, from StrykerJS's JSON report. */
export interface MutationInfo {
  /** Detected (killed + timed out) over valid mutants, in percent. */
  score: number;
  /** The score below which npm run mutation fails (stryker.config.json thresholds.break). */
  threshold?: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants that could not be judged (compile or runtime errors): not in the score. */
  invalid: number;
  total: number;
  /** The report file and when it was written (ISO). */
  file: string;
  reportedAt: string;
  /** Engine files whose source differs from the one the report was made from: empty = current. */
  staleFiles: string[];
  /** Survived and uncovered mutants; `reason` is their reviewed line in equivalent.md, if any. */
  survivors: { file: string; line: number; mutator: string; original: string; replacement: string; reason?: string }[];
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

export function emptyLevelStats(): Record<Level, Record<Verdict, number>> {
  return { "xep-0357": emptyStats(), reference: emptyStats(), interop: emptyStats(), hardening: emptyStats() };
}

/** The one verdict tally: counts per verdict of the given results. */
export function tally(results: Iterable<Pick<ScenarioResult, "verdict">>): Record<Verdict, number> {
  const s = emptyStats();
  for (const r of results) s[r.verdict]++;
  return s;
}

/** How many results are flaky (failed, then passed on a retry). */
export function flakyCount(results: Iterable<Pick<ScenarioResult, "flaky">>): number {
  let n = 0;
  for (const r of results) if (r.flaky) n++;
  return n;
}

/** Does this result make the run fail? Failed or broken, and counted under the run's profile. */
export function failsRun(r: Pick<ScenarioResult, "verdict" | "counted">): boolean {
  return (r.verdict === "failed" || r.verdict === "broken") && r.counted !== false;
}
