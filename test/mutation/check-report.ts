// Runs after StrykerJS (npm run mutation; alone: npm run mutation:check [report.json]).
// Prints the score and fails (exit 1) when a kill was only a crash, when a survivor is not
// reviewed, or when a list entry no longer matches a survivor.
// - full run (unit tests + scenarios): every survivor must be in equivalent.md;
// - --scenarios (the scenario suite alone, npm run mutation:scenarios): every survivor must be in
//   equivalent.md or NEEDS-SCENARIO.md, and every NEEDS-SCENARIO.md entry must still survive.
//
//   npm run mutation:check                         # the report in reports/out/mutation/
//   npm run mutation:check -- path/to/mutation.json
//   npm run mutation:check -- --scenarios          # the report in reports/out/mutation-scenarios/
//   npm run mutation:check -- --entries            # print unexplained survivors as list entries
import { readFileSync } from "node:fs";
import { MUTATION_REPORT, SCENARIO_MUTATION_REPORT, readMutationReport, summarizeMutation } from "../../reports/mutation-summary.ts";
import { changedSince, crashKills, entryLine, readReviewList, review } from "./review.ts";

const EQUIVALENT = "test/mutation/equivalent.md";
const NEEDS_SCENARIO = "test/mutation/NEEDS-SCENARIO.md";

const args = process.argv.slice(2);
const printEntries = args.includes("--entries");
const scenariosOnly = args.includes("--scenarios");
const path = args.find((a) => !a.startsWith("--")) ?? (scenariosOnly ? SCENARIO_MUTATION_REPORT : MUTATION_REPORT);

let report;
try {
  report = readMutationReport(path);
} catch (e) {
  console.error(`mutation:check: cannot read ${path} (${(e as Error).message}); run npm run mutation first`);
  process.exit(2);
}

const s = summarizeMutation(report);
console.log(
  `${scenariosOnly ? "scenario suite alone: " : ""}mutation score ${s.score} % — ${s.total} mutants: ${s.killed} killed, ${s.timeout} timed out, ` +
    `${s.survived} survived, ${s.noCoverage} not covered${s.invalid ? `, ${s.invalid} invalid` : ""}`,
);

const problems: string[] = [];
const changed = changedSince(report, (f) => {
  try {
    return readFileSync(f, "utf8");
  } catch {
    return null;
  }
});
if (changed.length > 0) problems.push(`the report is older than ${changed.join(", ")}: run npm run mutation again`);

const crashes = crashKills(report);
for (const c of crashes) problems.push(`killed only by a crash: ${entryLine(c.mutant, `${c.test}: ${c.reason.slice(0, 160)}`)}`);

const eq = readReviewList(EQUIVALENT);
const ns = readReviewList(NEEDS_SCENARIO);
problems.push(...eq.errors, ...ns.errors);
const r = review(report, eq.entries, scenariosOnly ? ns.entries : []);
console.log(
  `survivors: ${r.survivors.length} — ${r.equivalent.length} equivalent (${EQUIVALENT}), ` +
    `${r.needsScenario.length} listed in ${NEEDS_SCENARIO}, ${r.unexplained.length} unexplained`,
);
for (const e of r.stale) problems.push(`${e.at}: no surviving mutant matches this entry (killed now, or the code moved)`);
for (const e of r.duplicated) problems.push(`${e.at}: this mutant is already listed`);
for (const m of r.unexplained) problems.push(`unexplained survivor: ${entryLine(m)}`);

if (printEntries) for (const m of r.unexplained) console.log(entryLine(m));
for (const p of problems) console.error(p);
if (problems.length > 0) {
  console.error(`mutation:check: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log("mutation:check: every kill is an assertion, every survivor is reviewed");
