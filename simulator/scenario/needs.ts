// What a scenario needs from a target beyond the basics, read from the scenario itself, and the
// reason it cannot run on a target that lacks it: decided before the first step, never midway.
import { OPTIONS } from "../options.ts";
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
  const misfits: string[] = [];
  const reasons = new Set<string>();
  for (const o of needs.options) {
    const sup = caps.options[o];
    if (sup.ok) continue;
    const want = s.options[o];
    // A server whose value is fixed runs the scenario when that value is the one asked for; one
    // whose value is unknown is assumed to run the vocabulary's default (never for the timers).
    const fits = sup.value !== undefined ? sup.value === want : want === OPTIONS[o].default && !TIMERS.includes(o);
    if (fits) continue;
    misfits.push(`${o}: ${JSON.stringify(want)} (${target}: ${sup.value === undefined ? "unknown" : JSON.stringify(sup.value)})`);
    reasons.add(sup.reason);
  }
  return misfits.length > 0 ? `sets ${misfits.join(", ")}, which ${target} cannot give it: ${[...reasons].join("; ")}` : undefined;
}

const TIMERS: OptionName[] = ["smacks_hibernation_time", "smacks_max_ack_delay", "push_max_hibernation_timeout", "push_reply_timeout"];

/**
 * The options a scenario's verdict depends on, read from what it does and checks. A scenario
 * writes each of them out (test/scenario/options-contract.test.ts), so a target that cannot give
 * it that value skips it instead of failing it; options it leaves out cannot change its verdict.
 * XEP-0357-level scenarios are written to hold for any value of the policy options.
 */
export function optionsDependedOn(s: Scenario): OptionName[] {
  const out = new Set<OptionName>();
  const matches = s.steps.flatMap((st) => (st.action === "expect-pushes" ? [st.args.match, ...((st.args.pushes as unknown[]) ?? [])] : [])) as (Record<string, unknown> | undefined)[];
  const fields = (m: Record<string, unknown> | undefined) => Object.keys({ ...(m ?? {}), ...((m?.fields as object) ?? {}) });
  const touched = new Set(matches.flatMap(fields));
  if (touched.has("body") || touched.has("last-message-body")) out.add("push_notification_with_body").add("push_notification_important_body");
  if (touched.has("sender") || touched.has("last-message-sender")) out.add("push_notification_with_sender");
  if (s.steps.some((st) => st.action === "app" && typeof st.args.reply === "object")) out.add("push_max_errors");
  const enables = s.steps.filter((st) => st.action === "enable").length;
  if (enables > 1) out.add("push_max_devices");
  if (s.steps.some((st) => st.action === "stop-acking")) out.add("smacks_max_ack_delay");
  if (s.steps.some((st) => st.action === "app" && (st.args.reply === "silence" || st.args.delay !== undefined))) out.add("push_reply_timeout");
  return [...out];
}
