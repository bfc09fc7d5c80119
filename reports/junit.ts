// JUnit XML as CI tools read it (the Ant/Jenkins schema, which dorny/test-reporter,
// mikepenz/action-junit-report, GitLab and Jenkins all parse):
// - one <testsuite> per target, its time the target's wall time (scenarios run in parallel);
// - one <testcase> per scenario run, named "target › scenario" (annotations of two targets differ),
//   classname = the rule family from the catalog, file and line of the failing step (or scenario);
// - failed → <failure>, broken → <error>, skipped → <skipped>;
// - a declared deviation is an expected non-conformance (pytest writes its xfail the same way):
//   <skipped type="pushlab.deviation"> with the reason and expected vs observed in the message, so
//   it is never counted as a plain pass, plus testcase properties and the evidence in system-out;
// - a failure outside the target's profile is informational: <skipped type="pushlab.informational">,
//   never a CI failure, but marked and explained.
// Per-suite properties count deviations, true skips and informational results apart.
import type { RunReport, ScenarioResult, TargetSummary } from "../simulator/results.ts";
import type { Reporter } from "../simulator/reporter.ts";
import { declarationWhere, deviationLine, deviationSides } from "./deviation-text.ts";
import { FULL_TEXT, formatFindings, findingWhere } from "./findings.ts";
import { writeReportFile } from "./files.ts";
import { resultLine } from "./scenario-lines.ts";
import { escapeXmlAttr, escapeXmlText } from "./xml.ts";

export const JUNIT_REPORT_FILE = "junit.xml";
/** <skipped type> of a declared deviation and of an informational failure. */
export const DEVIATION_TYPE = "pushlab.deviation";
export const INFORMATIONAL_TYPE = "pushlab.informational";
/** classname of a scenario that names no rule, or a rule missing from the catalog. */
export const NO_FAMILY = "uncatalogued";

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`)
    .join("");
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** xs:dateTime without zone or fraction: the form the strictest JUnit XSD accepts (value is UTC). */
function junitTimestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 19);
}

/** How a result appears in JUnit. */
type Kind = "passed" | "failure" | "error" | "skipped" | "deviation" | "informational";

export function junitKind(r: Pick<ScenarioResult, "verdict" | "counted">): Kind {
  if ((r.verdict === "failed" || r.verdict === "broken") && r.counted === false) return "informational";
  return r.verdict === "failed" ? "failure" : r.verdict === "broken" ? "error" : r.verdict;
}

/** Targets in report order, plus any that only appear in scenarios. */
function suites(report: RunReport): { target: TargetSummary | undefined; name: string; results: ScenarioResult[] }[] {
  const names = [...report.targets.map((t) => t.name)];
  for (const s of report.scenarios) if (!names.includes(s.target)) names.push(s.target);
  return names.map((name) => ({
    name,
    target: report.targets.find((t) => t.name === name),
    results: report.scenarios.filter((s) => s.target === name),
  }));
}

export function testcaseName(r: Pick<ScenarioResult, "target" | "name">): string {
  return `${r.target} › ${r.name}`;
}

function property(name: string, value: string, pad: string): string {
  return `${pad}<property${attrs({ name, value })}/>`;
}

function propertiesXml(props: [string, string][], pad: string): string {
  return props.length ? `${pad}<properties>\n${props.map(([k, v]) => property(k, v, pad + "  ")).join("\n")}\n${pad}</properties>\n` : "";
}

function deviationText(r: ScenarioResult): string {
  const evidence = r.deviations ?? [];
  if (evidence.length === 0) return `Declared deviation: ${r.deviation ?? "(no reason given)"}`;
  return evidence
    .map((d) => {
      const sides = deviationSides(d);
      const indent = (s: string) => s.split("\n").map((l) => `    ${l}`).join("\n");
      return [
        `Declared deviation${d.step !== undefined ? ` at step ${d.step + 1}` : ""}: ${d.reason}`,
        `  expected (the scenario):\n${indent(sides.expected)}`,
        `  declared for ${r.target}:\n${indent(sides.declared)}`,
        `  observed:\n${indent(sides.observed)}`,
        `  declared in ${declarationWhere(d)}`,
      ].join("\n");
    })
    .join("\n\n");
}

function caseProperties(r: ScenarioResult, kind: Kind): [string, string][] {
  const props: [string, string][] = [["pushlab.verdict", r.verdict]];
  if (r.level) props.push(["pushlab.level", r.level]);
  if (r.counted === false) props.push(["pushlab.counted", "false"]);
  if (kind === "deviation") {
    for (const [i, d] of (r.deviations ?? []).entries()) {
      const p = (r.deviations!.length > 1 ? `pushlab.deviation.${i + 1}` : "pushlab.deviation");
      props.push([`${p}.reason`, d.reason]);
      if (d.step !== undefined) props.push([`${p}.step`, String(d.step + 1)]);
      props.push([`${p}.declared-in`, `${d.source.file}:${d.source.line}`]);
      if (d.source.observedOn.length) props.push([`${p}.observed-on`, d.source.observedOn.join("; ")]);
      if (d.source.link) props.push([`${p}.link`, d.source.link]);
    }
    if (!r.deviations?.length) props.push(["pushlab.deviation.reason", r.deviation ?? "(no reason given)"]);
  }
  if (r.flaky) props.push(["pushlab.flaky", "true"], ["pushlab.attempts", String(r.attempts ?? 0)]);
  return props;
}

function testcase(r: ScenarioResult, families: Map<string, string>): string {
  const kind = junitKind(r);
  const open = `    <testcase${attrs({
    name: testcaseName(r),
    classname: families.get(r.rules[0] ?? "") ?? NO_FAMILY,
    time: seconds(r.durationMs),
    file: r.file,
    line: resultLine(r),
  })}`;
  const first = r.findings[0];
  const firstMessage = first ? [first.message, findingWhere(first)].filter(Boolean).join(" at ") : undefined;
  const props = kind === "passed" && !r.flaky ? "" : propertiesXml(caseProperties(r, kind), "      ");
  // --retries: the failed attempts before a pass, as Maven Surefire writes reruns (flakyFailure).
  const flaky = (r.flaky ? (r.earlierAttempts ?? []) : [])
    .map((a) => `      <flakyFailure${attrs({ message: a.finding?.message ?? a.verdict, type: a.finding?.check ?? a.verdict })}/>\n`)
    .join("");
  const out = (text: string) => `      <system-out>${escapeXmlText(text)}</system-out>\n`;
  let body: string;
  switch (kind) {
    case "passed":
      if (!r.flaky) return `${open}/>`;
      body = "";
      break;
    case "failure":
      body = `      <failure${attrs({ message: firstMessage ?? "failed", type: first?.check ?? "failure" })}>${escapeXmlText(formatFindings(r, FULL_TEXT))}</failure>\n`;
      break;
    case "error":
      body = `      <error${attrs({ message: firstMessage ?? "broken", type: first?.check ?? "error" })}>${escapeXmlText(formatFindings(r, FULL_TEXT))}</error>\n`;
      break;
    case "skipped":
      body = `      <skipped${attrs({ message: r.skipReason ?? "skipped" })}/>\n`;
      break;
    case "deviation": {
      const reasons = [...new Set((r.deviations ?? []).map((d) => d.reason))].join("; ") || r.deviation || "(no reason given)";
      const evidence = r.deviations?.[0];
      const message = `declared deviation on ${r.target}: ${reasons}${evidence ? ` (${deviationLine(evidence, 400)})` : ""}`;
      body = `      <skipped${attrs({ type: DEVIATION_TYPE, message })}/>\n` + out(deviationText(r));
      break;
    }
    case "informational": {
      const message = `informational ${r.verdict}, not counted: level ${r.level ?? "?"} is outside ${r.target}'s profile${firstMessage ? ` — ${firstMessage}` : ""}`;
      body = `      <skipped${attrs({ type: INFORMATIONAL_TYPE, message })}/>\n` + out(formatFindings(r, FULL_TEXT));
      break;
    }
  }
  return `${open}>\n${props}${body}${flaky}    </testcase>`;
}

