// `pushlab run` and `pushlab report` around the runner: the report dir checked first, results
// flushed to results.jsonl as they come, signals and crashes handled, and the exit code that
// says what happened (docs/exit-codes.md).
import { dirname, join } from "node:path";
import { createReporters, REPORT_FORMATS, writeReports, type ReportFormat } from "../reports/index.ts";
import { DEFAULT_MUTATION_REPORT, readMutationInfo } from "../reports/mutation-info.ts";
import type { Reporter } from "./reporter.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import { log } from "./log.ts";
import { installProcessGuard } from "./process-guard.ts";
import { prepareReportDir } from "./report-output.ts";
import { rebuildReport, ResultsLog, RESULTS_LOG_FILE } from "./results-log.ts";
import { ExpectationFileError, exitCodeOf, expectationsFor, loadAll, run } from "./runner.ts";
import type { Profile } from "./results.ts";
import type { Target } from "./target.ts";
import { createTarget } from "./targets/index.ts";
import { discoverScenarioFiles } from "./scenario/discover.ts";

export interface RunCommandOptions {
  paths: string[];
  targets: string[];
  reportDir: string;
  grep?: string;
  format?: string;
  profile?: Profile;
  expectations?: Record<string, string>;
  /** The xmpp target's own flags (simulator/targets/xmpp/flags.ts). */
  xmppArgs?: string[];
  /** StrykerJS's JSON report whose score the reports show when it exists; null: none. */
  mutationReport?: string | null;
}

/** The last mutation run's summary for the report; a report that cannot be read is said, not shown. */
function mutationOf(path: string | null | undefined) {
  if (path === null) return undefined;
  try {
    return readMutationInfo(path ?? DEFAULT_MUTATION_REPORT);
  } catch (e) {
    process.stderr.write(`pushlab: mutation report ${path ?? DEFAULT_MUTATION_REPORT} not shown: ${(e as Error).message}\n`);
    return undefined;
  }
}

export function reportFormats(value: string | undefined): ReportFormat[] | undefined {
  if (value === undefined) return undefined;
  const formats = value.split(",").map((s) => s.trim()).filter(Boolean) as ReportFormat[];
  const unknown = formats.filter((f) => !REPORT_FORMATS.includes(f));
  if (formats.length === 0 || unknown.length > 0) throw new UsageError(`--format: unknown ${unknown.join(", ") || "(empty)"}; known: ${REPORT_FORMATS.join(", ")}`);
  return formats;
}

function printFailures(failures: string[]): void {
  for (const f of failures) process.stderr.write(`pushlab: report ${f}\n`);
}

/** Writes report.json, junit.xml and index.html from a results log; returns what failed. */
async function reportsFromLog(logFile: string, dir: string): Promise<{ complete: boolean; code: number; failures: string[] }> {
  const { report, complete } = rebuildReport(logFile);
  try {
    const files = await writeReports(report, dir);
    process.stderr.write(`pushlab: reports ${complete ? "" : "(incomplete) "}written from ${logFile}: ${Object.values(files).join(", ")}\n`);
    return { complete, code: complete ? exitCodeOf(report) : EXIT.harnessFailed, failures: [] };
  } catch (e) {
    return { complete, code: EXIT.harnessFailed, failures: [(e as Error).message] };
  }
}

/** Passes a reporter's events on while gate.open; scenarios cut short by a stop are not results. */
function gated(r: Reporter, gate: { open: boolean }): Reporter {
  const when =
    <A extends unknown[]>(fn: ((...a: A) => void | Promise<void>) | undefined) =>
    (...a: A) =>
      gate.open ? fn?.apply(r, a) : undefined;
  return {
    onBegin: when(r.onBegin),
    onTargetStart: when(r.onTargetStart),
    onScenarioBegin: when(r.onScenarioBegin),
    onScenarioEnd: when(r.onScenarioEnd),
    onError: when(r.onError),
    onEnd: when(r.onEnd),
  };
}

