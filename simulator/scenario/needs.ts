// What a scenario needs from a target beyond the basics, read from the scenario itself, and the
// reason it cannot run on a target that lacks it: decided before the first step, never midway.
import type { ControlName, FeatureName, OptionName, TargetCapabilities } from "../target.ts";
import type { Scenario } from "./model.ts";

export interface ScenarioNeeds {
  controls: ControlName[];
  features: FeatureName[];
  options: OptionName[]; // the options the scenario sets (it depends on their values)
}

export function needsOf(s: Scenario): ScenarioNeeds {
  const controls = new Set<ControlName>();
  const features = new Set<FeatureName>();
  for (const st of s.steps) {
    if (st.action === "restart") controls.add("restart");
    if (st.action === "store") controls.add("store-failure");
    if (st.action === "ping") controls.add("ping");
    if (st.action === "app-offline" || st.action === "app-online") controls.add("app-offline");
    if (st.action === "csi") features.add("csi");
    if (st.action === "connect" && st.args.carbons === true) features.add("carbons");
  }
  if ((s.hooks?.vetoRegistration?.length ?? 0) + (s.hooks?.vetoPush?.length ?? 0) > 0) controls.add("veto-hooks");
  if (!s.archive) features.add("archive-off");
  return { controls: [...controls], features: [...features], options: Object.keys(s.options) as OptionName[] };
}

/** Why the scenario cannot run on a target with these capabilities, or undefined when it can. */
export function unmetNeed(s: Scenario, caps: TargetCapabilities, target: string): string | undefined {
  const needs = needsOf(s);
  for (const c of needs.controls) {
    const sup = caps.controls[c];
    if (!sup.ok) return `needs the ${c} control: ${sup.reason}`;
  }
  for (const f of needs.features) {
    const sup = caps.features[f];
    if (!sup.ok) return `needs ${f}: ${sup.reason}`;
  }
  for (const o of needs.options) {
    const sup = caps.options[o];
    if (sup.ok) continue;
    const want = s.options[o];
    if (sup.value !== undefined && sup.value === want) continue; // the server's fixed value is the one asked for
    const have = sup.value === undefined ? "" : ` (${target} has ${JSON.stringify(sup.value)})`;
    return `sets ${o}: ${JSON.stringify(want)}, which ${target} cannot set${have}: ${sup.reason}`;
  }
  return undefined;
}
