// The whole scenario suite against a real Prosody 0.12 + mod_cloud_notify (part of `npm test`).
// Every scenario must pass, or differ exactly as Prosody's expectation file declares, or be skipped
// because Prosody lacks what it needs (its capabilities). Anything else is a finding.
import { beforeAll, expect, it } from "vitest";
import type { RunReport, ScenarioResult } from "../../simulator/results.ts";
import { createReporters } from "../../reports/index.ts";
import { expectationsFor, loadAll, run } from "../../simulator/runner.ts";
import { createProsodyTarget, INSTALL_HINT, prosodyInstalled } from "../../simulator/targets/prosody/index.ts";
import { describeWithServer } from "../support/require-server.ts";
import { declaredVerdict } from "../support/declared-verdict.ts";

const loaded = loadAll(["scenarios"]);
const scenarios = loaded.flatMap((l) => (l.ok ? [l.scenario] : []));
const target = createProsodyTarget();
const declared = expectationsFor(target, loaded)!;

describeWithServer("scenario suite on Prosody 0.12", prosodyInstalled(), INSTALL_HINT, () => {
  let report: RunReport;
  const byId = new Map<string, ScenarioResult>();

  beforeAll(async () => {
    // Reports of this run land in reports/out/prosody/ (a CI artifact).
    const reporters = createReporters({ reportDir: "reports/out/prosody", formats: ["json", "junit", "html"] });
    report = await run({ paths: ["scenarios"], targets: [target], reporters });
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
      expect(r!.verdict, why).toBe(declaredVerdict(s, declared, target.capabilities(), "prosody"));
    });
  }
});
