// The engine target can do everything a scenario asks: it is the reference.
import { OPTION_NAMES } from "../../options.ts";
import type { OptionName, OptionSupport, TargetCapabilities } from "../../target.ts";

const yes = { ok: true } as const;

export const ENGINE_CAPABILITIES: TargetCapabilities = {
  controls: { restart: yes, "store-failure": yes, ping: yes, "veto-hooks": yes, "app-offline": yes },
  features: { "archive-off": yes, carbons: yes, csi: yes },
  options: Object.fromEntries(OPTION_NAMES.map((n) => [n, { ok: true, as: n }])) as Record<OptionName, OptionSupport>,
};
