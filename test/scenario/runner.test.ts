import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Profile, RunReport } from "../../simulator/results.ts";
import type { Target } from "../../simulator/target.ts";
import { ENGINE_CAPABILITIES } from "../../simulator/targets/engine/capabilities.ts";
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
  it("passes, fails, breaks and skips (a control the target lacks) with the right verdicts and exit code", async () => {
    const d = dirWith({
      "a.yaml": ok,
      "b.yaml": ok.replace("passes", "fails").replace("count: 1", "count: 2"),
      "c.yaml": "name: broken\nrules: [R-OFFLINE]\npersonas: {a: {}}\nsteps: [ { nope: 1 } ]\n",
      "f.yaml": ok.replace("name: passes", "name: needs a restart\nrules: [R-DEDUP]").replace("rules: [R-OFFLINE]\n", "").replace("  - connect: alice\n", "  - restart: true\n  - connect: alice\n"),
    });
    const engine = createEngineTarget();
    const noRestart: Target = {
      ...engine,
      capabilities: () => ({ ...ENGINE_CAPABILITIES, controls: { ...ENGINE_CAPABILITIES.controls, restart: { ok: false, reason: "this server cannot be restarted here" } } }),
    };
    let r: RunReport | undefined;
    await run({ paths: [d], targets: [noRestart], reporters: [{ onEnd: (x) => void (r = x) }] });
    const by = Object.fromEntries(r!.scenarios.map((s) => [s.name, s.verdict]));
    expect(by).toEqual({ passes: "passed", fails: "failed", broken: "broken", "needs a restart": "skipped" });
    expect(r!.scenarios.find((s) => s.name === "needs a restart")!.skipReason).toBe("needs the restart control: this server cannot be restarted here");
    expect(r!.stats).toEqual({ passed: 1, failed: 1, deviation: 0, broken: 1, skipped: 1 });
    expect(r!.targets[0]!.levels!["xep-0357"]).toEqual({ passed: 1, failed: 1, deviation: 0, broken: 0, skipped: 0 });
    expect(exitCodeOf(r!)).toBe(1);
    const failed = r!.scenarios.find((s) => s.name === "fails")!;
    expect(failed.findings[0]).toMatchObject({ check: "push-count", expected: "2", location: { line: 10, col: 5 } });
    expect(failed.timeline.some((e) => e.kind === "push")).toBe(true);
  });

  it("prepare() gets the scenarios this target will run (not the broken ones, after --grep), before start()", async () => {
    const d = dirWith({
      "a.yaml": ok,
      "b.yaml": ok.replace("name: passes", "name: also passes"),
      "c.yaml": "name: broken, passes not\nrules: [R-OFFLINE]\npersonas: {a: {}}\nsteps: [ { nope: 1 } ]\n",
      "d.yaml": ok.replace("name: passes", "name: filtered out"),
    });
    const engine = createEngineTarget();
    const calls: string[] = [];
    const preparing: Target = {
      ...engine,
      prepare: (scenarios) => void calls.push(`prepare ${scenarios.map((s) => s.name).sort().join(", ")}`),
      start: () => (calls.push("start"), engine.start()),
    };
    const r = await run({ paths: [d], targets: [preparing], grep: "passes", reporters: [] });
    expect(r.scenarios.map((x) => x.verdict).sort()).toEqual(["broken", "passed", "passed"]);
    expect(calls).toEqual(["prepare also passes, passes", "start"]);
  });

  it("an option the target cannot set skips the scenario before its first step, naming the option", async () => {
    const d = dirWith({ "a.yaml": ok.replace("personas:", "options: { push_max_errors: 3 }\npersonas:") });
    const engine = createEngineTarget();
    const fixed: Target = {
      ...engine,
      capabilities: () => ({ ...ENGINE_CAPABILITIES, options: { ...ENGINE_CAPABILITIES.options, push_max_errors: { ok: false, reason: "no such setting", value: 1 } } }),
    };
    let r: RunReport | undefined;
    await run({ paths: [d], targets: [fixed], reporters: [{ onEnd: (x) => void (r = x) }] });
    expect(r!.scenarios[0]).toMatchObject({ verdict: "skipped", skipReason: "sets push_max_errors: 3 (engine: 1), which engine cannot give it: no such setting", timeline: [] });
  });

  it("a profile decides what fails the run; results outside it are informational", async () => {
    const d = dirWith({ "h.yaml": ok.replace("rules: [R-OFFLINE]", "rules: [R-DEDUP-EXPIRY]").replace("count: 1", "count: 2") });
    const at = async (profile?: Profile) => {
      let r: RunReport | undefined;
      await run({ paths: [d], targets: [createEngineTarget()], reporters: [{ onEnd: (x) => void (r = x) }], ...(profile && { profile }) });
      return r!;
    };
    const reference = await at(); // the engine's default profile
    expect(reference.targets[0]!.profile).toBe("reference");
    expect(reference.scenarios[0]).toMatchObject({ verdict: "failed", level: "hardening", counted: false });
    expect(exitCodeOf(reference)).toBe(0);
    const all = await at("all");
    expect(all.scenarios[0]!.counted).toBe(true);
    expect(exitCodeOf(all)).toBe(1);
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

describe("pushlab validate", () => {
  it("rejects an unknown rule id, an unknown target and an expectation file naming one", async () => {
    const { main } = await import("../../simulator/cli.ts");
    const d = dirWith({ "a.yaml": ok.replace("rules: [R-OFFLINE]", "rules: [R-OFFLIN]") });
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(["validate", d])).toBe(1);
      expect(err.join("")).toMatch(/a\.yaml:2:9: unknown rule id 'R-OFFLIN'/);
      err.length = 0;
      await expect(main(["validate", d, "--expectations", "prosdy=x.yaml"])).rejects.toThrow(/unknown target 'prosdy'; known: engine, prosody, ejabberd, xmpp/);
      const good = dirWith({ "a.yaml": ok });
      const file = join(good, "e.yaml");
      writeFileSync(file, "target: prosdy\nobserved-on: [x]\nscenarios: {}\n");
      expect(await main(["validate", good, "--expectations", `prosody=${file}`])).toBe(1);
      expect(err.join("")).toMatch(/e\.yaml:1:9: unknown target 'prosdy'/);
    } finally {
      process.stderr.write = write;
    }
  });
});
