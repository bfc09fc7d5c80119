// --shard I/N and --grep as a regex, on the bundled suite: shards are a partition (every run in
// exactly one shard), the same on every machine, balanced by recorded durations; the filter is a
// regular expression over id, key, file, name and rule ids.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyFilter, grepRegex } from "../../simulator/cli/select.ts";
import { UsageError } from "../../simulator/exit-codes.ts";
import { loadAll } from "../../simulator/runner.ts";
import type { Loaded } from "../../simulator/scenario/model.ts";
import { BUNDLED_DURATIONS, durationsFor, NO_DURATIONS, readDurations, type Durations } from "../../simulator/shard/durations.ts";
import { keyOf, parseShard, shardLoads, shardRuns } from "../../simulator/shard/shard.ts";

const suite = loadAll(["scenarios"]);
const ids = (l: Loaded[]) => l.map((x) => (x.ok ? x.scenario.id : x.broken.id));
const TARGETS = ["engine", "prosody", "ejabberd"];

describe("--grep / --grep-invert", () => {
  const names = (grep?: string, invert?: string) => applyFilter(suite, { ...(grep && { grep: grepRegex("--grep", grep)! }), ...(invert && { grepInvert: grepRegex("--grep-invert", invert)! }) });

  it("is a regular expression, case-insensitive, over id, key, file, name and rule ids", () => {
    const hib = names("^R-HIB");
    expect(hib.length).toBeGreaterThan(3);
    for (const l of hib) expect(l.ok && l.scenario.rules.some((r) => r.startsWith("R-HIB")) || (l.ok && /^r-hib/i.test(l.scenario.name))).toBe(true);
    const either = names("R-OFFLINE-KINDS|R-URGENT$");
    expect(either.length).toBe(names("R-OFFLINE-KINDS").length + names("^R-URGENT$").length - names("R-OFFLINE-KINDS").filter((l) => names("^R-URGENT$").includes(l)).length);
    expect(names("offline/r-offline-kinds")).toHaveLength(names("^offline/R-OFFLINE-kinds$").length); // the key, any case
    expect(names("NOSUCH")).toHaveLength(0);
  });

  it("--grep-invert leaves out what matches, after --grep", () => {
    const all = names("^R-HIB");
    const without = names("^R-HIB", "QUEUE");
    expect(without.length).toBeGreaterThan(0);
    expect(without.length).toBeLessThan(all.length);
    for (const l of without) expect(JSON.stringify(l.ok && [l.scenario.id, l.scenario.name, l.scenario.rules])).not.toMatch(/queue/i);
    expect(names(undefined, ".")).toHaveLength(0);
  });

  it("a bad regular expression is a usage error that says so", () => {
    expect(() => grepRegex("--grep", "R-(HIB")).toThrow(UsageError);
    expect(() => grepRegex("--grep", "R-(HIB")).toThrow(/^--grep R-\(HIB: not a regular expression: .*Unterminated group/);
  });
});

describe("--shard I/N", () => {
  it("parses I/N and refuses anything else", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, total: 3 });
    expect(parseShard(" 1 / 1 ")).toEqual({ index: 1, total: 1 });
    for (const bad of ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "-1/2"]) expect(() => parseShard(bad), bad).toThrow(/--shard .*expected I\/N with 1 ≤ I ≤ N/);
  });

  it("splits the runs into a partition: each run in exactly one shard, for N = 1…7, on one or three targets", () => {
    for (const targets of [["engine"], TARGETS])
      for (const total of [1, 2, 3, 5, 7]) {
        const seen = new Map<string, number>();
        for (let index = 1; index <= total; index++) {
          const part = shardRuns(suite, targets, { index, total }, durationsFor(undefined));
          for (const [t, list] of part) for (const id of ids(list)) seen.set(`${t} ${id}`, (seen.get(`${t} ${id}`) ?? 0) + 1);
        }
        expect(seen.size).toBe(suite.length * targets.length);
        expect([...seen.values()].every((n) => n === 1)).toBe(true);
      }
  });

  it("is deterministic: the same split from the same inputs, whatever order the scenarios were loaded in", () => {
    const d = durationsFor(undefined);
    const a = shardRuns(suite, TARGETS, { index: 2, total: 3 }, d);
    const b = shardRuns([...suite].reverse(), TARGETS, { index: 2, total: 3 }, d);
    for (const t of TARGETS) expect(ids(b.get(t)!).sort()).toEqual(ids(a.get(t)!).sort());
  });

  it("balances by recorded durations: a few long scenarios are spread, not piled into one shard", () => {
    // Ten scenarios of 60 s and the rest of 1 s: split by count, one shard could take most long ones.
    const long = suite.slice(0, 10).map(keyOf);
    const d: Durations = { source: "test", targets: { engine: Object.fromEntries(suite.map((l) => [keyOf(l), long.includes(keyOf(l)) ? 60_000 : 1_000])) } };
    const loads = shardLoads(suite, ["engine"], 4, d);
    const total = loads.reduce((a, b) => a + b, 0);
    expect(Math.max(...loads)).toBeLessThanOrEqual(total / 4 + 60_000); // LPT: within one job of the ideal
    const perShard = [1, 2, 3, 4].map((index) => ids(shardRuns(suite, ["engine"], { index, total: 4 }, d).get("engine")!).filter((id) => long.some((k) => id.includes(k))).length);
    expect(Math.max(...perShard)).toBeLessThanOrEqual(3); // 10 long ones over 4 shards
    // Without durations it splits by count.
    const counts = [1, 2, 3, 4].map((index) => shardRuns(suite, ["engine"], { index, total: 4 }, NO_DURATIONS).get("engine")!.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it("with more shards than runs, some shards are empty (and the runs are still each in one)", () => {
    const two = suite.slice(0, 2);
    const parts = [1, 2, 3].map((index) => shardRuns(two, ["engine"], { index, total: 3 }, NO_DURATIONS).get("engine")!.length);
    expect(parts.sort()).toEqual([0, 1, 1]);
  });
});

describe("durations", () => {
  it("the bundled durations file records most of the bundled suite for engine, prosody and ejabberd", () => {
    const d = readDurations(BUNDLED_DURATIONS);
    const keys = new Set(suite.map(keyOf));
    for (const t of TARGETS) {
      const recorded = Object.keys(d.targets[t] ?? {});
      const known = recorded.filter((k) => keys.has(k)).length;
      // A scenario added since weighs its target's median; regenerate with npm run durations when this fails.
      expect(known / keys.size, t).toBeGreaterThan(0.8);
    }
    expect(durationsFor(undefined).source).toMatch(/bundled/);
  });

  it("reads a report.json, a results.jsonl and a durations file; anything else is a usage error", () => {
    const dir = mkdtempSync(join(tmpdir(), "pushlab-durations-"));
    const result = { id: "x.yaml#a", key: "fam/a", target: "prosody", verdict: "passed", durationMs: 1234.4 };
    const skipped = { ...result, key: "fam/b", verdict: "skipped", durationMs: 0 };
    writeFileSync(join(dir, "report.json"), JSON.stringify({ schema: "pushlab-report/1", scenarios: [result, skipped] }));
    writeFileSync(join(dir, "results.jsonl"), [{ type: "begin" }, { type: "result", at: 1, result }].map((l) => JSON.stringify(l)).join("\n") + "\n{\"type\":\"res");
    writeFileSync(join(dir, "d.json"), JSON.stringify({ schema: "pushlab-durations/1", targets: { prosody: { "fam/a": 1234 } } }));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ hello: 1 }));
    writeFileSync(join(dir, "bad2.json"), JSON.stringify({ schema: "pushlab-durations/1", targets: { prosody: { "fam/a": "slow" } } }));
    expect(readDurations(join(dir, "report.json")).targets).toEqual({ prosody: { "fam/a": 1234, "fam/b": 0 } });
    for (const f of ["results.jsonl", "d.json"]) expect(readDurations(join(dir, f)).targets, f).toEqual({ prosody: { "fam/a": 1234 } });
    expect(() => readDurations(join(dir, "bad.json"))).toThrow(/neither a report\.json, a results\.jsonl nor a pushlab-durations\/1 file/);
    expect(() => readDurations(join(dir, "bad2.json"))).toThrow(/prosody › fam\/a: not a duration in ms/);
    expect(() => readDurations(join(dir, "missing.json"))).toThrow(/--shard-durations .*missing\.json: cannot read/);
  });
});
