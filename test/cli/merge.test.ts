// --shard and merge-reports on the engine, black-box through bin/pushlab.js: the bundled suite plus
// a fixture with a failure, a declared deviation and a stale declaration, run on one machine and
// as 2 and 3 shards; the merged report equals the one-machine run in every verdict, count and exit
// code. A merge that cannot stand for the whole run (a shard missing, a log cut short) says so.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../simulator/results.ts";
import { pushlab, readReport, tempDir, verdicts, writeFixtureSuite, type CliResult } from "./support.ts";

const dir = tempDir("merge");
const fx = writeFixtureSuite(dir);
const SUITE = ["scenarios", fx.scenarios, "--expectations", `engine=${fx.expectations}`];

const levelsOf = (r: RunReport) => Object.fromEntries(r.targets.map((t) => [t.name, t.levels]));

describe("two and three shards merged equal one run (engine, bundled suite + fixture)", () => {
  let whole: CliResult;
  const shards: Record<number, CliResult[]> = {};
  const merged: Record<number, CliResult> = {};

  beforeAll(async () => {
    whole = await pushlab(["run", ...SUITE, "--report-dir", join(dir, "whole"), "--reporter", "json"]);
    for (const n of [2, 3]) {
      shards[n] = await Promise.all(
        Array.from({ length: n }, (_, i) => pushlab(["run", ...SUITE, "--shard", `${i + 1}/${n}`, "--report-dir", join(dir, `s${n}-${i + 1}`)])),
      );
      merged[n] = await pushlab(["merge-reports", ...Array.from({ length: n }, (_, i) => join(dir, `s${n}-${i + 1}`)), "--report-dir", join(dir, `merged${n}`)]);
    }
  }, 120_000);

  it("the one-machine run has all four kinds of outcome (so the comparison means something)", () => {
    expect(whole.code).toBe(1);
    const r = JSON.parse(whole.stdout) as RunReport;
    expect(r.stats).toMatchObject({ failed: 2, deviation: 1 });
    expect(r.stats.passed).toBeGreaterThan(100);
  });

  for (const n of [2, 3]) {
    it(`${n} shards: each ran a part, the parts are disjoint, the merge has every run with the same verdict`, () => {
      const one = JSON.parse(whole.stdout) as RunReport;
      const parts = shards[n]!.map((_, i) => readReport(join(dir, `s${n}-${i + 1}`, "report.json")));
      for (const p of parts) expect(p.scenarios.length).toBeLessThan(one.scenarios.length);
      expect(parts.reduce((k, p) => k + p.scenarios.length, 0)).toBe(one.scenarios.length);
      const m = readReport(join(dir, `merged${n}`, "report.json"));
      expect(verdicts(m)).toEqual(verdicts(one));
      expect(m.stats).toEqual(one.stats);
      expect(levelsOf(m)).toEqual(levelsOf(one));
      expect(m.scenarios.map((s) => s.id)).toEqual(one.scenarios.map((s) => s.id)); // same order
      expect(m.scenarios.map((s) => s.findings.map((f) => f.check))).toEqual(one.scenarios.map((s) => s.findings.map((f) => f.check)));
      expect(m.options.incomplete).toBeUndefined();
      expect((m.options.merged as { shards: string[] }).shards).toEqual(Array.from({ length: n }, (_, i) => `engine ${i + 1}/${n}`));
    });

    it(`${n} shards: the merge exits as the one run does and writes JUnit, HTML and a results.jsonl`, () => {
      expect(merged[n]!.code).toBe(whole.code);
      for (const f of ["report.json", "junit.xml", "index.html", "results.jsonl"]) expect(existsSync(join(dir, `merged${n}`, f)), f).toBe(true);
      const junit = readFileSync(join(dir, `merged${n}`, "junit.xml"), "utf8");
      const one = JSON.parse(whole.stdout) as RunReport;
      expect(junit).toContain(`tests="${one.scenarios.length}"`);
      expect(merged[n]!.stdout).toMatch(/engine {2}pushlab engine \S+ +\d+ +2 +1 +0 +0 +\d+/); // the console's table
    });
  }

  it("the merged results.jsonl gives the same report again (pushlab report)", async () => {
    const again = await pushlab(["report", join(dir, "merged2", "results.jsonl"), "--report-dir", join(dir, "again")]);
    expect(again.code).toBe(1);
    expect(verdicts(readReport(join(dir, "again", "report.json")))).toEqual(verdicts(JSON.parse(whole.stdout) as RunReport));
  });

  it("merges report.json files as well as results.jsonl (dirs or files)", async () => {
    const r = await pushlab(["merge-reports", join(dir, "s2-1", "report.json"), join(dir, "s2-2", "report.json"), "--report-dir", join(dir, "from-json"), "--reporter", "json"]);
    expect(r.code).toBe(1);
    expect(verdicts(JSON.parse(r.stdout) as RunReport)).toEqual(verdicts(JSON.parse(whole.stdout) as RunReport));
  });

  it("a missing shard: the merged report says incomplete, exit 3", async () => {
    const r = await pushlab(["merge-reports", join(dir, "s3-1"), join(dir, "s3-3"), "--report-dir", join(dir, "missing")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("missing shard(s) 2/3: their runs are not in the merged report");
    expect(String(readReport(join(dir, "missing", "report.json")).options.incomplete)).toContain("missing shard(s) 2/3");
  });

  it("a shard's log cut short (no end line): incomplete, exit 3", async () => {
    const log = readFileSync(join(dir, "s2-2", "results.jsonl"), "utf8").trimEnd().split("\n");
    writeFileSync(join(dir, "cut.jsonl"), log.slice(0, -3).join("\n") + "\n");
    const r = await pushlab(["merge-reports", join(dir, "s2-1"), join(dir, "cut.jsonl"), "--report-dir", join(dir, "cut")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cut\.jsonl: cut short/);
  });

  it("the same shard twice, or the output dir among the inputs: usage errors, nothing written", async () => {
    const twice = await pushlab(["merge-reports", join(dir, "s2-1"), join(dir, "s2-1"), "--report-dir", join(dir, "twice")]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/given twice/);
    const clash = await pushlab(["merge-reports", join(dir, "s2-1"), join(dir, "s2-2"), "--report-dir", join(dir, "s2-1")]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/is one of the inputs/);
    expect(existsSync(join(dir, "s2-1", "results.jsonl"))).toBe(true);
    const none = await pushlab(["merge-reports"]);
    expect(none.code).toBe(2);
    const notThere = await pushlab(["merge-reports", join(dir, "nope")]);
    expect(notThere.code).toBe(2);
    expect(notThere.stderr).toMatch(/no such file or directory: .*nope/);
  });

  it("run --list --json: the shards' listings together are the unsharded listing", async () => {
    const all = JSON.parse((await pushlab(["run", ...SUITE, "--list", "--json"])).stdout) as { scenarios: { id: string }[] };
    const parts = await Promise.all([1, 2, 3].map((i) => pushlab(["run", ...SUITE, "--list", "--json", "--shard", `${i}/3`])));
    const ids = parts.flatMap((p) => (JSON.parse(p.stdout) as { scenarios: { id: string }[] }).scenarios.map((s) => s.id));
    expect(ids.sort()).toEqual(all.scenarios.map((s) => s.id).sort());
    // …and each listing is what that shard then ran.
    const ran = readReport(join(dir, "s3-2", "report.json")).scenarios.map((s) => s.id).sort();
    expect((JSON.parse(parts[1]!.stdout) as { scenarios: { id: string }[] }).scenarios.map((s) => s.id).sort()).toEqual(ran);
  });
});
