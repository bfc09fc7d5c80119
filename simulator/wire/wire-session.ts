// One scenario's isolated world on a real server: its own users (unique local parts on the
// scenario's host), its own app JIDs, its trace, and real (bounded) time. Server-neutral: each
// server target hands in its WireServer, its app gateway and, if it has one, a ServerProbe.
import type { AppServerHandle, PersonaHandle, ServerControls, TargetSession, WorldSpec } from "../target.ts";
import { Trace } from "../trace.ts";
import type { AppGateway, WireAppServer } from "./wire-app-server.ts";
import { WirePersona } from "./wire-persona.ts";
import { delay, pollUntil } from "./bounded.ts";
import { Unsupported } from "../scenario/errors.ts";
import type { AccountCredentials, AccountSource, ServerProbe, WireServer } from "./wire-server.ts";

const LINKS_GONE_TIMEOUT_MS = 3_000;

export interface WireSessionDeps {
  server: WireServer;
  gateway: AppGateway;
  probe?: ServerProbe;
  host: string;
  tag: string; // unique per session; part of every local part and app JID
  password: string;
  /** Restarts this session's server keeping its storage; resolves to a note for the timeline. */
  restart?: () => Promise<string>;
  /** Makes the server's registration writes fail (on) or work again (off). */
  storeFailure?: (on: boolean) => Promise<void>;
  /** Disconnects (false) or reconnects (true) the app servers' component (a server of the session's own). */
  appConnection?: (online: boolean) => Promise<void>;
  /** Set when the session has a server of its own: called on close (stops it). */
  release?: () => Promise<void>;
  /** Leave accounts in place on close (a server of the session's own goes away whole). */
  keepAccounts?: boolean;
  /** Existing accounts to use instead of creating them (server.addAccount) per session. */
  accounts?: AccountSource;
}

export function slug(s: string, max = 24): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, max).replace(/-+$/, "") || "x";
}

export class WireSession implements TargetSession {
  readonly trace: Trace;
  readonly controls: ServerControls = {};
  private readonly t0 = performance.now();
  private readonly personas = new Map<string, WirePersona>();
  private readonly apps = new Map<string, WireAppServer>();
  private readonly locals = new Map<string, string>(); // account → local part
  private readonly unsubscribe: (() => void)[] = [];
  private claimed: string[] = []; // local parts taken from deps.accounts
  private closed = false;
  /** Aborted on close: a sleep or wait still running (after the scenario limit) ends at once. */
  private readonly closing = new AbortController();

  constructor(
    private readonly world: WorldSpec,
    private readonly deps: WireSessionDeps,
  ) {
    this.trace = new Trace(() => this.now());
  }

  get domain(): string {
    return this.deps.host;
  }

  /** Creates the accounts, personas, apps and controls; call once before use. */
  async setup(): Promise<void> {
    const { server, gateway, probe, host, tag, password } = this.deps;
    const claimed = await this.claimAccounts();
    const passwords = new Map<string, string>();
    for (const p of this.world.personas) {
      if (!this.locals.has(p.account)) {
        const given = claimed?.get(p.account);
        const local = given?.local ?? `${slug(p.account, 16)}.${tag}`;
        this.locals.set(p.account, local);
        passwords.set(local, given?.password ?? password);
        if (!given) await server.addAccount(host, local, password);
      }
      const local = this.locals.get(p.account)!;
      const serverState = probe && ((resource: string) => probe.sessionState(host, local, resource));
      const persona = new WirePersona({
        spec: p, local, domain: host, password: passwords.get(local)!, service: server.service, trace: this.trace, serverState,
        ...(server.tls && { tls: server.tls }),
      });
      this.personas.set(p.name, persona);
    }
    for (const a of this.world.apps) this.apps.set(a.name, gateway.add(a.name, tag, this.trace, () => this.now()));
    const { restart, storeFailure } = this.deps;
    if (restart) this.controls.restart = () => this.restart(restart);
    if (storeFailure) this.controls.storeFailure = storeFailure;
    const appConnection = this.deps.appConnection;
    if (appConnection)
      this.controls.appConnection = async (app, online) => {
        await appConnection(online);
        this.trace.add("note", "server", { text: `app component ${online ? "connected again" : "disconnected"} (for ${app} and every app of this world)` });
      };
    const hooks = this.world.hooks;
    if (hooks && (hooks.vetoRegistration?.length ?? 0) + (hooks.vetoPush?.length ?? 0) > 0 && !probe?.setRules) {
      // Never drop a scenario's hooks silently (the runner skips such worlds by capabilities first).
      throw new Unsupported(`${server.label} offers no veto hooks here`);
    }
    if (probe) {
      // The server's own events (hibernation, ack delay, offline storage, session end) join the timeline.
      for (const local of this.locals.values()) {
        this.unsubscribe.push(
          probe.onEvents(host, local, (e) => this.trace.add("server", "server", { text: `${local}@${host}${e.resource ? `/${e.resource}` : ""}: ${e.text}` })),
        );
      }
      const ping = probe.ping?.bind(probe);
      if (ping) this.controls.ping = (account, nodes) => ping(host, this.localOf(account), nodes);
      if (probe.setRules && hooks && (hooks.vetoRegistration?.length ?? 0) + (hooks.vetoPush?.length ?? 0) > 0) {
        for (const local of this.locals.values()) await probe.setRules(host, local, hooks);
      }
    }
    this.trace.add("note", "server", {
      text: `${server.label} host ${host}; accounts ${[...this.locals.values()].join(", ")}; apps ${[...this.apps.values()].map((a) => a.jid).join(", ")}`,
    });
  }

