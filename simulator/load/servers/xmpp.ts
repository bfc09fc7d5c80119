// The generic target for a load run: any server already running on this machine (a maintainer's
// build, a container with a published port), reached on loopback only as any client would —
// its client port (TLS as configured), a XEP-0114 component for our app server, accounts by
// in-band registration (removed again at the end). Its CPU and memory are sampled from /proc
// when its PID is known: --server-pid, or the process listening on the client port.
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { serviceUrl } from "../../wire/client-tls.ts";
import { registerAccount, unregisterAccount } from "../../targets/xmpp/in-band-registration.ts";
import type { LinkSettings } from "../../targets/xmpp/client-link.ts";
import type { LoadServer, LoadServerSettings } from "../load-server.ts";
import { pidListeningOn, processName } from "../proc.ts";

const REMOVE_AT_ONCE = 10;

/** Loopback only: a load test sends its traffic to nothing but this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export async function connectXmppForLoad(s: LoadServerSettings): Promise<LoadServer> {
  const x = s.xmpp;
  if (!x) throw new Error("--target xmpp: give the server's settings (--xmpp-config FILE or --domain, --component-domain, --component-secret, --register …)");
  for (const [what, host] of [["--xmpp-host", x.host], ["--component-host", x.component.host]] as const) {
    if (!isLoopback(host)) throw new Error(`${what} ${host}: pushlab load sends traffic to this machine only (127.0.0.0/8, ::1, localhost)`);
  }
  if (x.accounts.kind !== "register") throw new Error(`load needs hundreds of fresh accounts: use --register (in-band registration), not an accounts file (${x.accounts.file})`);
  if (s.storage !== "file") throw new Error("--storage: a server pushlab does not start keeps its own storage; --storage is for --target prosody");
  const link: LinkSettings = { service: serviceUrl(x.host, x.port, x.tls.mode), domain: x.domain, tls: x.tls };
  const pid = s.serverPid ?? pidListeningOn(x.port) ?? -1;
  const name = pid > 0 ? processName(pid) : undefined;
  const registered = new Map<string, string>(); // local → password
  // A shared server may keep accounts from an earlier run: every local part names this run.
  const prefix = `pl${randomBytes(3).toString("hex")}-`;
  return {
    label: `XMPP server at ${x.host}:${x.port}${name ? ` (${name})` : ""}`,
    pid,
    service: link.service,
    c2sPort: x.port,
    c2sHost: x.host,
    host: x.domain,
    pushDomain: x.component.domain,
    pushSecret: x.component.secret,
    componentPort: x.component.port,
    componentHost: x.component.host,
    tls: x.tls,
    localPrefix: prefix,
    details: {
      c2s: `${x.host}:${x.port} (${x.tls.mode})`,
      component: `${x.component.domain} at ${x.component.host}:${x.component.port}`,
      sampled: pid > 0 ? `PID ${pid}${s.serverPid ? " (--server-pid)" : " (listening on the client port)"}` : "not sampled: no PID (--server-pid)",
    },
    get running() {
      return pid <= 0 || existsSync(`/proc/${pid}`);
    },
    deathNote: () => `the server process (PID ${pid}) is gone`,
    async addAccount(local, password) {
      await registerAccount(link, local, password);
      registered.set(local, password);
    },
    async stop() {
      // Remove what we registered (bounded per account by the link's timeouts), a few at once.
      const all = [...registered];
      const failed: string[] = [];
      for (let i = 0; i < all.length; i += REMOVE_AT_ONCE) {
        await Promise.all(
          all.slice(i, i + REMOVE_AT_ONCE).map(([local, pw]) =>
            unregisterAccount(link, local, pw)
              .then(() => registered.delete(local))
              .catch((e: Error) => failed.push(`${local}: ${e.message}`)),
          ),
        );
      }
      if (failed.length > 0) process.stderr.write(`load: ${failed.length} account(s) not removed from ${x.domain}: ${failed.slice(0, 3).join("; ")}\n`);
    },
  };
}
