// What decides between an incremental and a full mutation run in CI (test/mutation/run.ts):
// Stryker's incremental diff sees engine/ and the test files that hold tests; everything else
// the run reads must match the baseline's, or the run is a full one.
import { describe, expect, it } from "vitest";
import { currentInputs, differences, isUnseenInput, type Inputs } from "./run.ts";

describe("the inputs Stryker's incremental mode cannot see", () => {
  it.each([
    ["simulator/server/sim-server.ts", true],
    ["scenarios/offline/R-OFFLINE.yaml", true],
    ["scenarios/rules.yaml", true],
    ["test/engine/harness.ts", true],
    ["test/support/declared-verdict.ts", true],
    ["test/mutation/crash-tag.ts", true],
    ["vitest.mutation.config.ts", true],
    ["package-lock.json", true],
    ["engine/engine.ts", false], // diffed by Stryker
    ["test/engine/timers.test.ts", false], // diffed by Stryker
    ["test/scenario/suite.test.ts", false], // diffed by Stryker
    ["test/reports/html.test.ts", false], // not in the mutation run
    ["simulator/targets/engine/index.ts", true],
    ["simulator/targets/index.ts", true],
    ["simulator/targets/prosody/expectations.yaml", false], // real-server targets: never loaded by the engine suite
    ["simulator/targets/ejabberd/ejabberd-server.ts", false],
    ["simulator/targets/xmpp/README.md", false],
    ["README.md", false],
  ])("%s → %s", (file, unseen) => {
    expect(isUnseenInput(file)).toBe(unseen);
  });

  it("are read from the tracked files, and include the scenario suite's YAML and the simulator", () => {
    const now = currentInputs();
    expect(Object.keys(now.files)).toContain("scenarios/registration/R-DISCO.yaml");
    expect(Object.keys(now.files)).toContain("simulator/scenario/run-scenario.ts");
    expect(Object.keys(now.files).some((f) => f.startsWith("engine/"))).toBe(false);
  });
});

describe("a baseline is reused only when nothing unseen changed", () => {
  const base: Inputs = { node: "20", files: { "simulator/a.ts": "1", "scenarios/b.yaml": "2" } };
  it("same inputs: reused", () => {
    expect(differences(base, { node: "20", files: { ...base.files } })).toEqual([]);
  });
  it("a changed, new or removed input, another Node major, or no baseline: a full run, saying why", () => {
    expect(differences(base, { node: "20", files: { "simulator/a.ts": "9", "scenarios/b.yaml": "2" } })).toEqual(["simulator/a.ts"]);
    expect(differences(base, { node: "20", files: { ...base.files, "scenarios/c.yaml": "3" } })).toEqual(["scenarios/c.yaml (new)"]);
    expect(differences(base, { node: "20", files: { "simulator/a.ts": "1" } })).toEqual(["scenarios/b.yaml (gone)"]);
    expect(differences(base, { node: "22", files: { ...base.files } })).toEqual(["Node 20 → 22"]);
    expect(differences(null, base)).toEqual(["no baseline"]);
  });
});
