// The mutation summary a conformance report carries: StrykerJS's JSON report of the last
// `npm run mutation`, read into MutationInfo with each survivor's reviewed reason
// (test/mutation/equivalent.md) and a freshness check against the engine source as it is now.
// `pushlab run` attaches it when the report file exists (simulator/run-command.ts).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { MutationInfo } from "../simulator/results.ts";
import { entryMatches, readReviewList, type ReviewEntry } from "./mutation-lists.ts";
import { MUTATION_REPORT, readMutationReport, summarizeMutation } from "./mutation-summary.ts";

/** The project's root: engine files and the lists are read from there, whatever the cwd. */
export const PROJECT_ROOT = new URL("..", import.meta.url).pathname;
export const DEFAULT_MUTATION_REPORT = join(PROJECT_ROOT, MUTATION_REPORT);
const EQUIVALENT = join(PROJECT_ROOT, "test/mutation/equivalent.md");
const STRYKER_CONFIG = join(PROJECT_ROOT, "stryker.config.json");

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function breakThreshold(config: string): number | undefined {
  const text = readOrNull(config);
  const value = text ? (JSON.parse(text) as { thresholds?: { break?: unknown } }).thresholds?.break : undefined;
  return typeof value === "number" ? value : undefined;
}

/**
 * MutationInfo from a Stryker JSON report; undefined when the file does not exist. A file that is
 * there but unreadable throws (the caller says so: a broken report is not "no report").
 */
export function readMutationInfo(
  path = DEFAULT_MUTATION_REPORT,
  at: { root?: string; equivalent?: string; strykerConfig?: string } = {},
): MutationInfo | undefined {
  if (!existsSync(path)) return undefined;
  const root = at.root ?? PROJECT_ROOT;
  const equivalent = at.equivalent ?? EQUIVALENT;
  const report = readMutationReport(path);
  const s = summarizeMutation(report);
  const reviewed: ReviewEntry[] = existsSync(equivalent) ? readReviewList(equivalent).entries : [];
  const threshold = breakThreshold(at.strykerConfig ?? STRYKER_CONFIG);
  return {
    score: s.score,
    ...(threshold !== undefined && { threshold }),
    killed: s.killed,
    timeout: s.timeout,
    survived: s.survived,
    noCoverage: s.noCoverage,
    invalid: s.invalid,
    total: s.total,
    file: relative(root, path) || path,
    reportedAt: statSync(path).mtime.toISOString(),
    staleFiles: Object.entries(report.files)
      .filter(([file, f]) => readOrNull(join(root, file)) !== f.source)
      .map(([file]) => file),
    survivors: s.survivors.map((m) => {
      const why = reviewed.find((e) => entryMatches(e, m))?.why;
      return { file: m.file, line: m.line, mutator: m.mutator, original: m.original, replacement: m.replacement, ...(why && { reason: why }) };
    }),
  };
}
