// The reference push receiver (XEP-0357 app server): an @xmpp/component that registers devices by
// ad-hoc command, checks node + secret, forwards to FCM / APNs / Web Push, and answers by meaning:
// result when forwarded; cancel/auth when the publish can never work; wait when trying later can.
// `behaviour` lets tests build deliberately broken receivers from the same code.
import { component } from "@xmpp/component";
import { xml, type Element } from "@xmpp/xml";
import { XMPP_NS } from "../../protocol/ns.ts";
import { within } from "../../wire/bounded.ts";
import { wireLog } from "../../wire/log.ts";
import { AdhocCommands, commandItems } from "./adhoc-commands.ts";
import { Forwarders, type ForwardTargets, type Notice } from "./forwarders.ts";
import { isPublish, parsePublish, type ErrorAnswer, type ParsedPublish } from "./parse-publish.ts";
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimit } from "./rate-limit.ts";
import { Registry, secretMatches, type Device } from "./registry.ts";

const log = wireLog("reference-receiver");

/** The decisions a (possibly broken) receiver makes; the reference's are below. */
export interface ReceiverBehaviour {
  /** Do the publish's credentials open this device? (undefined secret: see credentialsProblem) */
  credentialsOk(p: ParsedPublish, device: Device): boolean;
  /** What to do with a publish whose shape is wrong: answer the error, or crash. */
  onMalformed(): "answer" | "crash";
  /** Take this publish at all? false = drop it silently. */
  admit(): boolean;
  /** The error for a rate-limited publish. */
  rateLimited: ErrorAnswer;
  /** The text a user sees for this publish (undefined = none). */
  alert(p: ParsedPublish): string | undefined;
  /** Should the user see this push (high priority)? */
  important(p: ParsedPublish): boolean;
  /** After the push service said the token is gone: refuse the node from now on? */
  refuseUnregistered: boolean;
  /** The disco#info identity. */
  identity: { category: string; type: string };
}

export const REFERENCE_BEHAVIOUR: ReceiverBehaviour = {
  credentialsOk: (p, d) => p.secret !== undefined && secretMatches(p.secret, d.secret),
  onMalformed: () => "answer",
  admit: () => true,
  rateLimited: { type: "wait", condition: "resource-constraint", text: "too many pushes for this device; try later" },
  // A fixed placeholder when there is something to show, never the body itself.
  alert: (p) => (p.important ? "New message" : undefined),
  important: (p) => p.important,
  refuseUnregistered: true,
  identity: { category: "pubsub", type: "push" }, // XEP-0357 §4.2
};

export interface ReferenceReceiverOptions {
  /** Where its component connects: xmpp://HOST:PORT (pushlab's listener or a server's component port). */
  service: string;
  domain: string;
  secret: string;
  targets: ForwardTargets;
  rateLimit?: RateLimit;
  behaviour?: Partial<ReceiverBehaviour>;
  name?: string;
}

export const REFERENCE_NAME = "pushlab reference receiver";

export class ReferenceReceiver {
  readonly registry = new Registry();
  private readonly adhoc: AdhocCommands;
  private readonly forwarders: Forwarders;
  private readonly limiter: RateLimiter;
  private readonly behaviour: ReceiverBehaviour;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly xmpp: any;
  private lastError = "";
  /** Counters for logs and tests. */
  readonly stats = { publishes: 0, results: 0, errors: 0, dropped: 0, crashes: 0 };

  constructor(private readonly opts: ReferenceReceiverOptions) {
    this.behaviour = { ...REFERENCE_BEHAVIOUR, ...opts.behaviour };
    this.adhoc = new AdhocCommands(this.registry, opts.domain);
    this.forwarders = new Forwarders(opts.targets);
    this.limiter = new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
    this.xmpp = component({ service: opts.service, domain: opts.domain, password: opts.secret });
    this.xmpp.removeAllListeners("element"); // raw stanzas: we answer every iq ourselves
    this.xmpp.on("stanza", (el: Element) => {
      this.onStanza(el).catch((e: Error) => log.warn({ err: e.message }, "stanza handler failed"));
    });
    this.xmpp.on("connect", () => this.xmpp.socket?.setNoDelay?.(true));
    this.xmpp.on("error", (err: Error) => {
      this.lastError = err.message || String(err);
      log.debug({ err: this.lastError }, "component error");
    });
  }

  get jid(): string {
    return this.opts.domain;
  }

  get online(): boolean {
    return this.xmpp.status === "online";
  }

