// The simulated server core that drives the engine: accounts, sessions, presence, CSI and
// XEP-0198 (queue, ack requests, hibernation, resumption); messages go through message-router.ts
// and iqs through client-iq.ts. It plays Prosody's core and mod_smacks; the engine plays
// mod_cloud_notify.
import { xml, type Element } from "@xmpp/xml";
import { PushEngine, type PushInfo } from "../../engine/engine.ts";
import type { PushOptions } from "../../engine/options.ts";
import type { Clock, EngineHooks, KeyedStanza, Logger, ServerPort } from "../../engine/ports.ts";
import { emptyRecord, type RegistrationStore } from "../../engine/store.ts";
import { SimSession } from "./sim-session.ts";
import { MessageRouter } from "./message-router.ts";
import { answerClientIq } from "./client-iq.ts";
import { csiUrgent } from "./stanza-rules.ts";
import { errorIq, isCarbonCopy } from "../protocol/stanza-kit.ts";

/** Stanzas from clients larger than this end the stream with policy-violation (Prosody's c2s_stanza_size_limit). */
export const STANZA_SIZE_LIMIT = 256 * 1024;

export interface SmacksSettings {
  hibernationTime: number; // seconds (smacks_hibernation_time)
  maxAckDelay: number; // seconds (smacks_max_ack_delay)
}

export interface SimServerConfig {
  domain: string;
  clock: Clock;
  store: RegistrationStore;
  pushOptions: Partial<PushOptions>;
  smacks: SmacksSettings;
  archive: boolean;
  hooks?: EngineHooks;
  log?: Logger;
  /** Server-side events for the timeline. */
  note?: (text: string) => void;
  /** Optional push observer handed to every engine instance (tests; survives restarts). */
  onPush?: (info: PushInfo) => void;
}

export class SimServer {
  readonly domain: string;
  engine: PushEngine;
  private readonly accounts = new Set<string>();
  private readonly sessions = new Map<string, SimSession>();
  private readonly apps = new Map<string, (el: Element) => void>();
  private readonly offlineApps = new Set<string>();
  private stanzaSeq = 0;
  private sessionSeq = 0;
  private readonly note: (text: string) => void;
  private readonly cfg: SimServerConfig;
  private readonly port: ServerPort;
  private readonly router: MessageRouter;

  constructor(cfg: SimServerConfig) {
    this.cfg = cfg;
    this.domain = cfg.domain;
    this.note = cfg.note ?? (() => {});
    this.port = this.makePort();
    this.engine = this.makeEngine();
    this.router = new MessageRouter({
      domain: cfg.domain,
      archive: cfg.archive,
      engine: () => this.engine,
      hasAccount: (user) => this.accounts.has(user),
      sessionsOf: (user) => this.sessionsOf(user),
      deliver: (s, ks) => this.deliver(s, ks),
      bareJid: (user) => this.bareJid(user),
      newKey: () => this.key(),
      note: this.note,
      settle: (user, keys) => this.settle(user, keys),
    });
  }

  private makeEngine(): PushEngine {
    return new PushEngine({
      options: this.cfg.pushOptions,
      store: this.cfg.store,
      clock: this.cfg.clock,
      port: this.port,
      hooks: this.cfg.hooks,
      log: this.cfg.log,
      onPush: this.cfg.onPush,
    });
  }

  /** A restart: every session ends, the engine starts afresh over the same store. */
  restart(): void {
    // A graceful shutdown ends every session like a close: unacked and held messages are not
    // lost but stored offline (and pushed, by the engine that is still running).
    for (const s of [...this.sessions.values()]) {
      if (s.state === "hibernated") this.engine.hibernationEnded(s.view(), false);
      this.endSession(s, "server shutting down", "system-shutdown");
    }
    this.engine = this.makeEngine();
    this.note("server restarted (registrations and error counts kept in the store)");
  }

  addAccount(user: string): void {
    this.accounts.add(user.toLowerCase());
  }

  addApp(jid: string, inbox: (el: Element) => void): void {
    this.apps.set(jid, inbox);
  }

  /** An app server's component leaves (false) or comes back (true). */
  setAppOnline(jid: string, online: boolean): void {
    if (online) this.offlineApps.delete(jid);
    else this.offlineApps.add(jid);
    this.note(`component ${jid} ${online ? "connected again" : "disconnected"}`);
  }

