// What the Prosody target offers: every mod_cloud_notify and mod_smacks option per VirtualHost,
// the server controls through our Lua modules (when the control component is on).
import type { OptionName, OptionSupport, Support, TargetCapabilities } from "../../target.ts";

const yes = { ok: true } as const;
const ours = (n: string): OptionSupport => ({ ok: false, reason: `${n} is pushlab's own option; mod_cloud_notify has no such setting` });

export const PROSODY_OPTIONS: Record<OptionName, OptionSupport> = {
  push_notification_with_body: { ok: true, as: "push_notification_with_body" },
  push_notification_with_sender: { ok: true, as: "push_notification_with_sender" },
  push_max_errors: { ok: true, as: "push_max_errors" },
  push_notification_important_body: { ok: true, as: "push_notification_important_body" },
  push_max_devices: { ok: true, as: "push_max_devices" },
  push_max_hibernation_timeout: { ok: true, as: "push_max_hibernation_timeout" },
  push_reply_timeout: ours("push_reply_timeout"),
  push_dedup_memory: ours("push_dedup_memory"),
  smacks_hibernation_time: { ok: true, as: "smacks_hibernation_time (mod_smacks)" },
  smacks_max_ack_delay: { ok: true, as: "smacks_max_ack_delay (mod_smacks)" },
};

export function prosodyCapabilities(controls: boolean): TargetCapabilities {
  const viaControl: Support = controls ? yes : { ok: false, reason: "the Prosody target runs without its control module (controls: false)" };
  return {
    controls: { restart: yes, "store-failure": viaControl, ping: viaControl, "veto-hooks": viaControl, "app-offline": yes },
    features: { "archive-off": yes, carbons: yes, csi: yes },
    options: PROSODY_OPTIONS,
  };
}
