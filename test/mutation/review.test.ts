// The mutation review tools and lists: the report reader, the crash-kill detector and the
// list matching are tested on small made-up reports (each goes red when what it checks is
// broken); the scenarios proposed in NEEDS-SCENARIO.md must load and pass on the engine; and the
// lists must match the latest reports when those were made from the current engine source.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MUTATION_REPORT, SCENARIO_MUTATION_REPORT, readMutationReport, summarizeMutation, type StrykerReport } from "../../reports/mutation-summary.ts";
import { loadScenarioText } from "../../simulator/scenario/load.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";
import { changedSince, crashKills, entryLine, parseReviewList, readReviewList, review } from "./review.ts";

const EQUIVALENT = "test/mutation/equivalent.md";
const NEEDS_SCENARIO = "test/mutation/NEEDS-SCENARIO.md";

const source = 'export const a = x === "y" ? 1 : 2;\nexport const b = x === "y";\n';
const at = (line: number, column: number, endColumn: number) => ({ start: { line, column }, end: { line, column: endColumn } });

function made(): StrykerReport {
  return {
    files: {
      "engine/x.ts": {
        source,
        mutants: [
          { id: "1", mutatorName: "EqualityOperator", replacement: 'x !== "y"', status: "Killed", statusReason: "expected 1 to be 2", killedBy: ["t1"], location: at(1, 18, 27) },
          { id: "2", mutatorName: "ConditionalExpression", replacement: "true", status: "Killed", statusReason: "[crash TypeError] Cannot read properties of undefined", killedBy: ["t2"], location: at(1, 18, 27) },
          { id: "3", mutatorName: "StringLiteral", replacement: '""', status: "Survived", location: at(1, 24, 27) },
          { id: "4", mutatorName: "StringLiteral", replacement: '""', status: "Survived", location: at(2, 24, 27) },
          { id: "5", mutatorName: "ConditionalExpression", replacement: "false", status: "NoCoverage", location: at(2, 18, 27) },
          { id: "6", mutatorName: "EqualityOperator", replacement: 'x !== "y"', status: "Timeout", location: at(2, 18, 27) },
          { id: "7", mutatorName: "BlockStatement", replacement: "{}", status: "CompileError", location: at(2, 1, 5) },
        ],
      },
    },
    testFiles: { "test/x.test.ts": { tests: [{ id: "t1", name: "x asserts" }, { id: "t2", name: "x crashes" }] } },
  };
}

describe("reports/mutation-summary.ts", () => {
  it("counts as Stryker does: detected (killed + timeout) over valid mutants; survivors include the uncovered", () => {
    const s = summarizeMutation(made());
    expect(s).toMatchObject({ killed: 2, timeout: 1, survived: 2, noCoverage: 1, invalid: 1, total: 7, score: 50 });
    expect(s.survivors.map((m) => [m.file, m.line, m.mutator, m.original, m.replacement])).toEqual([
      ["engine/x.ts", 1, "StringLiteral", '"y"', '""'],
      ["engine/x.ts", 2, "ConditionalExpression", 'x === "y"', "false"],
      ["engine/x.ts", 2, "StringLiteral", '"y"', '""'],
    ]);
  });
});

describe("review.ts", () => {
  it("flags a kill whose killing test crashed, not one that asserted", () => {
    const crashes = crashKills(made());
    expect(crashes.map((c) => [c.mutant.id, c.test])).toEqual([["2", "x crashes"]]);
  });

  it("matches entries to survivors; reports stale entries, extra entries and unexplained survivors", () => {
    const r = made();
    const [s1, s2, s3] = summarizeMutation(r).survivors;
    const list = parseReviewList([entryLine(s1!, "reason one"), entryLine(s2!, "reason two"), entryLine(s2!, "again"), "- engine/x.ts:9 · StringLiteral · \"a\" → \"\" · gone", "prose line"].join("\n"), "eq.md");
    expect(list.errors).toEqual([]);
    const out = review(r, list.entries, []);
    expect(out.equivalent.map((m) => m.id)).toEqual([s1!.id, s2!.id]);
    expect(out.unexplained.map((m) => m.id)).toEqual([s3!.id]);
    expect(out.stale.map((e) => e.at)).toEqual(["eq.md:4"]);
    expect(out.duplicated.map((e) => e.at)).toEqual(["eq.md:3"]);
  });

  it("two mutants that read alike take one entry each", () => {
    const r = made();
    const file = r.files["engine/x.ts"]!;
    file.mutants.push({ ...file.mutants[2]!, id: "8" }); // same line, mutator and text
    const line = entryLine(summarizeMutation(r).survivors[0]!, "twice");
    const out = review(r, parseReviewList(`${line}\n${line}`, "eq.md").entries, []);
    expect(out.equivalent).toHaveLength(2);
    expect(out.duplicated).toEqual([]);
  });

  it("refuses an entry it cannot read, naming the line", () => {
    expect(parseReviewList("intro\n- engine/x.ts:1 StringLiteral missing separators", "eq.md").errors).toEqual([
      'eq.md:2: not an entry (want: - file:line · Mutator · "original" → "replacement" · why)',
    ]);
  });

  it("tells when the report was made from other source", () => {
    expect(changedSince(made(), () => source)).toEqual([]);
    expect(changedSince(made(), () => source.replace("1", "3"))).toEqual(["engine/x.ts"]);
  });
});