  /** XEP-0077 <remove/>: the account, its stored data (push registrations too) and its sessions go. */
  removeAccount(user: string): void {
    const u = user.toLowerCase();
    if (!this.accounts.delete(u)) return;
    try {
      this.cfg.store.save(u, emptyRecord());
    } catch (e) {
      this.note(`${u}: purging stored data failed: ${(e as Error).message}`);
    }
    for (const s of this.sessionsOf(u)) {
      if (s.state === "hibernated") this.engine.hibernationEnded(s.view(), false);
      this.endSession(s, "account removed", "not-authorized");
    }
    this.note(`${u}@${this.domain}: account removed with its stored data`);
  }

  bareJid(user: string): string {
    return `${user}@${this.domain}`;
  }

  // ---- the engine's view of the server -----------------------------------------------------

  private makePort(): ServerPort {
    return {
    domain: this.cfg.domain,
    send: (stanza) => this.sendFromServer(stanza),
    sessions: (user) => this.sessionsOf(user).map((s) => s.view()),
    setHibernationTimeout: (id, seconds) => {
      const s = this.sessions.get(id);
      if (!s || s.state !== "hibernated") return;
      const secs = seconds ?? this.cfg.smacks.hibernationTime;
      this.note(`${s.fullJid}: hibernation timeout set to ${secs}s from now${seconds === null ? " (normal)" : ""}`);
      this.armHibernation(s, secs);
    },
    };
  }

  /** The user's current sessions, read-only (invariant checks in tests). */
  userSessions(user: string): readonly SimSession[] {
    return this.sessionsOf(user);
  }

  private sessionsOf(user: string): SimSession[] {
    const u = user.toLowerCase();
    return [...this.sessions.values()].filter((s) => s.user === u && s.state !== "closed");
  }

  private sendFromServer(stanza: Element): void {
    const to = stanza.attrs.to ?? "";
    const app = this.apps.get(to);
    if (app && this.offlineApps.has(to) && stanza.name === "iq" && stanza.attrs.type === "set") {
      // As Prosody's mod_component does for a component that is not connected.
      this.note(`component ${to} is not connected: bounced`);
      const bounce = errorIq(xml("iq", { id: stanza.attrs.id, from: this.domain, to }), "wait", "remote-server-timeout", "Component unavailable");
      this.cfg.clock.setTimer(0, () => this.engine.handleAppReply(bounce));
      return;
    }
    if (app) return app(stanza);
    // Nobody there: bounce as a remote server would (counts as an error from that JID).
    if (stanza.name === "iq" && stanza.attrs.type === "set") {
      this.note(`no route to ${to}: bounced`);
      const bounce = errorIq(xml("iq", { id: stanza.attrs.id, from: this.domain, to }), "cancel", "remote-server-not-found");
      this.cfg.clock.setTimer(0, () => this.engine.handleAppReply(bounce));
    }
  }

  /** An app server's answer to a push. */
  fromApp(el: Element): void {
    if (el.name === "iq" && (el.attrs.type === "result" || el.attrs.type === "error")) this.engine.handleAppReply(el);
  }

  ping(user: string, only?: { jid: string; node?: string }[]): number {
    return this.engine.ping(user, only);
  }

  // ---- sessions ----------------------------------------------------------------------------

  bind(user: string, resource: string, deliver: (el: Element) => void): SimSession {
    const u = user.toLowerCase();
    if (!this.accounts.has(u)) throw new Error(`no account ${user}@${this.domain}`);
    const full = `${u}@${this.domain}/${resource}`;
    // A new session with the same full JID replaces the old one (resource conflict).
    for (const s of this.sessionsOf(u)) if (s.resource === resource) this.endSession(s, "replaced by a new session", "conflict");
    const s = new SimSession(`s${++this.sessionSeq}`, u, resource, full, deliver);
    this.sessions.set(s.id, s);
    this.note(`${full}: session bound`);
    return s;
  }

