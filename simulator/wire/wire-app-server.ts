// Fake app servers over the wire. One component connection (the gateway) serves every app of
// every session: each app is a JID of its own on the component domain (name.tag@push.…),
// so parallel scenarios never see each other's pushes, and stray late pushes are just noted.
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { XMPP_NS } from "../protocol/ns.ts";
import { publishOf, summaryFields } from "../protocol/push-form.ts";
import type { AppBehaviour, AppServerHandle, PushRecord } from "../target.ts";
import type { Trace } from "../trace.ts";
import { ComponentLink } from "./component-link.ts";
import { within } from "./bounded.ts";
import { storedPush } from "../push-record.ts";
import { wireLog } from "./log.ts";

const log = wireLog("app-server");
/** A delayed answer never waits longer than the scenario time limit (3 min). */
const MAX_REPLY_DELAY_MS = 180_000;
const NS_PING = "urn:xmpp:ping"; // XEP-0199

function bare(jid: string | undefined): string {
  return (jid ?? "").split("/")[0]!.toLowerCase();
}

export class WireAppServer implements AppServerHandle {
  readonly pushes: PushRecord[] = [];
  private readonly rules: AppBehaviour[] = []; // newest first
  /** The JID replies come from when a rule says from: spoofed (same domain, not ours). */
  readonly spoofJid: string;

  constructor(
    readonly name: string,
    readonly jid: string,
    private readonly gateway: AppGateway,
    private readonly trace: Trace,
    private readonly now: () => number,
  ) {
    const [local, domain] = jid.split("@");
    this.spoofJid = `${local}.spoofed@${domain}`;
  }

  behave(rule: AppBehaviour): void {
    this.rules.unshift(rule);
  }

  private ruleFor(n: number, node: string | undefined): AppBehaviour | undefined {
    return this.rules.find(
      (r) => (r.node === undefined || r.node === node) && (!r.pushes || (n >= r.pushes[0] && n <= r.pushes[1])),
    );
  }

  /** Called by the gateway for every push addressed to this app. */
  onPush(el: Element, publish: Element): void {
    const node = publish.attrs.node;
    const rec: PushRecord = storedPush(this.now(), el, node);
    this.pushes.push(rec);
    const n = this.pushes.length;
    const body = summaryFields(el).get("last-message-body");
    this.trace.add("push", this.name, { text: `push #${n} node=${node ?? "-"} from ${rec.from} (${body ? `body "${body}"` : "no body"})`, xml: rec.xml });

    const rule = this.ruleFor(n, node);
    const reply = rule?.reply ?? "result";
    if (reply === "silence") {
      this.trace.add("app-reply", this.name, { text: `push #${n}: no answer (silence)` });
      return;
    }
    const from = rule?.from === "spoofed" ? this.spoofJid : this.jid;
    const answer =
      reply === "result"
        ? xml("iq", { type: "result", id: rec.id, to: rec.from, from })
        : xml("iq", { type: "error", id: rec.id, to: rec.from, from }, xml("error", { type: reply.error.type }, xml(reply.error.condition, { xmlns: XMPP_NS.stanzaErrors })));
    const what = reply === "result" ? "result" : `error ${reply.error.type}/${reply.error.condition}`;
    const send = () => {
      this.trace.add("app-reply", this.name, { text: `push #${n}: ${what}${from !== this.jid ? ` from ${from} (spoofed)` : ""}`, xml: answer.toString() });
      this.gateway.send(answer).catch((e: Error) => this.trace.add("note", this.name, { text: `reply to push #${n} not sent: ${e.message}` }));
    };
    const delay = rule?.delayMs ?? 0;
    if (delay <= 0) return send();
    this.trace.add("note", this.name, { text: `push #${n}: answering in ${delay} ms` });
    const timer = setTimeout(send, Math.min(delay, MAX_REPLY_DELAY_MS));
    timer.unref();
  }
}

export class AppGateway {
  private readonly apps = new Map<string, WireAppServer>();
  private link?: ComponentLink;
  /** Pushes for JIDs no session owns (late pushes after a scenario closed). */
  stray = 0;
  private readonly replies = new Map<string, (el: Element) => void>(); // our own iqs, by id
  private iqSeq = 0;

  constructor(
    readonly domain: string,
    private readonly secret: string,
    private readonly port: number,
    private readonly host = "127.0.0.1",
  ) {}

  /** Connects; after stop() this connects afresh (the apps stay), e.g. across a server restart. */
  start(): Promise<void> {
    this.link = new ComponentLink(this.domain, this.secret, this.port, (el) => this.onStanza(el), this.host);
    return this.link.start();
  }

  /** Whether the component connection is up. */
  get online(): boolean {
    return this.link?.online ?? false;
  }

  /** Sends an iq of our own (e.g. a ping to the server) and waits, bounded, for its reply. */
  async request(el: Element, timeoutMs: number): Promise<Element> {
    const id = (el.attrs.id ??= `pl-gw-${++this.iqSeq}`);
    const reply = new Promise<Element>((resolve) => this.replies.set(id, resolve));
    try {
      await this.send(el);
      return await within(reply, timeoutMs, `${this.domain}: iq ${id}`);
    } finally {
      this.replies.delete(id);
    }
  }

  async stop(): Promise<void> {
    await this.link?.stop();
  }

  async send(el: Element): Promise<void> {
    if (!this.link) throw new Error(`component ${this.domain} was never started`);
    await this.link.send(el);
  }

  /**
   * XEP-0199 ping from the component to a server host; resolves on any answer (result or error:
   * both prove the server is processing stanzas), rejects after timeoutMs.
   */
  async ping(host: string, timeoutMs: number): Promise<void> {
    await this.request(xml("iq", { type: "get", to: host, from: this.domain }, xml("ping", { xmlns: NS_PING })), timeoutMs);
  }

  /** A new app for a session: its JID is name.tag@domain. */
  add(name: string, tag: string, trace: Trace, now: () => number): WireAppServer {
    const local = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.${tag}`;
    const app = new WireAppServer(name, `${local}@${this.domain}`, this, trace, now);
    this.apps.set(bare(app.jid), app);
    return app;
  }

  remove(app: WireAppServer): void {
    this.apps.delete(bare(app.jid));
  }

  private onStanza(el: Element): void {
    const waiter = el.name === "iq" && (el.attrs.type === "result" || el.attrs.type === "error") ? this.replies.get(el.attrs.id ?? "") : undefined;
    if (waiter) return waiter(el);
    const publish = publishOf(el);
    const app = this.apps.get(bare(el.attrs.to));
    if (publish && app) return app.onPush(el, publish);
    if (publish) {
      // Nobody owns it any more: answer result so the server counts no error, and move on.
      this.stray += 1;
      log.debug({ to: el.attrs.to }, "stray push");
      this.send(xml("iq", { type: "result", id: el.attrs.id, to: el.attrs.from, from: el.attrs.to })).catch(() => {});
      return;
    }
    log.debug({ xml: el.toString() }, "non-push stanza to app component");
  }
}
