// results.jsonl: every scenario result written (synchronously) the moment it is known, one JSON
// object per line. If the harness itself dies mid-run — a crash, a kill — what was measured is
// on disk, and `pushlab report results.jsonl` builds the usual reports from it (marked incomplete).
//
// Lines: {"type":"begin",…} once; {"type":"target",…} per target; {"type":"result",…} per
// scenario run; {"type":"end",…} once, last, only when the run finished.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { emptyLevelStats, emptyStats, flakyCount, type RunReport, type ScenarioResult, type TargetSummary } from "./results.ts";
import type { Reporter, RunBeginInfo } from "./reporter.ts";
import { loadRules } from "./rules-catalog.ts";
import { HARNESS_VERSION } from "./version.ts";

export const RESULTS_LOG_FILE = "results.jsonl";
export const RESULTS_LOG_SCHEMA = "pushlab-results/1";

type Line =
  | { type: "begin"; schema: string; harness: { name: "pushlab"; version: string }; startedAt: string; options: Record<string, unknown>; total: number; targets: string[] }
  | { type: "target"; at: number; target: TargetSummary }
  | { type: "result"; at: number; result: ScenarioResult }
  | { type: "end"; at: number; durationMs: number };

/** A reporter that appends each event to results.jsonl as it happens. */
export class ResultsLog implements Reporter {
  readonly path: string;
  private fd: number | undefined;
  private t0 = performance.now();

  constructor(
    dir: string,
    private readonly options: Record<string, unknown>,
  ) {
    this.path = join(dir, RESULTS_LOG_FILE);
  }

  private write(line: Line): void {
    try {
      if (this.fd === undefined) this.fd = openSync(this.path, "w");
      // One write per line: the kernel has it when this returns, whatever happens to us next.
      writeSync(this.fd, JSON.stringify(line) + "\n");
    } catch (e) {
      throw new Error(`${this.path} not written: ${(e as Error).message}`);
    }
  }

  /** ms since the run began: how long the run had lasted when a line was written. */
  private get at(): number {
    return Math.round(performance.now() - this.t0);
  }

  onBegin(info: RunBeginInfo): void {
    this.t0 = performance.now();
    this.write({ type: "begin", schema: RESULTS_LOG_SCHEMA, harness: { name: "pushlab", version: HARNESS_VERSION }, startedAt: info.startedAt, options: this.options, total: info.total, targets: info.targets });
  }

  onTargetStart(target: TargetSummary): void {
    this.write({ type: "target", at: this.at, target });
  }

  onScenarioEnd(result: ScenarioResult): void {
    this.write({ type: "result", at: this.at, result });
  }

  onEnd(report: RunReport): void {
    this.write({ type: "end", at: this.at, durationMs: report.durationMs });
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface RebuiltReport {
  report: RunReport;
  /** False when the log has no end line: the harness stopped before the run finished. */
  complete: boolean;
}

/**
 * The RunReport a results.jsonl describes. A log cut short (no end line, or a last line
 * half-written by a dying process) still gives every result it holds, and says so in
 * report.options.incomplete.
 */
export function rebuildReport(path: string): RebuiltReport {
  const lines = readFileSync(path, "utf8").split("\n");
  let begin: Extract<Line, { type: "begin" }> | undefined;
  let end: Extract<Line, { type: "end" }> | undefined;
  const targets: TargetSummary[] = [];
  const targetAt = new Map<string, { from: number; to: number }>(); // when each target began and last gave a result
  const results: ScenarioResult[] = [];
  let cutShort = false;
  let lastAt = 0;
  lines.forEach((text, i) => {
    if (text.trim() === "") return;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      if (i >= lines.length - 2) return void (cutShort = true); // the last line, half-written
      throw new Error(`${path}:${i + 1}: not a JSON line`);
    }
    if (line.type !== "begin") lastAt = Math.max(lastAt, line.at ?? 0);
    if (line.type === "begin") begin = line;
    else if (line.type === "target") {
      targets.push(line.target);
      targetAt.set(line.target.name, { from: line.at, to: line.at });
    } else if (line.type === "result") {
      results.push(line.result);
      const span = targetAt.get(line.result.target);
      if (span) span.to = Math.max(span.to, line.at);
    }
    else if (line.type === "end") end = line;
  });
  if (!begin) throw new Error(`${path}: no begin line — not a pushlab results log`);
  if (begin.schema !== RESULTS_LOG_SCHEMA) throw new Error(`${path}: schema ${begin.schema}, expected ${RESULTS_LOG_SCHEMA}`);

  // A target line is written when the target starts: its counts are rebuilt from the results.
  const stats = emptyStats();
  for (const t of targets) {
    t.stats = emptyStats();
    if (t.levels) t.levels = emptyLevelStats();
    const span = targetAt.get(t.name);
    if (t.durationMs === undefined && span) t.durationMs = span.to - span.from;
  }
  for (const r of results) {
    stats[r.verdict]++;
    const t = targets.find((x) => x.name === r.target);
    if (t) t.stats[r.verdict]++;
    if (t?.levels && r.level) t.levels[r.level][r.verdict]++;
  }
  const retried = begin.options.retries !== undefined && begin.options.retries !== 0;
  if (retried) for (const t of targets) t.flaky = flakyCount(results.filter((r) => r.target === t.name));
  const order = new Map(begin.targets.map((t, i) => [t, i]));
  results.sort((a, b) => (order.get(a.target) ?? 99) - (order.get(b.target) ?? 99) || a.id.localeCompare(b.id));
  const complete = end !== undefined && !cutShort;
  const options: Record<string, unknown> = { ...begin.options };
  if (!complete) {
    options.incomplete = `the harness stopped before the run ended: ${results.length} of ${begin.total} scenario runs recorded (rebuilt from ${RESULTS_LOG_FILE})`;
  }
  const report: RunReport = {
    schema: "pushlab-report/1",
    harness: begin.harness,
    startedAt: begin.startedAt,
    durationMs: end?.durationMs ?? lastAt, // cut short: until the last line written
    options,
    targets,
    rules: loadRules(),
    scenarios: results,
    stats,
    ...(retried && { flaky: flakyCount(results) }),
  };
  return { report, complete };
}
