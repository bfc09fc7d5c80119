// Source lines for a scenario result, for annotations (JUnit file/line): the failing step's line
// from the finding, else the step a declared deviation is about, else the scenario's name line.
// Lines are read from the scenario's own YAML text, so they are only known when that text is the
// whole file (one scenario per file, the bundled suite's rule); otherwise undefined.
import { isSeq, parseDocument } from "yaml";
import type { ScenarioResult } from "../simulator/results.ts";

/** The scenario's text is the whole file: no "#name" in its key (several documents carry one). */
function wholeFile(r: Pick<ScenarioResult, "key" | "id" | "file">): boolean {
  return r.key === undefined || !r.key.includes("#");
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based line of step `index` (0-based) in a scenario's YAML, or undefined. */
export function stepLine(source: string, index: number): number | undefined {
  try {
    const doc = parseDocument(source);
    const steps = doc.get("steps", true);
    if (!isSeq(steps)) return undefined;
    const node = steps.items[index] as { range?: [number, number, number] } | undefined;
    return node?.range ? lineAt(source, node.range[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** The line an annotation for this result should point at, or undefined when unknown. */
export function resultLine(r: Pick<ScenarioResult, "key" | "id" | "file" | "findings" | "deviations" | "source">): number | undefined {
  const located = r.findings.find((f) => f.location && f.location.file === r.file);
  if (located) return located.location!.line;
  if (!wholeFile(r)) return undefined;
  const step = r.deviations?.find((d) => d.step !== undefined)?.step;
  if (step !== undefined) {
    const line = stepLine(r.source, step);
    if (line !== undefined) return line;
  }
  const name = /^name\s*:/m.exec(r.source);
  return name ? lineAt(r.source, name.index) : 1;
}