describe("the review lists", () => {
  it("are well-formed", () => {
    for (const path of [EQUIVALENT, NEEDS_SCENARIO]) {
      const { entries, errors } = readReviewList(path);
      expect(errors, path).toEqual([]);
      expect(entries.length, path).toBeGreaterThan(0);
      for (const e of entries) expect(e.why.trim(), e.at).not.toBe("");
    }
  });

  const text = readFileSync(NEEDS_SCENARIO, "utf8");
  const blocks = [...text.matchAll(/^### (\S+): .*\n[\s\S]*?^```yaml\n([\s\S]*?)^```$/gm)];
  it("every S… heading of NEEDS-SCENARIO.md proposes a runnable scenario, and only those do", () => {
    // The S group empties as its scenarios move to scenarios/ (where the suite runs them).
    const headings = [...text.matchAll(/^### (S\S*): /gm)].map((m) => m[1]);
    expect(blocks.map(([, id]) => id)).toEqual(headings);
  });
  for (const [, id, yaml] of blocks) {
    it(`${id}: loads and passes on the engine`, async () => {
      const [loaded] = loadScenarioText(yaml!, `${NEEDS_SCENARIO}#${id}`);
      expect(loaded?.ok, loaded && !loaded.ok ? loaded.broken.errors.map((e) => e.message).join("; ") : "").toBe(true);
      if (!loaded?.ok) return;
      const r = await runScenario(loaded.scenario, createEngineTarget());
      expect(r.verdict, r.findings.map((f) => f.message).join("; ")).toBe("passed");
    });
  }
});

/** The latest report, if there is one made from the engine source as it is now. */
function freshReport(path: string): StrykerReport | string {
  if (!existsSync(path)) return `no ${path}: run npm run mutation${path === SCENARIO_MUTATION_REPORT ? ":scenarios" : ""}`;
  const report = readMutationReport(path);
  const changed = changedSince(report, (f) => (existsSync(f) ? readFileSync(f, "utf8") : null));
  return changed.length > 0 ? `${path} is older than ${changed.join(", ")}` : report;
}

describe("the lists against the latest reports", () => {
  const main = freshReport(MUTATION_REPORT);
  it.skipIf(typeof main === "string")(`full run: every survivor is equivalent.md's, every entry still survives${typeof main === "string" ? ` (skipped: ${main})` : ""}`, () => {
    const r = review(main as StrykerReport, readReviewList(EQUIVALENT).entries, []);
    expect(r.stale.map((e) => e.at)).toEqual([]);
    expect(r.unexplained.map((m) => entryLine(m))).toEqual([]);
    expect(crashKills(main as StrykerReport).map((c) => entryLine(c.mutant, c.test))).toEqual([]);
  });

  const scenarios = freshReport(SCENARIO_MUTATION_REPORT);
  it.skipIf(typeof scenarios === "string")(`scenario suite alone: every survivor is on a list, every entry still survives${typeof scenarios === "string" ? ` (skipped: ${scenarios})` : ""}`, () => {
    const r = review(scenarios as StrykerReport, readReviewList(EQUIVALENT).entries, readReviewList(NEEDS_SCENARIO).entries);
    expect([...r.stale, ...r.duplicated].map((e) => e.at)).toEqual([]);
    expect(r.unexplained.map((m) => entryLine(m))).toEqual([]);
  });
});
