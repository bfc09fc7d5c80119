// Reads StrykerJS's JSON report (mutation-testing-report-schema) into the few numbers and the
// survivor list our HTML report shows. No dependency on Stryker: the schema is read as data.
import { readFileSync } from "node:fs";

export const MUTATION_REPORT = "reports/out/mutation/mutation.json";
/** The scenario suite alone (npm run mutation:scenarios): what a new target is checked with. */
export const SCENARIO_MUTATION_REPORT = "reports/out/mutation-scenarios/mutation.json";

interface Position {
  line: number;
  column: number;
}

/** The parts of one mutant in Stryker's JSON that we read. */
export interface StrykerMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  killedBy?: string[];
  coveredBy?: string[];
  location: { start: Position; end: Position };
}

export interface StrykerReport {
  files: Record<string, { source: string; mutants: StrykerMutant[] }>;
  testFiles?: Record<string, { tests: { id: string; name: string }[] }>;
}

/** One mutant in our words: where, which mutator, the code it replaced and what it put there. */
export interface MutantRef {
  id: string;
  file: string;
  line: number;
  column: number;
  mutator: string;
  /** The source text the mutant replaced. */
  original: string;
  replacement: string;
  status: string;
}

export interface MutationSummary {
  /** Detected (killed + timed out) over valid mutants, in percent, as Stryker counts it. */
  score: number;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  /** Mutants that could not be judged (compile or runtime error, ignored): not in the score. */
  invalid: number;
  total: number;
  /** Survived and not-covered mutants, in file and line order. */
  survivors: MutantRef[];
}

/** The source text between two Stryker positions (lines and columns are 1-based). */
export function sourceAt(source: string, start: Position, end: Position): string {
  const lines = source.split("\n");
  if (start.line === end.line) return lines[start.line - 1]?.slice(start.column - 1, end.column - 1) ?? "";
  const first = lines[start.line - 1]?.slice(start.column - 1) ?? "";
  const middle = lines.slice(start.line, end.line - 1);
  const last = lines[end.line - 1]?.slice(0, end.column - 1) ?? "";
  return [first, ...middle, last].join("\n");
}

/** Every mutant of the report, with its original text. */
export function mutantsOf(report: StrykerReport): MutantRef[] {
  const out: MutantRef[] = [];
  for (const [file, f] of Object.entries(report.files)) {
    for (const m of f.mutants) {
      out.push({
        id: m.id,
        file,
        line: m.location.start.line,
        column: m.location.start.column,
        mutator: m.mutatorName,
        original: sourceAt(f.source, m.location.start, m.location.end),
        replacement: m.replacement ?? "",
        status: m.status,
      });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

export function summarizeMutation(report: StrykerReport): MutationSummary {
  const all = mutantsOf(report);
  const count = (status: string) => all.filter((m) => m.status === status).length;
  const killed = count("Killed");
  const survived = count("Survived");
  const timeout = count("Timeout");
  const noCoverage = count("NoCoverage");
  const valid = killed + survived + timeout + noCoverage;
  return {
    score: valid === 0 ? 0 : Math.round(((killed + timeout) / valid) * 10_000) / 100,
    killed,
    survived,
    timeout,
    noCoverage,
    invalid: all.length - valid,
    total: all.length,
    survivors: all.filter((m) => m.status === "Survived" || m.status === "NoCoverage"),
  };
}

/** Reads the JSON report written by `npm run mutation`. */
export function readMutationReport(path = MUTATION_REPORT): StrykerReport {
  return JSON.parse(readFileSync(path, "utf8")) as StrykerReport;
}

export function readMutationSummary(path = MUTATION_REPORT): MutationSummary {
  return summarizeMutation(readMutationReport(path));
}
