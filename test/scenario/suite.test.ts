// The whole scenario suite against the embedded engine: every scenario is one test.
import { describe, expect, it } from "vitest";
import { loadAll } from "../../simulator/runner.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";

const loaded = loadAll(["scenarios"]);

describe("scenario suite on the engine", () => {
  it("finds scenarios and none is broken", () => {
    expect(loaded.length).toBeGreaterThan(50);
    const broken = loaded.filter((l) => !l.ok).map((l) => (l.ok ? "" : `${l.broken.file}: ${l.broken.errors[0]?.message}`));
    expect(broken).toEqual([]);
  });

  for (const l of loaded) {
    if (!l.ok) continue;
    const s = l.scenario;
    it(`${s.name} (${s.file})`, async () => {
      const r = await runScenario(s, createEngineTarget());
      // A scenario that could not run (harness error, broken step) says nothing about the engine:
      // fail as a crash, not as an assertion (the mutation run must not count it as a kill).
      const crash = r.verdict === "broken" ? r.findings[0] : r.findings.find((f) => f.check === "error");
      if (crash) throw Object.assign(new Error(`${r.verdict}: ${crash.message}`), { name: "ScenarioCrash" });
      const why = r.findings.map((f) => `${f.message}\nexpected: ${f.expected}\nactual: ${f.actual}`).join("\n");
      expect(r.verdict, why).toBe("passed"); // the engine is the reference: no declared differences
    });
  }
});
