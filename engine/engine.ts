// The notification engine: when to push, to whom, and what happens with the app server's answer.
// Pure: no sockets, no timers of its own, no Date.now(); everything comes through the ports.
// Every public method is guarded: a malformed stanza is answered or ignored, never thrown.
import type { Element } from "@xmpp/xml";
import { classify } from "./classify.ts";
import { buildPush, summarize, type SummaryFields } from "./compose.ts";
import { DedupMemory } from "./dedup.ts";
import { bareOf, parseJid, sameFull } from "./jid.ts";
import { resolvePushOptions, type PushOptions } from "./options.ts";
import {
  silentLogger,
  type Clock,
  type EngineHooks,
  type KeyedStanza,
  type Logger,
  type ServerPort,
  type SessionView,
  type TimerHandle,
} from "./ports.ts";
import { disable, enable, isBound, type Outcome } from "./registrations.ts";
import { errorReply, errorType } from "./replies.ts";
import type { Registration, RegistrationStore } from "./store.ts";
import { NS } from "./xmlns.ts";
import { exceedsSize, MAX_STANZA_BYTES } from "./parse.ts";

export const BATCH_MS = 1000; // R-HIB-QUEUE: stanzas within one second share a push

interface PendingPush {
  user: string;
  regId: string;
  jid: string;
  /** When the reply is no longer awaited (clock ms). */
  deadline: number;
}

/** Per-session push state (R-HIB-START … R-RESUME). */
interface SessionState {
  user: string;
  batch: KeyedStanza[];
  timer?: TimerHandle;
  /** R-HIB-EXTEND in force: set at hibernation start, cleared by the first push that counts
   * (so it is also the "first push" marker that R-RESUME resets). */
  extended: boolean;
}

/** What the engine pushed, for observers (tests, tracing): never needed to run. */
export interface PushInfo {
  id: string;
  user: string;
  registration: Registration;
  /** The stanza's de-duplication key; undefined for a ping. */
  key?: string;
  stanza: Element | null;
  push: Element;
}

export interface EngineDeps {
  options?: Partial<PushOptions> | Record<string, unknown>;
  store: RegistrationStore;
  clock: Clock;
  port: ServerPort;
  hooks?: EngineHooks;
  log?: Logger;
  /** Push ids; the default is a counter, fine for one process (replies are matched by id + sender). */
  newId?: () => string;
  /** Optional observer, called just before each push is sent (the property test uses it). */
  onPush?: (info: PushInfo) => void;
}

export interface EngineStats {
  pending: number;
  sessions: number;
  dedupKeys: number;
}

export class PushEngine {
  readonly options: Readonly<PushOptions>;
  private readonly store: RegistrationStore;
  private readonly clock: Clock;
  private readonly port: ServerPort;
  private readonly hooks: EngineHooks;
  private readonly log: Logger;
  private readonly newId: () => string;
  private readonly onPush?: (info: PushInfo) => void;
  /** Pushes awaiting a reply, oldest first (every push waits push_reply_timeout, so insertion
   * order is deadline order): one sweep timer serves them all instead of one timer per push. */
  private readonly pending = new Map<string, PendingPush>();
  private sweep?: TimerHandle;
  private readonly sessions = new Map<string, SessionState>();
  private readonly dedup: DedupMemory;
  private readonly autoKeys = new WeakMap<Element, string>();
  private autoKeyCounter = 0;
  private lastSummary?: { stanza: Element | null; fields: SummaryFields };

  constructor(deps: EngineDeps) {
    this.options = resolvePushOptions(deps.options as Record<string, unknown>);
    this.store = deps.store;
    this.clock = deps.clock;
    this.port = deps.port;
    this.hooks = deps.hooks ?? {};
    this.log = deps.log ?? silentLogger;
    let n = 0;
    this.newId = deps.newId ?? (() => `push-${(++n).toString(36)}`);
    this.dedup = new DedupMemory(this.options.push_dedup_memory);
    this.onPush = deps.onPush;
  }