  /** The client vanished without closing its stream. */
  drop(s: SimSession): void {
    if (s.state !== "live") return;
    s.deliverToClient = null;
    s.awaitingAck = false;
    s.ackTimer?.cancel();
    if (!s.sm) return this.endSession(s, "connection lost (no stream management)");
    s.state = "hibernated";
    this.note(`${s.fullJid}: hibernating with ${s.unacked.length} unacked stanza(s)`);
    this.armHibernation(s, this.cfg.smacks.hibernationTime);
    this.engine.hibernationStarted(s.view(), [...s.unacked]);
  }

  resume(s: SimSession, deliver: (el: Element) => void): boolean {
    if (s.state !== "hibernated") return false;
    s.hibernationTimer?.cancel();
    s.state = "live";
    s.deliverToClient = deliver;
    this.note(`${s.fullJid}: resumed, redelivering ${s.unacked.length} stanza(s)`);
    this.engine.hibernationEnded(s.view(), true);
    for (const ks of s.unacked) deliver(ks.stanza);
    if (s.acking) this.ack(s);
    else if (s.unacked.length > 0) this.requestAck(s);
    return true;
  }

  /** Clean close: </stream:stream>. */
  close(s: SimSession): void {
    if (s.state === "closed") return;
    this.endSession(s, "closed cleanly");
  }

  setAcking(s: SimSession, on: boolean): void {
    s.acking = on;
    if (on && s.state === "live") this.ack(s);
  }

  csi(s: SimSession, state: "active" | "inactive"): void {
    s.inactive = state === "inactive";
    if (!s.inactive) this.flushCsi(s);
  }

  private armHibernation(s: SimSession, seconds: number): void {
    s.hibernationTimer?.cancel();
    s.hibernationTimer = this.cfg.clock.setTimer(seconds * 1000, () => {
      this.engine.hibernationEnded(s.view(), false);
      this.endSession(s, "hibernation timed out");
    });
  }

  private endSession(s: SimSession, why: string, streamError?: string): void {
    s.hibernationTimer?.cancel();
    s.ackTimer?.cancel();
    s.state = "closed";
    s.deliverToClient = null;
    if (streamError !== undefined) s.onServerClose?.(streamError);
    s.onServerClose = null;
    this.sessions.delete(s.id);
    this.engine.sessionClosed(s.id);
    this.note(`${s.fullJid}: session ended (${why})`);
    if (s.available) this.broadcastPresence(s, "unavailable");
    // Unacknowledged messages are not lost: they are routed again (other resources or offline).
    const left = [...s.unacked, ...s.csiBuffer];
    s.unacked = [];
    s.csiBuffer = [];
    for (const ks of left) {
      const el = ks.stanza;
      if (el.name !== "message" || isCarbonCopy(el) || el.attrs.type === "error" || el.attrs.type === "groupchat") continue;
      this.note(`${s.fullJid}: unacked message ${ks.key} routed again`);
      this.router.deliverToUser(s.user, ks, true);
    }
    // What went nowhere (presence, carbons, groupchat) or to offline storage is settled now.
    this.settle(s.user, left.flatMap((ks) => (ks.key !== undefined ? [ks.key] : [])));
  }

  /**
   * Tells the engine which of the user's stanzas the server no longer holds in any session
   * (queue or CSI buffer): they cannot be pushed again, so the engine forgets their keys.
   */
  private settle(user: string, keys: string[]): void {
    const held = new Set<string>();
    for (const s of this.sessionsOf(user)) for (const ks of [...s.unacked, ...s.csiBuffer]) if (ks.key !== undefined) held.add(ks.key);
    const free = keys.filter((k) => !held.has(k));
    if (free.length > 0) this.engine.stanzasSettled(user, free);
  }

  private ack(s: SimSession): void {
    const answered = s.awaitingAck;
    const acked = s.unacked;
    s.unacked = [];
    s.awaitingAck = false;
    s.ackTimer?.cancel();
    s.ackTimer = undefined;
    // A late answer still acknowledges everything: the engine drops its R-ACK-DELAY batch.
    if (answered && s.state === "live") this.engine.ackReceived(s.view());
    // Not at once: an ack can come while a stanza is still being routed (an acking device gets it
    // before the user's other sessions do); settled once the routing that is under way is over.
    const keys = acked.flatMap((ks) => (ks.key !== undefined ? [ks.key] : []));
    if (keys.length > 0) this.cfg.clock.setTimer(0, () => this.settle(s.user, keys));
  }

