// On a real Prosody: two shards merged give the verdicts of one run, scenario by scenario; and
// Ctrl-C in the middle of a run leaves the reports of what was measured (marked incomplete).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { RunReport } from "../../simulator/results.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { cli, prosodyChildren, readJsonl, until } from "../reliability/support.ts";
import { pushlab, readReport, tempDir, verdicts } from "./support.ts";

// Four families: passes, declared deviations (one of them nondeterministic: R-MAXDEV-ORDER),
// skips, and scenarios with a dedicated server (restart, storage failure) — a third of the suite.
const SUBSET = ["--target", "prosody", "--grep", "^(content|registration|errors|robustness)/"];

describeWithServer("sharding and Ctrl-C on Prosody", PROSODY, PROSODY_HINT, () => {
  const dir = tempDir("prosody");

  it("two shards (run side by side, as on two machines) merged equal one run, scenario by scenario", async () => {
    const [one, s1, s2] = await Promise.all([
      pushlab(["run", ...SUBSET, "--report-dir", join(dir, "one")], { timeoutMs: 240_000 }),
      pushlab(["run", ...SUBSET, "--shard", "1/2", "--report-dir", join(dir, "s1")], { timeoutMs: 240_000 }),
      pushlab(["run", ...SUBSET, "--shard", "2/2", "--report-dir", join(dir, "s2")], { timeoutMs: 240_000 }),
    ]);
    const merged = await pushlab(["merge-reports", join(dir, "s1"), join(dir, "s2"), "--report-dir", join(dir, "merged")]);
    const whole = readReport(join(dir, "one", "report.json"));
    const m = readReport(join(dir, "merged", "report.json"));
    // The comparison means something: passes, declared deviations and skips are all there.
    expect(whole.stats.passed).toBeGreaterThan(30);
    expect(whole.stats.deviation).toBeGreaterThan(10);
    expect(whole.stats.skipped).toBeGreaterThan(0);
    for (const s of ["s1", "s2"]) expect(readReport(join(dir, s, "report.json")).scenarios.length).toBeLessThan(whole.scenarios.length);
    expect(verdicts(m)).toEqual(verdicts(whole));
    expect(m.stats).toEqual(whole.stats);
    expect(m.targets[0]!.levels).toEqual(whole.targets[0]!.levels);
    expect(m.targets[0]!.version).toBe(whole.targets[0]!.version);
    expect([merged.code, s1.code, s2.code]).toEqual([one.code, 0, 0]);
  }, 300_000);

  it("Ctrl-C mid-run: exit 130 at once, and report.json, junit.xml and index.html of what was measured, marked incomplete", async () => {
    const out = join(dir, "interrupted");
    const r = cli(["run", "scenarios/hibernation", "--target", "prosody", "--report-dir", out]);
    const started = await until(() => prosodyChildren(r.child.pid!).length > 0 && readJsonl(join(out, "results.jsonl")).some((l) => l.type === "result"), 60_000);
    expect(started).toBe(true);
    const t0 = Date.now();
    r.child.kill("SIGINT");
    const end = await r.done;
    expect(end.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(3_000);
    const measured = readJsonl(join(out, "results.jsonl")).filter((l) => l.type === "result").length;
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
    expect(report.scenarios).toHaveLength(measured);
    expect(String(report.options.incomplete)).toMatch(new RegExp(`^the harness stopped before the run ended: ${measured} of \\d+ scenario runs recorded`));
    for (const f of ["junit.xml", "index.html"]) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.out()).toMatch(/pushlab: partial reports \(incomplete\) written from .*results\.jsonl: .*report\.json/);
  }, 90_000);
});
