// renderHtml(report): the whole self-contained index.html. Header, matrix and bench charts are
// rendered here as static HTML (readable and printable without JS); the scenario list, filters and
// scenario view are drawn by app.js from the JSON embedded in a non-executing script tag.
import { readFileSync } from "node:fs";
import type { Level, RunReport, TargetSummary, Verdict } from "../../simulator/results.ts";
import { LEVEL_TITLE, LEVELS, PROFILE_LEVELS, tally } from "../../simulator/results.ts";
import { benchContent, BENCH_STYLE, hasBenchData } from "./bench-section.ts";
import { buildMatrix, matrixTargets, type Matrix, type MatrixRow } from "./matrix.ts";
import { mutationContent, MUTATION_STYLE } from "./mutation-section.ts";
import { embedJson, toViewData } from "./embed.ts";
import { html, raw, type Raw } from "./escape.ts";

const asset = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
// Read once: these are part of the program, not of the report.
const STYLE = asset("style.css");
const SCRIPT = asset("app.js");

export const VERDICT_LABEL: Record<Verdict, string> = {
  passed: "passed",
  failed: "failed",
  deviation: "declared deviation",
  broken: "broken",
  skipped: "skipped",
};
const VERDICT_ICON: Record<Verdict, string> = { passed: "✓", failed: "✗", deviation: "≈", broken: "!", skipped: "–" };
// Display order: what needs attention first.
const ORDER: Verdict[] = ["failed", "broken", "deviation", "skipped", "passed"];

function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function countScenarios(report: RunReport, target?: string): Record<Verdict, number> {
  return tally(report.scenarios.filter((r) => target === undefined || r.target === target));
}

/** The totals are buttons: each lists the runs of its verdict (app.js). Flaky runs (--retries) are counted beside them. */
function totals(stats: Record<Verdict, number>, flaky: { count: number; names: string[] } | undefined): Raw {
  return html`<ul class="totals" aria-label="Totals: select one to list those runs">${ORDER.map(
    (v) => html`<li><button type="button" class="total v-${v}${stats[v] === 0 ? " zero" : ""}" data-total="${v}" aria-label="${stats[v]} ${VERDICT_LABEL[v]}: list them"${raw(stats[v] === 0 ? " disabled" : "")}><span class="n">${stats[v]}</span> ${VERDICT_LABEL[v]}</button></li>`,
  )}${flaky && html`<li><span class="total flaky${flaky.count === 0 ? " zero" : ""}" title="${flaky.count ? `failed, then passed on a retry (counted as their last verdict): ${flaky.names.join("; ")}` : "no run needed a retry to pass"}"><span class="n">${flaky.count}</span> flaky</span></li>`}</ul>`;
}

function flakyOf(report: RunReport): { count: number; names: string[] } | undefined {
  const runs = report.scenarios.filter((r) => r.flaky);
  if (report.flaky === undefined && runs.length === 0) return undefined;
  return { count: runs.length, names: runs.map((r) => `${r.target} › ${r.name} (attempt ${r.attempts ?? "?"})`) };
}

// Facts of one run of a server (process, ports, temp dir): kept out of sight; the build is shown.
const RUN_DETAIL_KEYS = new Set(["pid", "c2s", "components", "component", "api", "app server", "dir", "node", "domain", "accounts", "jid"]);
const MAX_BUILD_FACTS = 4;

