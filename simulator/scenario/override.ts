// A per-target override replaces step arguments. For expect-pushes the push-count bounds form one
// group: an override that gives any of count / at-least / at-most replaces all three.
import type { StepArgs } from "./model.ts";

const COUNT_BOUNDS = ["count", "at-least", "at-most"];

export function mergeOverride(action: string, base: StepArgs, over: StepArgs): StepArgs {
  const merged = { ...base };
  if (action === "expect-pushes" && COUNT_BOUNDS.some((k) => k in over)) for (const k of COUNT_BOUNDS) delete merged[k];
  return { ...merged, ...over };
}
