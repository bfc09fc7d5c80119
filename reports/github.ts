// The github reporter: GitHub Actions workflow commands, one annotation per result that needs a
// reader's eye, at the scenario's file:line — ::error for a failure that fails the run (and,
// with --strict, a declared deviation), ::warning for a stale declaration and a flaky run,
// ::notice for a failure outside the target's profile — and a Markdown summary appended to
// $GITHUB_STEP_SUMMARY when that is set.
import { appendFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { RunReport, ScenarioResult, Verdict } from "../simulator/results.ts";
import { VERDICTS, failsRun, tally } from "../simulator/results.ts";
import type { Reporter } from "../simulator/reporter.ts";
import { resultLine } from "./scenario-lines.ts";

/** Annotations of one kind beyond this are counted in one last line (GitHub shows only a few per step anyway). */
export const MAX_ANNOTATIONS = 50;

export interface GithubReporterOptions {
  stream?: NodeJS.WritableStream;
  strict?: boolean;
  /** Default: $GITHUB_STEP_SUMMARY. */
  summaryFile?: string;
  /** Paths are given relative to this (default: $GITHUB_WORKSPACE, else the current directory). */
  workspace?: string;
}

type Kind = "error" | "warning" | "notice";

/** Workflow command escaping (as the Actions toolkit does it). */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function annotation(kind: Kind, props: { file?: string; line?: number; title?: string }, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(",");
  return `::${kind}${p ? ` ${p}` : ""}::${escapeData(message)}\n`;
}

const isStale = (r: ScenarioResult) => r.findings.some((f) => f.check === "stale-declaration");

function kindOf(r: ScenarioResult, strict: boolean): { kind: Kind; what: string } | undefined {
  if (r.flaky) return { kind: "warning", what: `flaky (passed on attempt ${r.attempts ?? "?"})` };
  if (r.verdict === "failed" && isStale(r)) return { kind: r.counted === false ? "notice" : "warning", what: "stale declaration" };
  if (failsRun(r)) return { kind: "error", what: r.verdict };
  if (r.verdict === "failed" || r.verdict === "broken") return { kind: "notice", what: `informational ${r.verdict} (level ${r.level ?? "?"} is outside ${r.target}'s profile)` };
  if (strict && r.verdict === "deviation" && r.counted !== false) return { kind: "error", what: "declared deviation (fails with --strict)" };
  return undefined;
}

/** Expected and actual can hold whole stanzas: the annotation keeps their start. */
const MAX_PART = 400;
const cut = (s: string) => (s.length > MAX_PART ? `${s.slice(0, MAX_PART)}… (${s.length - MAX_PART} more characters in the reports)` : s);

function messageOf(r: ScenarioResult): string {
  if (r.flaky) {
    const first = r.earlierAttempts?.[0]?.finding;
    return `${r.target} › ${r.name}: failed ${r.earlierAttempts?.length ?? 1} time(s), then ${r.verdict}${first ? `. First failure: ${first.message}` : ""}`;
  }
  if (r.verdict === "deviation") return `${r.target} › ${r.name}: ${r.deviations?.map((d) => d.reason).join("; ") || r.deviation || "declared deviation"}`;
  const f = r.findings[0];
  return `${r.target} › ${r.name}: ${f ? cut(f.message) : r.verdict}${f?.expected !== undefined ? `\nexpected: ${cut(f.expected)}` : ""}${f?.actual !== undefined ? `\nactual: ${cut(f.actual)}` : ""}`;
}

export function githubAnnotations(report: RunReport, opts: { strict?: boolean; workspace?: string } = {}): string[] {
  const base = opts.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd();
  const perKind: Record<Kind, string[]> = { error: [], warning: [], notice: [] };
  for (const r of report.scenarios) {
    const k = kindOf(r, opts.strict === true);
    if (!k) continue;
    const file = relative(base, resolve(r.file)) || r.file;
    perKind[k.kind].push(annotation(k.kind, { file, line: resultLine(r), title: `pushlab ${r.target}: ${k.what} — ${r.rules.join(", ") || r.name}` }, messageOf(r)));
  }
  const out: string[] = [];
  for (const kind of ["error", "warning", "notice"] as Kind[]) {
    const list = perKind[kind];
    out.push(...list.slice(0, MAX_ANNOTATIONS));
    if (list.length > MAX_ANNOTATIONS) out.push(annotation(kind, { title: "pushlab" }, `… and ${list.length - MAX_ANNOTATIONS} more; see the reports`));
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The step summary: totals per target, then the runs that need attention. */
export function githubSummary(report: RunReport, strict = false): string {
  const lines: string[] = [];
  const failing = report.scenarios.filter(failsRun).length + (strict ? report.scenarios.filter((r) => r.verdict === "deviation" && r.counted !== false).length : 0);
  lines.push(`## pushlab ${report.harness.version}: ${failing === 0 ? "passed" : `${failing} scenario run(s) fail the run`}${report.options.incomplete ? " (incomplete)" : ""}`, "");
  const flakyCol = report.flaky !== undefined;
  lines.push(`| target | version | ${VERDICTS.join(" | ")}${flakyCol ? " | flaky" : ""} |`, `|---|---|${VERDICTS.map(() => "---:").join("|")}|${flakyCol ? "---:|" : ""}`);
  const targets = report.targets.length ? report.targets.map((t) => t.name) : [...new Set(report.scenarios.map((r) => r.target))];
  for (const name of targets) {
    const rs = report.scenarios.filter((r) => r.target === name);
    const s: Record<Verdict, number> = tally(rs);
    const version = report.targets.find((t) => t.name === name)?.version ?? "";
    lines.push(`| ${cell(name)} | ${cell(version)} | ${VERDICTS.map((v) => s[v]).join(" | ")}${flakyCol ? ` | ${rs.filter((r) => r.flaky).length}` : ""} |`);
  }
  const attention = report.scenarios.filter((r) => kindOf(r, strict)?.kind === "error" || kindOf(r, strict)?.kind === "warning");
  if (attention.length) {
    lines.push("", "| | run | file | reason |", "|---|---|---|---|");
    for (const r of attention.slice(0, 50)) {
      const k = kindOf(r, strict)!;
      const line = resultLine(r);
      lines.push(`| ${k.kind === "error" ? "❌" : "⚠️"} ${k.what} | ${cell(`${r.target} › ${r.name}`)} | \`${cell(r.file)}${line ? `:${line}` : ""}\` | ${cell(messageOf(r).split("\n")[0]!.slice(0, 300))} |`);
    }
    if (attention.length > 50) lines.push(`| | … and ${attention.length - 50} more | | |`);
  }
  const dev = report.scenarios.filter((r) => r.verdict === "deviation").length;
  if (dev) lines.push("", `${dev} declared deviation(s)${strict ? " (failing: --strict)" : ""}; the HTML report shows each one's evidence.`);
  return lines.join("\n") + "\n";
}

export class GithubReporter implements Reporter {
  constructor(private readonly opts: GithubReporterOptions = {}) {}

  onEnd(report: RunReport): void {
    const stream = this.opts.stream ?? process.stdout;
    const strict = this.opts.strict === true || report.options.strict === true;
    for (const line of githubAnnotations(report, { strict, ...(this.opts.workspace && { workspace: this.opts.workspace }) })) stream.write(line);
    const file = this.opts.summaryFile ?? process.env.GITHUB_STEP_SUMMARY;
    if (file) appendFileSync(file, githubSummary(report, strict) + "\n");
  }
}