  /** R-DISCO: features the account's disco#info lists. */
  accountFeatures(): string[] {
    return [NS.push];
  }

  stats(): EngineStats {
    return { pending: this.pending.size, sessions: this.sessions.size, dedupKeys: this.dedup.size() };
  }

  // ---- client requests --------------------------------------------------------------------

  /** Enable/disable iq from a client session; returns the reply, or null if not a push request. */
  handleIq(session: SessionView, iq: Element): Element | null {
    return this.guard("handleIq", null, () => {
      const command = iq.getChildElements().find((c) => c.attrs.xmlns === NS.push);
      if (!command || (command.name !== "enable" && command.name !== "disable")) return null;
      if (iq.attrs.type !== "set") return errorReply(iq, "modify", "bad-request", "Use type='set'");
      // Its publish-options would be stored and parsed again at every push: refuse what no
      // server would accept as one stanza.
      if (exceedsSize(iq)) return errorReply(iq, "modify", "policy-violation", `Stanza larger than ${MAX_STANZA_BYTES} bytes`);
      const outcome: Outcome =
        command.name === "enable"
          ? enable({
              iq,
              command,
              session,
              store: this.store,
              options: this.options,
              hooks: this.hooks,
              now: this.clock.now(),
            })
          : disable({ iq, command, user: session.user, store: this.store });
      if (outcome.removed) this.afterRemoval(session.user, outcome.removed);
      this.log.debug({ user: session.user, cmd: command.name, reply: outcome.reply.attrs.type }, "push iq");
      return outcome.reply;
    });
  }

  // ---- when to push ------------------------------------------------------------------------

  /** R-OFFLINE: a message stored for offline delivery. */
  messageOffline(user: string, ks: KeyedStanza): number {
    return this.guard("messageOffline", 0, () => this.pushTo(user, this.registrations(user), ks));
  }

  /** R-MAM / R-URGENT: a message archived for `owner`. */
  messageArchived(owner: string, ks: KeyedStanza): number {
    return this.guard("messageArchived", 0, () => {
      // Only a message addressed to the owner's own account here; a sent copy (even one to a
      // namesake on another server) is not for us.
      const to = parseJid(ks.stanza.attrs.to ?? "");
      const ownJid = parseJid(`${owner}@${this.port.domain}`);
      if (!to || !ownJid || bareOf(to) !== bareOf(ownJid)) return 0;
      const sessions = this.port.sessions(owner);
      if (sessions.length === 0) return 0; // no session: the offline path handles it
      const regs = this.registrations(owner);
      if (classify(ks.stanza).urgent) return this.pushTo(owner, regs, ks); // R-URGENT: everyone, now
      const unbound = regs.filter((r) => !sessions.some((s) => isBound(r, s)));
      return this.pushTo(owner, unbound, ks);
    });
  }

  /** R-GROUPCHAT-BARE: a groupchat message addressed to the user's bare JID. */
  groupchatToBare(user: string, ks: KeyedStanza): number {
    return this.guard("groupchatToBare", 0, () => this.pushTo(user, this.registrations(user), ks));
  }

  /** R-PING: a push with no message fields, to all registrations or the given ones. */
  ping(user: string, only?: { jid: string; node?: string }[]): number {
    return this.guard("ping", 0, () => {
      const regs = this.registrations(user).filter(
        (r) => !only || only.some((o) => sameFull(o.jid, r.jid) && (o.node === undefined || o.node === r.node)),
      );
      let sent = 0;
      for (const r of regs) if (this.sendPush(user, r, null)) sent++;
      return sent;
    });
  }

  /** R-HIB-START: the session hibernated with these stanzas unacknowledged. */
  hibernationStarted(session: SessionView, queue: KeyedStanza[]): void {
    this.guard("hibernationStarted", undefined, () => {
      const st = this.state(session);
      if (this.bound(session).length > 0) {
        this.port.setHibernationTimeout(session.id, this.options.push_max_hibernation_timeout); // R-HIB-EXTEND
        st.extended = true;
      }
      this.processQueue(session, queue);
    });
  }

