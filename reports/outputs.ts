// `--reporter console,json=out/r.json,junit=out/junit.xml,html=out/report.html,github`: which
// reporters a run has and where each one writes. json without a file goes to stdout, and then
// nothing else does (the console moves to stderr), so `pushlab run --reporter json | jq` works.
import { existsSync, mkdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import type { RunReport } from "../simulator/results.ts";
import type { Reporter } from "../simulator/reporter.ts";
import { UsageError } from "../simulator/exit-codes.ts";
import { ConsoleReporter } from "./console.ts";
import { GuardedFileReporter } from "./file-guard.ts";
import { writeReportFile } from "./files.ts";
import { GithubReporter } from "./github.ts";
import { HTML_REPORT_FILE, JSON_REPORT_FILE, JUNIT_REPORT_FILE, REPORT_FORMATS, renderHtml, renderJson, renderJunit, type ReportFormat } from "./index.ts";

export type ReporterName = "console" | "json" | "junit" | "html" | "github";
export const REPORTER_NAMES: ReporterName[] = ["console", "json", "junit", "html", "github"];

type FileReporterName = "json" | "junit" | "html";
const DEFAULT_FILE: Record<FileReporterName, string> = { json: JSON_REPORT_FILE, junit: JUNIT_REPORT_FILE, html: HTML_REPORT_FILE };
const RENDER: Record<FileReporterName, (r: RunReport) => string> = { json: renderJson, junit: renderJunit, html: renderHtml };

/** One reporter and where it writes: a file (absolute), stdout, or the console's stream. */
export type Output =
  | { name: FileReporterName; file: string }
  | { name: "json"; stdout: true }
  | { name: "console" | "github"; stream: "stdout" | "stderr" };

/** The default reporters: console, and report.json, junit.xml, index.html in the report dir. */
export function defaultOutputs(reportDir: string, formats: ReportFormat[] = REPORT_FORMATS): Output[] {
  return formats.map((f): Output => (f === "console" ? { name: "console", stream: "stdout" } : { name: f, file: resolve(reportDir, DEFAULT_FILE[f]) }));
}

/** --format LIST (the older flag): formats into the report dir. */
export function outputsFromFormats(value: string, reportDir: string): Output[] {
  const formats = value.split(",").map((s) => s.trim()).filter(Boolean) as ReportFormat[];
  const unknown = formats.filter((f) => !REPORT_FORMATS.includes(f));
  if (formats.length === 0 || unknown.length > 0) throw new UsageError(`--format: unknown ${unknown.join(", ") || "(empty)"}; known: ${REPORT_FORMATS.join(", ")} (or --reporter, which also takes github and file paths)`);
  return defaultOutputs(reportDir, formats);
}

/**
 * Parses a reporter list. `json` with no file: stdout. `junit`, `html` with no file: the report
 * dir's junit.xml / index.html. `where` names the flag or config line in messages.
 */
export function parseReporters(items: string[], reportDir: string, where = "--reporter"): Output[] {
  const out: Output[] = [];
  if (items.length === 0) throw new UsageError(`${where}: give at least one reporter (${REPORTER_NAMES.join(", ")})`);
  for (const raw of items) {
    const item = raw.trim();
    const eq = item.indexOf("=");
    const name = (eq < 0 ? item : item.slice(0, eq)).trim();
    const file = eq < 0 ? undefined : item.slice(eq + 1).trim();
    if (!(REPORTER_NAMES as string[]).includes(name)) throw new UsageError(`${where}: unknown reporter '${name}'; known: ${REPORTER_NAMES.join(", ")} (files as json=FILE, junit=FILE, html=FILE)`);
    if (file === "") throw new UsageError(`${where}: ${name}= needs a file name`);
    if (name === "console" || name === "github") {
      if (file !== undefined) throw new UsageError(`${where}: ${name} writes to the terminal (github: workflow commands on stdout), not to a file`);
      out.push({ name, stream: "stdout" });
    } else if (name === "json" && file === undefined) {
      out.push({ name: "json", stdout: true });
    } else {
      out.push({ name: name as FileReporterName, file: resolve(file ?? join(reportDir, DEFAULT_FILE[name as FileReporterName])) });
    }
  }
  const names = out.map((o) => ("file" in o ? o.file : o.name));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`${where}: ${dup} given twice`);
  const jsonOut = out.some((o) => "stdout" in o);
  if (jsonOut && out.some((o) => o.name === "github")) throw new UsageError(`${where}: json to stdout and github (workflow commands on stdout) would mix; give json a file: json=report.json`);
  // JSON owns stdout: the console goes to stderr.
  return jsonOut ? out.map((o) => (o.name === "console" ? { name: "console", stream: "stderr" } : o)) : out;
}

