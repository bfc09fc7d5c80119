// The report's "Mutation" section: how many engine mutants the tests detect (npm run mutation,
// StrykerJS) against the threshold, and every survivor with the reason it was reviewed as
// harmless. Fed by RunReport.mutation (reports/mutation-info.ts); a report made from an older
// engine is said to be older, never shown as if it described this one.
import type { MutationInfo } from "../../simulator/results.ts";
import { html, raw, type Raw } from "./escape.ts";

const pct = (n: number) => `${n.toLocaleString("en-US", { maximumFractionDigits: 2 })} %`;

/** Meets the threshold? undefined when the report names none. */
export function mutationMeets(m: MutationInfo): boolean | undefined {
  return m.threshold === undefined ? undefined : m.score >= m.threshold;
}

function scoreLine(m: MutationInfo): Raw {
  const ok = mutationMeets(m);
  const chip =
    ok === undefined ? "" : ok ? html`<span class="chip v-passed">meets ≥ ${pct(m.threshold!)}</span>` : html`<span class="chip v-failed">below ${pct(m.threshold!)}</span>`;
  const valid = m.total - m.invalid;
  return html`<p class="mutation-score" data-score="${m.score}" data-meets="${ok === undefined ? "none" : String(ok)}"><strong>${pct(m.score)}</strong> of ${valid} engine mutants detected ${chip}</p>`;
}

function counts(m: MutationInfo): Raw {
  const rows: [string, number][] = [
    ["killed", m.killed],
    ["timed out", m.timeout],
    ["survived", m.survived],
    ["not covered", m.noCoverage],
    ["invalid (not scored)", m.invalid],
  ];
  return html`<dl class="bench-summary mutation-counts">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

function freshness(m: MutationInfo): Raw {
  const when = m.reportedAt.slice(0, 16).replace("T", " ") + " UTC";
  if (m.staleFiles.length === 0) return html`<p class="hint">From <code>${m.file}</code>, written ${when}, made from the engine source as it is now.</p>`;
  return html`<p class="callout v-deviation mutation-stale">From <code>${m.file}</code>, written ${when}, made from an older engine: ${m.staleFiles.join(", ")} changed since. Run <code>npm run mutation</code> for this engine's score.</p>`;
}

function survivorRow(s: MutationInfo["survivors"][number]): Raw {
  return html`<tr data-survivor="${s.file}:${s.line}">
    <th scope="row"><code>${s.file}:${s.line}</code></th>
    <td>${s.mutator}</td>
    <td><code>${s.original}</code> → <code>${s.replacement}</code></td>
    <td>${s.reason ?? html`<span class="v-failed mutation-unreviewed">not reviewed</span>`}</td>
  </tr>`;
}

function survivorsTable(m: MutationInfo): Raw {
  if (m.survivors.length === 0) return html`<p class="hint">No mutant survived.</p>`;
  const unreviewed = m.survivors.filter((s) => s.reason === undefined).length;
  // Folded when every survivor is reviewed: then it is reading, not something to act on.
  return html`<details class="mutation-survivors-list"${raw(unreviewed > 0 ? " open" : "")}><summary><h3>Survivors</h3> <span class="hint">${m.survivors.length} mutants no test told apart from the engine; ${unreviewed === 0 ? "each is reviewed in test/mutation/equivalent.md" : `${unreviewed} not reviewed`}</span></summary>
  <div class="matrix-scroll"><table class="matrix mutation-survivors">
    <colgroup><col class="c-where"><col class="c-mutator"><col class="c-change"><col class="c-why"></colgroup>
    <thead><tr><th scope="col">Where</th><th scope="col">Mutator</th><th scope="col">Change</th><th scope="col">Why it cannot change behaviour</th></tr></thead>
    <tbody>${m.survivors.map(survivorRow)}</tbody>
  </table></div></details>`;
}

/** The section's contents (its heading and wrapper stay in render.ts). */
export function mutationContent(m: MutationInfo): Raw {
  return html`${scoreLine(m)}${counts(m)}${freshness(m)}${survivorsTable(m)}`;
}

export const MUTATION_STYLE = `
.mutation-score { font-size: 1.1rem; margin: 0 0 0.5rem; display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem; }
.mutation-score strong { font-size: 1.6rem; font-variant-numeric: tabular-nums; }
.mutation-survivors { table-layout: fixed; }
.mutation-survivors td, .mutation-survivors th { width: auto; white-space: normal; overflow-wrap: anywhere; font-size: 0.85rem; }
.mutation-survivors tbody th { min-width: 0; }
.mutation-survivors .c-where { width: 13rem; } .mutation-survivors .c-mutator { width: 11rem; } .mutation-survivors .c-change { width: 38%; }
.mutation-survivors-list > summary { cursor: pointer; margin: 0.75rem 0 0.5rem; }
.mutation-survivors-list > summary h3 { display: inline; font-size: 1rem; margin: 0; }
@media (max-width: 600px) { .mutation-survivors .c-where, .mutation-survivors .c-mutator { width: 7rem; } }
.mutation-unreviewed { font-weight: 600; color: var(--c); }
`;
