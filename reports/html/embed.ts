// The data the page's script reads: the report with every stanza pretty-printed, as JSON that is
// safe inside <script type="application/json"> (no "</script>", no "<!--").
import type { RunReport } from "../../simulator/results.ts";
import { prettyXml } from "../xml.ts";

export function toViewData(report: RunReport): RunReport {
  return {
    ...report,
    scenarios: report.scenarios.map((s) => ({
      ...s,
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
