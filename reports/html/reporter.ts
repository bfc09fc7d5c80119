// Writes index.html at the end of the run.
import type { RunReport } from "../../simulator/results.ts";
import type { Reporter } from "../../simulator/reporter.ts";
import { writeReportFile } from "../files.ts";
import { renderHtml } from "./render.ts";

export const HTML_REPORT_FILE = "index.html";

export class HtmlReporter implements Reporter {
  constructor(private readonly dir: string) {}
  async onEnd(report: RunReport): Promise<void> {
    await writeReportFile(this.dir, HTML_REPORT_FILE, renderHtml(report));
  }
}
