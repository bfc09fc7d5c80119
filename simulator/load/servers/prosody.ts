// Prosody for a load run: harness-started, one VirtualHost with the load's options, file storage
// (its default) or SQLite. Started as a user would run it: none of our test modules that report
// every message to a controller (pushlab_control), warnings-only logging.
import { readFileSync } from "node:fs";
import { registerAccount } from "../../targets/xmpp/in-band-registration.ts";
import type { LoadServer, LoadServerSettings } from "../load-server.ts";
import { debianPackageVersion } from "../../targets/debian-package.ts";

/** Our module that reports each offline message, hibernation and ack delay to the control component. */
export const LOAD_WITHOUT_MODULES = ["pushlab_control"];

/** Why SQLite storage cannot run here, or undefined when it can. */
export function sqliteMissing(): string | undefined {
  return debianPackageVersion("lua-dbi-sqlite3") ? undefined : "Prosody's SQLite storage needs lua-dbi-sqlite3: apt-get install -y lua-dbi-sqlite3";
}

export async function startProsodyForLoad(s: LoadServerSettings): Promise<LoadServer> {
  const { prosodyInstalled } = await import("../../targets/prosody/index.ts");
  const avail = prosodyInstalled();
  if (!avail.ok) throw new Error(avail.reason);
  const sql = s.storage === "sql";
  if (sql) {
    const why = sqliteMissing();
    if (why) throw new Error(why);
  }
  const { ProsodyServer } = await import("../../targets/prosody/prosody-server.ts");
  const { hostFor } = await import("../../targets/prosody/option-hosts.ts");
  const host = hostFor({
    options: { push_notification_with_body: true, smacks_hibernation_time: s.hibernationS, smacks_max_ack_delay: s.ackDelayS },
    archive: s.archive,
  });
  // Logging every stanza at info would be part of what we measure: warnings only. On SQL the
  // accounts live in the database: they are made by in-band registration from loopback.
  const server = await ProsodyServer.start({
    hosts: [host],
    logLevel: "warn",
    withoutModules: LOAD_WITHOUT_MODULES,
    ...(sql && { storage: "sql" as const, extras: { registration: true } }),
  });
  try {
    await server.ensureHost(host);
  } catch (e) {
    await server.stop();
    throw e;
  }
  let version = "";
  try {
    version = readFileSync("/usr/lib/prosody/prosody.version", "utf8").trim();
  } catch {
    /* unknown */
  }
  const link = { service: server.service, domain: host.name, tls: { mode: "none" as const } };
  return {
    label: `Prosody ${version || "(version unknown)"}`,
    get pid() {
      return server.pid;
    },
    service: server.service,
    c2sPort: server.c2sPort,
    host: host.name,
    pushDomain: server.pushDomain,
    pushSecret: server.pushSecret,
    componentPort: server.componentPort,
    details: { storage: sql ? "SQLite (mod_storage_sql)" : "files (internal)", archive: s.archive ? "MAM on" : "MAM off" },
    get running() {
      return server.running;
    },
    deathNote: () => server.deathNote(),
    addAccount: (local, password) => (sql ? registerAccount(link, local, password) : server.addAccount(host.name, local, password)),
    stop: () => server.stop(),
  };
}
