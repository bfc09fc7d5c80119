// Console reporter: short progress while running, then a per-target summary table, the failures
// with their first finding, and where the report files are. Plain text unless writing to a TTY.
import type { RunReport, ScenarioResult, Verdict } from "../simulator/results.ts";
import { LEVEL_TITLE, LEVELS, PROFILE_LEVELS, VERDICTS, emptyStats, tally } from "../simulator/results.ts";
import type { Reporter, RunBeginInfo } from "../simulator/reporter.ts";
import { formatFinding, type FindingTextOptions } from "./findings.ts";
import { deviationLine } from "./deviation-text.ts";

export type ProgressStyle = "dots" | "counter" | "none";

export interface ConsoleReporterOptions {
  stream?: NodeJS.WritableStream;
  /** Default: on for a TTY unless NO_COLOR is set. */
  color?: boolean;
  /** Default: a live counter on a TTY, one character per scenario otherwise (CI logs). */
  progress?: ProgressStyle;
  /** Report files to list at the end (written by the other reporters before this one's onEnd). */
  reportFiles?: string[];
  /** At most this many failures are listed in full; the rest are counted. */
  maxFailures?: number;
  /** At most this many declared deviations are listed (two lines each); the rest are counted. */
  maxDeviations?: number;
}

const DOT: Record<Verdict, string> = { passed: ".", failed: "F", deviation: "d", broken: "B", skipped: "-" };
const COLOR: Record<Verdict, number> = { passed: 32, failed: 31, deviation: 35, broken: 33, skipped: 90 };
const DOTS_PER_LINE = 80;
/** A failure in a CI log: five pushes, sixteen stanza lines, 160 columns; the rest is counted. */
const CONSOLE_TEXT: FindingTextOptions = { maxPushes: 5, maxLines: 12, width: 160, stanzaLines: 16 };

type Writable = NodeJS.WritableStream & { isTTY?: boolean };

export class ConsoleReporter implements Reporter {
  private readonly out: Writable;
  private readonly color: boolean;
  private readonly progress: ProgressStyle;
  private total = 0;
  private done = 0;
  private readonly counts = emptyStats();
  private lineOpen = false; // progress output awaits its newline

  constructor(private readonly opts: ConsoleReporterOptions = {}) {
    this.out = (opts.stream ?? process.stdout) as Writable;
    const tty = this.out.isTTY === true;
    this.color = opts.color ?? (tty && !process.env.NO_COLOR);
    this.progress = opts.progress ?? (tty ? "counter" : "dots");
  }

  private write(s: string): void {
    this.out.write(s);
  }

  private paint(code: number, s: string): string {
    return this.color ? `\x1b[${code}m${s}\x1b[0m` : s;
  }

  onBegin(info: RunBeginInfo): void {
    this.total = info.total;
    this.write(`Running ${info.total} scenario run${info.total === 1 ? "" : "s"} on ${info.targets.join(", ") || "no targets"}\n`);
  }

  onScenarioEnd(result: ScenarioResult): void {
    this.done++;
    this.counts[result.verdict]++;
    if (this.progress === "dots") {
      this.write(this.paint(COLOR[result.verdict], DOT[result.verdict]));
      this.lineOpen = true;
      if (this.done % DOTS_PER_LINE === 0) {
        this.write(` ${this.done}/${this.total || "?"}\n`);
        this.lineOpen = false;
      }
    } else if (this.progress === "counter") {
      const parts = VERDICTS.filter((v) => this.counts[v] > 0).map((v) => this.paint(COLOR[v], `${this.counts[v]} ${v}`));
      this.write(`\r\x1b[2K[${this.done}/${this.total || "?"}] ${parts.join(", ")}`);
      this.lineOpen = true;
    }
  }

  onError(err: Error): void {
    this.endProgressLine();
    this.write(`${this.paint(31, "error:")} ${visible(err.message)}\n`);
  }

  private endProgressLine(): void {
    if (this.lineOpen) this.write("\n");
    this.lineOpen = false;
  }

  onEnd(report: RunReport): void {
    this.endProgressLine();
    this.write("\n" + renderSummaryTable(report) + "\n");
    const levels = renderLevels(report);
    if (levels) this.write("\n" + levels + "\n");
    const deviations = report.scenarios.filter((s) => s.verdict === "deviation");
    if (deviations.length > 0) this.write("\n" + this.renderDeviations(deviations) + "\n");
    const problems = report.scenarios.filter((s) => s.verdict === "failed" || s.verdict === "broken");
    if (problems.length > 0) this.write("\n" + this.renderProblems(problems) + "\n");
    const flaky = report.scenarios.filter((s) => s.flaky);
    if (flaky.length > 0) this.write("\n" + renderFlaky(flaky, (t) => this.paint(33, t)) + "\n");
    this.write("\n" + this.renderTotals(report) + "\n");
    const files = this.opts.reportFiles ?? [];
    if (files.length > 0) this.write(`Reports:\n${files.map((f) => `  ${f}`).join("\n")}\n`);
  }

