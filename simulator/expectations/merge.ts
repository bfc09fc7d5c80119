// A declared replacement replaces the step's expectation arguments it names. For expect-pushes the
// push-count bounds form one group: giving any of count / at-least / at-most replaces all three.
import type { StepArgs } from "../scenario/model.ts";

const COUNT_BOUNDS = ["count", "at-least", "at-most"];

export function mergeExpectation(action: string, base: StepArgs, over: StepArgs): StepArgs {
  const merged = { ...base };
  if (action === "expect-pushes" && COUNT_BOUNDS.some((k) => k in over)) for (const k of COUNT_BOUNDS) delete merged[k];
  return { ...merged, ...over };
}
