// What the ejabberd target offers: the vocabulary mapped onto mod_push, mod_push_keepalive and
// mod_stream_mgmt (per vhost), a restart on the same spool, and nothing that needs a server
// module of ours (ejabberd 23.01 has no hook we could reach for pings, vetoes or storage faults).
import type { OptionName, OptionSupport, Support, TargetCapabilities } from "../../target.ts";

const yes = { ok: true } as const;
const ours = (n: string): OptionSupport => ({ ok: false, reason: `${n} is pushlab's own option; ejabberd has no such setting` });

export const EJABBERD_OPTIONS: Record<OptionName, OptionSupport> = {
  push_notification_with_body: { ok: true, as: "mod_push include_body: true" },
  push_notification_with_sender: { ok: true, as: "mod_push include_sender" },
  push_max_errors: {
    ok: false,
    reason: "mod_push has no error count: it removes a registration at the first app-server error whose type is not 'wait'",
    value: 1,
  },
  push_notification_important_body: {
    ok: true,
    as: "mod_push include_body: TEXT (sent instead of the body of a message with a body or an OMEMO payload); false when empty",
  },
  push_max_devices: { ok: false, reason: "mod_push has no limit on registrations per user and evicts none" },
  push_max_hibernation_timeout: { ok: true, as: "mod_push_keepalive resume_timeout" },
  push_reply_timeout: {
    ok: false,
    // Measured: an error 30 s after its push removed the registration, one 34 s after it was ignored.
    reason: "mod_push waits for an app server's answer as long as ejabberd_router:route_iq's fixed 32 s, with no setting",
    value: 32,
  },
  push_dedup_memory: ours("push_dedup_memory"),
  smacks_hibernation_time: { ok: true, as: "mod_stream_mgmt resume_timeout" },
  smacks_max_ack_delay: { ok: true, as: "mod_stream_mgmt ack_timeout (a late ack closes the connection)" },
};

const noModule = (what: string): Support => ({ ok: false, reason: `ejabberd 23.01 offers no way to ${what} from outside, and pushlab adds no module to it` });

export const EJABBERD_CAPABILITIES: TargetCapabilities = {
  controls: {
    restart: { ok: true, note: "a dedicated ejabberd per scenario, restarted on the same spool (Mnesia)" },
    "store-failure": noModule("make push registration writes fail"),
    ping: noModule("fire a push to a user's registrations (mod_push has no ping command)"),
    "veto-hooks": noModule("veto a registration or a single push"),
    "app-offline": { ok: true, note: "a dedicated ejabberd whose app component disconnects" },
  },
  features: { "archive-off": yes, carbons: { ok: true, note: "mod_carboncopy" }, csi: { ok: true, note: "mod_client_state" } },
  options: EJABBERD_OPTIONS,
};
