// --reporter with per-reporter outputs (json to stdout, files where asked, github annotations),
// --strict, exit 1 when nothing is selected, --retries (flaky in every format's totals) and
// --workers (scenarios at once per target).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConsoleReporter } from "../../reports/console.ts";
import { githubAnnotations, githubSummary, annotation } from "../../reports/github.ts";
import { renderHtml, renderJunit } from "../../reports/index.ts";
import { parseReporters } from "../../reports/outputs.ts";
import { UsageError } from "../../simulator/exit-codes.ts";
import { runWithRetries } from "../../simulator/retry.ts";
import type { RunReport, ScenarioResult } from "../../simulator/results.ts";
import { exitCodeOf, run } from "../../simulator/runner.ts";
import type { Target } from "../../simulator/target.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";
import { reportValidator } from "../support/report-schema.ts";
import { CaptureStream } from "../support/capture-stream.ts";
import { FIXTURE_EXPECTATIONS, pushlab, readReport, tempDir, writeFixtureSuite } from "./support.ts";

const dir = tempDir("reporters");
const fx = writeFixtureSuite(dir);
const file = (name: string) => join(fx.scenarios, name);
const EXP = ["--expectations", `engine=${fx.expectations}`];

describe("parseReporters", () => {
  const R = "/r";
  it("json without a file is stdout, and the console then writes to stderr", () => {
    expect(parseReporters(["console", "json"], R)).toEqual([
      { name: "console", stream: "stderr" },
      { name: "json", stdout: true },
    ]);
    expect(parseReporters(["console", "junit", "html"], R)).toEqual([
      { name: "console", stream: "stdout" },
      { name: "junit", file: "/r/junit.xml" },
      { name: "html", file: "/r/index.html" },
    ]);
    expect(parseReporters(["json=out/r.json"], R)).toEqual([{ name: "json", file: resolve("out/r.json") }]);
  });

  it("refuses unknown reporters, files for terminal reporters, duplicates and github beside json on stdout", () => {
    const msg = (items: string[]) => {
      try {
        parseReporters(items, R);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return "";
    };
    expect(msg(["pdf"])).toBe("--reporter: unknown reporter 'pdf'; known: console, json, junit, html, github (files as json=FILE, junit=FILE, html=FILE)");
    expect(msg(["console=x.txt"])).toMatch(/console writes to the terminal/);
    expect(msg(["junit", "junit=/r/junit.xml"])).toBe("--reporter: /r/junit.xml given twice");
    expect(msg(["json", "github"])).toMatch(/json to stdout and github .* would mix; give json a file/);
    expect(msg(["json="])).toBe("--reporter: json= needs a file name");
  });
});

describe("github workflow commands", () => {
  it("escape properties and messages as the Actions runner reads them", () => {
    expect(annotation("error", { file: "a,b.yaml", line: 3, title: "x: y" }, "50%\r\nnext")).toBe("::error file=a%2Cb.yaml,line=3,title=x%3A y::50%25%0D%0Anext\n");
    expect(annotation("notice", {}, "m")).toBe("::notice::m\n");
  });
});

describe("through bin/pushlab.js", () => {
  it("--reporter json: stdout is the report and nothing else; the console goes to stderr", async () => {
    const r = await pushlab(["run", file("pass.yaml"), "--report-dir", join(dir, "j1"), "--reporter", "console,json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RunReport; // the whole of stdout parses
    expect(report.scenarios.map((s) => s.verdict)).toEqual(["passed"]);
    expect(reportValidator({ strict: true })(report)).toBe(true);
    expect(r.stderr).toMatch(/Running 1 scenario run on engine/);
    expect(existsSync(join(dir, "j1", "results.jsonl"))).toBe(true); // the blob is always written
    expect(existsSync(join(dir, "j1", "report.json"))).toBe(false);
  });

  it("each file reporter writes where it is told", async () => {
    const out = join(dir, "files");
    const r = await pushlab(["run", file("pass.yaml"), "--report-dir", join(dir, "rd"), "--reporter", `console,json=${out}/a/r.json,junit=${out}/b/j.xml,html=${out}/h.html`]);
    expect(r.code).toBe(0);
    for (const f of ["a/r.json", "b/j.xml", "h.html"]) expect(existsSync(join(out, f)), f).toBe(true);
    for (const f of ["report.json", "junit.xml", "index.html"]) expect(existsSync(join(dir, "rd", f)), f).toBe(false);
    expect(r.stdout).toContain(`${out}/a/r.json`); // the console lists what was written
  });

  it("github: ::error at the failing step's file:line, ::warning for a stale declaration, a step summary", async () => {
    const summary = join(dir, "summary.md");
    const r = await pushlab(["run", fx.scenarios, ...EXP, "--report-dir", join(dir, "gh"), "--reporter", "github"], { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: dir } });
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::error file=scenarios\/cli\/fail\.yaml,line=12,title=pushlab engine%3A failed — R-OFFLINE::engine › cli-fail .*: expected exactly 2 push\(es\)/);
    expect(lines[1]).toMatch(/^::warning file=scenarios\/cli\/stale\.yaml,line=12,title=pushlab engine%3A stale declaration — R-OFFLINE::.*the declared difference is stale; remove it from .*engine-expectations\.yaml:11/);
    const md = readFileSync(summary, "utf8");
    expect(md).toMatch(/^## pushlab \S+: 2 scenario run\(s\) fail the run/); // the failure and the stale declaration
    expect(md).toContain("| engine | pushlab engine");
    expect(md).toMatch(/❌ failed \| engine › cli-fail .*`.*fail\.yaml:12`/);
    expect(md).toMatch(/⚠️ stale declaration/);
  });

  it("--strict: a declared deviation fails the run (exit 1) and becomes an ::error", async () => {
    const only = join(dir, "deviation-only.yaml");
    writeFileSync(only, FIXTURE_EXPECTATIONS.slice(0, FIXTURE_EXPECTATIONS.indexOf("  cli/stale:")));
    const EXP = ["--expectations", `engine=${only}`];
    const plain = await pushlab(["run", file("deviation.yaml"), file("pass.yaml"), ...EXP, "--report-dir", join(dir, "st1"), "--reporter", "github"]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe("");
    const strict = await pushlab(["run", file("deviation.yaml"), file("pass.yaml"), ...EXP, "--report-dir", join(dir, "st2"), "--strict"]);
    expect(strict.code).toBe(1);
    expect(readReport(join(dir, "st2", "report.json")).options.strict).toBe(true);
    const gh = await pushlab(["report", join(dir, "st2", "results.jsonl"), "--report-dir", join(dir, "st3"), "--reporter", "github"]);
    expect(gh.code).toBe(1); // the rebuilt report remembers --strict
    expect(gh.stdout).toMatch(/^::error file=.*deviation\.yaml,line=12,title=pushlab engine%3A declared deviation \(fails with --strict\)/);
  });

  it("a filter that matches nothing: exit 1 with the filter named (was exit 0, then 2); --pass-with-no-tests: exit 0", async () => {
    const r = await pushlab(["run", "--grep", "NOSUCH-RULE", "--report-dir", join(dir, "none")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pushlab: no scenario matches --grep NOSUCH-RULE under scenarios\n");
    const inv = await pushlab(["run", "--grep", "R-OFFLINE", "--grep-invert", "R-", "--report-dir", join(dir, "none")]);
    expect(inv.code).toBe(1);
    expect(inv.stderr).toMatch(/no scenario matches --grep R-OFFLINE --grep-invert R-/);
    const pass = await pushlab(["run", "--grep", "NOSUCH-RULE", "--pass-with-no-tests", "--report-dir", join(dir, "none")]);
    expect(pass.code).toBe(0);
    const list = await pushlab(["list", "--grep", "NOSUCH-RULE"]);
    expect(list.code).toBe(1);
  });

  it("list --json lists the scenarios with file, line, rules and level", async () => {
    const r = await pushlab(["list", "--grep", "^R-URGENT$", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; total: number; scenarios: { file: string; line: number; rules: string[]; level: string }[] };
    expect(doc.schema).toBe("pushlab-list/1");
    expect(doc.total).toBe(doc.scenarios.length);
    expect(doc.total).toBeGreaterThan(2);
    for (const s of doc.scenarios) {
      expect(s.rules).toContain("R-URGENT");
      expect(s.file).toMatch(/^scenarios\/[a-z-]+\/[\w-]+\.yaml$/);
      expect(s.line).toBe(1);
      expect(["xep-0357", "reference", "hardening"]).toContain(s.level);
    }
  });
});

describe("--retries: failed, then passed on a retry, is flaky — never silently passed", () => {
  const result = (verdict: ScenarioResult["verdict"], message = "boom"): ScenarioResult => ({
    id: "x#y", file: "x.yaml", name: "y", rules: [], target: "engine", verdict, durationMs: 5, findings: verdict === "failed" ? [{ check: "push-count", message }] : [], timeline: [], source: "",
  });

  it("runWithRetries: retries failures only, up to N times, and keeps the earlier failures", async () => {
    const seq = (...v: ScenarioResult["verdict"][]) => {
      let i = 0;
      return async () => result(v[Math.min(i++, v.length - 1)]!, `attempt ${i}`);
    };
    expect(await runWithRetries(seq("passed"), 2)).not.toHaveProperty("attempts");
    const flaky = await runWithRetries(seq("failed", "failed", "passed"), 2);
    expect(flaky).toMatchObject({ verdict: "passed", flaky: true, attempts: 3 });
    expect(flaky.earlierAttempts!.map((a) => a.finding!.message)).toEqual(["attempt 1", "attempt 2"]);
    const still = await runWithRetries(seq("failed"), 2);
    expect(still).toMatchObject({ verdict: "failed", attempts: 3 });
    expect(still.flaky).toBeUndefined();
    expect(await runWithRetries(seq("failed", "passed"), 0)).toMatchObject({ verdict: "failed" });
    expect((await runWithRetries(seq("failed", "passed"), 3, () => false)).attempts).toBeUndefined(); // not retryable (informational)
  });

  /** The engine, except that the first session it opens fails (a server that refused once). */
  function onceFailing(): Target {
    const inner = createEngineTarget();
    let opened = 0;
    return { ...inner, open: async (world) => (opened++ === 0 ? Promise.reject(new Error("connection refused (first attempt)")) : inner.open(world)) };
  }

  it("a run with --retries 1: the result is flaky, counted in every format's totals, and the run passes", async () => {
    let report!: RunReport;
    await run({ paths: [file("pass.yaml")], targets: [onceFailing()], retries: 1, reportOptions: { retries: 1 }, reporters: [{ onEnd: (r) => void (report = r) }] });
    const r = report.scenarios[0]!;
    expect(r).toMatchObject({ verdict: "passed", flaky: true, attempts: 2 });
    expect(r.earlierAttempts![0]!.finding!.message).toContain("connection refused (first attempt)");
    expect(report.flaky).toBe(1);
    expect(report.targets[0]!.flaky).toBe(1);
    expect(exitCodeOf(report)).toBe(0); // flaky does not fail the run
    expect(reportValidator({ strict: true })(report)).toBe(true); // JSON, every field in the schema
    const junit = renderJunit(report); // JUnit: a suite property, and the failed attempt as Surefire's flakyFailure
    expect(junit).toContain('<property name="pushlab.flaky" value="1"/>');
    expect(junit).toMatch(/<flakyFailure message="connection refused \(first attempt\)" type="error"\/>/);
    expect(renderHtml(report)).toMatch(/<span class="n">1<\/span> flaky/); // HTML totals
    const out = new CaptureStream();
    new ConsoleReporter({ stream: out, progress: "none" }).onEnd(report); // console totals
    expect(out.text).toMatch(/1 passed, 1 flaky/);
    expect(out.text).toMatch(/Flaky \(1\): failed, then passed on a retry\n {2}engine › cli-pass .*: passed on attempt 2; first failure: connection refused/);
    expect(githubAnnotations(report).join("")).toMatch(/^::warning file=.*pass\.yaml,line=\d+,title=pushlab engine%3A flaky \(passed on attempt 2\)/); // github
    expect(githubSummary(report)).toMatch(/\| flaky \|/);
  });

  it("without --retries the same failure stays a failure", async () => {
    let report!: RunReport;
    await run({ paths: [file("pass.yaml")], targets: [onceFailing()], reporters: [{ onEnd: (r) => void (report = r) }] });
    expect(report.scenarios[0]!.verdict).toBe("failed");
    expect(report.flaky).toBeUndefined();
    expect(exitCodeOf(report)).toBe(1);
  });
});

describe("--workers", () => {
  /** The engine, counting how many sessions are open at once. */
  function counting() {
    const inner = createEngineTarget();
    const seen = { now: 0, max: 0 };
    const target: Target = {
      ...inner,
      open: async (world) => {
        const s = await inner.open(world);
        seen.max = Math.max(seen.max, ++seen.now);
        await new Promise((r) => setTimeout(r, 5)); // hold it open across a turn of the event loop
        const close = s.close.bind(s);
        return Object.assign(s, { close: async () => (seen.now--, close()) });
      },
    };
    return { target, seen };
  }

  it("runs that many scenarios of a target at once, with the same verdicts as one at a time", async () => {
    const verdictsWith = async (workers: number | undefined) => {
      const c = counting();
      let report!: RunReport;
      await run({ paths: ["scenarios/offline", "scenarios/content"], targets: [c.target], ...(workers && { workers }), reporters: [{ onEnd: (r) => void (report = r) }] });
      return { max: c.seen.max, verdicts: report.scenarios.map((s) => `${s.id} ${s.verdict}`) };
    };
    const one = await verdictsWith(undefined);
    const four = await verdictsWith(4);
    expect(one.max).toBe(1); // the engine's own parallelism
    expect(four.max).toBe(4);
    expect(four.verdicts).toEqual(one.verdicts);
    expect(one.verdicts.length).toBeGreaterThan(20);
  });
});