export async function runCommand(o: RunCommandOptions): Promise<number> {
  const formats = reportFormats(o.format);
  const dir = prepareReportDir(o.reportDir);
  if (discoverScenarioFiles(o.paths).length === 0) throw new UsageError(`no scenario files (*.yaml) under ${o.paths.join(", ")}`);
  const targets: Target[] = [];
  for (const name of o.targets) {
    let t: Target;
    try {
      t = await createTarget(name, name === "xmpp" ? (o.xmppArgs ?? []) : []);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const avail = await t.available();
    if (!avail.ok) throw new UsageError(`target ${name} is not available here: ${avail.reason}`);
    targets.push(t);
  }

  // Expectation files are checked before any server starts: a bad one is a usage error.
  const everything = loadAll(o.paths);
  for (const t of targets) {
    try {
      expectationsFor(t, everything, o.expectations?.[t.name]);
    } catch (e) {
      if (e instanceof ExpectationFileError) throw new UsageError(`expectation file with errors:\n${e.message}`);
      throw e;
    }
  }

  const options = { paths: o.paths, targets: o.targets, ...(o.grep && { grep: o.grep }), ...(o.profile && { profile: o.profile }) };
  const mutation = mutationOf(o.mutationReport);
  const results = new ResultsLog(dir, options);
  // The results log first: a result is on disk before any other reporter sees it.
  const gate = { open: true }; // closed when the run is being stopped: what fails then is our doing
  const reporters: Reporter[] = [results, ...createReporters({ reportDir: dir, ...(formats && { formats }) })].map((r) => gated(r, gate));
  const failures: string[] = [];
  const stopTargets = async () => {
    gate.open = false;
    results.close();
    await Promise.allSettled(targets.map((t) => t.stop()));
  };
  const guard = installProcessGuard({
    // Fast: servers are stopped by PID in the process's exit handlers (and by the watchdog);
    // a graceful stop would wait ~2 s for component streams of a server already gone.
    stop: async () => {
      gate.open = false;
      results.close();
    },
    salvage: async () => {
      results.close();
      const out = await reportsFromLog(results.path, dir);
      printFailures(out.failures);
    },
  });
  try {
    log().debug({ targets: o.targets, paths: o.paths, dir }, "run starting");
    const report = await run({
      paths: o.paths,
      targets,
      reporters,
      ...(o.grep && { grep: o.grep }),
      ...(o.profile && { profile: o.profile }),
      ...(o.expectations && { expectations: o.expectations }),
      ...(mutation && { mutation }),
      onReporterError: (e) => {
        failures.push(e.message);
        log().error({ err: e.message }, "reporter failed");
      },
    }).catch(async (e: Error) => {
      // The runner itself failed (not a scenario: those end in verdicts). Keep what was measured.
      process.stderr.write(`pushlab: the harness itself failed (reports incomplete): ${e.stack ?? e.message}\n`);
      await stopTargets();
      const out = await reportsFromLog(results.path, dir).catch((x: Error) => ({ failures: [x.message] }));
      printFailures(out.failures);
      return undefined;
    });
    if (guard.ending) {
      // A signal or a crash is ending the run (its handler exits the process): the verdicts of
      // this report are not the run's outcome.
      await guard.ending;
      return EXIT.harnessFailed;
    }
    if (report === undefined) return EXIT.harnessFailed;
    if (report.scenarios.length === 0) {
      process.stderr.write(`pushlab: no scenario matches --grep ${o.grep ?? ""}\n`);
      return EXIT.usage;
    }
    if (failures.length > 0) {
      printFailures(failures);
      process.stderr.write(`pushlab: exit ${EXIT.harnessFailed}: reports incomplete (results are in ${results.path})\n`);
      return EXIT.harnessFailed;
    }
    return exitCodeOf(report);
  } finally {
    if (!guard.ending) guard.remove();
    results.close();
  }
}

/** `pushlab report results.jsonl [--report-dir DIR]`: the reports again, from the results log. */
export async function reportCommand(logFile: string, reportDir: string | undefined): Promise<number> {
  const dir = reportDir ?? dirname(logFile);
  if (reportDir !== undefined && join(dir, RESULTS_LOG_FILE) !== join(dirname(logFile), RESULTS_LOG_FILE)) prepareReportDir(dir);
  let out;
  try {
    out = await reportsFromLog(logFile, dir);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  printFailures(out.failures);
  return out.code;
}
