// A target's expectation file, loaded: what that server does instead of what a scenario expects
// (web-platform-tests keep such metadata per browser beside shared tests; we keep it per target).
import type { DeclarationSource } from "../results.ts";
import type { StepArgs } from "../scenario/model.ts";

/** One step's declaration. */
export interface StepDeclaration {
  reason: string;
  /**
   * deviation: the server does one of `alternatives` instead (each exact; the scenario's own
   * expectation holding means the declaration is stale). stricter: `alternatives[0]` must hold
   * as well as the scenario's expectation; a pass, not a deviation.
   */
  kind: "deviation" | "stricter";
  /** Replacement expectation arguments, as written (merged with the step's arguments when judged). */
  alternatives: StepArgs[];
  /** Written as `one-of:` (declared nondeterminism; a conforming alternative may show up). */
  oneOf: boolean;
  source: DeclarationSource;
}

/** A whole-scenario declaration: the server cannot get past `covers` steps; no exact instead. */
export interface ScenarioDeclaration {
  reason: string;
  covers: number[]; // 0-based step indexes where the scenario may fail
  insteadText: string;
  source: DeclarationSource;
}

export interface ScenarioExpectations {
  skip?: { reason: string; source: DeclarationSource };
  whole?: ScenarioDeclaration;
  steps: Map<number, StepDeclaration>; // by 0-based step index
}

export interface ExpectationSet {
  target: string;
  file: string;
  observedOn: string[];
  scenarios: Map<string, ScenarioExpectations>; // by scenario key
}
