// The printed counterexample must be a scenario our loader accepts, and replaying it on the engine
// target must do exactly what the property run did (same steps, same pushes).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../simulator/scenario/load.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";
import { runSchedule, type RunOutcome } from "./run.ts";
import { scheduleArb } from "./schedule.ts";
import { toYaml } from "./to-yaml.ts";

function load(text: string) {
  const [loaded, ...rest] = loadScenarioText(text, "property.yaml");
  expect(rest).toEqual([]);
  if (!loaded!.ok) throw new Error(`does not load:\n${loaded!.broken.errors.map((e) => `${e.loc.line}:${e.loc.col} ${e.message}`).join("\n")}\n${text}`);
  return loaded!.scenario;
}

const samples = fc.sample(scheduleArb, { numRuns: 40, seed: 4242 });

describe("to-yaml", () => {
  it("every kind of violation prints as a scenario that loads without errors", async () => {
    const run = await runSchedule(...samples.find(([, c]) => c.length > 20)!);
    const kinds: RunOutcome["violation"][] = [
      { invariant: "privacy", rules: ["R-PRIVACY"], message: "body leaked", push: { app: "push", index: 2, stanza: null, xml: "<iq/>" } },
      { invariant: "dedup", rules: ["R-DEDUP"], message: "twice", push: { app: "push", index: 0, stanza: null, xml: "<iq/>" } },
      { invariant: "max-devices", rules: ["R-MAXDEV"], message: "too many" },
    ];
    for (const violation of kinds) {
      const text = toYaml({ ...run, violation, pushCounts: { push: 3 } }, { seed: 1, path: "0:1" });
      const s = load(text);
      expect(s.steps.length).toBeGreaterThanOrEqual(run.steps.length);
      expect(s.rules).toEqual(violation!.rules);
    }
  });

  it("replaying a schedule's YAML on the engine target gives the same pushes", async () => {
    const target = createEngineTarget();
    for (const [world, cmds] of samples) {
      const run = await runSchedule(world, cmds);
      expect(run.violation).toBeUndefined();
      // The printed steps, plus one exact push count per app server at the end.
      const counts = Object.entries(run.pushCounts).map(([app, n]) => `  - expect-pushes: { app: ${app}, count: ${n}, within: 0ms }\n`);
      const s = load(toYaml(run) + counts.join(""));
      const result = await runScenario(s, target);
      expect(result.findings, s.source).toEqual([]);
      expect(result.verdict).toBe("passed");
    }
  });
});
