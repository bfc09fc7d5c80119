// Caps what one scenario contributes to the reports: a scenario that floods (count: 100000) or a
// hostile one (a 1 MB name, a 1 MB raw stanza quoted in its finding) must not make report.json
// hundreds of MB or the HTML reporter run out of string length. What is cut is said in place.
import type { Finding, ScenarioResult } from "./results.ts";
import type { TraceEvent } from "./trace.ts";

export const RESULT_LIMITS = {
  /** Characters of one name, id or file. */
  label: 1024,
  /** Characters of one message, expected/actual value, timeline text or stanza. */
  text: 16 * 1024,
  findings: 50,
  /** Timeline events kept: the first and the last half of this. */
  timeline: 1000,
  /** Characters of the scenario's YAML source. */
  source: 256 * 1024,
  /** Serialized size of the whole result; beyond it the timeline loses its stanzas, then events. */
  total: 2 * 1024 * 1024,
} as const;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length - max} more characters not kept)`;
}

function clipOpt(s: string | undefined, max: number): string | undefined {
  return s === undefined ? s : clip(s, max);
}

function capFinding(f: Finding): Finding {
  const out: Finding = { ...f, check: clip(f.check, RESULT_LIMITS.label), message: clip(f.message, RESULT_LIMITS.text) };
  if (f.expected !== undefined) out.expected = clip(f.expected, RESULT_LIMITS.text);
  if (f.actual !== undefined) out.actual = clip(f.actual, RESULT_LIMITS.text);
  if (f.location) out.location = { ...f.location, file: clip(f.location.file, RESULT_LIMITS.label) };
  return out;
}

function capEvent(e: TraceEvent): TraceEvent {
  const out: TraceEvent = { ...e, actor: clip(e.actor, RESULT_LIMITS.label) };
  if (e.text !== undefined) out.text = clip(e.text, RESULT_LIMITS.text);
  if (e.xml !== undefined) out.xml = clip(e.xml, RESULT_LIMITS.text);
  return out;
}

/** First and last events, with a note that counts the ones in between. */
function capTimeline(events: TraceEvent[], max: number): TraceEvent[] {
  if (events.length <= max) return events;
  const half = Math.floor(max / 2);
  const head = events.slice(0, half);
  const tail = events.slice(events.length - half);
  const gap: TraceEvent = { t: events[half]!.t, kind: "note", actor: "runner", text: `… ${events.length - 2 * half} timeline events not kept in the report …` };
  return [...head, gap, ...tail];
}

export function capResult(r: ScenarioResult): ScenarioResult {
  const findings = r.findings.slice(0, RESULT_LIMITS.findings).map(capFinding);
  if (r.findings.length > RESULT_LIMITS.findings) {
    findings.push({ check: "report", message: `… ${r.findings.length - RESULT_LIMITS.findings} more findings not kept in the report` });
  }
  const capped: ScenarioResult = {
    ...r,
    id: clip(r.id, RESULT_LIMITS.label),
    file: clip(r.file, RESULT_LIMITS.label),
    name: clip(r.name, RESULT_LIMITS.label),
    rules: r.rules.slice(0, 100).map((x) => clip(x, RESULT_LIMITS.label)),
    findings,
    timeline: capTimeline(r.timeline, RESULT_LIMITS.timeline).map(capEvent),
    source: clip(r.source, RESULT_LIMITS.source),
  };
  if (r.deviation !== undefined) capped.deviation = clipOpt(r.deviation, RESULT_LIMITS.text);
  if (r.skipReason !== undefined) capped.skipReason = clipOpt(r.skipReason, RESULT_LIMITS.text);
  if (JSON.stringify(capped).length <= RESULT_LIMITS.total) return capped;
  // Still too big: stanzas go first (the one-line texts stay), then all but the edges of the timeline.
  capped.timeline = capped.timeline.map(({ xml: _xml, ...e }) => e);
  if (JSON.stringify(capped).length <= RESULT_LIMITS.total) return capped;
  capped.timeline = capTimeline(capped.timeline, 100);
  capped.source = clip(capped.source, 16 * 1024);
  return capped;
}
