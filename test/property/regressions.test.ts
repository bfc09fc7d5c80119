// Scenarios for bugs the property test found (test/property/regressions/*.yaml) must pass on the
// engine target.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../simulator/scenario/load.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../../simulator/targets/engine.ts";

const dir = new URL("./regressions/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

describe("property-test regressions", () => {
  it.each(files)("%s passes on the engine", async (file) => {
    for (const loaded of loadScenarioFile(new URL(file, dir).pathname, file)) {
      if (!loaded.ok) throw new Error(loaded.broken.errors.map((e) => `${e.loc.line}:${e.loc.col} ${e.message}`).join("\n"));
      const result = await runScenario(loaded.scenario, createEngineTarget());
      expect(result.findings).toEqual([]);
      expect(result.verdict).toBe("passed");
    }
  });
});
