// The commands that run no scenario: list, run --list, validate, merge-reports.
import { resolve } from "node:path";
import { DEFAULT_REPORT_DIR } from "../../reports/index.ts";
import { createOutputReporters, defaultOutputs, prepareOutputFiles, writeOutputs, type Output } from "../../reports/outputs.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import { validateExpectationFiles } from "../cli-verdicts.ts";
import { prepareReportDir } from "../report-output.ts";
import { exitCodeOf, loadAll } from "../runner.ts";
import { nothingSelected, selectRuns, type RunCommandOptions } from "../run-command.ts";
import { mergeReports, readShard, writeMergedLog } from "../shard/merge.ts";
import { shardLoads } from "../shard/shard.ts";
import { NO_DURATIONS } from "../shard/durations.ts";
import { listed, listText, LIST_SCHEMA, type ListDocument } from "./list.ts";
import { applyFilter, describeFilter, type Filter } from "./select.ts";

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

function noneSelected(why: string, pass: boolean): number {
  err(`pushlab: ${why}${pass ? " (--pass-with-no-tests: exit 0)" : ""}\n`);
  return pass ? EXIT.ok : EXIT.scenariosFailed;
}

/** `pushlab list`: scenarios (text: rule ids and id; --json: pushlab-list/1). */
export function listCommand(paths: string[], filter: Filter, json: boolean, pass: boolean): number {
  const loaded = applyFilter(loadAll(paths), filter);
  if (loaded.length === 0) return noneSelected(`no scenario matches ${describeFilter(filter) || "(no filter)"} under ${paths.join(", ")}`, pass);
  const items = loaded.map((l) => listed(l));
  if (json) {
    const doc: ListDocument = { schema: LIST_SCHEMA, total: items.length, scenarios: items };
    out(JSON.stringify(doc, null, 2) + "\n");
  } else {
    out(listText(items.filter((i) => !i.broken), false));
    for (const l of loaded) if (!l.ok) for (const e of l.broken.errors) err(`${e.loc.file}:${e.loc.line}:${e.loc.col}: ${e.message}\n`);
  }
  return items.some((i) => i.broken) ? EXIT.scenariosFailed : EXIT.ok;
}

/** `pushlab run --list`: the runs per target this invocation would make; no server is started. */
export function runListCommand(o: RunCommandOptions, json: boolean): number {
  const everything = loadAll(o.paths);
  const chosen = selectRuns(everything, o.targets, o);
  const items = o.targets.flatMap((t) => chosen.get(t)!.map((l) => listed(l, t)));
  if (items.length === 0) return noneSelected(nothingSelected(o, applyFilter(everything, o.filter ?? {}).length), o.passWithNoTests === true);
  const shard = o.shard ? `${o.shard.index}/${o.shard.total}` : undefined;
  const estimate = o.shard ? shardLoads(applyFilter(everything, o.filter ?? {}), o.targets, o.shard.total, o.durations ?? NO_DURATIONS)[o.shard.index - 1] : undefined;
  if (json) {
    const doc: ListDocument = {
      schema: LIST_SCHEMA,
      run: { targets: o.targets, ...(shard && { shard, durations: (o.durations ?? NO_DURATIONS).source, estimatedMs: Math.round(estimate!) }) },
      total: items.length,
      scenarios: items,
    };
    out(JSON.stringify(doc, null, 2) + "\n");
  } else {
    out(listText(items, true));
    out(`${items.length} scenario run(s) on ${o.targets.join(", ")}${shard ? `, shard ${shard} (balanced by ${(o.durations ?? NO_DURATIONS).source}; about ${(estimate! / 1000).toFixed(1)} s of scenario time)` : ""}\n`);
  }
  return EXIT.ok;
}

/** `pushlab validate`: scenario files and every target's expectation file. */
export async function validateCommand(paths: string[], filter: Filter, expectations: Record<string, string>): Promise<number> {
  const loaded = applyFilter(loadAll(paths), filter);
  if (loaded.length === 0) return noneSelected(`no scenario matches ${describeFilter(filter) || "(no filter)"} under ${paths.join(", ")}`, false);
  let bad = 0;
  for (const l of loaded) {
    if (l.ok) continue;
    bad++;
    for (const e of l.broken.errors) err(`${e.loc.file}:${e.loc.line}:${e.loc.col}: ${e.message}\n`);
  }
  // Every target's expectation file (and any given) is checked against the scenarios too.
  const badFiles = await validateExpectationFiles(paths, expectations);
  out(`${loaded.length - bad} valid, ${bad} broken${badFiles ? `; ${badFiles} expectation file(s) with errors` : ""}\n`);
  return bad + badFiles > 0 ? EXIT.scenariosFailed : EXIT.ok;
}

/** `pushlab merge-reports DIR…`: one report from the shards; exit 3 when it cannot stand for the whole run. */
export async function mergeCommand(inputs: string[], reportDir: string | undefined, outputs: Output[] | undefined, strict: boolean): Promise<number> {
  if (inputs.length === 0) throw new UsageError("merge-reports: give the shards' report dirs (or their results.jsonl / report.json files); pushlab merge-reports --help");
  const shards = inputs.map(readShard); // all read before anything is written
  const dirArg = reportDir ?? DEFAULT_REPORT_DIR;
  const dirAbs = resolve(dirArg);
  const clash = inputs.find((i) => resolve(i) === dirAbs || resolve(i) === resolve(dirAbs, "results.jsonl") || resolve(i) === resolve(dirAbs, "report.json"));
  if (clash) throw new UsageError(`merge-reports: --report-dir ${dirArg} is one of the inputs (${clash}); write the merged report elsewhere`);
  const { report, problems } = mergeReports(shards);
  if (strict) report.options.strict = true;
  const dir = prepareReportDir(dirArg);
  const outs = outputs ?? [{ name: "console", stream: "stdout" } as Output, ...defaultOutputs(dir, ["json", "junit", "html"])];
  prepareOutputFiles(outs);
  const log = writeMergedLog(dir, report);
  const { files, failures } = await writeOutputs(report, outs);
  for (const r of createOutputReporters(outs.filter((x) => !("file" in x) && !("stdout" in x)), { strict })) await r.onEnd?.(report);
  const shardText = (report.options.merged as { shards?: string[] } | undefined)?.shards;
  err(`pushlab: merged ${shards.length} input(s)${shardText ? ` (shards ${shardText.join(", ")})` : ""}: ${report.scenarios.length} scenario runs → ${[log, ...files].join(", ")}\n`);
  for (const f of failures) err(`pushlab: report ${f}\n`);
  if (problems.length > 0) {
    for (const p of problems) err(`pushlab: merge-reports: ${p}\n`);
    err(`pushlab: exit ${EXIT.harnessFailed}: the merged report is incomplete (it says so in its run options)\n`);
    return EXIT.harnessFailed;
  }
  if (failures.length > 0) return EXIT.harnessFailed;
  return exitCodeOf(report); // strict when asked here or recorded by a shard
}
