// Why a step stopped: a failed expectation, a scenario that cannot run as written, or a target
// that lacks a control the scenario needs.
import type { Finding } from "../results.ts";

export class ExpectationFailed extends Error {
  constructor(readonly finding: Omit<Finding, "step" | "location">) {
    super(finding.message);
    this.name = "ExpectationFailed";
  }
}

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScenarioError";
  }
}

export class Unsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Unsupported";
  }
}
