// `pushlab run` and `pushlab report` around the runner: the report dir and report files checked
// first, the scenarios selected (--grep, --grep-invert, --shard) before any server starts, results
// flushed to results.jsonl as they come, partial reports on a signal, crashes handled, and the
// exit code that says what happened (docs/exit-codes.md).
import { dirname, join } from "node:path";
import { DEFAULT_MUTATION_REPORT, readMutationInfo } from "../reports/mutation-info.ts";
import { createOutputReporters, defaultOutputs, prepareOutputFiles, writeOutputs, type Output } from "../reports/outputs.ts";
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
import type { Loaded } from "./scenario/model.ts";
import { applyFilter, describeFilter, type Filter } from "./cli/select.ts";
import { shardRuns, type Shard } from "./shard/shard.ts";
import { NO_DURATIONS, type Durations } from "./shard/durations.ts";

export interface RunCommandOptions {
  paths: string[];
  targets: string[];
  reportDir: string;
  /** Reporters and where they write (default: console, and report.json, junit.xml, index.html in reportDir). */
  outputs?: Output[];
  filter?: Filter;
  shard?: Shard;
  durations?: Durations;
  profile?: Profile;
  expectations?: Record<string, string>;
  strict?: boolean;
  workers?: number;
  retries?: number;
  /** Exit 0 rather than 1 when nothing is selected. */
  passWithNoTests?: boolean;
  /** The xmpp target's own flags (simulator/targets/xmpp/flags.ts). */
  xmppArgs?: string[];
  /** StrykerJS's JSON report whose score the reports show when it exists; null: none. */
  mutationReport?: string | null;
  /** Makes a target by name (default createTarget; the config file's xmpp settings go through here). */
  makeTarget?: (name: string) => Promise<Target>;
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

const idOf = (l: Loaded) => (l.ok ? l.scenario.id : l.broken.id);

/** The scenario runs of this invocation, per target: after the filter, then the shard. */
export function selectRuns(loaded: Loaded[], targets: string[], o: Pick<RunCommandOptions, "filter" | "shard" | "durations">): Map<string, Loaded[]> {
  const filtered = applyFilter(loaded, o.filter ?? {});
  if (!o.shard) return new Map(targets.map((t) => [t, filtered]));
  return shardRuns(filtered, targets, o.shard, o.durations ?? NO_DURATIONS);
}

/** Why nothing was selected, for the message. */
export function nothingSelected(o: Pick<RunCommandOptions, "filter" | "shard" | "paths">, matched: number): string {
  const filter = describeFilter(o.filter ?? {});
  if (matched === 0) return `no scenario matches ${filter || "(no filter)"} under ${o.paths.join(", ")}`;
  return `shard ${o.shard!.index}/${o.shard!.total} has no scenario run (${matched} scenario(s) selected, split ${o.shard!.total} ways)`;
}

function printFailures(failures: string[]): void {
  for (const f of failures) process.stderr.write(`pushlab: report ${f}\n`);
}

/** Writes the reports from a results log; returns the exit code they stand for and what failed. */
async function reportsFromLog(logFile: string, outputs: Output[], what = "reports"): Promise<{ complete: boolean; code: number; failures: string[] }> {
  const { report, complete } = rebuildReport(logFile);
  const { files, failures } = await writeOutputs(report, outputs);
  if (files.length > 0) process.stderr.write(`pushlab: ${what} ${complete ? "" : "(incomplete) "}written from ${logFile}: ${files.join(", ")}\n`);
  return { complete, code: failures.length > 0 || !complete ? EXIT.harnessFailed : exitCodeOf(report), failures };
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

/** The options a report records (and merge-reports compares between shards). */
function recordedOptions(o: RunCommandOptions): Record<string, unknown> {
  return {
    ...(o.filter?.grep && { grep: o.filter.grep.source }),
    ...(o.filter?.grepInvert && { "grep-invert": o.filter.grepInvert.source }),
    ...(o.shard && { shard: `${o.shard.index}/${o.shard.total}`, "shard-durations": o.durations?.source ?? NO_DURATIONS.source }),
    ...(o.strict && { strict: true }),
    ...(o.retries !== undefined && o.retries > 0 && { retries: o.retries }),
    ...(o.workers !== undefined && { workers: o.workers }),
  };
}

export async function runCommand(o: RunCommandOptions): Promise<number> {
  const dir = prepareReportDir(o.reportDir);
  const outputs = o.outputs ?? defaultOutputs(dir);
  prepareOutputFiles(outputs);
  if (discoverScenarioFiles(o.paths).length === 0) throw new UsageError(`no scenario files (*.yaml) under ${o.paths.join(", ")}`);

  // What runs where, decided before any server starts: nothing selected is exit 1, not a pass.
  const everything = loadAll(o.paths);
  const chosen = selectRuns(everything, o.targets, o);
  const total = [...chosen.values()].reduce((n, l) => n + l.length, 0);
  if (total === 0) {
    const matched = applyFilter(everything, o.filter ?? {}).length;
    process.stderr.write(`pushlab: ${nothingSelected(o, matched)}${o.passWithNoTests ? " (--pass-with-no-tests: exit 0)" : ""}\n`);
    return o.passWithNoTests ? EXIT.ok : EXIT.scenariosFailed;
  }
  const chosenIds = new Map([...chosen].map(([t, l]) => [t, new Set(l.map(idOf))]));

  const targets: Target[] = [];
  for (const name of o.targets) {
    if (o.shard && chosen.get(name)!.length === 0) continue; // this shard has nothing for it
    let t: Target;
    try {
      t = await (o.makeTarget ? o.makeTarget(name) : createTarget(name, name === "xmpp" ? (o.xmppArgs ?? []) : []));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const avail = await t.available();
    if (!avail.ok) throw new UsageError(`target ${name} is not available here: ${avail.reason}`);
    targets.push(t);
  }

  // Expectation files are checked before any server starts: a bad one is a usage error.
  for (const t of targets) {
    try {
      expectationsFor(t, everything, o.expectations?.[t.name]);
    } catch (e) {
      if (e instanceof ExpectationFileError) throw new UsageError(`expectation file with errors:\n${e.message}`);
      throw e;
    }
  }

  const extra = recordedOptions(o);
  const mutation = mutationOf(o.mutationReport);
  const results = new ResultsLog(dir, { paths: o.paths, targets: o.targets, ...(o.profile && { profile: o.profile }), ...extra });
  // The results log first: a result is on disk before any other reporter sees it.
  const gate = { open: true }; // closed when the run is being stopped: what fails then is our doing
  const reporters: Reporter[] = [results, ...createOutputReporters(outputs, { ...(o.strict && { strict: true }) })].map((r) => gated(r, gate));
  const failures: string[] = [];
  const stopTargets = async () => {
    gate.open = false;
    results.close();
    await Promise.allSettled(targets.map((t) => t.stop()));
  };
  const guard = installProcessGuard({
    // Fast: servers are stopped by PID in the process's exit handlers (and by the watchdog);
    // a graceful stop would wait ~2 s for component streams of a server already gone. What was
    // measured becomes a partial report (marked incomplete) before the exit.
    stop: async () => {
      gate.open = false;
      results.close();
      try {
        const out = await reportsFromLog(results.path, outputs, "partial reports");
        printFailures(out.failures);
      } catch (e) {
        log().debug({ err: (e as Error).message }, "no partial report (nothing recorded yet)");
      }
    },
    salvage: async () => {
      results.close();
      const out = await reportsFromLog(results.path, outputs);
      printFailures(out.failures);
    },
  });
  try {
    log().debug({ targets: o.targets, paths: o.paths, dir }, "run starting");
    const report = await run({
      paths: o.paths,
      targets,
      reporters,
      select: (loaded, target) => loaded.filter((l) => chosenIds.get(target)?.has(idOf(l))),
      reportOptions: extra,
      ...(o.workers !== undefined && { workers: o.workers }),
      ...(o.retries !== undefined && { retries: o.retries }),
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
      const out = await reportsFromLog(results.path, outputs).catch((x: Error) => ({ failures: [x.message] }));
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
    if (failures.length > 0) {
      printFailures(failures);
      process.stderr.write(`pushlab: exit ${EXIT.harnessFailed}: reports incomplete (results are in ${results.path})\n`);
      return EXIT.harnessFailed;
    }
    return exitCodeOf(report, o.strict === true);
  } finally {
    if (!guard.ending) guard.remove();
    results.close();
  }
}

/** `pushlab report results.jsonl [--report-dir DIR] [--reporter …]`: the reports again, from the results log. */
export async function reportCommand(logFile: string, reportDir: string | undefined, outputs?: Output[], strict = false): Promise<number> {
  const dir = reportDir ?? dirname(logFile);
  if (reportDir !== undefined && join(dir, RESULTS_LOG_FILE) !== join(dirname(logFile), RESULTS_LOG_FILE)) prepareReportDir(dir);
  const outs = outputs ?? defaultOutputs(dir, ["json", "junit", "html"]);
  let out;
  try {
    const { report, complete } = rebuildReport(logFile);
    if (strict) report.options.strict = true;
    const { files, failures } = await writeOutputs(report, outs);
    // The console and github reporters print from the rebuilt report too.
    for (const r of createOutputReporters(outs.filter((x) => !("file" in x) && !("stdout" in x)), { strict })) await r.onEnd?.(report);
    if (files.length > 0) process.stderr.write(`pushlab: reports ${complete ? "" : "(incomplete) "}written from ${logFile}: ${files.join(", ")}\n`);
    out = { failures, code: failures.length > 0 || !complete ? EXIT.harnessFailed : exitCodeOf(report) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  printFailures(out.failures);
  return out.code;
}