  /** Like mod_smacks: one outstanding <r/>; if unanswered for max_ack_delay, the ack is delayed. */
  private requestAck(s: SimSession): void {
    if (s.awaitingAck) return;
    s.awaitingAck = true;
    s.ackTimer = this.cfg.clock.setTimer(this.cfg.smacks.maxAckDelay * 1000, () => {
      s.ackTimer = undefined;
      if (s.state !== "live" || !s.awaitingAck) return;
      this.note(`${s.fullJid}: ack delayed, ${s.unacked.length} unacked stanza(s)`);
      this.engine.ackDelayed(s.view(), [...s.unacked]);
    });
  }

  // ---- delivery to one session -------------------------------------------------------------

  private deliver(s: SimSession, ks: KeyedStanza): void {
    if (s.state === "closed") return;
    if (s.inactive) {
      if (!csiUrgent(ks.stanza)) {
        s.csiBuffer.push(ks);
        return;
      }
      this.flushCsi(s);
    }
    this.deliverNow(s, ks);
  }

  private flushCsi(s: SimSession): void {
    const held = s.csiBuffer;
    s.csiBuffer = [];
    for (const ks of held) this.deliverNow(s, ks);
  }

  private deliverNow(s: SimSession, ks: KeyedStanza): void {
    if (s.sm) s.unacked.push(ks);
    if (s.state === "hibernated") {
      this.engine.stanzaQueued(s.view(), ks);
      return;
    }
    s.deliverToClient?.(ks.stanza);
    if (!s.sm) return;
    if (s.acking) this.ack(s);
    else this.requestAck(s);
  }

  private key(): string {
    return `st${++this.stanzaSeq}`;
  }

  // ---- stanzas from clients ----------------------------------------------------------------

  /** A stanza sent by the client of session s. Malformed input is answered or dropped. */
  fromClient(s: SimSession, el: Element): void {
    if (s.state !== "live") return;
    const size = Buffer.byteLength(el.toString());
    if (size > STANZA_SIZE_LIMIT) return this.endSession(s, `stanza of ${size} bytes over the ${STANZA_SIZE_LIMIT}-byte limit`, "policy-violation");
    el.attrs.from = s.fullJid; // the server stamps the sender
    if (el.name === "iq") return this.clientIq(s, el);
    if (el.name === "presence") return this.clientPresence(s, el);
    if (el.name === "message") return this.clientMessage(s, el);
    this.note(`${s.fullJid}: unknown stanza <${el.name}> dropped`);
  }

  private reply(s: SimSession, el: Element): void {
    this.deliver(s, { stanza: el, key: this.key() });
  }

  private clientIq(s: SimSession, iq: Element): void {
    let removal = false;
    const ctx = { domain: this.domain, bareJid: this.bareJid(s.user), engine: this.engine, archive: this.cfg.archive, removeAccount: () => void (removal = true) };
    const reply = answerClientIq(ctx, s, iq);
    if (reply) this.reply(s, reply);
    if (removal) this.removeAccount(s.user); // after the result reached the client, as Prosody does
  }

  private clientPresence(s: SimSession, p: Element): void {
    if (p.attrs.to) return; // directed presence: no rosters in this world
    const type = p.attrs.type;
    if (type === undefined) {
      const first = !s.available;
      s.available = true;
      this.broadcastPresence(s, "available");
      if (first) this.router.flushOffline(s);
    } else if (type === "unavailable") {
      this.broadcastPresence(s, "unavailable");
      s.available = false;
    }
  }

  /** Own presence goes to every available resource of the account (as on a real server). */
  private broadcastPresence(from: SimSession, kind: "available" | "unavailable"): void {
    for (const s of this.sessionsOf(from.user)) {
      if (!s.available) continue;
      const attrs: Record<string, string> = { from: from.fullJid, to: s.fullJid };
      if (kind === "unavailable") attrs.type = "unavailable";
      this.deliver(s, { stanza: xml("presence", attrs), key: this.key() });
    }
  }

  private clientMessage(s: SimSession, m: Element): void {
    this.router.fromClient(s, m);
  }
}
