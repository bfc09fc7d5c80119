// Scenario options → one Prosody VirtualHost per distinct option set, so scenarios with
// different module options can run side by side on one server process.
import { createHash } from "node:crypto";
import type { ScenarioOptions, WorldSpec } from "../../target.ts";

/** Short defaults so hibernation and ack-delay rules play out in seconds. */
export const DEFAULT_HIBERNATION_S = 6;
export const DEFAULT_ACK_DELAY_S = 3;

export interface HostSpec {
  name: string; // the VirtualHost, e.g. o1a2b3c4d.localhost
  key: string; // canonical form of what distinguishes it
  archive: boolean;
  options: Record<string, boolean | number | string>; // module options as Prosody names them
}

const MODULE_OPTIONS: (keyof ScenarioOptions)[] = [
  "push_notification_with_body",
  "push_notification_with_sender",
  "push_max_errors",
  "push_notification_important_body",
  "push_max_devices",
  "push_max_hibernation_timeout",
  "smacks_max_ack_delay",
  "smacks_hibernation_time",
];

export function hostFor(world: Pick<WorldSpec, "options" | "archive">): HostSpec {
  const options: Record<string, boolean | number | string> = {
    smacks_hibernation_time: DEFAULT_HIBERNATION_S,
    smacks_max_ack_delay: DEFAULT_ACK_DELAY_S,
  };
  for (const k of MODULE_OPTIONS) {
    const v = world.options[k];
    if (v !== undefined) options[k] = v;
  }
  const sorted = Object.keys(options).sort().map((k) => [k, options[k]]);
  const key = JSON.stringify({ archive: world.archive, options: sorted });
  const hash = createHash("sha1").update(key).digest("hex").slice(0, 8);
  return { name: `o${hash}.localhost`, key, archive: world.archive, options };
}
