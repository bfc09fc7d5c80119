// Talks to our mod_pushlab_control (see lua/) through a component of its own: the module
// accepts control iqs only from that component's JID.
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { HookSpec } from "../../target.ts";
import { ComponentLink } from "../../wire/component-link.ts";
import { within } from "../../wire/bounded.ts";
import { iqErrorOutcome } from "../../protocol/stanza-kit.ts";
import type { ServerEvent, ServerProbe, SessionState } from "../../wire/wire-server.ts";

export const NS_CONTROL = "urn:pushlab:control:0";
const CONTROL_TIMEOUT_MS = 5_000;

export type { SessionState, ServerEvent };

export class ControlClient implements ServerProbe {
  private link?: ComponentLink;
  private readonly waiters = new Map<string, (el: Element) => void>();
  private readonly listeners = new Map<string, (e: ServerEvent) => void>(); // "user@host" → listener
  private seq = 0;

  constructor(
    readonly domain: string,
    private readonly secret: string,
    private readonly port: number,
  ) {}

  /** Connects; after stop() this connects afresh, e.g. across a server restart. */
  start(): Promise<void> {
    this.link = new ComponentLink(this.domain, this.secret, this.port, (el) => {
      if (el.name === "message") return this.dispatchEvent(el);
      const w = el.name === "iq" && el.attrs.id ? this.waiters.get(el.attrs.id) : undefined;
      if (w) w(el);
    });
    return this.link.start();
  }

  async stop(): Promise<void> {
    await this.link?.stop();
  }

  private async call(host: string, payload: Element, type: "get" | "set" = "set"): Promise<Element> {
    const id = `ctl-${++this.seq}`;
    const reply = new Promise<Element>((resolve) => this.waiters.set(id, resolve));
    try {
      if (!this.link) throw new Error(`control component ${this.domain} was never started`);
      await this.link.send(xml("iq", { type, id, to: host, from: this.domain }, payload));
      const r = await within(reply, CONTROL_TIMEOUT_MS, `control ${payload.name} on ${host}`);
      if (r.attrs.type !== "result") {
        const e = iqErrorOutcome(r);
        throw new Error(`control ${payload.name} on ${host} refused: ${e.errorType}/${e.condition}`);
      }
      return r;
    } finally {
      this.waiters.delete(id);
    }
  }

  /** Server-side events about user@host go to fn until the returned function is called. */
  onEvents(host: string, user: string, fn: (e: ServerEvent) => void): () => void {
    const key = `${user}@${host}`;
    this.listeners.set(key, fn);
    return () => void this.listeners.delete(key);
  }

  private dispatchEvent(el: Element): void {
    const ev = el.getChild("event", NS_CONTROL);
    const user = ev?.attrs.user;
    if (!ev || !user || !el.attrs.from) return;
    this.listeners.get(`${user}@${el.attrs.from}`)?.({ user, ...(ev.attrs.resource && { resource: ev.attrs.resource }), text: ev.attrs.text ?? "" });
  }

  /** Fires cloud-notify-ping for user@host (all registrations, or the listed ones). */
  async ping(host: string, user: string, services?: { jid: string; node?: string }[]): Promise<void> {
    const el = xml("ping", { xmlns: NS_CONTROL, user }, ...(services ?? []).map((s) => xml("service", { jid: s.jid, node: s.node })));
    await this.call(host, el);
  }

  /** The server's own view of user@host/resource. */
  async sessionState(host: string, user: string, resource: string): Promise<SessionState> {
    const r = await this.call(host, xml("session", { xmlns: NS_CONTROL, user, resource }), "get");
    const state = r.getChild("session", NS_CONTROL)?.attrs.state;
    if (state !== "live" && state !== "hibernating" && state !== "none") throw new Error(`control session: odd answer ${r.toString()}`);
    return state;
  }

  /** Makes writes to host's flaky store (mod_storage_pushlab_flaky) fail, or work again. */
  async storeFailure(host: string, on: boolean): Promise<void> {
    await this.call(host, xml("store", { xmlns: NS_CONTROL, "fail-writes": String(on) }));
  }

  /** Replaces user's veto rules (empty hooks = none). */
  async setRules(host: string, user: string, hooks: HookSpec | undefined): Promise<void> {
    const children = [
      ...(hooks?.vetoRegistration ?? []).map((v) => xml("veto-registration", { node: v.node, type: v.error.type, condition: v.error.condition })),
      ...(hooks?.vetoPush ?? []).map((v) => xml("veto-push", { node: v.node, reason: v.reason })),
    ];
    await this.call(host, xml("rules", { xmlns: NS_CONTROL, user }, ...children));
  }
}
