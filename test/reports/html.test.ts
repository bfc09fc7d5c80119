import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../../reports/html/render.ts";
import { buildMatrix, NO_RULE } from "../../reports/html/matrix.ts";
import { embedJson, toViewData } from "../../reports/html/embed.ts";
import { syntheticReport, UNCATALOGUED_RULE, HOSTILE_TEXT } from "../support/synthetic-report.ts";
import type { RunReport } from "../../simulator/results.ts";

const DATA_TAG = '<script type="application/json" id="report-data">';

function split(page: string): { data: string; rest: string } {
  const start = page.indexOf(DATA_TAG) + DATA_TAG.length;
  const end = page.indexOf("</script>", start);
  return { data: page.slice(start, end), rest: page.slice(0, start) + page.slice(end) };
}

/** rule → target → verdict → count, counted straight from the scenarios. */
function expectedCells(report: RunReport): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of report.scenarios) {
    for (const rule of s.rules.length ? s.rules : [NO_RULE]) {
      const k = `${rule}|${s.target}|${s.verdict}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
  }
  return m;
}

describe("renderHtml", () => {
  const report = syntheticReport(40);
  const page = renderHtml(report);
  const { data, rest } = split(page);

  it("is one self-contained file: no external scripts, styles, fonts or images", () => {
    expect(rest).not.toMatch(/<link\b|\bsrc=|@import|url\(|https?:\/\//i);
    expect(page.match(/<script\b/g)).toHaveLength(2); // the data and the inline app
    expect(page).toMatch(/<style>[\s\S]+<\/style>/);
  });

  it("embeds the report (stanzas pretty-printed) as JSON that cannot close its script tag", () => {
    expect(data).not.toContain("<");
    expect(JSON.parse(data)).toEqual(toViewData(report));
    expect(page).not.toContain(HOSTILE_TEXT.slice(0, 20)); // only escaped forms appear
    expect(embedJson({ s: "</script><!--\u2028" })).toBe('{"s":"\\u003c/script>\\u003c!--\\u2028"}');
  });

  it("pretty-prints stanzas in the embedded data only, leaving the report untouched", () => {
    const push = toViewData(report).scenarios[0]!.timeline.find((e) => e.kind === "push")!;
    expect(push.xml!.split("\n").length).toBeGreaterThan(5);
    expect(report.scenarios[0]!.timeline.find((e) => e.kind === "push")!.xml).not.toContain("\n");
  });

  it("renders the header: date, harness version, targets with versions, options", () => {
    expect(rest).toContain("2025-06-01 12:00 UTC");
    expect(rest).toContain("pushlab 0.1.0");
    expect(rest).toMatch(/<span class="target-name">prosody<\/span> <span class="target-version">0\.12\.3<\/span>/);
    expect(rest).toMatch(/<th scope="row">seed<\/th><td><code>42<\/code>/);
  });

  it("renders matrix cells whose counts equal the scenarios', one row per rule", () => {
    const cells = new Map<string, number>();
    for (const m of rest.matchAll(/data-cell data-rule="([^"]*)" data-target="([^"]*)" data-verdict="([^"]*)" data-count="(\d+)"/g)) {
      cells.set(`${m[1]}|${m[2]}|${m[3]}`, Number(m[4]));
    }
    expect(cells).toEqual(expectedCells(report));
    const rows = [...rest.matchAll(/<tr data-rule="([^"]*)"/g)].map((m) => m[1]);
    const rank = { "xep-0357": 0, reference: 1, interop: 2, hardening: 3 };
    const byLevel = [...report.rules].sort((a, b) => rank[a.level] - rank[b.level]).map((r) => r.id);
    expect(rows).toEqual([...byLevel, UNCATALOGUED_RULE, NO_RULE]);
    expect([...rest.matchAll(/<tr class="level-head"><th[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(["XEP-0357 conformance", "agreement with the reference behaviour", "hardening", "Other"]);
  });

  it("hides the load section without bench data and draws histograms with it", () => {
    expect(rest).toMatch(/<section id="bench"[^>]*hidden>/);
    const withBench = split(renderHtml(syntheticReport(12, { bench: true }))).rest;
    expect(withBench).not.toMatch(/<section id="bench"[^>]*hidden/);
    expect(withBench.match(/class="bar"/g)).toHaveLength(16);
  });

  it("escapes report text in the static parts", () => {
    const r = syntheticReport(12);
    r.targets[1]!.details = { note: `<img src=x onerror="alert(1)">` };
    r.rules[0]!.title = "a < b & c";
    const out = split(renderHtml(r)).rest;
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(out).toContain("a &lt; b &amp; c");
  });

  it("ships an inline script that cannot end its own script element", () => {
    const app = readFileSync(new URL("../../reports/html/app.js", import.meta.url), "utf8");
    expect(app).not.toMatch(/<\/script|<!--/i);
    expect(page).toContain(app);
  });
});

describe("buildMatrix", () => {
  it("counts a scenario under each of its rules, keeps empty catalog rows, adds unknown rules", () => {
    const report = syntheticReport(12);
    const m = buildMatrix(report);
    expect(m.targets).toEqual(["engine", "prosody"]);
    const unused = m.rows.find((r) => r.rule === "R-UNUSED")!;
    expect(Object.values(unused.cells).flatMap((c) => Object.values(c)).every((n) => n === 0)).toBe(true);
    const extra = m.rows.find((r) => r.rule === UNCATALOGUED_RULE)!;
    expect(extra.catalogued).toBe(false);
    const two = report.scenarios.find((s) => s.rules.length === 2 && s.target === "prosody")!;
    for (const rule of two.rules) expect(m.rows.find((r) => r.rule === rule)!.cells.prosody![two.verdict]).toBeGreaterThan(0);
    const total = m.rows.reduce((n, r) => n + Object.values(r.cells).reduce((k, c) => k + Object.values(c).reduce((a, b) => a + b, 0), 0), 0);
    expect(total).toBe(report.scenarios.reduce((n, s) => n + Math.max(1, s.rules.length), 0));
  });
});