  async start(timeoutMs = 10_000): Promise<void> {
    try {
      await within(this.xmpp.start(), timeoutMs, `receiver ${this.opts.domain} connecting to ${this.opts.service}`);
    } catch (e) {
      await this.stop();
      throw new Error(`reference receiver could not connect: ${this.lastError || (e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.xmpp.reconnect.stop();
    this.forwarders.close();
    try {
      await within(this.xmpp.stop(), 3_000, "receiver closing");
    } catch {
      this.xmpp.socket?.destroy();
    }
  }

  private send(el: Element): void {
    this.xmpp.send(el).catch((e: Error) => log.debug({ err: e.message }, "send failed"));
  }

  private reply(iq: Element, ...children: Element[]): void {
    this.send(xml("iq", { type: "result", id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to }, ...children));
  }

  private fail(iq: Element, e: ErrorAnswer): void {
    this.stats.errors++;
    this.send(
      xml(
        "iq",
        { type: "error", id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to },
        xml("error", { type: e.type }, xml(e.condition, { xmlns: XMPP_NS.stanzaErrors }), xml("text", { xmlns: XMPP_NS.stanzaErrors }, e.text)),
      ),
    );
  }

  private async onStanza(el: Element): Promise<void> {
    if (el.name !== "iq" || (el.attrs.type !== "get" && el.attrs.type !== "set")) return; // results, errors, messages: nothing to answer
    try {
      await this.onRequest(el);
    } catch (e) {
      log.warn({ err: (e as Error).message }, "request failed");
      this.fail(el, { type: "wait", condition: "internal-server-error", text: "the receiver failed; try later" });
    }
  }

  private async onRequest(iq: Element): Promise<void> {
    const child = iq.getChildElements()[0];
    const ns = child?.attrs.xmlns;
    if (iq.attrs.type === "get" && child?.name === "query" && ns === XMPP_NS.discoInfo) return this.discoInfo(iq);
    if (iq.attrs.type === "get" && child?.name === "query" && ns === XMPP_NS.discoItems) {
      const items = child.attrs.node === XMPP_NS.commands ? commandItems(this.jid) : [];
      return this.reply(iq, xml("query", { xmlns: XMPP_NS.discoItems, ...(child.attrs.node && { node: child.attrs.node }) }, ...items));
    }
    if (iq.attrs.type === "set" && child?.name === "command" && ns === XMPP_NS.commands) {
      const answer = this.adhoc.handle(child, iq.attrs.from ?? "");
      return "condition" in answer ? this.fail(iq, answer) : this.reply(iq, answer);
    }
    if (isPublish(iq)) return this.onPublish(iq);
    this.fail(iq, { type: "cancel", condition: "service-unavailable", text: "not supported here" });
  }

  private discoInfo(iq: Element): void {
    const features = [XMPP_NS.discoInfo, XMPP_NS.discoItems, XMPP_NS.push, XMPP_NS.commands];
    this.reply(
      iq,
      xml(
        "query",
        { xmlns: XMPP_NS.discoInfo },
        xml("identity", { ...this.behaviour.identity, name: this.opts.name ?? REFERENCE_NAME }),
        ...features.map((v) => xml("feature", { var: v })),
      ),
    );
  }

  private async onPublish(iq: Element): Promise<void> {
    this.stats.publishes++;
    if (!this.behaviour.admit()) {
      this.stats.dropped++;
      return;
    }
    const parsed = parsePublish(iq);
    if (!parsed.ok) {
      if (parsed.kind === "malformed" && this.behaviour.onMalformed() === "crash") {
        this.stats.crashes++;
        this.xmpp.socket?.destroy(); // like a process dying: the link drops, reconnect brings it back
        return;
      }
      return this.fail(iq, parsed.answer);
    }
    const p = parsed.publish;
    const device = this.registry.get(p.node);
    if (!device) return this.fail(iq, { type: "cancel", condition: "item-not-found", text: "no such node" });
    if (!this.behaviour.credentialsOk(p, device)) return this.fail(iq, { type: "auth", condition: "forbidden", text: p.credentialsProblem ?? "wrong secret" });
    if (device.refused) return this.fail(iq, { type: "cancel", condition: "item-not-found", text: `device gone: ${device.refused}` });
    if (!this.limiter.take(p.node)) return this.fail(iq, this.behaviour.rateLimited);
    const alert = this.behaviour.alert(p);
    const notice: Notice = { important: this.behaviour.important(p), ...(alert !== undefined && { alert }) };
    const r = await this.forwarders.forward(device, notice);
    switch (r.kind) {
      case "ok":
        this.stats.results++;
        return this.reply(iq);
      case "unregistered":
        if (this.behaviour.refuseUnregistered) device.refused = r.detail;
        return this.fail(iq, { type: "cancel", condition: "item-not-found", text: `device gone: ${r.detail}` });
      case "transient":
        return this.fail(iq, { type: "wait", condition: "recipient-unavailable", text: `push service unavailable: ${r.detail}` });
      case "failed":
        log.warn({ detail: r.detail }, "push service refused our request");
        return this.fail(iq, { type: "wait", condition: "internal-server-error", text: "the push service refused the receiver's request" });
    }
  }
}
