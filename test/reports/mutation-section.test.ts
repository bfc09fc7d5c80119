// The mutation score in our reports: reports/mutation-info.ts reads StrykerJS's JSON (made-up
// reports here, in a temp dir), the HTML report shows it as a section (reports/html/
// mutation-section.ts), report.json documents it, and `pushlab run` attaches it when the file
// exists, says why when it cannot read it, and shows none when there is none.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderHtml } from "../../reports/html/render.ts";
import { renderJson } from "../../reports/json.ts";
import { entryLine } from "../../reports/mutation-lists.ts";
import { readMutationInfo } from "../../reports/mutation-info.ts";
import { summarizeMutation, type StrykerReport } from "../../reports/mutation-summary.ts";
import type { MutationInfo } from "../../simulator/results.ts";
import { runCommand } from "../../simulator/run-command.ts";
import { reportValidator } from "../support/report-schema.ts";
import { syntheticReport } from "../support/synthetic-report.ts";

const ENGINE_FILE = "engine/dedup.ts";
const engineSource = readFileSync(ENGINE_FILE, "utf8");
const at = (line: number, column: number, endColumn: number) => ({ start: { line, column }, end: { line, column: endColumn } });

/** A report over engine/dedup.ts as it is (or as given): 3 killed, 1 timeout, 2 survived, 1 uncovered, 1 invalid. */
function strykerReport(source = engineSource): StrykerReport {
  const line = source.split("\n").findIndex((l) => l.includes("set.size > this.capacity")) + 1;
  const col = source.split("\n")[line - 1]!.indexOf("set.size > this.capacity") + 1;
  const mutant = (id: string, status: string, mutatorName = "ConditionalExpression", replacement = "false") => ({
    id,
    mutatorName,
    replacement,
    status,
    location: at(line, col, col + "set.size > this.capacity".length),
  });
  return {
    files: {
      [ENGINE_FILE]: {
        source,
        mutants: [
          mutant("1", "Killed"),
          mutant("2", "Killed", "EqualityOperator", "set.size < this.capacity"),
          mutant("3", "Killed", "ConditionalExpression", "true"),
          mutant("4", "Timeout", "EqualityOperator", "set.size <= this.capacity"),
          mutant("5", "Survived", "EqualityOperator", "set.size >= this.capacity"),
          mutant("6", "Survived", "BlockStatement", "{}"),
          mutant("7", "NoCoverage", "BooleanLiteral", "x"),
          mutant("8", "CompileError", "StringLiteral", '""'),
        ],
      },
    },
  };
}

function tempFiles(report: StrykerReport, threshold = 60): { dir: string; json: string; equivalent: string; strykerConfig: string } {
  const dir = mkdtempSync(join(tmpdir(), "pushlab-mutation-"));
  const json = join(dir, "mutation.json");
  writeFileSync(json, JSON.stringify(report));
  const survivor = summarizeMutation(report).survivors.find((m) => m.mutator === "EqualityOperator")!;
  const equivalent = join(dir, "equivalent.md");
  writeFileSync(equivalent, `# list\n\n${entryLine(survivor, "made-up reason: the capacity is never reached here")}\n`);
  const strykerConfig = join(dir, "stryker.config.json");
  writeFileSync(strykerConfig, JSON.stringify({ thresholds: { high: 95, low: 90, break: threshold } }));
  return { dir, json, equivalent, strykerConfig };
}

function info(report = strykerReport(), threshold = 60): MutationInfo {
  const f = tempFiles(report, threshold);
  return readMutationInfo(f.json, { equivalent: f.equivalent, strykerConfig: f.strykerConfig })!;
}

describe("reports/mutation-info.ts", () => {
  it("reads the score, the counts, the threshold and each survivor with its reviewed reason", () => {
    const m = info();
    expect(m).toMatchObject({ killed: 3, timeout: 1, survived: 2, noCoverage: 1, invalid: 1, total: 8, threshold: 60, staleFiles: [] });
    expect(m.score).toBe(57.14); // (3 + 1) / 7
    expect(m.survivors.map((s) => [s.mutator, s.replacement, s.reason])).toEqual([
      ["EqualityOperator", "set.size >= this.capacity", "made-up reason: the capacity is never reached here"],
      ["BlockStatement", "{}", undefined],
      ["BooleanLiteral", "x", undefined],
    ]);
    expect(m.survivors[0]!.original).toBe("set.size > this.capacity");
    expect(Date.parse(m.reportedAt)).not.toBeNaN();
  });

  it("names the engine files that changed since the report was made", () => {
    expect(info(strykerReport(engineSource.replace("capacity", "capacityy"))).staleFiles).toEqual([ENGINE_FILE]);
  });

  it("is undefined without a report, and throws on a report it cannot read", () => {
    expect(readMutationInfo("/nonexistent/mutation.json")).toBeUndefined();
    const f = tempFiles(strykerReport());
    writeFileSync(f.json, "{ not json");
    expect(() => readMutationInfo(f.json)).toThrow();
  });
});

