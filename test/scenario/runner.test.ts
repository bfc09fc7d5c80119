import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../reports/model.ts";
import { exitCodeOf, run } from "../../simulator/runner.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";

const ok = `name: passes
rules: [R-OFFLINE]
personas: { alice: {}, bob: {} }
steps:
  - connect: alice
  - enable: { persona: alice, node: n1 }
  - disconnect: alice
  - connect: bob
  - send: { from: bob, to: alice, body: hi }
  - expect-pushes: { count: 1 }
`;

function dirWith(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "pushlab-runner-"));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(d, n), t);
  return d;
}

async function runDir(d: string, grep?: string): Promise<RunReport> {
  let report: RunReport | undefined;
  await run({ paths: [d], targets: [createEngineTarget()], grep, reporters: [{ onEnd: (r) => void (report = r) }] });
  return report!;
}

describe("runner", () => {
  it("passes, fails, breaks and declares deviations with the right verdicts and exit code", async () => {
    const d = dirWith({
      "a.yaml": ok,
      "b.yaml": ok.replace("passes", "fails").replace("count: 1", "count: 2"),
      "c.yaml": "name: broken\nrules: [R-X]\npersonas: {a: {}}\nsteps: [ { nope: 1 } ]\n",
      "d.yaml": ok.replace("passes", "declared deviation").replace("count: 1", "count: 2") + "on: { engine: { deviation: known to differ here } }\n",
      "e.yaml": ok.replace("passes", "deviation not observed") + "on: { engine: { deviation: said to differ but does not } }\n",
      "f.yaml": ok.replace("passes", "skipped").replace("  - connect: alice\n", "  - restart: true\n  - connect: alice\n") + "on: { engine: { skip: not here } }\n",
    });
    const r = await runDir(d);
    const by = Object.fromEntries(r.scenarios.map((s) => [s.name, s.verdict]));
    expect(by).toEqual({
      passes: "passed",
      fails: "failed",
      broken: "broken",
      "declared deviation": "deviation",
      "deviation not observed": "failed",
      skipped: "skipped",
    });
    expect(r.stats).toEqual({ passed: 1, failed: 2, deviation: 1, broken: 1, skipped: 1 });
    expect(exitCodeOf(r)).toBe(1);
    const failed = r.scenarios.find((s) => s.name === "fails")!;
    expect(failed.findings[0]).toMatchObject({ check: "push-count", expected: "2", location: { line: 10, col: 5 } });
    expect(failed.timeline.some((e) => e.kind === "push")).toBe(true);
  });

  it("a per-target override replaces the whole push-count group (count → at-most)", async () => {
    const over = ok.replace("passes", "override").replace(
      "  - expect-pushes: { count: 1 }\n",
      "  - expect-pushes: { count: 5 }\n    on: { engine: { deviation: one push here, at-most: 1, at-least: 1 } }\n",
    );
    const r = await runDir(dirWith({ "o.yaml": over }));
    expect(r.scenarios.map((s) => [s.name, s.verdict])).toEqual([["override", "deviation"]]);
  });

  it("exit code 0 when everything passes; --grep filters", async () => {
    const d = dirWith({ "a.yaml": ok, "b.yaml": ok.replace("passes", "other").replace("count: 1", "count: 5") });
    const r = await runDir(d, "passes");
    expect(r.scenarios.map((s) => s.name)).toEqual(["passes"]);
    expect(exitCodeOf(r)).toBe(0);
  });

  it("the CLI writes report.json and index.html and exits non-zero on failure", async () => {
    const d = dirWith({ "b.yaml": ok.replace("count: 1", "count: 2") });
    const out = mkdtempSync(join(tmpdir(), "pushlab-out-"));
    const { main } = await import("../../simulator/cli.ts");
    const code = await main(["run", d, "--report-dir", out, "--format", "json,html"]);
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
    expect(report.stats.failed).toBe(1);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("<html");
  });
});