function targetCard(t: TargetSummary | undefined, name: string, stats: Record<Verdict, number>): Raw {
  const details = Object.entries(t?.details ?? {});
  const build = details.filter(([k]) => !RUN_DETAIL_KEYS.has(k)).slice(0, MAX_BUILD_FACTS);
  const rest = details.filter((d) => !build.includes(d));
  const judged = t?.profile ? PROFILE_LEVELS[t.profile] : LEVELS;
  return html`<li class="target" data-target="${name}">
    <p class="target-head"><span class="target-name">${name}</span> <span class="target-version">${t?.version ?? "unknown version"}</span>
    ${t?.profile && html`<span class="target-profile" title="the levels that fail the run on this target">profile ${t.profile}</span>`}</p>
    ${build.length > 0 && html`<dl class="target-build" aria-label="Build under test">${build.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`}
    <p class="target-stats">${ORDER.filter((v) => stats[v] > 0).map((v) => html`<span class="v-${v}">${stats[v]} ${VERDICT_LABEL[v]}</span>`)}${t?.durationMs !== undefined && html`<span class="muted">in ${formatDuration(t.durationMs)}</span>`}</p>
    ${t?.levels && html`<table class="level-stats"><tbody>${LEVELS.filter((l) => Object.values(t.levels![l] ?? {}).some((n) => n > 0)).map((l) => levelRow(l, t.levels![l], judged.includes(l)))}</tbody></table>`}
    ${(rest.length > 0 || t?.expectations) && html`<details class="target-more"><summary>run details</summary><dl class="target-details">${rest.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}${t?.expectations && html`<dt>declared differences</dt><dd><code>${t.expectations}</code></dd>`}</dl></details>`}
  </li>`;
}

function levelRow(level: Level, s: Record<Verdict, number>, counted: boolean): Raw {
  const parts = ORDER.filter((v) => s[v] > 0).map((v) => html`<span class="v-${v}">${s[v]} ${v}</span>`);
  return html`<tr class="${counted ? "counted" : "informational"}"><th scope="row">${LEVEL_TITLE[level]}${counted ? "" : html` <span class="muted">(informational)</span>`}</th><td>${parts.length ? parts : html`<span class="muted">none</span>`}</td></tr>`;
}

function optionValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The run's state in words, never rosier than the counts: failures first, then declared
 * deviations and skips; "all passed" only when every run passed.
 */
export function statusLine(
  stats: Record<Verdict, number>,
  informational: { failed: number; broken: number } = { failed: 0, broken: 0 },
): { text: string; tone: "failing" | "deviating" | "passing" } {
  const failing = stats.failed + stats.broken;
  const info = (n: number) => (n > 0 ? ` (${n} informational)` : "");
  const total = totalOf(stats);
  const rest = [
    stats.deviation > 0 ? plural(stats.deviation, "declared deviation") : "",
    stats.skipped > 0 ? `${stats.skipped} skipped` : "",
  ].filter(Boolean);
  if (failing > 0) {
    const parts = [stats.failed > 0 ? `${stats.failed} failed${info(informational.failed)}` : "", stats.broken > 0 ? `${stats.broken} broken${info(informational.broken)}` : "", ...rest].filter(Boolean);
    // Red only when something counts: informational failures (outside a target's profile) do not fail the run.
    return { text: parts.join(" · "), tone: failing > informational.failed + informational.broken ? "failing" : "deviating" };
  }
  if (rest.length > 0) return { text: `No failures · ${rest.join(" · ")}`, tone: "deviating" };
  return { text: total === 0 ? "No scenario ran" : `All ${plural(total, "scenario run")} passed`, tone: "passing" };
}

function informationalCounts(report: RunReport): { failed: number; broken: number } {
  const n = (v: Verdict) => report.scenarios.filter((s) => s.verdict === v && s.counted === false).length;
  return { failed: n("failed"), broken: n("broken") };
}

function totalOf(stats: Record<Verdict, number>): number {
  return ORDER.reduce((n, v) => n + stats[v], 0);
}

function header(report: RunReport): Raw {
  const targets = matrixTargets(report);
  const options = Object.entries(report.options);
  const status = statusLine(countScenarios(report), informationalCounts(report));
  return html`<header class="run">
    <div class="run-title">
      <p class="eyebrow">pushlab conformance report · XEP-0357 push notifications, server side</p>
      <h1 class="status ${status.tone}"><span class="status-icon" aria-hidden="true">${status.tone === "failing" ? "✗" : status.tone === "deviating" ? "≈" : "✓"}</span> ${status.text}</h1>
      <div class="run-meta">
        <time datetime="${report.startedAt}">${formatDate(report.startedAt)}</time>
        <span>${report.harness.name} ${report.harness.version}</span>
        <span>${report.scenarios.length} scenario runs on ${plural(targets.length, "target")}</span>
        <span>took ${formatDuration(report.durationMs)}</span>
        <nav class="jump" aria-label="Sections"><a href="#scenarios">Scenarios</a> <a href="#matrix">Rules × targets</a>${hasBenchData(report.bench) && html` <a href="#bench">Load</a>`}${report.mutation && html` <a href="#mutation">Mutation</a>`}</nav>
        ${options.length > 0 && html`<details class="options"><summary>run options</summary>
          <table><tbody>${options.map(([k, v]) => html`<tr><th scope="row">${k}</th><td><code>${optionValue(v)}</code></td></tr>`)}</tbody></table>
        </details>`}
      </div>
      ${totals(countScenarios(report), flakyOf(report))}
    </div>
    <ul class="targets" aria-label="Targets">${targets.map((name) =>
      targetCard(report.targets.find((t) => t.name === name), name, countScenarios(report, name)),
    )}</ul>
  </header>`;
}

function cellChips(row: MatrixRow, t: string): Raw {
  const cell = row.cells[t]!;
  const present = ORDER.filter((v) => cell[v] > 0);
  return html`<td>${
    present.length === 0
      ? html`<span class="none" title="No scenario">—</span>`
      : present.map(
          (v) => html`<button type="button" class="chip v-${v}" data-cell data-rule="${row.rule}" data-target="${t}" data-verdict="${v}" data-count="${cell[v]}" aria-label="${row.rule} on ${t}: ${cell[v]} ${VERDICT_LABEL[v]}"><span aria-hidden="true">${VERDICT_ICON[v]}</span> ${cell[v]}</button>`,
        )
  }</td>`;
}

function groupSummary(stats: Record<Verdict, number>): Raw {
  return html`<span class="group-stats" title="scenario runs of these rules (a run with several rules counts under each)">${ORDER.filter((v) => stats[v] > 0).map((v) => html`<span class="v-${v}">${stats[v]} ${VERDICT_LABEL[v]}</span>`)}</span>`;
}

function matrixSection(report: RunReport, matrix: Matrix): Raw {
  const version = (name: string) => report.targets.find((t) => t.name === name)?.version;
  const cols = matrix.targets.length + 1;
  return html`<section id="matrix" aria-labelledby="matrix-h">
    <div class="section-head">
      <h2 id="matrix-h">Rules × targets</h2>
      <ul class="legend" aria-label="Legend">${ORDER.map(
        (v) => html`<li><span class="chip v-${v}" aria-hidden="true">${VERDICT_ICON[v]}</span> ${VERDICT_LABEL[v]}</li>`,
      )}</ul>
    </div>
    <p class="hint">Grouped by level and rule family, what needs attention first. Each cell counts a rule's scenario runs on a target by verdict; select a count to list them.</p>
    <div class="matrix-scroll">
    <table class="matrix">
      <thead><tr><th scope="col" class="rule-col">Rule</th>${matrix.targets.map(
        (t) => html`<th scope="col"><span class="target-name">${t}</span> <span class="target-version">${version(t)}</span></th>`,
      )}</tr></thead>
      ${matrix.groups.map(
        (g) => html`<tbody class="level-group" data-level="${g.level ?? ""}">
        <tr class="level-head"><th scope="rowgroup" colspan="${cols}"><span class="group-head"><span class="level-name">${g.level ? LEVEL_TITLE[g.level] : "Not in the rule catalog"}</span> ${groupSummary(g.stats)}</span></th></tr>
        ${g.families.map(
          (f) => html`${(g.families.length > 1 || f.family) && html`<tr class="family-head" data-family="${f.family}"><th scope="rowgroup" colspan="${cols}"><span class="group-head">${f.family || "no family"} ${groupSummary(f.stats)}</span></th></tr>`}${f.rows.map(
            (row) => html`<tr data-rule="${row.rule}" data-level="${row.level ?? ""}" data-family="${row.family}"${raw(row.catalogued ? "" : ' class="uncatalogued"')}>
          <th scope="row" class="rule-col"><button type="button" class="rule-link" data-rule="${row.rule}" title="Show the scenarios of ${row.rule}">${row.rule}</button>
            ${row.citation && html`<span class="citation">XEP-0357 ${row.citation}</span>`}
            <span class="rule-title">${row.title}</span></th>
          ${matrix.targets.map((t) => cellChips(row, t))}
        </tr>`,
          )}`,
        )}
        </tbody>`,
      )}
    </table>
    </div>
  </section>`;
}

/** Charts for load/benchmark runs (bench-section.ts); the section stays (hidden, empty) so the layout has its place. */
function benchSection(report: RunReport): Raw {
  if (!hasBenchData(report.bench)) return html`<section id="bench" aria-labelledby="bench-h" hidden><h2 id="bench-h">Load</h2></section>`;
  return html`<section id="bench" aria-labelledby="bench-h"><h2 id="bench-h">Load</h2>${benchContent(report.bench!)}</section>`;
}

/** The engine's mutation score (mutation-section.ts), when the run found a mutation report. */
function mutationSection(report: RunReport): Raw {
  if (!report.mutation) return html``;
  return html`<section id="mutation" aria-labelledby="mutation-h"><h2 id="mutation-h">Mutation score of the engine</h2>${mutationContent(report.mutation)}</section>`;
}

function scenariosSection(report: RunReport, matrix: Matrix): Raw {
  return html`<section id="scenarios" aria-labelledby="scenarios-h">
    <div class="section-head"><h2 id="scenarios-h">Scenarios</h2><p id="count" class="count" aria-live="polite"></p></div>
    <form class="filters" role="search" aria-label="Filter scenarios" onsubmit="return false">
      <label class="toggle"><input type="checkbox" id="f-failed"> Failures only</label>
      <label>Rule <select id="f-rule"><option value="">All rules</option>${matrix.rows.map(
        (r) => html`<option value="${r.rule}">${r.rule}</option>`,
      )}</select></label>
      <label>Target <select id="f-target"><option value="">All targets</option>${matrix.targets.map(
        (t) => html`<option value="${t}">${t}</option>`,
      )}</select></label>
      <label>Verdict <select id="f-verdict"><option value="">All verdicts</option>${ORDER.map(
        (v) => html`<option value="${v}">${VERDICT_LABEL[v]}</option>`,
      )}</select></label>
      <label class="search">Search <input type="search" id="f-q" placeholder="name, file, rule, message…" autocomplete="off"></label>
      <button type="button" id="f-clear" class="secondary">Clear filters</button>
    </form>
    <noscript><p class="callout">The scenario list needs JavaScript; report.json holds the same data.</p></noscript>
    <div class="split">
      <div class="list-pane">
        <ol id="list" class="list" aria-label="Scenario runs"></ol>
        <button type="button" id="more" class="secondary more" hidden>Show more</button>
      </div>
      <article id="detail" class="detail" tabindex="-1" aria-live="polite">
        <p class="empty">Select a scenario to see its timeline, pushes and findings.</p>
      </article>
    </div>
  </section>`;
}

export function renderHtml(report: RunReport): string {
  const matrix = buildMatrix(report);
  const status = statusLine(countScenarios(report), informationalCounts(report)).text;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${report.harness.name} ${report.harness.version}">
<title>pushlab: ${status} — ${formatDate(report.startedAt)}</title>
<style>${raw(STYLE + BENCH_STYLE + MUTATION_STYLE)}</style>
</head>
<body>
<a class="skip" href="#scenarios">Skip to scenarios</a>
${header(report)}
<main>
${scenariosSection(report, matrix)}
${matrixSection(report, matrix)}
${benchSection(report)}
${mutationSection(report)}
</main>
<footer>Generated by ${report.harness.name} ${report.harness.version} · format ${report.schema} · the same data is in report.json</footer>
<script type="application/json" id="report-data">${raw(embedJson(toViewData(report)))}</script>
<script>${raw(SCRIPT)}</script>
</body>
</html>
`;
  return page.html;
}
