// One option vocabulary: the harness's own statement (simulator/options.ts) must equal the
// engine's option specs and the scenario schema, so neither can drift silently.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PUSH_OPTION_SPECS } from "../../engine/options.ts";
import { OPTION_NAMES, OPTIONS } from "../../simulator/options.ts";
import { SCENARIO_SCHEMA } from "../../simulator/scenario/schema.ts";

const schema = JSON.parse(readFileSync(new URL("../../scenarios/scenario.schema.json", import.meta.url), "utf8"));

describe("option vocabulary", () => {
  it("the engine's options are the harness's push_* options, with the same kinds and defaults", () => {
    const harness = Object.fromEntries(OPTION_NAMES.filter((n) => n.startsWith("push_")).map((n) => [n, { kind: OPTIONS[n].kind, default: OPTIONS[n].default }]));
    const engine = Object.fromEntries(Object.entries(PUSH_OPTION_SPECS).map(([n, s]) => [n, { kind: s.kind, default: s.default }]));
    expect(harness).toEqual(engine);
  });

  it("scenarios/scenario.schema.json is the one generated from simulator/scenario/schema.ts (npm run schema)", () => {
    expect(schema).toEqual(JSON.parse(JSON.stringify(SCENARIO_SCHEMA)));
  });

  it("the scenario schema lists exactly the vocabulary, with matching types", () => {
    const props = schema.properties.options.properties as Record<string, { type: string; minimum?: number }>;
    expect(Object.keys(props).sort()).toEqual([...OPTION_NAMES].sort());
    for (const n of OPTION_NAMES) {
      const want = { boolean: "boolean", string: "string", count: "integer", seconds: "number" }[OPTIONS[n].kind];
      expect(props[n]!.type, n).toBe(want);
    }
  });
});
