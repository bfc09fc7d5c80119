// Reports of real runs (the runner on the engine, and on Prosody where installed, with scenarios
// that fail on purpose and a stale declaration), read the way their readers read them:
// - the JUnit file through xml2js (dorny/test-reporter's parser) and xml-js
//   (mikepenz/action-junit-report's): pass counts that leave deviations out, one annotation per
//   target at the failing step's line, rule families as groups, the target's wall time; each check
//   is also shown to go red on a JUnit file broken the way the old one was;
// - the console output: the true push count, stanzas pretty-printed and cut, the field difference
//   first, no negative offsets, every declared deviation with expected vs observed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../simulator/results.ts";
import { DEVIATION_TYPE, INFORMATIONAL_TYPE } from "../../reports/junit.ts";
import { dornyView, mikepenzView, type DornyView, type MikepenzView } from "../support/ci-junit-readers.ts";
import { validateJunitStructure } from "../support/junit-structure.ts";
import { describeWithServer } from "../support/require-server.ts";
import { FAILURE_FIXTURES, PROSODY_AVAILABLE, STALE_SCENARIO_KEY, expectationsDir, realRun, staleProsodyExpectations, type RealRun } from "../support/real-runs.ts";

/** What CI shows, checked against the run's own verdicts; returns the problems found. */
function ciProblems(report: RunReport, dorny: DornyView, mike: MikepenzView): string[] {
  const problems: string[] = [];
  const n = (pred: (s: RunReport["scenarios"][number]) => boolean) => report.scenarios.filter(pred).length;
  const failing = n((s) => (s.verdict === "failed" || s.verdict === "broken") && s.counted !== false);
  if (dorny.passed !== n((s) => s.verdict === "passed")) problems.push(`dorny shows ${dorny.passed} passed, the run has ${n((s) => s.verdict === "passed")}`);
  if (dorny.failed !== failing) problems.push(`dorny shows ${dorny.failed} failed, the run has ${failing} failing`);
  if (mike.failed !== failing) problems.push(`mikepenz shows ${mike.failed} failed, the run has ${failing} failing`);
  const titles = mike.annotations.filter((a) => a.level === "failure").map((a) => a.title);
  if (new Set(titles).size !== titles.length) problems.push(`identical failure annotations: ${titles.filter((t, i) => titles.indexOf(t) !== i).join("; ")}`);
  const families = new Set([...report.rules.map((r) => r.family), "uncatalogued"]);
  for (const s of dorny.suites) for (const g of s.groups) if (!families.has(g.name)) problems.push(`group '${g.name}' in ${s.name} is not a rule family`);
  for (const t of report.targets) {
    const suite = dorny.suites.find((s) => s.name === t.name);
    if (!suite) problems.push(`no suite for ${t.name}`);
    else if (Math.abs(suite.timeMs - t.durationMs!) > 1) problems.push(`${t.name}: suite time ${suite.timeMs} ms, the target ran ${t.durationMs} ms`);
  }
  return problems;
}

