// Reviews a StrykerJS report against our own lists: kills that were only crashes, survivors that
// are explained (equivalent.md: cannot change behaviour; NEEDS-SCENARIO.md: need a scenario the
// format cannot write yet), entries that no longer match a survivor (stale), and survivors that
// nobody explained. Pure functions; check-report.ts prints them, review.test.ts tests them.
import { entryMatches, type ReviewEntry } from "../../reports/mutation-lists.ts";
import { mutantsOf, type MutantRef, type StrykerReport } from "../../reports/mutation-summary.ts";
import { isCrashReason } from "./crash-rules.ts";

// The list format lives with the report reader (the HTML report shows the reasons too).
export { entryLine, entryMatches, parseReviewList, readReviewList, type ReviewEntry } from "../../reports/mutation-lists.ts";

export interface CrashKill {
  mutant: MutantRef;
  test: string;
  reason: string;
}

/** Killed mutants whose killing test failed with an error thrown outside an assertion. */
export function crashKills(report: StrykerReport): CrashKill[] {
  const names = new Map<string, string>();
  for (const tf of Object.values(report.testFiles ?? {})) for (const t of tf.tests) names.set(t.id, t.name);
  const refs = new Map(mutantsOf(report).map((m) => [m.id, m]));
  const out: CrashKill[] = [];
  for (const f of Object.values(report.files)) {
    for (const m of f.mutants) {
      if (m.status !== "Killed" || !isCrashReason(m.statusReason)) continue;
      const test = (m.killedBy ?? []).map((id) => names.get(id) ?? id).join(", ");
      out.push({ mutant: refs.get(m.id)!, test, reason: m.statusReason! });
    }
  }
  return out;
}

export interface Review {
  survivors: MutantRef[];
  equivalent: MutantRef[];
  needsScenario: MutantRef[];
  /** Survivors on neither list. */
  unexplained: MutantRef[];
  /** Entries that match no survivor of the report (killed since, or the code moved). */
  stale: ReviewEntry[];
  /** More entries for a mutant than there are such mutants (on one list or both). */
  duplicated: ReviewEntry[];
}

export function review(report: StrykerReport, equivalent: ReviewEntry[], needsScenario: ReviewEntry[]): Review {
  const survivors = mutantsOf(report).filter((m) => m.status === "Survived" || m.status === "NoCoverage");
  const claimed = new Map<string, ReviewEntry>();
  const stale: ReviewEntry[] = [];
  const duplicated: ReviewEntry[] = [];
  const sorted = { equivalent: [] as MutantRef[], needsScenario: [] as MutantRef[] };
  for (const [list, entries] of [["equivalent", equivalent], ["needsScenario", needsScenario]] as const) {
    for (const e of entries) {
      // Two mutants can read alike (same line, mutator and text, other column): one entry each.
      const m = survivors.find((s) => entryMatches(e, s) && !claimed.has(s.id));
      if (!m) (survivors.some((s) => entryMatches(e, s)) ? duplicated : stale).push(e);
      else {
        claimed.set(m.id, e);
        sorted[list].push(m);
      }
    }
  }
  return {
    survivors,
    ...sorted,
    unexplained: survivors.filter((m) => !claimed.has(m.id)),
    stale,
    duplicated,
  };
}

/** Engine files whose text differs from the source the report was made from. */
export function changedSince(report: StrykerReport, read: (file: string) => string | null): string[] {
  return Object.entries(report.files)
    .filter(([file, f]) => read(file) !== f.source)
    .map(([file]) => file);
}
