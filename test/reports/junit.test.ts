import { describe, expect, it } from "vitest";
import { DEVIATION_TYPE, INFORMATIONAL_TYPE, NO_FAMILY, renderJunit, testcaseName } from "../../reports/junit.ts";
import { syntheticReport, HOSTILE_TEXT, DEVIATION_REASON } from "../support/synthetic-report.ts";
import { parseXml, validateJunitStructure, type XmlElement } from "../support/junit-structure.ts";
import type { RunReport, ScenarioResult } from "../../simulator/results.ts";

const report = syntheticReport(40);
const xml = renderJunit(report);
const root = parseXml(xml);
const suite = (name: string, r: XmlElement = root) => r.children.find((c) => c.name === "testsuite" && c.attrs.name === name)!;
const cases = (s: XmlElement) => s.children.filter((c) => c.name === "testcase");
const caseOf = (r: RunReport, s: ScenarioResult, doc: XmlElement = root) => cases(suite(s.target, doc)).find((c) => c.attrs.name === testcaseName(s))!;
const outcome = (c: XmlElement) => c.children.find((x) => ["failure", "error", "skipped"].includes(x.name));
const props = (el: XmlElement) => Object.fromEntries((el.children.find((c) => c.name === "properties")?.children ?? []).map((p) => [p.attrs.name!, p.attrs.value!]));
const of = (verdict: string, target = "prosody") => report.scenarios.find((s) => s.target === target && s.verdict === verdict)!;