  private renderProblems(problems: ScenarioResult[]): string {
    const max = this.opts.maxFailures ?? 50;
    const blocks = problems.slice(0, max).map((s, i) => {
      const info = s.counted === false ? ` ${this.paint(90, `(informational: ${s.level}, outside ${s.target}'s profile)`)}` : "";
      const head = `${i + 1}) ${this.paint(COLOR[s.verdict], s.verdict)}${info} ` + visible(`${s.target} › ${s.name}` + (s.rules.length ? `  [${s.rules.join(", ")}]` : ""));
      const where = `   ${visible(s.file)}`;
      const first = s.findings[0];
      const body = first ? "   " + visible(formatFinding(first, "     ", CONSOLE_TEXT)) : "   (no finding recorded)";
      const more = s.findings.length > 1 ? `\n     … and ${s.findings.length - 1} more finding(s)` : "";
      return `${head}\n${where}\n${body}${more}`;
    });
    if (problems.length > max) blocks.push(`… and ${problems.length - max} more; see the report files.`);
    return blocks.join("\n\n");
  }

  /** Each declared deviation in two lines: who and why, then expected vs observed. */
  private renderDeviations(deviations: ScenarioResult[]): string {
    const max = this.opts.maxDeviations ?? 30;
    const head = this.paint(COLOR.deviation, `Declared deviations (${deviations.length})`) + ": what the target does instead, as its expectation file declares";
    const lines = [head];
    for (const s of deviations.slice(0, max)) {
      const evidence = s.deviations ?? [];
      const steps = evidence.filter((d) => d.step !== undefined).map((d) => d.step! + 1);
      const where = steps.length ? ` (step ${steps.join(", ")})` : "";
      const reason = evidence.length ? [...new Set(evidence.map((d) => d.reason))].join("; ") : (s.deviation ?? "(no reason given)");
      // The reason whole (people wrote it to be read); the evidence line is cut to size.
      lines.push(`  ${this.paint(COLOR.deviation, "≈")} ${visible(`${s.target} › ${s.name}${where}: ${reason}`)}`);
      if (evidence[0]) lines.push(`      ${visible(deviationLine(evidence[0]))}`);
    }
    if (deviations.length > max) lines.push(`  … and ${deviations.length - max} more; see the report files.`);
    return lines.join("\n");
  }

  private renderTotals(report: RunReport): string {
    const stats = countFor(report);
    const parts = VERDICTS.filter((v) => stats[v] > 0).map((v) => this.paint(COLOR[v], `${stats[v]} ${v}`));
    const flaky = report.scenarios.filter((s) => s.flaky).length; // --retries: passed only on a retry
    if (flaky > 0) parts.push(this.paint(33, `${flaky} flaky (counted as ${flaky === 1 ? "its" : "their"} last verdict)`));
    return `${parts.join(", ") || "no scenarios"} in ${(report.durationMs / 1000).toFixed(1)}s`;
  }
}

/** Runs that failed and then passed on a retry (--retries): never silently passed. */
function renderFlaky(flaky: ScenarioResult[], paint: (s: string) => string): string {
  const lines = [paint(`Flaky (${flaky.length})`) + ": failed, then passed on a retry"];
  for (const s of flaky.slice(0, 30)) {
    const first = s.earlierAttempts?.[0]?.finding;
    lines.push(`  ${visible(`${s.target} › ${s.name}: ${s.verdict} on attempt ${s.attempts ?? "?"}${first ? `; first failure: ${first.message.split("\n")[0]!.slice(0, 200)}` : ""}`)}`);
  }
  if (flaky.length > 30) lines.push(`  … and ${flaky.length - 30} more; see the report files.`);
  return lines.join("\n");
}

/** Report text may hold control characters (an ESC would restyle the terminal): show them as escapes. */
function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Per target and level: what was judged (its profile) and what is informational. */
export function renderLevels(report: RunReport): string {
  const lines: string[] = [];
  for (const t of report.targets) {
    if (!t.levels) continue;
    const judged = t.profile ? PROFILE_LEVELS[t.profile] : LEVELS;
    lines.push(`${t.name}${t.profile ? ` (profile ${t.profile})` : ""}:`);
    for (const l of LEVELS) {
      const s = t.levels[l];
      if (!s || VERDICTS.every((v) => s[v] === 0)) continue;
      const parts = VERDICTS.filter((v) => s[v] > 0).map((v) => `${s[v]} ${v}`);
      lines.push(`  ${LEVEL_TITLE[l]}${judged.includes(l) ? "" : " (informational)"}: ${parts.join(", ") || "none"}`);
    }
  }
  return lines.join("\n");
}

/** Per target: version and counts per verdict, plus a total row when there are several targets. */
export function renderSummaryTable(report: RunReport): string {
  const header = ["target", "version", ...VERDICTS, "total"];
  const rows: string[][] = report.targets.map((t) => {
    const stats = countFor(report, t.name);
    return [t.name, t.version, ...VERDICTS.map((v) => String(stats[v])), String(sum(stats))];
  });
  if (report.targets.length > 1) {
    const all = countFor(report);
    rows.push(["all", "", ...VERDICTS.map((v) => String(all[v])), String(sum(all))]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

// Counted from the scenarios rather than TargetSummary.stats so the table always matches the list.
function countFor(report: RunReport, target?: string): Record<Verdict, number> {
  return tally(report.scenarios.filter((r) => target === undefined || r.target === target));
}

const sum = (s: Record<Verdict, number>) => VERDICTS.reduce((n, v) => n + s[v], 0);