describe("JUnit of a real engine run, as CI tools read it", () => {
  let dir: string;
  let runResult: RealRun;
  let xml: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pushlab-junit-"));
    runResult = await realRun({ targets: ["engine"], paths: ["scenarios/registration", FAILURE_FIXTURES], reportDir: dir });
    xml = readFileSync(runResult.files.junit, "utf8");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is valid JUnit and shows the run's verdicts in both readers", async () => {
    expect(validateJunitStructure(xml)).toEqual([]);
    expect(ciProblems(runResult.report, await dornyView(xml), mikepenzView(xml))).toEqual([]);
  });

  it("annotates each failure at its scenario's failing step, named with the target", () => {
    const failures = mikepenzView(xml).annotations.filter((a) => a.level === "failure");
    const failing = runResult.report.scenarios.filter((s) => (s.verdict === "failed" || s.verdict === "broken") && s.counted !== false);
    expect(failures.map((a) => `${a.path}:${a.line}`).sort()).toEqual(failing.map((s) => `${s.file}:${s.findings[0]!.location!.line}`).sort());
    expect(failures.map((a) => a.path)).toContain(`${FAILURE_FIXTURES}/R-OFFLINE-flood-at-most-one.yaml`);
    for (const a of failures) expect(a.title).toMatch(/\.engine › /);
    const flood = failures.find((a) => a.path.endsWith("R-OFFLINE-flood-at-most-one.yaml"))!;
    expect(flood.line).toBe(12);
    expect(flood.message).toBe(`expected at most 1 push(es) to push within 3s, got 25 at ${FAILURE_FIXTURES}/R-OFFLINE-flood-at-most-one.yaml:12:5, step 6`);
  });

  it("shows the informational failure (hardening, outside the engine's profile) as skipped, never failed", async () => {
    const dorny = await dornyView(xml);
    const tests = dorny.suites.flatMap((s) => s.groups.flatMap((g) => g.tests));
    const info = tests.find((t) => t.name.startsWith("engine › R-DEDUP-EXPIRY a hardening scenario"))!;
    expect(info.result).toBe("skipped");
    expect(xml).toContain(`type="${INFORMATIONAL_TYPE}" message="informational failed, not counted: level hardening is outside engine&apos;s profile`);
  });

  it("prints the console failure of a flood with the true push count, in a few short lines", () => {
    const text = runResult.console;
    const block = text.slice(text.indexOf("failed engine › R-OFFLINE 25 offline messages"));
    const lines = block.slice(0, block.indexOf("\n\n")).split("\n");
    expect(lines[2]).toBe("   [push-count] expected at most 1 push(es) to push within 3s, got 25");
    expect(lines[4]).toBe("     actual:   25 pushes in the window:");
    expect(lines[5]).toMatch(/^ {17}\+\d+ ms (to \d+ ms )?25× node=n1 message-count="1" last-message-body="New Message!"$/);
    expect(lines).toHaveLength(7); // head, file, finding, expected, actual, the pushes, where
    expect(text).not.toContain("+-");
    expect(text).not.toMatch(/<iq [^\n]*<pubsub/); // no stanza on one long line
    expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThanOrEqual(320);
  });

  it("prints a push-content failure with the field difference first, then the push pretty-printed", () => {
    const text = runResult.console;
    const block = text.slice(text.indexOf("[push-content]"));
    const lines = block.split("\n");
    expect(lines[1]).toBe('     last-message-body: expected "a body nobody sends", got "hello offline alice"');
    expect(lines[2]).toBe("     the push:");
    expect(lines[3]).toMatch(/^ {7}<iq [^>]*>$/);
    expect(lines.slice(3, 20).join("\n")).toContain('<field var="last-message-body"><value>hello offline alice</value></field>');
  });

  it("catches the old JUnit's faults (the checks can fail)", async () => {
    // Suite time as the sum of the scenarios' times, and the target missing from the test names.
    const sum = runResult.report.scenarios.reduce((n, s) => n + s.durationMs, 0) + 5_000;
    const old = xml.replace(/(<testsuite name="engine"[^>]* time=")[\d.]+"/, `$1${(sum / 1000).toFixed(3)}"`).replace(/name="engine › /g, 'name="');
    const engineFailures = runResult.report.scenarios.filter((s) => s.verdict === "failed" && s.counted !== false);
    const doubled = old.replace("</testsuites>", `<testsuite name="copy" tests="${engineFailures.length}" failures="${engineFailures.length}" errors="0" skipped="0" time="0">${[...old.matchAll(/<testcase\b[\s\S]*?<\/testcase>/g)].map((m) => m[0]).filter((t) => t.includes("<failure")).join("")}</testsuite></testsuites>`);
    const problems = ciProblems(runResult.report, await dornyView(doubled), mikepenzView(doubled));
    expect(problems.join("\n")).toMatch(/engine: suite time \d+ ms, the target ran/);
    expect(problems.join("\n")).toMatch(/identical failure annotations/);
  });
});

