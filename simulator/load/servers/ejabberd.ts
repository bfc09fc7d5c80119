// ejabberd for a load run: harness-started (as the ejabberd target does), one vhost with the
// load's options, mod_mam on Mnesia or no archive at all (--archive), accounts through
// mod_http_api, warnings-only logging. The Erlang VM (beam) is the process we sample.
import type { LoadServer, LoadServerSettings } from "../load-server.ts";

export async function startEjabberdForLoad(s: LoadServerSettings): Promise<LoadServer> {
  const { ejabberdInstalled, versionLabel } = await import("../../targets/ejabberd/install.ts");
  const avail = ejabberdInstalled();
  if (!avail.ok) throw new Error(avail.reason);
  if (s.storage !== "file") throw new Error("--storage: ejabberd keeps its data in Mnesia here; only Prosody takes --storage sql");
  const { EjabberdServer } = await import("../../targets/ejabberd/ejabberd-server.ts");
  const { hostFor } = await import("../../targets/ejabberd/option-hosts.ts");
  const host = hostFor({
    options: {
      push_notification_with_body: true,
      smacks_hibernation_time: s.hibernationS,
      smacks_max_ack_delay: s.ackDelayS,
      push_max_hibernation_timeout: s.hibernationS,
    },
    archive: s.archive,
  });
  const server = await EjabberdServer.start({ hosts: [host], logLevel: "warning" });
  try {
    await server.ensureHost(host);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    label: versionLabel(),
    get pid() {
      return server.beamPid;
    },
    service: server.service,
    c2sPort: server.ports.c2s,
    host: host.name,
    pushDomain: server.pushDomain,
    pushSecret: server.pushSecret,
    componentPort: server.componentPort,
    details: { storage: "Mnesia", archive: s.archive ? "mod_mam on Mnesia" : "no mod_mam" },
    get running() {
      return server.running;
    },
    deathNote: () => server.deathNote(),
    addAccount: (local, password) => server.addAccount(host.name, local, password),
    stop: () => server.stop(),
  };
}
