import { describe, expect, it } from "vitest";
import { renderJunit } from "../../reports/junit.ts";
import { syntheticReport, HOSTILE_TEXT } from "../support/synthetic-report.ts";
import { parseXml, validateJunitStructure, type XmlElement } from "../support/junit-structure.ts";

const report = syntheticReport(40);
const xml = renderJunit(report);
const root = parseXml(xml);
const suite = (name: string) => root.children.find((c) => c.name === "testsuite" && c.attrs.name === name)!;
const cases = (s: XmlElement) => s.children.filter((c) => c.name === "testcase");

describe("renderJunit", () => {
  it("passes the structural JUnit schema check", () => {
    expect(validateJunitStructure(xml)).toEqual([]);
  });

  it("has one testsuite per target and one testcase per scenario run", () => {
    expect(root.children.map((c) => c.attrs.name)).toEqual(["engine", "prosody"]);
    for (const t of report.targets) expect(cases(suite(t.name))).toHaveLength(report.scenarios.filter((s) => s.target === t.name).length);
    expect(root.attrs.tests).toBe(String(report.scenarios.length));
    expect(root.attrs.failures).toBe(String(report.stats.failed));
    expect(root.attrs.errors).toBe(String(report.stats.broken));
    expect(root.attrs.skipped).toBe(String(report.stats.skipped));
  });

  it("maps verdicts: failed → failure with expected vs actual, broken → error, skipped → skipped, deviation → passing with a note", () => {
    const prosody = cases(suite("prosody"));
    const byName = (name: string) => prosody.find((c) => c.attrs.name === name)!;
    const of = (verdict: string) => report.scenarios.find((s) => s.target === "prosody" && s.verdict === verdict)!;

    const failed = byName(of("failed").name);
    const failure = failed.children.find((c) => c.name === "failure")!;
    expect(failure.attrs.type).toBe(of("failed").findings[0]!.check);
    expect(failure.text).toContain(`expected: ${of("failed").findings[0]!.expected!.split("\n")[0]}`);
    expect(failure.text).toContain(`actual:   ${of("failed").findings[0]!.actual!.split("\n")[0]}`);
    expect(failure.attrs.message).toContain(`${of("failed").findings[0]!.location!.file}:`);

    expect(byName(of("broken").name).children.map((c) => c.name)).toEqual(["error"]);
    const skipped = byName(of("skipped").name).children[0]!;
    expect(skipped.name).toBe("skipped");
    expect(skipped.attrs.message).toBe(of("skipped").skipReason);

    const dev = byName(of("deviation").name);
    expect(dev.children.map((c) => c.name)).toEqual(["system-out"]);
    expect(dev.children[0]!.text).toContain(`Declared deviation: ${of("deviation").deviation}`);

    expect(byName(of("passed").name).children).toEqual([]);
  });

  it("uses rule ids as classname, or the file when a scenario names no rule", () => {
    const s = report.scenarios.find((x) => x.rules.length > 0)!;
    const none = report.scenarios.find((x) => x.rules.length === 0)!;
    const all = [...cases(suite("engine")), ...cases(suite("prosody"))];
    expect(all.find((c) => c.attrs.name === s.name)!.attrs.classname).toBe(s.rules.join(","));
    expect(all.find((c) => c.attrs.name === none.name)!.attrs.classname).toBe(none.file);
  });

  it("escapes markup and drops characters XML 1.0 forbids, keeping the rest of the text", () => {
    const hostile = report.scenarios.find((s) => s.findings.some((f) => f.message.includes(HOSTILE_TEXT)))!;
    const tc = cases(suite(hostile.target)).find((c) => c.attrs.name === hostile.name)!;
    const failure = tc.children[0]!;
    const clean = HOSTILE_TEXT.replace("\u0001", "\uFFFD");
    expect(failure.attrs.message).toContain(clean);
    expect(failure.text).toContain(clean);
  });

  it("keeps multi-line attribute values intact through attribute normalisation", () => {
    const r = syntheticReport(12);
    const s = r.scenarios.find((x) => x.verdict === "skipped")!;
    s.skipReason = "line one\nline two\ttabbed";
    const sk = parseXml(renderJunit(r))
      .children.flatMap(cases)
      .find((c) => c.attrs.name === s.name && c.children[0]?.name === "skipped")!;
    expect(sk.children[0]!.attrs.message).toBe("line one\nline two\ttabbed");
  });
});

describe("validateJunitStructure (the checker itself)", () => {
  it("rejects a wrong count, a missing attribute, a foreign element and malformed XML", () => {
    expect(validateJunitStructure(xml.replace(/<testsuite name="engine" tests="\d+"/, '<testsuite name="engine" tests="999"'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/testsuite engine: tests=999 but counted/)]),
    );
    expect(validateJunitStructure(xml.replace(/ classname="[^"]*"/, ""))).toEqual([expect.stringMatching(/classname missing/)]);
    expect(validateJunitStructure(xml.replace("<system-out>", "<note>").replace("</system-out>", "</note>")).join()).toMatch(/unexpected <note>/);
    expect(validateJunitStructure(xml.replace("</testsuites>", ""))[0]).toMatch(/not well-formed/);
    expect(validateJunitStructure(xml.replace(/failures="\d+"/, 'failures="0"')).join()).toMatch(/failures=0 but/);
    expect(validateJunitStructure("<testsuite/>")).toEqual([expect.stringMatching(/root is <testsuite>/)]);
  });
});