/** JUnit's own counts: failures and errors are what fails the run; deviations and informational results are skipped. */
function counts(results: ScenarioResult[]) {
  const kinds = results.map(junitKind);
  const n = (k: Kind) => kinds.filter((x) => x === k).length;
  return {
    tests: results.length,
    failures: n("failure"),
    errors: n("error"),
    skipped: n("skipped") + n("deviation") + n("informational"),
    passed: n("passed"),
    deviations: n("deviation"),
    informational: n("informational"),
    trueSkips: n("skipped"),
  };
}

/**
 * The target's wall time. Where the runner did not record it (older reports, the receiver mode):
 * the whole run's when it had one target, else the longest scenario (a lower bound, never the
 * parallel sum).
 */
function wallTime(report: RunReport, target: TargetSummary | undefined, results: ScenarioResult[]): number {
  if (target?.durationMs !== undefined) return target.durationMs;
  if (report.targets.length <= 1) return report.durationMs;
  return Math.max(0, ...results.map((r) => r.durationMs));
}

export function renderJunit(report: RunReport): string {
  const timestamp = junitTimestamp(report.startedAt);
  const families = new Map(report.rules.map((r) => [r.id, r.family]));
  const suiteXml = suites(report).map(({ name, target, results }) => {
    const c = counts(results);
    const props: [string, string][] = [];
    if (target) {
      props.push(["target.version", target.version]);
      if (target.profile) props.push(["target.profile", target.profile]);
      if (target.expectations) props.push(["target.expectations", target.expectations]);
      for (const [k, v] of Object.entries(target.details ?? {})) props.push([`target.${k}`, v]);
      for (const [level, st] of Object.entries(target.levels ?? {})) {
        const text = Object.entries(st).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`).join(", ");
        if (text) props.push([`level.${level}`, text]);
      }
    }
    props.push(["pushlab.passed", String(c.passed)], ["pushlab.deviations", String(c.deviations)], ["pushlab.skipped", String(c.trueSkips)], ["pushlab.informational", String(c.informational)]);
    if (report.flaky !== undefined) props.push(["pushlab.flaky", String(results.filter((r) => r.flaky).length)]);
    return (
      `  <testsuite${attrs({ name, tests: c.tests, failures: c.failures, errors: c.errors, skipped: c.skipped, time: seconds(wallTime(report, target, results)), timestamp })}>\n` +
      propertiesXml(props, "    ") +
      results.map((r) => testcase(r, families) + "\n").join("") +
      `  </testsuite>\n`
    );
  });
  const all = counts(report.scenarios);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites${attrs({
      name: `${report.harness.name} ${report.harness.version}`,
      tests: all.tests,
      failures: all.failures,
      errors: all.errors,
      skipped: all.skipped,
      time: seconds(report.durationMs),
      timestamp,
    })}>\n` +
    suiteXml.join("") +
    `</testsuites>\n`
  );
}

export class JunitReporter implements Reporter {
  constructor(private readonly dir: string) {}
  async onEnd(report: RunReport): Promise<void> {
    await writeReportFile(this.dir, JUNIT_REPORT_FILE, renderJunit(report));
  }
}
