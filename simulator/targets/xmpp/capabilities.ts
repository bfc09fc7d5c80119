// What the xmpp target can do: it starts nothing and reaches the server only as a client and a
// component, so no server controls and no option it can set; features as the server offers
// them; each option's value as the user declared it (else unknown; see unmetNeed in
// simulator/scenario/needs.ts for how a scenario's options are matched against it).
import { OPTION_NAMES } from "../../options.ts";
import type { ControlName, OptionName, OptionSupport, Support, TargetCapabilities } from "../../target.ts";
import type { ServerFacts } from "./discover.ts";
import type { OptionValue } from "./settings.ts";

const no = (reason: string): Support => ({ ok: false, reason });

export const XMPP_CONTROLS: Record<ControlName, Support> = {
  restart: no("the xmpp target does not run the server, so it cannot restart it"),
  "store-failure": no("the xmpp target has no access to the server's storage"),
  ping: no("cloud-notify-ping is an event inside the server; no client or component can fire it"),
  "veto-hooks": no("veto hooks are server modules; the xmpp target cannot install any"),
  "app-offline": no("the fake app server's component is shared by every scenario on a server the xmpp target does not run"),
};

export function xmppCapabilities(facts: ServerFacts, declared: Partial<Record<OptionName, OptionValue>>): TargetCapabilities {
  const options = {} as Record<OptionName, OptionSupport>;
  for (const name of OPTION_NAMES) {
    const value = declared[name];
    options[name] = {
      ok: false,
      reason: "the server's own configuration decides it (declare its value under server-options or with --server-option)",
      ...(value !== undefined && { value }),
    };
  }
  return {
    controls: XMPP_CONTROLS,
    features: {
      "archive-off": no("the archive is the server's configuration; the xmpp target cannot turn it off for one scenario"),
      carbons: facts.carbons ? { ok: true } : no("the server does not advertise message carbons (urn:xmpp:carbons:2) in disco#info"),
      csi: facts.csi ? { ok: true } : no("the server offers no client state indication (urn:xmpp:csi:0) stream feature"),
    },
    options,
  };
}