  /** R-HIB-QUEUE: a stanza queued while the session hibernates or its acks are delayed. */
  stanzaQueued(session: SessionView, ks: KeyedStanza): void {
    this.guard("stanzaQueued", undefined, () => {
      if (this.bound(session).length === 0) return;
      const st = this.state(session);
      st.batch.push(ks);
      st.timer ??= this.clock.setTimer(BATCH_MS, () => this.flushBatch(session.id));
    });
  }

  /** R-ACK-DELAY: an ack request went unanswered too long; its unacked stanzas are batched. */
  ackDelayed(session: SessionView, queue: KeyedStanza[]): void {
    this.guard("ackDelayed", undefined, () => {
      for (const ks of queue) this.stanzaQueued(session, ks);
    });
  }

  /** The live client answered its outstanding ack request: the stanzas batched under R-ACK-DELAY
   * reached it after all, so the pending batch is dropped (pushing them would notify a device
   * that is online and has the messages; cf. R-RESUME). */
  /**
   * The server holds these stanzas of the user no more: every device that had them acknowledged
   * them, or they went to offline storage after every hook ran for them. No path can push them
   * again, so their de-duplication keys are forgotten (the engine's memory stays flat however many
   * pushes flow; the anchor's grows with every push).
   */
  stanzasSettled(user: string, keys: readonly string[]): void {
    this.guard("stanzasSettled", undefined, () => this.dedup.settle(user, keys));
  }

  ackReceived(session: SessionView): void {
    this.guard("ackReceived", undefined, () => {
      const st = this.sessions.get(session.id);
      if (st && session.state === "live") dropBatch(st);
    });
  }

  /** R-RESUME (resumed) or the end of a hibernation by timeout (not resumed). */
  hibernationEnded(session: SessionView, resumed: boolean): void {
    this.guard("hibernationEnded", undefined, () => {
      const st = this.sessions.get(session.id);
      if (!st) return;
      dropBatch(st);
      st.extended = false;
      if (!resumed) this.sessions.delete(session.id);
    });
  }

  /** The session is gone (closed, or its hibernation expired). */
  sessionClosed(sessionId: string): void {
    this.guard("sessionClosed", undefined, () => {
      const st = this.sessions.get(sessionId);
      this.sessions.delete(sessionId); // first: a host timer that fails to cancel must not keep it
      if (st) dropBatch(st);
    });
  }

  // ---- app server answers ------------------------------------------------------------------

