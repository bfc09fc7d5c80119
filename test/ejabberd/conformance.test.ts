// The whole scenario suite against a real ejabberd 23.01 (part of `npm test`). Every scenario must
// pass, or deviate exactly as simulator/targets/ejabberd/expectations.yaml declares (a declared
// step is checked with its `instead` arguments; a whole-scenario declaration may fail only at the
// steps it covers), or be skipped because it needs what ejabberd lacks (capabilities.ts).
// Anything else is a finding. Reports land in reports/out/ejabberd/ (a CI artifact).
import { beforeAll, describe, expect, it } from "vitest";
import type { RunReport, ScenarioResult } from "../../reports/model.ts";
import { createReporters } from "../../reports/index.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { loadAll } from "../../simulator/runner.ts";
import { createEjabberdTarget, ejabberdInstalled, INSTALL_HINT } from "../../simulator/targets/ejabberd/index.ts";
import { EJABBERD_CAPABILITIES, unsupportedReason } from "../../simulator/targets/ejabberd/capabilities.ts";
import { describeWithServer } from "../support/require-server.ts";
import { EJABBERD_EXPECTATIONS, expectedOutcome, runDeclared } from "./declared-run.ts";
import { applyExpectations, loadExpectations, scenarioKey } from "./expectations.ts";

const exp = loadExpectations(EJABBERD_EXPECTATIONS);
const scenarios = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));

describeWithServer("scenario suite on ejabberd 23.01", ejabberdInstalled(), INSTALL_HINT, () => {
  let report: RunReport;
  let run: Scenario[];
  const byId = new Map<string, ScenarioResult>();

  beforeAll(async () => {
    const reporters = createReporters({ reportDir: "reports/out/ejabberd", formats: ["json", "junit", "html"] });
    ({ report, scenarios: run } = await runDeclared({ target: createEjabberdTarget(), expectations: exp, reporters }));
    for (const r of report.scenarios) byId.set(r.id, r);
  }, 600_000);

  it("ran every scenario, each with the declarations applied", () => {
    expect(report.scenarios.length).toBe(scenarios.length);
    expect(run.filter((s) => s.on.ejabberd || s.steps.some((st) => st.on.ejabberd)).length).toBe(exp.steps.size + exp.whole.size);
  });

  for (const s of scenarios) {
    const want = expectedOutcome(s, EJABBERD_CAPABILITIES, exp, unsupportedReason);
    it(`${s.name} (${s.file}) → ${want.verdict}`, () => {
      const r = byId.get(s.id);
      expect(r, "no result").toBeDefined();
      const why = r!.findings.map((f) => `${f.check}: ${f.message}\nexpected: ${f.expected ?? ""}\nactual: ${f.actual ?? ""}`).join("\n");
      expect(r!.verdict, `${why}\n(${want.why})`).toBe(want.verdict);
      if (want.covers) {
        // A whole-scenario deviation may only show at the steps it covers.
        const steps = r!.findings.map((f) => (f.step ?? -1) + 1);
        expect(steps.every((n) => want.covers!.includes(n)), `failed at step(s) ${steps.join(", ")}, covered: ${want.covers.join(", ")}\n${why}`).toBe(true);
      }
    });
  }
});

describeWithServer("ejabberd declarations are exact", ejabberdInstalled(), INSTALL_HINT, () => {
  it("a declaration with a wrong `instead` turns the scenario red", async () => {
    // Mutate one measured declaration (R-HIB-START: ejabberd sends 1 push) to claim 2 pushes.
    const key = "hibernation/R-HIB-START";
    const wrong = { ...exp, steps: new Map(exp.steps), whole: exp.whole };
    wrong.steps.set(key, new Map([[9, { reason: "mutant", xep: "none", instead: { count: 2, pushes: [{ body: "New Message!" }, { body: "New Message!" }] } }]]));
    const s = applyExpectations(scenarios, wrong).find((x) => scenarioKey(x) === key)!;
    const right = applyExpectations(scenarios, exp).find((x) => scenarioKey(x) === key)!;
    const target = createEjabberdTarget({ parallelism: 2 });
    await target.start();
    try {
      const [bad, good] = await Promise.all([runScenario(s, target), runScenario(right, target)]);
      expect(bad.verdict).toBe("failed");
      expect(good.verdict).toBe("deviation");
    } finally {
      await target.stop();
    }
  }, 60_000);
});

describe("ejabberd expectation file", () => {
  it("declares only scenarios ejabberd runs (a skipped scenario needs no declaration)", () => {
    for (const key of [...exp.steps.keys(), ...exp.whole.keys()]) {
      const s = scenarios.find((x) => scenarioKey(x) === key)!;
      expect(expectedOutcome(s, EJABBERD_CAPABILITIES, { ...exp, steps: new Map(), whole: new Map() }, unsupportedReason).verdict, key).toBe("passed");
    }
  });
});
