// Issue 10, point 2 (sizes): a huge scenario keeps its reports bounded — the timeline keeps its
// first and last events with counts of the rest, one scenario's report data is capped — so the
// HTML reporter no longer fails ("Invalid string length") and report.json stays small.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../simulator/results.ts";
import { capResult, RESULT_LIMITS } from "../../simulator/result-cap.ts";
import { Trace, TRACE_HEAD_EVENTS, TRACE_MAX_XML, TRACE_TAIL_EVENTS } from "../../simulator/trace.ts";
import { cli, GOOD_SCENARIO, tempDir, writeScenario } from "./support.ts";

describe("bounded trace", () => {
  it("keeps the first and last events and counts the elided ones per kind", () => {
    let t = 0;
    const trace = new Trace(() => t++);
    for (let i = 0; i < 10_000; i++) trace.add(i % 2 ? "push" : "out", "x", { text: `e${i}`, xml: () => `<m n="${i}"/>` });
    const ev = trace.events;
    expect(ev).toHaveLength(TRACE_HEAD_EVENTS + 1 + TRACE_TAIL_EVENTS);
    expect(ev[0]!.text).toBe("e0");
    expect(ev[TRACE_HEAD_EVENTS - 1]!.text).toBe(`e${TRACE_HEAD_EVENTS - 1}`);
    const gap = ev[TRACE_HEAD_EVENTS]!;
    const elided = 10_000 - TRACE_HEAD_EVENTS - TRACE_TAIL_EVENTS;
    expect(gap.text).toBe(`… ${elided} events between ${TRACE_HEAD_EVENTS} ms and ${TRACE_HEAD_EVENTS + elided - 1} ms not kept (${elided / 2} out, ${elided / 2} push) …`);
    expect(ev.at(-1)!.text).toBe("e9999");
    expect(ev.at(-1)!.xml).toBe('<m n="9999"/>'); // lazy xml is serialized for kept events
    expect(trace.total).toBe(10_000);
  });

  it("cuts an over-long stanza in the timeline", () => {
    const trace = new Trace(() => 0);
    trace.add("in", "x", { xml: "a".repeat(TRACE_MAX_XML + 10) });
    expect(trace.events[0]!.xml).toBe(`${"a".repeat(TRACE_MAX_XML)}… (10 more characters)`);
  });
});

describe("capped scenario result", () => {
  const base: ScenarioResult = { id: "f#n", file: "f", name: "n", rules: ["R-X"], target: "engine", verdict: "failed", durationMs: 1, findings: [], timeline: [], source: "" };

  it("caps findings, their texts, the timeline, names and the source", () => {
    const r = capResult({
      ...base,
      name: "n".repeat(5000),
      findings: Array.from({ length: 200 }, (_, i) => ({ check: "c", message: `m${i}`, actual: "x".repeat(100_000) })),
      timeline: Array.from({ length: 5000 }, (_, i) => ({ t: i, kind: "out" as const, actor: "a", xml: "y".repeat(50) })),
      source: "s".repeat(1_000_000),
    });
    expect(r.findings).toHaveLength(RESULT_LIMITS.findings + 1);
    expect(r.findings.at(-1)!.message).toBe("… 150 more findings not kept in the report");
    expect(r.findings[0]!.actual!.length).toBeLessThan(RESULT_LIMITS.text + 100);
    expect(r.timeline).toHaveLength(RESULT_LIMITS.timeline + 1);
    expect(r.timeline[RESULT_LIMITS.timeline / 2]!.text).toBe("… 4000 timeline events not kept in the report …");
    expect(r.name.length).toBeLessThan(RESULT_LIMITS.label + 100);
    expect(JSON.stringify(r).length).toBeLessThanOrEqual(RESULT_LIMITS.total);
  });

  it("leaves an ordinary result as it is", () => {
    const r = { ...base, findings: [{ check: "c", message: "m" }], timeline: [{ t: 0, kind: "note" as const, actor: "a", text: "t" }], source: "name: n\n" };
    expect(capResult(r)).toEqual(r);
  });
});

describe("a count: 20000 scenario through the CLI", () => {
  it("writes every report, each small, with the elided middle counted", async () => {
    const dir = tempDir("huge");
    const flood = writeScenario(dir, "flood.yaml", GOOD_SCENARIO.replace('body: "hi" }', 'body: "hi", count: 20000 }').replace("count: 1, within: 2s", "at-least: 20000, within: 5s"));
    const out = join(dir, "out");
    const r = cli(["run", flood, "--report-dir", out]);
    const { code } = await r.done;
    expect(r.out()).toMatch(/1 passed/);
    expect(code).toBe(0);
    for (const f of ["report.json", "junit.xml", "index.html", "results.jsonl"]) expect(statSync(join(out, f)).size).toBeLessThan(2 * 1024 * 1024);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const timeline = report.scenarios[0].timeline as { text?: string }[];
    expect(timeline.length).toBeLessThanOrEqual(TRACE_HEAD_EVENTS + 1 + TRACE_TAIL_EVENTS);
    expect(timeline.some((e) => /^… \d+ events between .* not kept \((?=.*\d+ out)(?=.*\d+ push)(?=.*\d+ server)/.test(e.text ?? ""))).toBe(true);
  });
});