describeWithServer("JUnit of a real engine + Prosody run with declared deviations and a stale declaration", PROSODY_AVAILABLE, "install prosody prosody-modules", () => {
  let dir: string;
  let runResult: RealRun;
  let xml: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pushlab-junit-"));
    runResult = await realRun({
      targets: ["engine", "prosody"],
      paths: ["scenarios/registration", "scenarios/content", FAILURE_FIXTURES],
      expectations: { prosody: staleProsodyExpectations(expectationsDir("real-output")) },
      reportDir: dir,
    });
    xml = readFileSync(runResult.files.junit, "utf8");
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("shows the run's verdicts in both readers; deviations are not counted as passes", async () => {
    const dorny = await dornyView(xml);
    expect(validateJunitStructure(xml)).toEqual([]);
    expect(ciProblems(runResult.report, dorny, mikepenzView(xml))).toEqual([]);
    const deviations = runResult.report.scenarios.filter((s) => s.verdict === "deviation");
    expect(deviations.length).toBeGreaterThanOrEqual(5);
    const prosody = dorny.suites.find((s) => s.name === "prosody")!.groups.flatMap((g) => g.tests);
    for (const d of deviations) {
      const t = prosody.find((x) => x.name === `prosody › ${d.name}`)!;
      expect(t.result).toBe("skipped");
    }
    expect(xml).toMatch(new RegExp(`<property name="pushlab.deviations" value="${deviations.length}"/>`));
  });

  it("puts the deviation's reason and expected vs observed into the skipped message", () => {
    const dev = runResult.report.scenarios.find((s) => s.key === "content/R-PRIVACY-ENC-call" && s.target === "prosody")!;
    expect(dev.verdict).toBe("deviation");
    const tc = new RegExp(`<testcase name="prosody › ${dev.name}"[^>]*>[\\s\\S]*?</testcase>`).exec(xml)![0];
    expect(tc).toContain(`<skipped type="${DEVIATION_TYPE}" message="declared deviation on prosody: ${dev.deviations![0]!.reason} (expected count: 1, within: &quot;2s&quot;, match.body: &quot;New Message!&quot; · observed 1 push: node=n1 message-count=&quot;1&quot;`);
    expect(tc).toMatch(/<property name="pushlab.deviation.declared-in" value="reports\/out\/real-runs\/[^"]*prosody-with-a-stale-declaration.yaml:\d+"\/>/);
    expect(tc).toMatch(/ file="scenarios\/content\/R-PRIVACY-ENC-call.yaml" line="13"/); // the expect-pushes step
  });

  it("gives the Prosody suite the target's wall time, well below the sum of its parallel scenarios", async () => {
    const dorny = await dornyView(xml);
    const t = runResult.report.targets.find((x) => x.name === "prosody")!;
    const sum = runResult.report.scenarios.filter((s) => s.target === "prosody").reduce((n, s) => n + s.durationMs, 0);
    expect(dorny.suites.find((s) => s.name === "prosody")!.timeMs).toBeCloseTo(t.durationMs!, 0);
    expect(t.durationMs!).toBeLessThan(sum);
    expect(t.durationMs!).toBeLessThanOrEqual(runResult.report.durationMs);
  });

  it("prints every declared deviation in the console with expected vs observed", () => {
    const text = runResult.console;
    const deviations = runResult.report.scenarios.filter((s) => s.verdict === "deviation");
    expect(text).toContain(`Declared deviations (${deviations.length}): what the target does instead, as its expectation file declares\n`);
    const call = deviations.find((s) => s.key === "content/R-PRIVACY-ENC-call")!;
    const head = `  ≈ prosody › ${call.name} (step 6): ${call.deviations![0]!.reason}\n`;
    expect(text).toContain(head);
    const next = text.slice(text.indexOf(head) + head.length).split("\n")[0]!;
    expect(next).toMatch(/^ {6}expected count: 1, within: "2s", match\.body: "New Message!" · observed 1 push: node=n1 message-count="1" .*last-message-body=""$/);
    for (const d of deviations) expect(text).toContain(`≈ prosody › ${d.name}`);
  });

  it("annotates the stale declaration and the failures of both targets apart", () => {
    const failures = mikepenzView(xml).annotations.filter((a) => a.level === "failure");
    const stale = failures.find((a) => a.title === `scenarios/${STALE_SCENARIO_KEY}.yaml.prosody › ${runResult.report.scenarios.find((s) => s.key === STALE_SCENARIO_KEY)!.name}`)!;
    expect(stale.line).toBe(13);
    expect(stale.message).toMatch(/^prosody now does what the scenario expects at step 6: the declared difference is stale/);
    const flood = failures.filter((a) => a.path.endsWith("R-OFFLINE-flood-at-most-one.yaml"));
    expect(flood.map((a) => a.title.split(".yaml.")[1]!.split(" › ")[0]).sort()).toEqual(["engine", "prosody"]);
    expect(flood.every((a) => /got 25 at /.test(a.message))).toBe(true);
  });
});