const PSEUDO_FS = ["/proc", "/sys", "/dev"];

/**
 * Checks before the run that each report file can be written: not a directory, its folder
 * creatable (made now, one level at a time) and not under /proc, /sys or /dev. A stale file of
 * that name is removed, so it is never taken for this run's.
 */
export function prepareOutputFiles(outputs: Output[]): void {
  for (const o of outputs) {
    if (!("file" in o)) continue;
    const file = o.file;
    if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--reporter ${o.name}=${file}: is a directory; give a file name`);
    let ancestor = dirname(file);
    const missing: string[] = [];
    while (!existsSync(ancestor)) {
      missing.unshift(ancestor);
      const up = dirname(ancestor);
      if (up === ancestor) break;
      ancestor = up;
    }
    const real = realpathSync(ancestor);
    if (PSEUDO_FS.some((p) => real === p || real.startsWith(p + sep))) throw new UsageError(`--reporter ${o.name}=${file}: under ${real}, which is not a place for files`);
    if (!statSync(ancestor).isDirectory()) throw new UsageError(`--reporter ${o.name}=${file}: ${ancestor} is a file, so no directory can be made under it`);
    for (const dir of missing) {
      try {
        mkdirSync(dir);
      } catch (e) {
        throw new UsageError(`--reporter ${o.name}=${file}: cannot create ${dir}: ${(e as Error).message}`);
      }
    }
    try {
      rmSync(file, { force: true });
    } catch (e) {
      throw new UsageError(`--reporter ${o.name}=${file}: cannot replace the file of an earlier run: ${(e as Error).message}`);
    }
  }
}

class RenderedFileReporter implements Reporter {
  constructor(
    private readonly file: string,
    private readonly render: (r: RunReport) => string,
  ) {}
  async onEnd(report: RunReport): Promise<void> {
    await writeReportFile(dirname(this.file), basename(this.file), this.render(report));
  }
}

class StdoutJsonReporter implements Reporter {
  onEnd(report: RunReport): Promise<void> {
    return new Promise((done, fail) => process.stdout.write(renderJson(report), (e) => (e ? fail(e) : done())));
  }
}

const streamOf = (s: "stdout" | "stderr") => (s === "stdout" ? process.stdout : process.stderr);

/**
 * The reporters for these outputs: files first, then the console (it lists the files written),
 * then github — after the console's progress line has ended, as a workflow command must begin a line.
 */
export function createOutputReporters(outputs: Output[], opts: { strict?: boolean } = {}): Reporter[] {
  const written: string[] = [];
  const reporters: Reporter[] = [];
  for (const o of outputs) {
    if ("file" in o) reporters.push(new GuardedFileReporter(new RenderedFileReporter(o.file, RENDER[o.name]), o.file, written));
    else if ("stdout" in o) reporters.push(new StdoutJsonReporter());
  }
  const con = outputs.find((o) => o.name === "console");
  if (con && "stream" in con) reporters.push(new ConsoleReporter({ stream: streamOf(con.stream), reportFiles: written }));
  const gh = outputs.find((o) => o.name === "github");
  if (gh && "stream" in gh) reporters.push(new GithubReporter({ stream: streamOf(gh.stream), strict: opts.strict === true }));
  return reporters;
}

/**
 * Writes a finished report through the file and stdout outputs (for `pushlab report`,
 * merge-reports and the partial report on Ctrl-C). Returns the files written and what failed.
 */
export async function writeOutputs(report: RunReport, outputs: Output[]): Promise<{ files: string[]; failures: string[] }> {
  const files: string[] = [];
  const failures: string[] = [];
  await Promise.all(
    outputs.map(async (o) => {
      try {
        if ("file" in o) {
          await writeReportFile(dirname(o.file), basename(o.file), RENDER[o.name](report));
          files.push(o.file);
        } else if ("stdout" in o) {
          await new StdoutJsonReporter().onEnd(report);
        }
      } catch (e) {
        failures.push(`${"file" in o ? o.file : "stdout"} not written: ${(e as Error).message}`);
      }
    }),
  );
  return { files: files.sort(), failures };
}