describe("renderJunit", () => {
  it("passes the structural JUnit schema check", () => {
    expect(validateJunitStructure(xml)).toEqual([]);
  });

  it("has one testsuite per target and one testcase per scenario run, named with the target", () => {
    expect(root.children.map((c) => c.attrs.name)).toEqual(["engine", "prosody"]);
    for (const t of report.targets) {
      const mine = report.scenarios.filter((s) => s.target === t.name);
      expect(cases(suite(t.name)).map((c) => c.attrs.name)).toEqual(mine.map((s) => `${t.name} › ${s.name}`));
    }
    // The same scenario on two targets gives two different test names (two annotations in CI).
    const failedOnBoth = report.scenarios.filter((s) => s.verdict === "failed").map((s) => s.id).find((id, i, all) => all.indexOf(id) !== i);
    const names = report.scenarios.filter((s) => s.id === (failedOnBoth ?? report.scenarios[0]!.id)).map(testcaseName);
    expect(new Set(names).size).toBe(names.length);
  });

  it("counts failures and errors as CI must, deviations as skipped apart from true skips", () => {
    const count = (v: string) => report.scenarios.filter((s) => s.verdict === v).length;
    expect(root.attrs.tests).toBe(String(report.scenarios.length));
    expect(root.attrs.failures).toBe(String(count("failed")));
    expect(root.attrs.errors).toBe(String(count("broken")));
    expect(root.attrs.skipped).toBe(String(count("skipped") + count("deviation")));
    const p = props(suite("prosody"));
    const prosody = report.scenarios.filter((s) => s.target === "prosody");
    expect(p["pushlab.deviations"]).toBe(String(prosody.filter((s) => s.verdict === "deviation").length));
    expect(p["pushlab.skipped"]).toBe(String(prosody.filter((s) => s.verdict === "skipped").length));
    expect(p["pushlab.passed"]).toBe(String(prosody.filter((s) => s.verdict === "passed").length));
  });

  it("gives each suite the target's wall time, not the sum of its parallel scenarios", () => {
    for (const t of report.targets) expect(suite(t.name).attrs.time).toBe((t.durationMs! / 1000).toFixed(3));
    const sum = report.scenarios.filter((s) => s.target === "prosody").reduce((n, s) => n + s.durationMs, 0);
    expect(Number(suite("prosody").attrs.time)).toBeLessThan(sum / 1000 / 4);
    expect(root.attrs.time).toBe((report.durationMs / 1000).toFixed(3));
  });

  it("falls back, without a recorded wall time, to the run's time (one target) or the longest scenario, never the sum", () => {
    const r = syntheticReport(12);
    for (const t of r.targets) delete t.durationMs;
    const doc = parseXml(renderJunit(r));
    const longest = Math.max(...r.scenarios.filter((s) => s.target === "prosody").map((s) => s.durationMs));
    expect(suite("prosody", doc).attrs.time).toBe((longest / 1000).toFixed(3));
    const one = { ...r, targets: [r.targets[1]!], scenarios: r.scenarios.filter((s) => s.target === "prosody"), durationMs: 4321 };
    expect(suite("prosody", parseXml(renderJunit(one))).attrs.time).toBe("4.321");
  });

  it("maps failed → failure with expected vs actual, broken → error, skipped → skipped", () => {
    const failed = report.scenarios.find((s) => s.target === "prosody" && s.verdict === "failed" && !s.findings[0]!.message.includes(HOSTILE_TEXT))!;
    const failure = outcome(caseOf(report, failed))!;
    expect(failure.name).toBe("failure");
    expect(failure.attrs.type).toBe(failed.findings[0]!.check);
    expect(failure.attrs.message).toContain(`${failed.findings[0]!.location!.file}:`);
    expect(failure.text).toContain(`[${failed.findings[0]!.check}] ${failed.findings[0]!.message}`);
    expect(outcome(caseOf(report, of("broken")))!.name).toBe("error");
    const skipped = outcome(caseOf(report, of("skipped")))!;
    expect(skipped.name).toBe("skipped");
    expect(skipped.attrs.message).toBe(of("skipped").skipReason);
    expect(skipped.attrs.type).toBeUndefined();
    expect(caseOf(report, of("passed")).children).toEqual([]);
  });

  it("shows a declared deviation: skipped of its own type, the reason and expected vs observed in the message, properties and evidence", () => {
    const dev = of("deviation");
    const tc = caseOf(report, dev);
    const sk = outcome(tc)!;
    expect(sk.name).toBe("skipped");
    expect(sk.attrs.type).toBe(DEVIATION_TYPE);
    expect(sk.attrs.message).toContain(`declared deviation on prosody: ${DEVIATION_REASON}`);
    expect(sk.attrs.message).toMatch(/expected count: 1, within: "30s", match\.message-count: "1" · observed 1 push: node=n-\d+/);
    expect(props(tc)).toMatchObject({
      "pushlab.verdict": "deviation",
      "pushlab.deviation.reason": DEVIATION_REASON,
      "pushlab.deviation.step": "4",
      "pushlab.deviation.declared-in": `simulator/targets/prosody/expectations.yaml:${dev.deviations![0]!.source.line}`,
      "pushlab.deviation.observed-on": "Prosody 0.12.3-1+deb12u1",
      "pushlab.deviation.link": dev.deviations![0]!.source.link,
    });
    const out = tc.children.find((c) => c.name === "system-out")!.text;
    expect(out).toContain("expected (the scenario):\n    count: 1");
    expect(out).toContain('declared for prosody:\n    count: 1\n    within: "30s"\n    match.message-count: "absent"');
    expect(out).toMatch(/observed:\n {4}1 push to app1 in 31s:\n {6}\+1\.\d+ s node=n-\d+ last-message-sender="bob@example.test\/laptop"/);
  });

  it("marks an informational failure (outside the profile) as skipped of its own type, never as a CI failure", () => {
    const r = syntheticReport(12);
    const f = r.scenarios.find((s) => s.verdict === "failed" && s.target === "prosody")!;
    f.counted = false;
    f.level = "hardening";
    const doc = parseXml(renderJunit(r));
    const tc = caseOf(r, f, doc);
    expect(outcome(tc)!.attrs).toMatchObject({ type: INFORMATIONAL_TYPE });
    expect(outcome(tc)!.attrs.message).toMatch(/^informational failed, not counted: level hardening is outside prosody's profile — /);
    expect(props(tc)["pushlab.counted"]).toBe("false");
    expect(doc.attrs.failures).toBe(String(r.scenarios.filter((s) => s.verdict === "failed").length - 1));
    expect(props(suite("prosody", doc))["pushlab.informational"]).toBe("1");
    expect(validateJunitStructure(renderJunit(r))).toEqual([]);
  });

  it("uses the rule family from the catalog as classname, and file and line of the failing step", () => {
    const families = new Map(report.rules.map((r) => [r.id, r.family]));
    for (const s of report.scenarios) {
      const tc = caseOf(report, s);
      expect(tc.attrs.classname).toBe(families.get(s.rules[0] ?? "") ?? NO_FAMILY);
      expect(tc.attrs.file).toBe(s.file);
    }
    const failed = of("failed");
    expect(caseOf(report, failed).attrs.line).toBe(String(failed.findings[0]!.location!.line));
    expect(caseOf(report, of("passed")).attrs.line).toBe("2"); // the scenario's name line
    expect(new Set(cases(suite("prosody")).map((c) => c.attrs.classname))).toEqual(new Set([...report.rules.map((r) => r.family).filter((f) => f !== "coverage"), NO_FAMILY]));
  });

  it("escapes markup and drops characters XML 1.0 forbids, keeping the rest of the text", () => {
    const hostile = report.scenarios.find((s) => s.findings.some((f) => f.message.includes(HOSTILE_TEXT)))!;
    const failure = outcome(caseOf(report, hostile))!;
    const clean = HOSTILE_TEXT.replace("\u0001", "\uFFFD");
    expect(failure.attrs.message).toContain(clean);
    expect(failure.text).toContain(clean);
  });

  it("keeps multi-line attribute values intact through attribute normalisation", () => {
    const r = syntheticReport(12);
    const s = r.scenarios.find((x) => x.verdict === "skipped")!;
    s.skipReason = "line one\nline two\ttabbed";
    expect(outcome(caseOf(r, s, parseXml(renderJunit(r))))!.attrs.message).toBe("line one\nline two\ttabbed");
  });
});

describe("validateJunitStructure (the checker itself)", () => {
  it("rejects a wrong count, a missing attribute, a foreign element, a bad line and malformed XML", () => {
    expect(validateJunitStructure(xml.replace(/<testsuite name="engine" tests="\d+"/, '<testsuite name="engine" tests="999"'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/testsuite engine: tests=999 but counted/)]),
    );
    expect(validateJunitStructure(xml.replace(/ classname="[^"]*"/, ""))).toEqual([expect.stringMatching(/classname missing/)]);
    expect(validateJunitStructure(xml.replace("<system-out>", "<note>").replace("</system-out>", "</note>")).join()).toMatch(/unexpected <note>/);
    expect(validateJunitStructure(xml.replace(/ line="\d+"/, ' line="0"')).join()).toMatch(/line=0 is not a line number/);
    expect(validateJunitStructure(xml.replace("</testsuites>", ""))[0]).toMatch(/not well-formed/);
    expect(validateJunitStructure(xml.replace(/failures="\d+"/, 'failures="0"')).join()).toMatch(/failures=0 but/);
    expect(validateJunitStructure("<testsuite/>")).toEqual([expect.stringMatching(/root is <testsuite>/)]);
  });
});
