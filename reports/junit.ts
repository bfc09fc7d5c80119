// JUnit XML (the de-facto schema CI servers read): one <testsuite> per target, one <testcase> per
// scenario. failed → <failure>, broken → <error>, skipped → <skipped>. A declared deviation is an
// expected non-conformance, so it is a passing testcase with the reason in <system-out>
// (not testcase <properties>, which the common JUnit XSD does not allow).
import type { RunReport, ScenarioResult, TargetSummary, Verdict } from "../simulator/results.ts";
import { tally } from "../simulator/results.ts";
import type { Reporter } from "../simulator/reporter.ts";
import { formatFindings, findingWhere } from "./findings.ts";
import { writeReportFile } from "./files.ts";
import { escapeXmlAttr, escapeXmlText } from "./xml.ts";

export const JUNIT_REPORT_FILE = "junit.xml";

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`)
    .join("");
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** xs:dateTime without zone or fraction: the form the strictest JUnit XSD accepts (value is UTC). */
function junitTimestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 19);
}

/** Counts as JUnit sees them: informational failures are not failures. */
function statsOf(results: ScenarioResult[]): Record<Verdict, number> {
  return tally(results.map((r) => (r.counted === false && (r.verdict === "failed" || r.verdict === "broken") ? { verdict: "passed" as const } : r)));
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

function testcase(r: ScenarioResult): string {
  const open = `    <testcase${attrs({
    name: r.name,
    classname: r.rules.length > 0 ? r.rules.join(",") : r.file,
    time: seconds(r.durationMs),
    file: r.file,
  })}`;
  const first = r.findings[0];
  const message = first ? [first.message, findingWhere(first)].filter(Boolean).join(" at ") : undefined;
  if (r.counted === false && (r.verdict === "failed" || r.verdict === "broken")) {
    // Outside the target's profile: shown, but it does not fail the run, so not a JUnit failure.
    const note = `Informational ${r.verdict} (level ${r.level}, outside ${r.target}'s profile):\n\n${formatFindings(r)}`;
    return `${open}>\n      <system-out>${escapeXmlText(note)}</system-out>\n    </testcase>`;
  }
  switch (r.verdict) {
    case "failed":
      return `${open}>\n      <failure${attrs({ message: message ?? "failed", type: first?.check ?? "failure" })}>${escapeXmlText(formatFindings(r))}</failure>\n    </testcase>`;
    case "broken":
      return `${open}>\n      <error${attrs({ message: message ?? "broken", type: first?.check ?? "error" })}>${escapeXmlText(formatFindings(r))}</error>\n    </testcase>`;
    case "skipped":
      return `${open}>\n      <skipped${attrs({ message: r.skipReason ?? "skipped" })}/>\n    </testcase>`;
    case "deviation": {
      const note = [`Declared deviation: ${r.deviation ?? "(no reason given)"}`, formatFindings(r)].filter(Boolean).join("\n\n");
      return `${open}>\n      <system-out>${escapeXmlText(note)}</system-out>\n    </testcase>`;
    }
    case "passed":
      return `${open}/>`;
  }
}

export function renderJunit(report: RunReport): string {
  const timestamp = junitTimestamp(report.startedAt);
  const suiteXml = suites(report).map(({ name, target, results }) => {
    const s = statsOf(results);
    const props: [string, string][] = [];
    if (target) {
      props.push(["target.version", target.version]);
      if (target.profile) props.push(["target.profile", target.profile]);
      for (const [level, st] of Object.entries(target.levels ?? {})) props.push([`level.${level}`, Object.entries(st).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`).join(", ") || "none"]);
      for (const [k, v] of Object.entries(target.details ?? {})) props.push([`target.${k}`, v]);
    }
    const propsXml = props.length
      ? `    <properties>\n${props.map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`).join("\n")}\n    </properties>\n`
      : "";
    const time = results.reduce((sum, r) => sum + r.durationMs, 0);
    return (
      `  <testsuite${attrs({ name, tests: results.length, failures: s.failed, errors: s.broken, skipped: s.skipped, time: seconds(time), timestamp })}>\n` +
      propsXml +
      results.map(testcase).map((t) => t + "\n").join("") +
      `  </testsuite>\n`
    );
  });
  const all = statsOf(report.scenarios);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites${attrs({
      name: `${report.harness.name} ${report.harness.version}`,
      tests: report.scenarios.length,
      failures: all.failed,
      errors: all.broken,
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
