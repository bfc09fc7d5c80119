// A persona over the wire: one @xmpp/client 0.14 connection with XEP-0198, our own 'h'
// (see sm-counter.ts), ack suppression before the write, drop/resume, and bounded waits.
import { client, xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { ConnectOptions, IqOutcome, PersonaHandle, PersonaSpec } from "../target.ts";
import type { Trace } from "../trace.ts";
import { NS_SM, SmCounter } from "./sm-counter.ts";
import { delay, pollUntil, within, WireTimeout } from "./bounded.ts";
import { summarize } from "./stanza-summary.ts";
import { iqErrorOutcome } from "../protocol/stanza-kit.ts";
import { wireLog } from "./log.ts";
import { describeSocketError, guardXmppSockets } from "./socket-errors.ts";
import type { SessionState } from "./wire-server.ts";
import { applyClientTls, type ClientTls } from "./client-tls.ts";
import { ignoreDataAfterStreamEnd } from "./late-data.ts";

const log = wireLog("persona");

const NS_STREAM = "http://etherx.jabber.org/streams";
const STANZAS = new Set(["message", "presence", "iq"]);
const TRACED_NONZAS = new Set(["enable", "resume", "active", "inactive"]);

export const CONNECT_TIMEOUT_MS = 10_000;
export const SEND_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 5_000;
const SERVER_VIEW_TIMEOUT_MS = 3_000;
const NO_VIEW_GRACE_MS = 100; // without the server's view, give it this long to notice

export interface WirePersonaInit {
  spec: PersonaSpec;
  local: string; // the account's local part on the server
  domain: string;
  password: string;
  service: string; // xmpp://127.0.0.1:PORT
  trace: Trace;
  /** The server's own view of this persona's session (via mod_pushlab_control), if offered. */
  serverState?: (resource: string) => Promise<SessionState>;
  /** TLS settings (STARTTLS / direct TLS, CA); default: xmpp.js's own behaviour. */
  tls?: ClientTls;
}

interface IqWaiter {
  resolve: (el: Element) => void;
  reject: (err: Error) => void;
}

export class WirePersona implements PersonaHandle {
  readonly name: string;
  readonly bareJid: string;
  readonly received: Element[] = [];
  /** Our inbound count; exposed so tests can compare it with the server's view. */
  counter = new SmCounter();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private xmpp: any;
  private acking = true;
  private ackOwed = false;
  private lastError = "";
  private lostReason = "";
  private streamError: string | undefined;
  private closedByServer: { streamError?: string } | undefined;
  private leaving = false; // we are closing or dropping the link ourselves
  private inactive = false; // told the server (CSI) it is inactive: the server holds stanzas back
  private inSetup = false; // connect() running: its own iq replies (bind, carbons) are not "received"
  private iqSeq = 0;
  private readonly iqWaiters = new Map<string, IqWaiter>();

  constructor(private readonly init: WirePersonaInit) {
    this.name = init.spec.name;
    this.bareJid = `${init.local}@${init.domain}`;
  }

  get fullJid(): string {
    return this.xmpp?.jid?.toString() ?? `${this.bareJid}/${this.init.spec.resource}`;
  }

  get serverClosed(): { streamError?: string } | undefined {
    return this.closedByServer;
  }

  get connected(): boolean {
    return !!this.xmpp && this.xmpp.status === "online" && !!this.xmpp.socket;
  }

  /** The stream-management id the server gave us (empty if none). */
  get smId(): string {
    return this.xmpp?.streamManagement?.id ?? "";
  }

  async connect(opts: ConnectOptions): Promise<void> {
    if (this.connected) throw new Error(`${this.name} is already connected`);
    this.counter = new SmCounter();
    this.acking = true;
    this.ackOwed = false;
    this.lastError = "";
    this.lostReason = "";
    this.streamError = undefined;
    this.closedByServer = undefined;
    this.leaving = false;
    this.inactive = false;
    this.inSetup = true;
    try {
      await this.setUp(opts);
    } finally {
      this.inSetup = false;
    }
  }

  private async setUp(opts: ConnectOptions): Promise<void> {
    const xmpp = this.createClient(opts.sm);
    try {
      await within(xmpp.start(), CONNECT_TIMEOUT_MS, `${this.name}: connecting to ${this.init.service}`);
    } catch (e) {
      xmpp.socket?.destroy();
      throw new Error(`${this.name} could not connect as ${this.bareJid}: ${this.lastError || describeSocketError(e, this.init.service.replace(/^xmpps?:\/\//, ""))}`);
    }
    // 'online' comes at resource binding; <enable/> is answered right after.
    if (opts.sm && !(await pollUntil(() => this.counter.active, CONNECT_TIMEOUT_MS))) {
      throw new Error(`${this.name}: the server did not enable stream management within ${CONNECT_TIMEOUT_MS} ms`);
    }
    if (opts.carbons) {
      const r = await this.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:carbons:2" })), SEND_TIMEOUT_MS);
      if (r.type !== "result") throw new Error(`${this.name}: enabling carbons failed: ${JSON.stringify(r)}`);
    }
    if (opts.presence) {
      // Prosody echoes initial presence once it has processed it; until then messages to the
      // bare JID would still go to offline storage. Waiting makes "connected" mean available.
      const seen = this.received.length;
      await this.send(xml("presence"));
      const me = this.fullJid;
      const echoed = () => this.received.slice(seen).some((e) => e.name === "presence" && e.attrs.from === me);
      if (!(await pollUntil(echoed, SEND_TIMEOUT_MS, 2))) {
        throw new Error(`${this.name}: the server did not echo our initial presence within ${SEND_TIMEOUT_MS} ms`);
      }
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private createClient(sm: boolean): any {
    const { spec, local, domain, password, service } = this.init;
    // PLAIN over loopback: xmpp.js's SCRAM-SHA-1 takes 1–2 s of CPU per login in JS.
    // Given credentials as a function, xmpp.js lets us pick the mechanism ourselves.
    const credentials = (auth: (c: object, mech: string) => Promise<void>, mechanisms: string[]) =>
      auth({ username: local, password }, mechanisms.includes("PLAIN") ? "PLAIN" : mechanisms[0]!);
    const xmpp = client({ service, domain, credentials, resource: spec.resource });
    xmpp.reconnect.stop(); // we reconnect only when a step says so (resume)
    ignoreDataAfterStreamEnd(xmpp, this.name);
    if (this.init.tls) applyClientTls(xmpp, this.init.tls, domain);
    this.xmpp = xmpp;
    const address = service.replace(/^xmpps?:\/\//, "");
    guardXmppSockets(xmpp, `${this.name} (${address})`, (message) => (this.lastError = message));

    // Runs before xmpp.js's own listeners, so our count is current before anything answers.
    xmpp.prependListener("element", (el: Element) => this.onElement(el, sm));
    // No Nagle: an <a/> followed by a stanza would otherwise wait ~40 ms for a delayed ACK
    // on loopback, which skews every timing the scenarios measure.
    xmpp.on("connect", () => xmpp.socket?.setNoDelay?.(true));
    xmpp.on("error", (err: Error & { condition?: string }) => {
      this.lastError = describeSocketError(err, address);
      if (err.name === "StreamError" && err.condition) this.streamError = err.condition;
      log.debug({ persona: this.name, err: this.lastError }, "client error");
    });
    xmpp.on("disconnect", () => {
      this.counter.linkLost();
      const detail = this.lastError ? ` (${this.lastError})` : "";
      this.lostReason = this.leaving ? "disconnected by us" : `connection lost: closed by the server or the network${detail}`;
      if (!this.leaving && !this.closedByServer) {
        this.closedByServer = this.streamError ? { streamError: this.streamError } : {};
        this.init.trace.add("note", this.name, { text: `the server closed the stream${this.streamError ? ` (stream error ${this.streamError})` : ""}` });
      }
      for (const w of this.iqWaiters.values()) w.reject(new Error(`${this.name}: ${this.lostReason} while waiting for an iq reply`));
      this.iqWaiters.clear();
    });

    // Wrap send, not filter(): xmpp.js filters run after the bytes are written.
    const rawSend = xmpp.send.bind(xmpp);
    xmpp.send = (el: Element): Promise<void> => {
      // xmpp.js requests acks on its own timers (250 ms after a stanza, every 30 s). A persona
      // writes only what its steps say: a stray write would flush the server's CSI buffer or
      // count as activity at a moment no scenario chose, which made verdicts depend on timing.
      if (el.name === "r" && el.attrs.xmlns === NS_SM) return Promise.resolve();
      if (el.name === "a" && el.attrs.xmlns === NS_SM) {
        if (!this.acking) {
          this.ackOwed = true;
          this.init.trace.add("note", this.name, { text: `ack withheld (h=${this.counter.h})` });
          return Promise.resolve();
        }
        this.ackOwed = false;
      }
      this.counter.outbound(el);
      if (STANZAS.has(el.name) || TRACED_NONZAS.has(el.name)) {
        this.init.trace.add("out", this.name, { text: summarize(el), xml: el.toString() });
      }
      return rawSend(el);
    };
    return xmpp;
  }

  private onElement(el: Element, sm: boolean): void {
    this.counter.inbound(el);
    if (!sm && el.is("features", NS_STREAM)) { // el.name is "stream:features": compare the local name
      // No stream management wanted: hide the feature so xmpp.js does not enable it.
      el.children = el.children.filter((c) => typeof c === "string" || c.attrs.xmlns !== NS_SM);
    }
    if (!STANZAS.has(el.name)) return;
    if (!(this.inSetup && el.name === "iq")) this.received.push(el);
    this.init.trace.add("in", this.name, { text: summarize(el), xml: el.toString() });
    const id = el.attrs.id;
    if (el.name === "iq" && id && (el.attrs.type === "result" || el.attrs.type === "error")) {
      const w = this.iqWaiters.get(id);
      if (w) {
        this.iqWaiters.delete(id);
        w.resolve(el);
      }
    }
  }

  private assertConnected(): void {
    if (!this.connected) {
      throw new Error(`${this.name} is not connected${this.lostReason ? ` (${this.lostReason})` : ""}`);
    }
  }

  async iq(el: Element, timeoutMs: number): Promise<IqOutcome> {
    this.assertConnected();
    if (!el.attrs.id) el.attrs.id = `pl-${this.name}-${++this.iqSeq}`;
    const id = el.attrs.id;
    const reply = new Promise<Element>((resolve, reject) => this.iqWaiters.set(id, { resolve, reject }));
    reply.catch(() => {}); // rejections are handled below; avoid unhandled noise if send fails first
    try {
      await within(this.xmpp.send(el), SEND_TIMEOUT_MS, `${this.name}: sending iq`);
      const r = await within(reply, timeoutMs, `${this.name}: iq ${id}`);
      if (r.attrs.type === "result") return { type: "result", xml: r.toString() };
      return { type: "error", ...iqErrorOutcome(r), xml: r.toString() };
    } catch (e) {
      if (e instanceof WireTimeout && this.connected) return { type: "timeout" };
      throw e;
    } finally {
      this.iqWaiters.delete(id);
    }
  }

  async send(el: Element): Promise<void> {
    this.assertConnected();
    await within(this.xmpp.send(el), SEND_TIMEOUT_MS, `${this.name}: sending ${el.name}`);
  }

  async disconnect(): Promise<void> {
    const xmpp = this.xmpp;
    if (!xmpp || !xmpp.socket) return;
    this.leaving = true;
    const resource = this.resource;
    try {
      await within(xmpp.stop(), CLOSE_TIMEOUT_MS, `${this.name}: closing the stream`);
    } catch (e) {
      log.debug({ persona: this.name, err: (e as Error).message }, "unclean close");
      xmpp.socket?.destroy();
    }
    await this.untilServerSees(resource, (s) => s === "none", "ended the session");
  }

  /** Drops the link without any exchange: for a server that is dead or not answering. */
  abandon(): void {
    const xmpp = this.xmpp;
    if (!xmpp) return;
    this.leaving = true;
    xmpp.reconnect.stop();
    xmpp.socket?.destroy();
  }

  private get resource(): string {
    return this.xmpp?.jid?.resource || this.init.spec.resource;
  }

  /**
   * Our side of the link is gone at once; the server notices a moment later. Steps that come
   * next (a message to the vanished device) must meet the server's new state, not the old one.
   */
  private async untilServerSees(resource: string, ok: (s: SessionState) => boolean, what: string): Promise<void> {
    const view = this.init.serverState;
    if (!view) return delay(NO_VIEW_GRACE_MS);
    const end = Date.now() + SERVER_VIEW_TIMEOUT_MS;
    for (;;) {
      let state: SessionState | undefined;
      try {
        state = await view(resource);
      } catch (e) {
        log.debug({ persona: this.name, err: (e as Error).message }, "no server view");
        return delay(NO_VIEW_GRACE_MS);
      }
      if (ok(state)) return;
      if (Date.now() > end) {
        this.init.trace.add("note", this.name, { text: `server has not ${what} after ${SERVER_VIEW_TIMEOUT_MS} ms (state ${state})` });
        return;
      }
      await delay(5);
    }
  }

  async drop(): Promise<void> {
    const xmpp = this.xmpp;
    if (!xmpp?.socket) throw new Error(`${this.name} cannot drop: not connected`);
    xmpp.reconnect.stop();
    this.leaving = true;
    const resource = this.resource;
    // An acking client has acked everything it received: say so (XEP-0198 lets an <a/> go out
    // unrequested) before vanishing, or a reply that arrived a moment ago, whose <r/> is still on
    // its way, counts as unacked and the server pushes for it (ejabberd does). A ping first, so
    // that what the server had already sent us is read and counted: another device's presence,
    // broadcast as it came online just before, was still on its way when the phone of
    // multi-device/full-jid-other-device-hibernated vanished, and ejabberd pushed for it. Not
    // while inactive (CSI): the server holds back what it would send, and an iq makes Prosody's
    // csi_simple flush it, which would undo what the scenario set up (CSI-held-not-pushed).
    if (this.acking && this.counter.active) {
      if (!this.inactive) await this.roundTrip();
      await within(xmpp.send(xml("a", { xmlns: NS_SM })), SEND_TIMEOUT_MS, `${this.name}: acking before the drop`);
    }
    const gone = new Promise<void>((resolve) => xmpp.once("disconnect", () => resolve()));
    xmpp.socket.destroy(); // no </stream:stream>: the server hibernates the session
    await within(gone, CLOSE_TIMEOUT_MS, `${this.name}: dropping the link`);
    await this.untilServerSees(resource, (s) => s !== "live", "noticed the drop");
  }

  async resume(): Promise<boolean> {
    const xmpp = this.xmpp;
    if (!xmpp || !this.smId) return false;
    if (this.connected) throw new Error(`${this.name} cannot resume: still connected`);
    const sm = xmpp.streamManagement;
    this.leaving = false;
    let onResumed = (): void => {};
    let onOnline = (): void => {};
    const outcome = new Promise<boolean>((resolve) => {
      onResumed = () => resolve(true);
      onOnline = () => resolve(false); // resumption failed; xmpp.js bound a fresh session
      sm.once("resumed", onResumed);
      xmpp.once("online", onOnline);
    });
    try {
      const { service, domain, lang } = xmpp.options;
      await within(xmpp.connect(service), CONNECT_TIMEOUT_MS, `${this.name}: reconnecting`);
      await within(xmpp.open({ domain, lang }), CONNECT_TIMEOUT_MS, `${this.name}: reopening the stream`);
      const resumed = await within(outcome, CONNECT_TIMEOUT_MS, `${this.name}: resuming`);
      if (resumed) await this.roundTrip();
      return resumed;
    } catch (e) {
      xmpp.socket?.destroy();
      throw new Error(`${this.name} could not resume: ${this.lastError || describeSocketError(e, this.init.service.replace(/^xmpps?:\/\//, ""))}`);
    } finally {
      sm.removeListener("resumed", onResumed);
      xmpp.removeListener("online", onOnline);
    }
  }

  /**
   * A ping to the server, answered on the same stream after everything the server sent before
   * it: once the answer is here the device holds what was on its way. After <resumed/> that is
   * the resent queue, so a `drop` that follows at once finds nothing unacked (ejabberd pushed for
   * a resent message the persona had not read yet, in one run of five); before a drop, stanzas
   * routed to the device a moment ago. The answer itself is not a "received" stanza.
   */
  private async roundTrip(): Promise<void> {
    this.inSetup = true;
    try {
      await this.iq(xml("iq", { type: "get", to: this.init.domain }, xml("ping", { xmlns: "urn:xmpp:ping" })), SEND_TIMEOUT_MS);
    } finally {
      this.inSetup = false;
    }
  }

  async setAcking(on: boolean): Promise<void> {
    this.acking = on;
    // The server waits for an answer to the request we withheld; give it now.
    if (on && this.ackOwed && this.connected) {
      await within(this.xmpp.send(xml("a", { xmlns: NS_SM })), SEND_TIMEOUT_MS, `${this.name}: acking`);
    }
  }

  async csi(state: "active" | "inactive"): Promise<void> {
    this.assertConnected();
    await within(this.xmpp.send(xml(state, { xmlns: "urn:xmpp:csi:0" })), SEND_TIMEOUT_MS, `${this.name}: csi`);
    this.inactive = state === "inactive"; // kept across a resumption: the state belongs to the session
  }
}
