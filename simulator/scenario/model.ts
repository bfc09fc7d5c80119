// A scenario as loaded from YAML, after validation: the runner's input.
import type { Level, SourceLocation } from "../results.ts";
import type { HookSpec, ScenarioOptions } from "../target.ts";
import type { LoadError } from "../yaml/locate.ts";

export type { LoadError };

export type StepArgs = Record<string, unknown>;

export interface Step {
  index: number;
  action: string; // connect, enable, send, expect-pushes, …
  args: StepArgs; // normalized: a persona shorthand becomes { persona }
  note?: string;
  loc: SourceLocation;
}

export interface Scenario {
  id: string; // file + "#" + name
  /** How expectation files name it: the file under scenarios/ without .yaml (+ "#name" in multi-document files). */
  key: string;
  file: string;
  name: string;
  rules: string[];
  level: Level; // the level of its rules (one level per scenario)
  description?: string;
  options: ScenarioOptions;
  archive: boolean;
  personas: { name: string; account: string; resource: string }[];
  apps: string[];
  hooks?: HookSpec;
  steps: Step[];
  source: string; // the YAML text of this scenario's document
  loc: SourceLocation;
}

export interface BrokenScenario {
  id: string;
  key: string;
  file: string;
  name: string;
  rules: string[];
  errors: LoadError[];
  source: string;
}

export type Loaded = { ok: true; scenario: Scenario } | { ok: false; broken: BrokenScenario };
