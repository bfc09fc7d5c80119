// A scenario as loaded from YAML, after validation: the runner's input.
import type { SourceLocation } from "../../reports/model.ts";
import type { HookSpec, ScenarioOptions } from "../target.ts";

export type StepArgs = Record<string, unknown>;

export interface Step {
  index: number;
  action: string; // connect, enable, send, expect-pushes, …
  args: StepArgs; // normalized: a persona shorthand becomes { persona }
  note?: string;
  /** Per-target overrides: deviation reason and replacement args. */
  on: Record<string, { deviation?: string; skip?: string; args: StepArgs }>;
  loc: SourceLocation;
}

export interface Scenario {
  id: string; // file + "#" + name
  file: string;
  name: string;
  rules: string[];
  description?: string;
  options: ScenarioOptions;
  archive: boolean;
  personas: { name: string; account: string; resource: string }[];
  apps: string[];
  hooks?: HookSpec;
  on: Record<string, { deviation?: string; skip?: string }>;
  steps: Step[];
  source: string; // the YAML text of this scenario's document
  loc: SourceLocation;
}

export interface LoadError {
  message: string;
  loc: SourceLocation;
}

export interface BrokenScenario {
  id: string;
  file: string;
  name: string;
  rules: string[];
  errors: LoadError[];
  source: string;
}

export type Loaded = { ok: true; scenario: Scenario } | { ok: false; broken: BrokenScenario };
