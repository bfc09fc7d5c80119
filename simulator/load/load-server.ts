// What a load run needs from a real server, whichever it is: where clients connect, the app
// server component's address and secret, accounts, its PID (for /proc sampling), and a stop.
// Each target has a factory of its own in servers/ (prosody, ejabberd, xmpp).
import type { ClientTls } from "../wire/client-tls.ts";
import type { XmppSettings } from "../targets/xmpp/settings.ts";

import type { LoadOptions } from "./options.ts";

export type LoadStorage = LoadOptions["storage"];

export interface LoadServerSettings {
  /** Seconds a hibernated session is kept: longer than the whole run. */
  hibernationS: number;
  /** Seconds before an unanswered ack request counts as delayed. */
  ackDelayS: number;
  /** Message archive (MAM) on for every account. */
  archive: boolean;
  /** Prosody's storage: files (its default) or SQLite. */
  storage: LoadStorage;
  /** The generic target's connection settings (--target xmpp). */
  xmpp?: XmppSettings;
  /** The server process to sample from /proc, when pushlab did not start it (--server-pid). */
  serverPid?: number;
}

export interface LoadServer {
  readonly label: string; // e.g. "Prosody 0.12.3"
  /** The server process, sampled from /proc; -1 when unknown (a server we did not start, not found). */
  readonly pid: number;
  readonly service: string; // xmpp://127.0.0.1:PORT
  readonly c2sPort: number;
  readonly c2sHost?: string; // default 127.0.0.1
  readonly host: string; // the domain the load's accounts live on
  readonly pushDomain: string; // the app server component's domain
  readonly pushSecret: string;
  readonly componentPort: number;
  readonly componentHost?: string; // default 127.0.0.1
  readonly tls?: ClientTls; // how clients connect (default: xmpp.js's own behaviour, no TLS on loopback)
  /** Put before every account's local part (a shared server may keep an earlier run's accounts). */
  readonly localPrefix?: string;
  /** What the report's target card says besides the label (storage, archive …). */
  readonly details: Record<string, string>;
  readonly running: boolean;
  deathNote(): string;
  addAccount(local: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export type LoadServerFactory = (s: LoadServerSettings) => Promise<LoadServer>;

export const LOAD_SERVERS: Record<string, () => Promise<LoadServerFactory>> = {
  prosody: async () => (await import("./servers/prosody.ts")).startProsodyForLoad,
  ejabberd: async () => (await import("./servers/ejabberd.ts")).startEjabberdForLoad,
  xmpp: async () => (await import("./servers/xmpp.ts")).connectXmppForLoad,
};

export const LOAD_TARGETS = Object.keys(LOAD_SERVERS);

export async function startLoadServer(target: string, s: LoadServerSettings): Promise<LoadServer> {
  const f = LOAD_SERVERS[target];
  if (!f) throw new Error(`load: no load support for target '${target}' (known: ${LOAD_TARGETS.join(", ")})`);
  return (await f())(s);
}
