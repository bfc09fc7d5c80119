// The whole scenario suite against a real ejabberd 23.01 (part of `npm test`). Every scenario must
// pass, or differ exactly as ejabberd's expectation file declares, or be skipped because ejabberd
// lacks what it needs (its capabilities). Anything else is a finding. Reports land in
// reports/out/ejabberd/ (a CI artifact).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import type { RunReport, ScenarioResult } from "../../simulator/results.ts";
import { createReporters } from "../../reports/index.ts";
import { expectationsFor, loadAll, run } from "../../simulator/runner.ts";
import { createEjabberdTarget, EJABBERD_EXPECTATIONS, ejabberdInstalled, INSTALL_HINT } from "../../simulator/targets/ejabberd/index.ts";
import { describeWithServer } from "../support/require-server.ts";
import { declaredVerdict } from "../support/declared-verdict.ts";

const loaded = loadAll(["scenarios"]);
const scenarios = loaded.flatMap((l) => (l.ok ? [l.scenario] : []));
const target = createEjabberdTarget();
const declared = expectationsFor(target, loaded)!;

describeWithServer("scenario suite on ejabberd 23.01", ejabberdInstalled(), INSTALL_HINT, () => {
  let report: RunReport;
  const byId = new Map<string, ScenarioResult>();

  beforeAll(async () => {
    const reporters = createReporters({ reportDir: "reports/out/ejabberd", formats: ["json", "junit", "html"] });
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
      expect(r!.verdict, why).toBe(declaredVerdict(s, declared, target.capabilities(), "ejabberd"));
    });
  }
});

describeWithServer("ejabberd declarations are exact", ejabberdInstalled(), INSTALL_HINT, () => {
  it("a declaration with a wrong `instead` turns the scenario red", async () => {
    // R-DISABLE-node: ejabberd pushes nothing after the disable (count: 0, §6); a file that
    // claims 2 pushes must fail the run.
    const text = readFileSync(EJABBERD_EXPECTATIONS, "utf8");
    const wrong = text.replace(/(registration\/R-DISABLE-node:[\s\S]*?instead:\s*\n\s+)count: 0/, "$1count: 2");
    expect(wrong).not.toBe(text);
    const dir = mkdtempSync(join(tmpdir(), "pushlab-exp-"));
    try {
      const file = join(dir, "expectations.yaml");
      writeFileSync(file, wrong);
      const bad = await run({ paths: ["scenarios/registration/R-DISABLE-node.yaml"], targets: [createEjabberdTarget()], reporters: [], expectations: { ejabberd: file } });
      const good = await run({ paths: ["scenarios/registration/R-DISABLE-node.yaml"], targets: [createEjabberdTarget()], reporters: [] });
      expect(bad.scenarios.map((r) => r.verdict)).toEqual(["failed"]);
      expect(good.scenarios.map((r) => r.verdict)).toEqual(["deviation"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
