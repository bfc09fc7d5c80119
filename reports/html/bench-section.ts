// The report's "Load" section: figures against their goals, latency histograms and time series,
// drawn as inline SVG (the page stays one self-contained file). Fed by RunReport.bench, which
// `npm run bench` and `pushlab load` fill.
import type { BenchFigure, BenchReport, BenchSeries, BenchTimeSeries } from "../../simulator/results.ts";
import { html, raw, type Raw } from "./escape.ts";

function num(v: number): string {
  const abs = Math.abs(v);
  return v.toLocaleString("en-US", { maximumFractionDigits: abs >= 100 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : 2 });
}

function met(f: BenchFigure): boolean | undefined {
  if (!f.goal) return undefined;
  return f.goal.kind === "min" ? f.value >= f.goal.value : f.value <= f.goal.value;
}

function figureRow(f: BenchFigure): Raw {
  const ok = met(f);
  const status = ok === undefined ? html`<span class="muted">no goal</span>` : ok ? html`<span class="chip v-passed">meets</span>` : html`<span class="chip v-failed">misses</span>`;
  return html`<tr data-figure="${f.id}" data-met="${ok === undefined ? "none" : String(ok)}">
    <th scope="row">${f.name}${f.note ? html`<span class="figure-note">${f.note}</span>` : ""}</th>
    <td class="num">${num(f.value)} ${f.unit}</td>
    <td class="num">${f.goal ? `${f.goal.kind === "min" ? "≥" : "≤"} ${num(f.goal.value)} ${f.unit}` : "—"}</td>
    <td>${status}</td>
    <td class="anchor">${f.anchor ?? ""}</td>
  </tr>`;
}

function figuresTable(figures: BenchFigure[]): Raw {
  const missed = figures.filter((f) => met(f) === false).length;
  return html`<p class="hint">${figures.length} figures; ${missed === 0 ? "every goal met" : `${missed} goal(s) missed`}.</p>
  <div class="matrix-scroll"><table class="matrix bench-figures">
    <thead><tr><th scope="col">Figure</th><th scope="col">Measured</th><th scope="col">Goal</th><th scope="col"></th><th scope="col">Anchor</th></tr></thead>
    <tbody>${figures.map(figureRow)}</tbody>
  </table></div>`;
}

const W = 360;
const H = 140;
const PAD = { l: 44, r: 8, t: 10, b: 26 };

/** Histogram bars as SVG: one bar per bucket, labelled by its upper bound. */
function histogramSvg(s: BenchSeries): Raw {
  const buckets = s.histogram;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const bw = iw / Math.max(1, buckets.length);
  const bars = buckets
    .map((b, i) => {
      const h = (b.count / max) * ih;
      const x = PAD.l + i * bw;
      return `<rect class="bar" x="${(x + 1).toFixed(1)}" y="${(PAD.t + ih - h).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}"><title>≤ ${b.le} ${s.unit}: ${b.count}</title></rect>`;
    })
    .join("");
  const step = Math.ceil(buckets.length / 8);
  const labels = buckets
    .map((b, i) => (i % step === 0 ? `<text x="${(PAD.l + i * bw + bw / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle">≤${num(b.le)}</text>` : ""))
    .join("");
  return raw(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Histogram of ${s.metric} on ${s.target}"><g class="bars">${bars}</g>` +
      `<line class="axis" x1="${PAD.l}" y1="${PAD.t + ih}" x2="${W - PAD.r}" y2="${PAD.t + ih}"/>` +
      `<text x="${PAD.l - 4}" y="${PAD.t + 8}" text-anchor="end">${max}</text><text x="${PAD.l - 4}" y="${PAD.t + ih}" text-anchor="end">0</text>${labels}</svg>`,
  );
}

function seriesCard(s: BenchSeries): Raw {
  return html`<figure class="bench-card">
    <figcaption><strong>${s.metric}</strong> on ${s.target} <span class="muted">(${s.samples} samples, ${s.unit})</span></figcaption>
    <dl class="bench-summary">${Object.entries(s.summary).map(([k, v]) => html`<div><dt>${k}</dt><dd>${num(v)} ${s.unit}</dd></div>`)}</dl>
    ${histogramSvg(s)}
  </figure>`;
}

/** A line over time (seconds since the start). */
function timeSvg(s: BenchTimeSeries): Raw {
  const pts = s.points;
  const tMax = Math.max(1, ...pts.map((p) => p.t));
  const vMax = Math.max(1e-9, ...pts.map((p) => p.v));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const xy = pts.map((p) => `${(PAD.l + (p.t / tMax) * iw).toFixed(1)},${(PAD.t + ih - (p.v / vMax) * ih).toFixed(1)}`).join(" ");
  return raw(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${s.metric} on ${s.target} over time">` +
      `<polyline class="line" points="${xy}"/>` +
      `<line class="axis" x1="${PAD.l}" y1="${PAD.t + ih}" x2="${W - PAD.r}" y2="${PAD.t + ih}"/><line class="axis" x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${PAD.t + ih}"/>` +
      `<text x="${PAD.l - 4}" y="${PAD.t + 8}" text-anchor="end">${num(vMax)}</text><text x="${PAD.l - 4}" y="${PAD.t + ih}" text-anchor="end">0</text>` +
      `<text x="${PAD.l}" y="${H - 8}">0 s</text><text x="${W - PAD.r}" y="${H - 8}" text-anchor="end">${num(tMax)} s</text></svg>`,
  );
}

function timeCard(s: BenchTimeSeries): Raw {
  const last = s.points[s.points.length - 1];
  return html`<figure class="bench-card">
    <figcaption><strong>${s.metric}</strong> on ${s.target} <span class="muted">(${s.unit}, ${s.points.length} samples)</span></figcaption>
    <dl class="bench-summary"><div><dt>max</dt><dd>${num(Math.max(0, ...s.points.map((p) => p.v)))} ${s.unit}</dd></div>${last ? html`<div><dt>last</dt><dd>${num(last.v)} ${s.unit}</dd></div>` : ""}</dl>
    ${timeSvg(s)}
  </figure>`;
}

export function hasBenchData(bench: BenchReport | undefined): boolean {
  return !!bench && (bench.series.length > 0 || (bench.figures?.length ?? 0) > 0 || (bench.timeSeries?.length ?? 0) > 0);
}

/** The section's contents (its heading and wrapper stay in render.ts). */
export function benchContent(bench: BenchReport): Raw {
  const machine = Object.entries(bench.machine ?? {});
  return html`${machine.length > 0 ? html`<p class="hint bench-machine">${machine.map(([k, v]) => `${k}: ${v}`).join(" · ")}</p>` : ""}
  ${(bench.figures?.length ?? 0) > 0 ? figuresTable(bench.figures!) : ""}
  ${bench.series.length > 0 ? html`<h3>Distributions</h3><div class="bench-grid">${bench.series.map(seriesCard)}</div>` : ""}
  ${(bench.timeSeries?.length ?? 0) > 0 ? html`<h3>Over time</h3><div class="bench-grid">${bench.timeSeries!.map(timeCard)}</div>` : ""}`;
}

export const BENCH_STYLE = `
.bench-figures td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.bench-figures .figure-note { display: block; color: var(--muted); font-size: 0.8rem; white-space: normal; }
.bench-figures td.anchor { white-space: normal; font-size: 0.85rem; color: var(--muted); min-width: 12rem; }
.chart { width: 100%; height: auto; display: block; margin-top: 0.5rem; }
.chart .bars rect { fill: var(--accent); opacity: 0.85; }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.chart .axis { stroke: var(--border); }
.chart text { font-size: 9px; fill: var(--muted); }
`;