  private async claimAccounts(): Promise<Map<string, AccountCredentials> | undefined> {
    const source = this.deps.accounts;
    if (!source) return undefined;
    const names = [...new Set(this.world.personas.map((p) => p.account))];
    const claimed = await source.claim(names);
    // Held from here on: close() gives them back even if the rest of setup fails.
    this.claimed = names.map((n) => claimed.get(n)!.local);
    return claimed;
  }

  /** Our local part for a scenario account; the local part itself is accepted too. */
  private localOf(account: string): string {
    const local = this.locals.get(account) ?? [...this.locals.values()].find((l) => l === account);
    if (!local) throw new Error(`unknown account '${account}' (known: ${[...this.locals.keys()].join(", ")})`);
    return local;
  }

  private async restart(restartServer: () => Promise<string>): Promise<void> {
    const note = await restartServer();
    // Every client link died with the old process; make sure our clients have seen it, so the
    // next `connect` step starts a fresh session (as on the engine target).
    const gone = await pollUntil(() => [...this.personas.values()].every((p) => !p.connected), LINKS_GONE_TIMEOUT_MS);
    if (!gone) throw new Error(`after the restart a client still looks connected (${LINKS_GONE_TIMEOUT_MS} ms)`);
    this.trace.add("note", "server", { text: `${note}; storage kept, clients disconnected` });
  }

  persona(name: string): PersonaHandle {
    const p = this.personas.get(name);
    if (!p) throw new Error(`unknown persona '${name}'`);
    return p;
  }

  app(name: string): AppServerHandle {
    const a = this.apps.get(name);
    if (!a) throw new Error(`unknown app server '${name}'`);
    return a;
  }

  now(): number {
    return Math.round(performance.now() - this.t0);
  }

  private assertServerAlive(): void {
    if (this.closed) throw new Error("session closed (scenario time limit or run stopped)");
    if (!this.deps.server.running) throw new Error(this.deps.server.deathNote());
  }

  async sleep(ms: number): Promise<void> {
    this.assertServerAlive();
    // Chunked (any length behaves as written) and bounded by the scenario limit, which closes us.
    await delay(ms, this.closing.signal);
    this.assertServerAlive();
  }

  async waitFor(pred: () => boolean, ms: number): Promise<boolean> {
    this.assertServerAlive();
    await pollUntil(() => pred() || !this.deps.server.running, ms, 10, this.closing.signal);
    if (pred()) return true;
    this.assertServerAlive(); // a dead server is an error, not a quiet "false"
    return false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    try {
      await this.cleanUp();
    } finally {
      await this.deps.release?.(); // a server of the session's own: stopped by PID, data with it
    }
  }

  private async cleanUp(): Promise<void> {
    const { server, gateway, probe, host } = this.deps;
    // A dead or silent server will not answer a stream close: do not wait for it per persona.
    if (!server.running) for (const p of this.personas.values()) p.abandon();
    else await Promise.allSettled([...this.personas.values()].map((p) => p.disconnect()));
    for (const off of this.unsubscribe) off();
    for (const a of this.apps.values()) gateway.remove(a);
    if (this.deps.accounts) return this.deps.accounts.release(this.claimed);
    if (this.deps.keepAccounts) return;
    const setRules = probe?.setRules?.bind(probe);
    if (setRules && this.world.hooks && server.running) {
      await Promise.allSettled([...this.locals.values()].map((l) => setRules(host, l, undefined)));
    }
    await Promise.allSettled([...this.locals.values()].map((local) => server.removeAccount(host, local)));
  }
}
