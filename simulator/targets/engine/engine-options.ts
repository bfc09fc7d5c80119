// The scenario's options, split for the simulated world: mod_smacks' timers go to the simulated
// server, everything else to the engine under test (which validates them itself).
import type { PushOptions } from "../../../engine/options.ts";
import { effectiveOptions } from "../../options.ts";
import type { SmacksSettings } from "../../server/sim-server.ts";
import type { ScenarioOptions } from "../../target.ts";

export function splitOptions(o: ScenarioOptions): { push: PushOptions; smacks: SmacksSettings } {
  const { smacks_hibernation_time, smacks_max_ack_delay, ...push } = effectiveOptions(o);
  return { push, smacks: { hibernationTime: smacks_hibernation_time, maxAckDelay: smacks_max_ack_delay } };
}
