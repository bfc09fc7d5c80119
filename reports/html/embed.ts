// The data the page's script reads: the report with every stanza pretty-printed and, beside each
// finding and declared deviation, a readable form made by the same helpers as the console's (field
// difference first, push listings as their true count and one line per kind of push, step
// arguments as "key: value" lines), as JSON that is safe inside <script type="application/json">
// (no "</script>", no "<!--").
import type { DeviationEvidence, Finding, RunReport } from "../../simulator/results.ts";
import { argLines, declarationWhere } from "../deviation-text.ts";
import { stepLine } from "../scenario-lines.ts";
import { pairFieldDiff, parsePushListing, prettyStanzas, readableValue, splitFieldDiff } from "../stanza-text.ts";
import { prettyXml } from "../xml.ts";

/** Display forms of a finding; absent parts are not shown. */
export interface FindingView {
  fields?: string[]; // "body: expected "x", got "y"" (push-content)
  expected?: string;
  actual?: string;
  stanzas?: string[]; // pretty-printed pushes behind the summary (the first MAX_STANZAS)
  pushCount?: number; // how many pushes the listing had
}

export interface EvidenceView {
  expected: string;
  declared: string;
  observed: string;
  stanzas: string[];
  pushCount?: number;
  where: string;
  line?: number; // the declared step's line in the scenario source, when known
}

export type ViewFinding = Finding & { view?: FindingView };
export type ViewEvidence = DeviationEvidence & { view: EvidenceView };

const SIZES = { maxPushes: 20, maxLines: 200, width: 400 };
const MAX_STANZAS = 20;

function stanzasOf(text: string | undefined): string[] {
  const listing = parsePushListing(text);
  return listing ? listing.pushes.slice(0, MAX_STANZAS).map((p) => prettyXml(p.xml)) : [];
}

export function findingView(f: Finding): FindingView | undefined {
  const diff = splitFieldDiff(f.actual);
  if (diff) return { fields: pairFieldDiff(f.expected, diff.fields), stanzas: [prettyXml(diff.stanza)] };
  if (f.expected === undefined && f.actual === undefined) return undefined;
  const view: FindingView = {};
  if (f.expected !== undefined) view.expected = parsePushListing(f.expected) ? readableValue(f.expected, SIZES) : prettyStanzas(f.expected);
  if (f.actual !== undefined) view.actual = parsePushListing(f.actual) ? readableValue(f.actual, SIZES) : prettyStanzas(f.actual);
  const stanzas = [...stanzasOf(f.expected), ...stanzasOf(f.actual)];
  if (stanzas.length) view.stanzas = stanzas;
  const count = (parsePushListing(f.expected)?.count ?? 0) + (parsePushListing(f.actual)?.count ?? 0);
  if (count) view.pushCount = count;
  return view;
}

export function evidenceView(d: DeviationEvidence, source?: string): EvidenceView {
  const line = source !== undefined && d.step !== undefined ? stepLine(source, d.step) : undefined;
  return {
    ...(line !== undefined && { line }),
    expected: argLines(d.expected).join("\n"),
    declared: argLines(d.declared).join("\n"),
    observed: parsePushListing(d.observed) ? readableValue(d.observed, SIZES) : prettyStanzas(d.observed),
    stanzas: stanzasOf(d.observed),
    ...(parsePushListing(d.observed) && { pushCount: parsePushListing(d.observed)!.count }),
    where: declarationWhere(d),
  };
}

export function toViewData(report: RunReport): RunReport {
  return {
    ...report,
    scenarios: report.scenarios.map((s) => ({
      ...s,
      findings: s.findings.map((f): ViewFinding => {
        const view = findingView(f);
        return view ? { ...f, view } : f;
      }),
      ...(s.deviations && { deviations: s.deviations.map((d): ViewEvidence => ({ ...d, view: evidenceView(d, s.source) })) }),
      timeline: s.timeline.map((e) => (e.xml === undefined ? e : { ...e, xml: prettyXml(e.xml) })),
    })),
  };
}

/** Every "<" becomes \u003c, which JSON.parse reads back as "<"; U+2028/9 for old parsers. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
