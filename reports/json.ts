// The JSON reporter: report.json is the RunReport as is — the stable, documented source
// (reports/report.schema.json) that the JUnit and HTML reports are rendered from.
import type { RunReport } from "../simulator/results.ts";
import type { Reporter } from "../simulator/reporter.ts";
import { writeReportFile } from "./files.ts";

export const JSON_REPORT_FILE = "report.json";
export const REPORT_SCHEMA_PATH = new URL("./report.schema.json", import.meta.url);

/** Pretty, newline-terminated; key order is the report's, so equal reports give equal bytes. */
export function renderJson(report: RunReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

export class JsonReporter implements Reporter {
  constructor(private readonly dir: string) {}
  async onEnd(report: RunReport): Promise<void> {
    await writeReportFile(this.dir, JSON_REPORT_FILE, renderJson(report));
  }
}
