// One scenario's isolated world on the shared Prosody: its own users (unique local parts on the
// option set's VirtualHost), its own app JIDs, its trace, and real (bounded) time.
import type { AppServerHandle, PersonaHandle, ServerControls, TargetSession, WorldSpec } from "../target.ts";
import { Trace } from "../trace.ts";
import type { ProsodyServer } from "./prosody-server.ts";
import type { AppGateway, WireAppServer } from "./wire-app-server.ts";
import type { ControlClient } from "./control-client.ts";
import { WirePersona } from "./wire-persona.ts";
import { delay, pollUntil } from "./bounded.ts";
import type { DedicatedProsody } from "./dedicated-prosody.ts";

const LINKS_GONE_TIMEOUT_MS = 3_000;

export interface WireSessionDeps {
  server: ProsodyServer;
  gateway: AppGateway;
  control?: ControlClient;
  host: string;
  tag: string; // unique per session; part of every local part and app JID
  password: string;
  /** Set when the session has a server of its own (restart, store failure); stopped on close. */
  dedicated?: DedicatedProsody;
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
  private closed = false;

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
    const { server, gateway, control, host, tag, password } = this.deps;
    for (const p of this.world.personas) {
      if (!this.locals.has(p.account)) {
        const local = `${slug(p.account, 16)}.${tag}`;
        this.locals.set(p.account, local);
        server.addAccount(host, local, password);
      }
      const local = this.locals.get(p.account)!;
      const serverState = control && ((resource: string) => control.sessionState(host, local, resource));
      const persona = new WirePersona({ spec: p, local, domain: host, password, service: server.service, trace: this.trace, serverState });
      this.personas.set(p.name, persona);
    }
    for (const a of this.world.apps) this.apps.set(a.name, gateway.add(a.name, tag, this.trace, () => this.now()));
    const dedicated = this.deps.dedicated;
    if (dedicated) {
      if (this.world.needs?.includes("restart")) this.controls.restart = () => this.restart(dedicated);
      if (dedicated.flakyStore) this.controls.storeFailure = (on) => dedicated.control.storeFailure(host, on);
    }
    if (control) {
      // The server's own events (hibernation, ack delay, offline storage, session end) join the timeline.
      for (const local of this.locals.values()) {
        this.unsubscribe.push(
          control.onEvents(host, local, (e) => this.trace.add("server", "server", { text: `${local}@${host}${e.resource ? `/${e.resource}` : ""}: ${e.text}` })),
        );
      }
      this.controls.ping = (account, nodes) => control.ping(host, this.localOf(account), nodes);
      const hooks = this.world.hooks;
      if (hooks && ((hooks.vetoRegistration?.length ?? 0) + (hooks.vetoPush?.length ?? 0) > 0)) {
        for (const local of this.locals.values()) await control.setRules(host, local, hooks);
      }
    }
    this.trace.add("note", "server", {
      text: `Prosody host ${host}; accounts ${[...this.locals.values()].join(", ")}; apps ${[...this.apps.values()].map((a) => a.jid).join(", ")}`,
    });
  }

  /** Our local part for a scenario account; the local part itself is accepted too. */
  private localOf(account: string): string {
    const local = this.locals.get(account) ?? [...this.locals.values()].find((l) => l === account);
    if (!local) throw new Error(`unknown account '${account}' (known: ${[...this.locals.keys()].join(", ")})`);
    return local;
  }

  private async restart(d: DedicatedProsody): Promise<void> {
    const oldPid = d.pid;
    await d.restart();
    // Every client link died with the old process; make sure our clients have seen it, so the
    // next `connect` step starts a fresh session (as on the engine target).
    const gone = await pollUntil(() => [...this.personas.values()].every((p) => !p.connected), LINKS_GONE_TIMEOUT_MS);
    if (!gone) throw new Error(`after the restart a client still looks connected (${LINKS_GONE_TIMEOUT_MS} ms)`);
    this.trace.add("note", "server", { text: `Prosody restarted (PID ${oldPid} → ${d.pid}); storage kept, clients disconnected` });
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
    if (!this.deps.server.running) throw new Error(this.deps.server.deathNote());
  }

  async sleep(ms: number): Promise<void> {
    this.assertServerAlive();
    await delay(ms);
    this.assertServerAlive();
  }

  async waitFor(pred: () => boolean, ms: number): Promise<boolean> {
    this.assertServerAlive();
    await pollUntil(() => pred() || !this.deps.server.running, ms);
    if (pred()) return true;
    this.assertServerAlive(); // a dead server is an error, not a quiet "false"
    return false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.cleanUp();
    } finally {
      await this.deps.dedicated?.stop(); // by PID; its data goes with its temp dir
    }
  }

  private async cleanUp(): Promise<void> {
    const { server, gateway, control, host } = this.deps;
    await Promise.allSettled([...this.personas.values()].map((p) => p.disconnect()));
    for (const off of this.unsubscribe) off();
    for (const a of this.apps.values()) gateway.remove(a);
    if (this.deps.dedicated) return;
    if (control && this.world.hooks && server.running) {
      await Promise.allSettled([...this.locals.values()].map((l) => control.setRules(host, l, undefined)));
    }
    for (const local of this.locals.values()) server.removeAccount(host, local);
  }
}
