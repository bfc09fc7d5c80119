// Entry point of reports/: builds the reporters the runner feeds through the Multiplexer, and
// writes the report files from a finished RunReport (e.g. to re-render a saved report.json).
import { join } from "node:path";
import type { RunReport } from "../simulator/results.ts";
import type { Reporter } from "../simulator/reporter.ts";
import { ConsoleReporter, type ProgressStyle } from "./console.ts";
import { JSON_REPORT_FILE, JsonReporter, renderJson } from "./json.ts";
import { JUNIT_REPORT_FILE, JunitReporter, renderJunit } from "./junit.ts";
import { HTML_REPORT_FILE, HtmlReporter } from "./html/reporter.ts";
import { renderHtml } from "./html/render.ts";
import { writeReportFile } from "./files.ts";
import { GuardedFileReporter } from "./file-guard.ts";

export type ReportFormat = "console" | "json" | "junit" | "html";
export const REPORT_FORMATS: ReportFormat[] = ["console", "json", "junit", "html"];
export const DEFAULT_REPORT_DIR = "reports/out";

export { renderHtml, renderJson, renderJunit, ConsoleReporter };
export { JSON_REPORT_FILE, JUNIT_REPORT_FILE, HTML_REPORT_FILE };

export interface CreateReportersOptions {
  reportDir?: string; // default reports/out
  stream?: NodeJS.WritableStream; // console output, default process.stdout
  formats?: ReportFormat[]; // default all
  color?: boolean;
  progress?: ProgressStyle;
}

const FILE_OF: Record<Exclude<ReportFormat, "console">, string> = {
  json: JSON_REPORT_FILE,
  junit: JUNIT_REPORT_FILE,
  html: HTML_REPORT_FILE,
};

/**
 * One reporter per format. File reporters write into reportDir in onEnd (a failure names the
 * file); the console reporter comes last and lists the files that were actually written.
 */
export function createReporters(opts: CreateReportersOptions = {}): Reporter[] {
  const dir = opts.reportDir ?? DEFAULT_REPORT_DIR;
  const formats = opts.formats ?? REPORT_FORMATS;
  const unknown = formats.filter((f) => !REPORT_FORMATS.includes(f));
  if (unknown.length > 0) throw new Error(`unknown report format(s): ${unknown.join(", ")} (known: ${REPORT_FORMATS.join(", ")})`);
  const reporters: Reporter[] = [];
  const written: string[] = []; // filled as the files are written: the console lists only those
  for (const f of formats) {
    if (f === "console") continue;
    const inner = f === "json" ? new JsonReporter(dir) : f === "junit" ? new JunitReporter(dir) : new HtmlReporter(dir);
    reporters.push(new GuardedFileReporter(inner, join(dir, FILE_OF[f]), written));
  }
  if (formats.includes("console")) {
    reporters.push(new ConsoleReporter({ stream: opts.stream, color: opts.color, progress: opts.progress, reportFiles: written }));
  }
  return reporters;
}

/** Writes report.json, junit.xml and index.html into dir; returns their paths. */
export async function writeReports(report: RunReport, dir: string = DEFAULT_REPORT_DIR): Promise<{ json: string; junit: string; html: string }> {
  const [json, junit, html] = await Promise.all([
    writeReportFile(dir, JSON_REPORT_FILE, renderJson(report)),
    writeReportFile(dir, JUNIT_REPORT_FILE, renderJunit(report)),
    writeReportFile(dir, HTML_REPORT_FILE, renderHtml(report)),
  ]);
  return { json, junit, html };
}
