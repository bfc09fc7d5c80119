// Scenario options: the engine's (push_*) and the server's (smacks_*), validated together.
import { checkOption, OptionError, PUSH_OPTION_SPECS, type OptionSpec, type PushOptions } from "../engine/options.ts";
import type { SmacksSettings } from "./server/sim-server.ts";
import type { ScenarioOptions } from "./target.ts";

export const SMACKS_OPTION_SPECS: Record<string, OptionSpec> = {
  smacks_hibernation_time: { kind: "seconds", default: 600, doc: "seconds a vanished session is kept (server)" },
  smacks_max_ack_delay: { kind: "seconds", default: 30, doc: "seconds before an unanswered ack request counts as delayed (server)" },
};

export function splitOptions(o: ScenarioOptions): { push: Partial<PushOptions>; smacks: SmacksSettings } {
  const push: Record<string, unknown> = {};
  let hibernationTime = SMACKS_OPTION_SPECS.smacks_hibernation_time!.default as number;
  let maxAckDelay = SMACKS_OPTION_SPECS.smacks_max_ack_delay!.default as number;
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (k === "smacks_hibernation_time") hibernationTime = checkOption(k, SMACKS_OPTION_SPECS[k]!, v) as number;
    else if (k === "smacks_max_ack_delay") maxAckDelay = checkOption(k, SMACKS_OPTION_SPECS[k]!, v) as number;
    else if (k in PUSH_OPTION_SPECS) push[k] = checkOption(k, PUSH_OPTION_SPECS[k as keyof PushOptions], v);
    else throw new OptionError(k, "unknown option");
  }
  return { push: push as Partial<PushOptions>, smacks: { hibernationTime, maxAckDelay } };
}
