// What a load run needs from a real server, whichever it is: where clients connect, the app
// server component's address and secret, accounts, its PID (for /proc sampling), and a stop.
// Prosody is here; ejabberd and the generic `xmpp` target plug in with a factory of their own.
export interface LoadServerSettings {
  /** Seconds a hibernated session is kept: longer than the whole run. */
  hibernationS: number;
  /** Seconds before an unanswered ack request counts as delayed. */
  ackDelayS: number;
  /** Message archive (MAM) on for every account. */
  archive: boolean;
}

export interface LoadServer {
  readonly label: string; // e.g. "Prosody 0.12.3"
  readonly pid: number; // the server process, sampled from /proc
  readonly service: string; // xmpp://127.0.0.1:PORT
  readonly c2sPort: number;
  readonly host: string; // the domain the load's accounts live on
  readonly pushDomain: string; // the app server component's domain
  readonly pushSecret: string;
  readonly componentPort: number;
  readonly running: boolean;
  deathNote(): string;
  addAccount(local: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export type LoadServerFactory = (s: LoadServerSettings) => Promise<LoadServer>;

async function prosody(s: LoadServerSettings): Promise<LoadServer> {
  const { prosodyInstalled } = await import("../targets/prosody/index.ts");
  const avail = prosodyInstalled();
  if (!avail.ok) throw new Error(avail.reason);
  const { ProsodyServer } = await import("../targets/prosody/prosody-server.ts");
  const { hostFor } = await import("../targets/prosody/option-hosts.ts");
  const { readFileSync } = await import("node:fs");
  const host = hostFor({
    options: { push_notification_with_body: true, smacks_hibernation_time: s.hibernationS, smacks_max_ack_delay: s.ackDelayS },
    archive: s.archive,
  });
  // Logging every stanza at info would be part of what we measure: warnings only.
  const server = await ProsodyServer.start({ hosts: [host], logLevel: "warn" });
  await server.ensureHost(host);
  let version = "";
  try {
    version = readFileSync("/usr/lib/prosody/prosody.version", "utf8").trim();
  } catch {
    /* unknown */
  }
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
    get running() {
      return server.running;
    },
    deathNote: () => server.deathNote(),
    addAccount: (local, password) => server.addAccount(host.name, local, password),
    stop: () => server.stop(),
  };
}

export const LOAD_SERVERS: Record<string, LoadServerFactory> = { prosody };

export async function startLoadServer(target: string, s: LoadServerSettings): Promise<LoadServer> {
  const f = LOAD_SERVERS[target];
  if (!f) throw new Error(`load: no load support for target '${target}' yet (known: ${Object.keys(LOAD_SERVERS).join(", ")})`);
  return f(s);
}