  /** A result or error iq addressed to the server; true if it answered one of our pushes. */
  handleAppReply(iq: Element): boolean {
    return this.guard("handleAppReply", false, () => {
      const id = iq.attrs.id ?? "";
      const p = this.pending.get(id);
      if (!p) return false;
      if (!sameFull(iq.attrs.from ?? "", p.jid)) {
        this.log.warn({ id, from: iq.attrs.from, expected: p.jid }, "push reply from a foreign JID ignored"); // R-ERR-SPOOF
        return true;
      }
      this.forgetPending(id!);
      if (iq.attrs.type === "result") this.resetErrors(p.user, p.regId); // R-ERR-RESET
      else if (iq.attrs.type === "error") this.countError(p.user, p.regId, errorType(iq));
      return true;
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  private guard<T>(where: string, fallback: T, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      this.log.warn({ where, err: String(err) }, "engine input ignored");
      return fallback;
    }
  }

  /** The user's registrations, read-only (shared with the store when it offers a view). */
  private registrations(user: string): readonly Registration[] {
    try {
      return this.store.view ? this.store.view(user).registrations : this.store.load(user).registrations;
    } catch (err) {
      this.log.warn({ user, err: String(err) }, "registration store unavailable");
      return [];
    }
  }

  private bound(session: SessionView): readonly Registration[] {
    return this.registrations(session.user).filter((r) => isBound(r, session));
  }

  private state(session: SessionView): SessionState {
    let st = this.sessions.get(session.id);
    if (!st) {
      // Every field from the start: a field added later would grow each of 100,000 hibernated
      // sessions' objects at their first batch (bench: memory.hibernated).
      st = { user: session.user, batch: [], timer: undefined, extended: false };
      this.sessions.set(session.id, st);
    }
    return st;
  }

  private keyOf(ks: KeyedStanza): string {
    if (ks.key !== undefined) return ks.key;
    let k = this.autoKeys.get(ks.stanza);
    if (k === undefined) this.autoKeys.set(ks.stanza, (k = `auto-${++this.autoKeyCounter}`));
    return k;
  }

  /** Pushes one stanza to each registration that has not had it yet (R-DEDUP). */
  private pushTo(user: string, regs: readonly Registration[], ks: KeyedStanza): number {
    const key = this.keyOf(ks);
    let sent = 0;
    for (const r of regs) {
      if (this.dedup.has(user, r.id, key)) continue;
      if (this.sendPush(user, r, ks)) {
        this.dedup.add(user, r.id, key);
        sent++;
      }
    }
    return sent;
  }

  private flushBatch(sessionId: string): void {
    this.guard("flushBatch", undefined, () => {
      const st = this.sessions.get(sessionId)!; // its timer is cancelled whenever the state goes
      const items = st.batch;
      st.batch = [];
      st.timer = undefined;
      const session = this.port.sessions(st.user).find((s) => s.id === sessionId);
      if (session) this.processQueue(session, items);
    });
  }

  /** At most one important and one unimportant push per queue or batch, per registration. */
  private processQueue(session: SessionView, items: KeyedStanza[]): void {
    const placeholder = this.options.push_notification_important_body;
    for (const reg of this.bound(session)) {
      const notified = new Set<boolean>(); // which kinds (important or not) were pushed
      for (const ks of items) {
        const key = this.keyOf(ks);
        if (this.dedup.has(session.user, reg.id, key)) continue;
        // Without a placeholder the two kinds look the same to the app server: one push covers both.
        const important = placeholder !== "" && classify(ks.stanza).important;
        if (!notified.has(important) && this.sendPush(session.user, reg, ks)) {
          notified.add(important);
          this.firstPush(session, important || placeholder === "");
        }
        // Covered by this batch's push of its kind: never pushed again (R-DEDUP-EXPIRY).
        if (notified.has(important)) this.dedup.add(session.user, reg.id, key);
      }
    }
  }

  /** R-HIB-EXTEND: the first push that counts ends the extension; the normal timeout restarts.
   * (Only a hibernated session is ever extended.) */
  private firstPush(session: SessionView, counts: boolean): void {
    const st = this.state(session);
    if (counts && st.extended) {
      st.extended = false;
      this.port.setHibernationTimeout(session.id, null);
    }
  }

  private sendPush(user: string, reg: Registration, ks: KeyedStanza | null): boolean {
    const stanza = ks?.stanza ?? null;
    const blocked = this.hooks.push?.({ user, registration: { jid: reg.jid, node: reg.node }, stanza });
    if (blocked) {
      this.log.info({ user, reg: reg.id, reason: blocked }, "push vetoed"); // R-VETO-PUSH
      return false;
    }
    const id = this.newId();
    const push = buildPush({ id, domain: this.port.domain, registration: reg, fields: this.summaryOf(stanza) });
    this.pending.set(id, { user, regId: reg.id, jid: reg.jid, deadline: this.clock.now() + this.options.push_reply_timeout * 1000 });
    this.armSweep();
    this.onPush?.({ id, user, registration: reg, ...(ks && { key: this.keyOf(ks) }), stanza, push });
    this.port.send(push);
    return true;
  }

  private forgetPending(id: string): void {
    this.pending.delete(id);
    if (this.pending.size === 0) {
      this.sweep?.cancel(); // nothing awaited: no timer left behind
      this.sweep = undefined;
    }
  }

  /** One timer, due at the oldest deadline; it forgets every push whose reply did not come. */
  private armSweep(): void {
    if (this.sweep) return;
    const oldest = this.pending.values().next().value;
    if (!oldest) return;
    // The callback runs on the host's clock: like every entry point, it never throws into it
    // (re-arming can fail; the next push arms a new sweep).
    this.sweep = this.clock.setTimer(oldest.deadline - this.clock.now(), () =>
      this.guard("replySweep", undefined, () => {
        this.sweep = undefined;
        const now = this.clock.now();
        for (const [id, p] of this.pending) {
          if (p.deadline > now) break;
          this.pending.delete(id);
        }
        this.armSweep();
      }),
    );
  }

  /** summarize(), remembered for the last stanza: one message is pushed to each registration in
   * turn. The options it reads are the engine's own, fixed for its life. */
  private summaryOf(stanza: Element | null): SummaryFields {
    const m = this.lastSummary;
    if (m && m.stanza === stanza) return m.fields;
    const fields = summarize(stanza, this.options);
    this.lastSummary = { stanza, fields };
    return fields;
  }

  private resetErrors(user: string, regId: string): void {
    // Nearly every reply is a result for a registration without errors: no copy, no write.
    if (this.store.view && !this.hasErrors(user, regId)) return;
    this.updateRecord(user, (rec) => {
      if (!rec.errors[regId]) return false;
      delete rec.errors[regId];
      return true;
    });
  }

  private hasErrors(user: string, regId: string): boolean {
    try {
      return !!this.store.view!(user).errors[regId]; // called only when the store has a view
    } catch {
      return true; // let updateRecord meet (and log) the store's failure
    }
  }

  /** R-ERR-COUNT / R-ERR-WAIT. */
  private countError(user: string, regId: string, type: string | undefined): void {
    if (type === "wait") return;
    let removed: Registration | undefined;
    this.updateRecord(user, (rec) => {
      const reg = rec.registrations.find((r) => r.id === regId);
      if (!reg) return false;
      const count = (rec.errors[regId] ?? 0) + 1;
      if (count >= this.options.push_max_errors) {
        rec.registrations = rec.registrations.filter((r) => r.id !== regId);
        delete rec.errors[regId];
        removed = reg;
        this.log.info({ user, reg: regId, count }, "registration removed after errors");
      } else rec.errors[regId] = count;
      return true;
    });
    if (removed) this.afterRemoval(user, [removed]);
  }

  private updateRecord(user: string, change: (rec: ReturnType<RegistrationStore["load"]>) => boolean): void {
    try {
      const rec = this.store.load(user);
      if (change(rec)) this.store.save(user, rec);
    } catch (err) {
      this.log.warn({ user, err: String(err) }, "registration store update failed");
    }
  }

  /** Removed registrations: forget their dedup memory and pending pushes; unbound hibernated
   * sessions get their normal hibernation timeout back. */
  private afterRemoval(user: string, removed: Registration[]): void {
    if (removed.length === 0) return; // most enables remove nothing: skip the scan of pending pushes
    const gone = new Set(removed.map((r) => r.id));
    for (const r of removed) this.dedup.forget(user, r.id);
    for (const [id, p] of this.pending) {
      if (p.user === user && gone.has(p.regId)) this.forgetPending(id);
    }
    for (const s of this.port.sessions(user)) {
      const st = this.sessions.get(s.id);
      if (st?.extended && this.bound(s).length === 0) {
        st.extended = false;
        this.port.setHibernationTimeout(s.id, null);
      }
    }
  }
}

/** Forgets a session's pending batch and its timer. */
function dropBatch(st: SessionState): void {
  st.timer?.cancel();
  st.timer = undefined;
  st.batch = [];
}
