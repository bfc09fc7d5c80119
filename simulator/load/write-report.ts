// Writes a load run's JSON and HTML report: the load command composes reports/ here.
import { renderHtml } from "../../reports/html/render.ts";
import { writeReportFile } from "../../reports/files.ts";
import type { LoadResult } from "./run-load.ts";
import { LOAD_HTML, LOAD_JSON, loadAsRunReport, loadFigures } from "./report.ts";

export async function writeLoadReport(r: LoadResult & { latenciesMs?: number[] }, dir: string): Promise<string[]> {
  const { latenciesMs, ...doc } = r;
  void latenciesMs;
  return Promise.all([
    writeReportFile(dir, LOAD_JSON, JSON.stringify({ ...doc, figures: loadFigures(r) }, null, 2) + "\n"),
    writeReportFile(dir, LOAD_HTML, renderHtml(loadAsRunReport(r))),
  ]);
}
