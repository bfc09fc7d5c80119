// The whole scenario suite against a real Prosody 0.12 + mod_cloud_notify (part of `npm test`).
// Every scenario must pass, or fail exactly as its declared deviation says (the overrides encode
// what Prosody does), or be skipped by an explicit declaration. Anything else is a finding.
import { beforeAll, expect, it } from "vitest";
import type { RunReport, ScenarioResult } from "../../reports/model.ts";
import { createReporters } from "../../reports/index.ts";
import { loadAll, run } from "../../simulator/runner.ts";
import { createProsodyTarget, INSTALL_HINT, prosodyInstalled } from "../../simulator/targets/prosody/index.ts";
import { describeWithServer } from "../support/require-server.ts";

const scenarios = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));

describeWithServer("scenario suite on Prosody 0.12", prosodyInstalled(), INSTALL_HINT, () => {
  let report: RunReport;
  const byId = new Map<string, ScenarioResult>();

  beforeAll(async () => {
    // Reports of this run land in reports/out/prosody/ (a CI artifact).
    const reporters = createReporters({ reportDir: "reports/out/prosody", formats: ["json", "junit", "html"] });
    report = await run({ paths: ["scenarios"], targets: [createProsodyTarget()], reporters });
    for (const r of report.scenarios) byId.set(r.id, r);
  }, 600_000);

  it("ran every scenario", () => {
    expect(report.scenarios.length).toBe(scenarios.length);
  });

  for (const s of scenarios) {
    it(`${s.name} (${s.file})`, () => {
      const r = byId.get(s.id);
      expect(r, "no result").toBeDefined();
      const why = r!.findings.map((f) => `${f.check}: ${f.message}\nexpected: ${f.expected ?? ""}\nactual: ${f.actual ?? ""}`).join("\n");
      const declared = s.on.prosody;
      const stepDeviation = s.steps.some((st) => st.on.prosody?.deviation);
      if (declared?.skip) expect(r!.verdict, why).toBe("skipped");
      else if (declared?.deviation || stepDeviation) expect(r!.verdict, why).toBe("deviation");
      else expect(r!.verdict, why).toBe("passed");
    });
  }
});