describe("the HTML report's mutation section", () => {
  const section = (html: string) => /<section id="mutation"[\s\S]*?<\/section>/.exec(html)?.[0];

  it("is absent without a mutation run, and so is its link", () => {
    const out = renderHtml(syntheticReport(12));
    expect(section(out)).toBeUndefined();
    expect(out).not.toContain('href="#mutation"');
  });

  it("shows the score against the threshold, the counts and every survivor with its reason", () => {
    const r = syntheticReport(12);
    r.mutation = info(strykerReport(), 50);
    const out = renderHtml(r);
    expect(out).toContain('<a href="#mutation">Mutation</a>');
    const s = section(out)!;
    expect(s).toMatch(/<p class="mutation-score" data-score="57.14" data-meets="true"><strong>57.14 %<\/strong> of 7 engine mutants detected <span class="chip v-passed">meets ≥ 50 %<\/span>/);
    expect(s).toContain("<dt>survived</dt><dd>2</dd>");
    expect(s).toContain("<dt>timed out</dt><dd>1</dd>");
    expect(s.match(/<tr data-survivor=/g)).toHaveLength(3);
    expect(s).toContain("made-up reason: the capacity is never reached here");
    expect(s.match(/class="v-failed mutation-unreviewed">not reviewed<\/span>/g)).toHaveLength(2);
    expect(s).toContain('<details class="mutation-survivors-list" open><summary><h3>Survivors</h3> <span class="hint">3 mutants no test told apart from the engine; 2 not reviewed</span>');
    expect(s).toContain("<code>set.size &gt; this.capacity</code> → <code>set.size &gt;= this.capacity</code>"); // escaped
    expect(s).toContain("made from the engine source as it is now");
    expect(s).not.toContain("mutation-stale");
  });

  it("folds the survivors when every one is reviewed", () => {
    const r = syntheticReport(12);
    const m = info();
    r.mutation = { ...m, survivors: m.survivors.map((x) => ({ ...x, reason: "reviewed" })) };
    expect(section(renderHtml(r))).toContain('<details class="mutation-survivors-list"><summary><h3>Survivors</h3> <span class="hint">3 mutants no test told apart from the engine; each is reviewed in test/mutation/equivalent.md</span>');
  });

  it("says when the score misses the threshold, and when the report is older than the engine", () => {
    const r = syntheticReport(12);
    r.mutation = info(strykerReport(engineSource.replace("capacity", "capacityy")), 95);
    const s = section(renderHtml(r))!;
    expect(s).toContain('data-meets="false"');
    expect(s).toContain('<span class="chip v-failed">below 95 %</span>');
    expect(s).toMatch(/class="callout v-deviation mutation-stale">[\s\S]*made from an older engine: engine\/dedup.ts changed since/);
    expect(s).not.toContain("as it is now");
  });
});

describe("report.json", () => {
  it("documents the mutation summary (every object closed)", () => {
    const validate = reportValidator({ strict: true });
    const r = syntheticReport(12);
    r.mutation = info();
    expect(validate(JSON.parse(renderJson(r))), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const extra = JSON.parse(renderJson(r));
    extra.mutation.survivors[0].why = "not a field";
    expect(validate(extra)).toBe(false);
  });
});

describe("pushlab run attaches the last mutation run", () => {
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  afterEach(() => {
    stderr.mockClear();
    stdout.mockClear();
  });

  async function runWith(mutationReport: string | null): Promise<{ html: string; json: { mutation?: MutationInfo } }> {
    const dir = join(mkdtempSync(join(tmpdir(), "pushlab-mutation-run-")), "out");
    const code = await runCommand({ paths: ["scenarios/registration/R-DISCO.yaml"], targets: ["engine"], reportDir: dir, mutationReport });
    expect(code).toBe(0);
    return { html: readFileSync(join(dir, "index.html"), "utf8"), json: JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) };
  }

  it("when its report exists: in index.html and report.json", async () => {
    const f = tempFiles(strykerReport());
    const { html, json } = await runWith(f.json);
    expect(json.mutation).toMatchObject({ score: 57.14, total: 8, staleFiles: [] });
    expect(html).toContain('<section id="mutation"');
  });

  it("none when there is no report, or none is wanted", async () => {
    for (const path of ["/nonexistent/mutation.json", null]) {
      const { html, json } = await runWith(path);
      expect(json.mutation).toBeUndefined();
      expect(html).not.toContain('<section id="mutation"');
    }
  });

  it("a report it cannot read is said on stderr, and the run goes on without it", async () => {
    const f = tempFiles(strykerReport());
    writeFileSync(f.json, "{ not json");
    const { json } = await runWith(f.json);
    expect(json.mutation).toBeUndefined();
    expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toContain(`pushlab: mutation report ${f.json} not shown:`);
  });
});
