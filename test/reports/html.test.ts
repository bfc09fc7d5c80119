import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatDuration, renderHtml } from "../../reports/html/render.ts";
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
    expect([...rows].sort()).toEqual([...report.rules.map((r) => r.id), UNCATALOGUED_RULE, NO_RULE].sort());
  });

  it("groups the matrix by level and rule family, what needs attention first", () => {
    const levels = [...rest.matchAll(/<tr class="level-head"><th[^>]*><span class="group-head"><span class="level-name">([^<]*)</g)].map((m) => m[1]);
    expect(new Set(levels)).toEqual(new Set(["XEP-0357 conformance", "agreement with the reference behaviour", "hardening", "Not in the rule catalog"]));
    // Each row's worst verdict (failed 0 … passed 4, nothing 5) never improves within a family, families within a level, levels down the table.
    const worst = (rule: string) => {
      const vs = report.scenarios.filter((s) => (s.rules.length ? s.rules : [NO_RULE]).includes(rule)).map((s) => ["failed", "broken", "deviation", "skipped", "passed"].indexOf(s.verdict));
      return vs.length ? Math.min(...vs) : 5;
    };
    const tbodies = [...rest.matchAll(/<tbody class="level-group"[\s\S]*?<\/tbody>/g)].map((m) => m[0]);
    const levelRank = tbodies.map((t) => Math.min(...[...t.matchAll(/<tr data-rule="([^"]*)"/g)].map((m) => worst(m[1]!))));
    expect(levelRank).toEqual([...levelRank].sort((a, b) => a - b));
    for (const t of tbodies) {
      for (const fam of t.split(/<tr class="family-head"/).slice(1)) {
        const ranks = [...fam.matchAll(/<tr data-rule="([^"]*)"/g)].map((m) => worst(m[1]!));
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      }
    }
    expect(levelRank[0]).toBe(0); // a failure is in the first level group
    // A group's stats come with it: the first level names its failures.
    expect(tbodies[0]).toMatch(/<span class="level-name">[^<]*<\/span> <span class="group-stats"[^>]*><span class="v-failed">\d+ failed<\/span>/);
  });

  it("says the run's state honestly in the title and the heading", () => {
    const count = (v: string) => report.scenarios.filter((s) => s.verdict === v).length;
    const title = /<title>([^<]*)<\/title>/.exec(page)![1]!;
    expect(title).toBe(`pushlab: ${count("failed")} failed · ${count("broken")} broken · ${count("deviation")} declared deviations · ${count("skipped")} skipped — 2025-06-01 12:00 UTC`);
    expect(rest).toMatch(/<h1 class="status failing">/);
    const passing = syntheticReport(12);
    for (const s of passing.scenarios) if (s.verdict === "failed" || s.verdict === "broken") s.verdict = "passed";
    const p = renderHtml(passing);
    expect(/<title>([^<]*)</.exec(p)![1]).toMatch(/^pushlab: No failures · 1 declared deviation · 2 skipped — /);
    expect(p).not.toMatch(/all (conforming|passed)/i);
    // Failures outside their target's profile are named as informational and do not turn the heading red.
    const info = syntheticReport(12);
    for (const s of info.scenarios) if (s.verdict === "failed" || s.verdict === "broken") s.counted = false;
    const infoPage = renderHtml(info);
    expect(/<title>([^<]*)</.exec(infoPage)![1]).toMatch(/^pushlab: 2 failed \(2 informational\) · 1 broken \(1 informational\) · /);
    expect(infoPage).toMatch(/<h1 class="status deviating">/);
    for (const s of passing.scenarios) s.verdict = "passed";
    expect(/<title>([^<]*)</.exec(renderHtml(passing))![1]).toMatch(/^pushlab: All 24 scenario runs passed — /);
  });

  it("makes every non-zero total a button that lists its runs", () => {
    const buttons = [...rest.matchAll(/<button type="button" class="total v-(\w+)( zero)?" data-total="(\w+)"[^>]*?( disabled)?><span class="n">(\d+)<\/span>/g)];
    expect(buttons.map((b) => b[3])).toEqual(["failed", "broken", "deviation", "skipped", "passed"]);
    for (const b of buttons) {
      expect(Number(b[5])).toBe(report.scenarios.filter((s) => s.verdict === b[3]).length);
      expect(Boolean(b[4])).toBe(Number(b[5]) === 0);
    }
  });

  it("shows the build under test in the target card and keeps run details (pid, ports, dir) folded", () => {
    const r = syntheticReport(12);
    r.targets[1]!.details = { prosody: "0.12.3-1+deb12u1", "prosody-modules": "0.0~hg20230223.556bf57d6417+dfsg-1", pid: "4242", c2s: "127.0.0.1:5222", dir: "/tmp/pushlab-prosody-x" };
    const out = split(renderHtml(r)).rest;
    const card = /<li class="target" data-target="prosody">[\s\S]*?<\/li>/.exec(out)![0];
    expect(card).toMatch(/<dl class="target-build" aria-label="Build under test"><div><dt>prosody<\/dt><dd>0\.12\.3-1\+deb12u1<\/dd><\/div><div><dt>prosody-modules<\/dt><dd>0\.0~hg20230223\.556bf57d6417\+dfsg-1<\/dd><\/div><\/dl>/);
    expect(card).toMatch(/<details class="target-more"><summary>run details<\/summary><dl class="target-details"><dt>pid<\/dt><dd>4242<\/dd>/);
    expect(card).toContain(`<span class="muted">in ${formatDuration(r.targets[1]!.durationMs!)}</span>`); // the target's wall time
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
