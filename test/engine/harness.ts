// A bare engine with a recording port and a virtual clock, for unit tests of single rules.
import { xml, type Element } from "@xmpp/xml";
import { PushEngine } from "../../engine/engine.ts";
import type { SessionView } from "../../engine/ports.ts";
import { MemoryStore } from "../../engine/store.ts";
import { VirtualClock } from "../../simulator/clock.ts";

export function harness(options: Record<string, unknown> = {}) {
  const clock = new VirtualClock();
  const store = new MemoryStore();
  const sent: Element[] = [];
  const sessions: SessionView[] = [];
  const timeouts: { id: string; seconds: number | null }[] = [];
  const engine = new PushEngine({
    options,
    store,
    clock,
    port: {
      domain: "example.org",
      send: (el) => sent.push(el),
      sessions: (user) => sessions.filter((s) => s.user === user),
      setHibernationTimeout: (id, seconds) => timeouts.push({ id, seconds }),
    },
  });
  const session = (user: string, resource: string, state: "live" | "hibernated" = "live"): SessionView => {
    const s = { id: `${user}/${resource}`, user, resource, state };
    sessions.push(s);
    return s;
  };
  const enable = (s: SessionView, jid: string | undefined, node?: string, form?: Element) => {
    const attrs: Record<string, string> = { xmlns: "urn:xmpp:push:0" };
    if (jid !== undefined) attrs.jid = jid;
    if (node !== undefined) attrs.node = node;
    const iq = xml("iq", { type: "set", id: "e1", from: `${s.user}@example.org/${s.resource}` }, xml("enable", attrs, form));
    return engine.handleIq(s, iq)!;
  };
  const message = (to: string, children: Element[] = [xml("body", {}, "hi")], attrs: Record<string, string> = {}) =>
    xml("message", { from: "bob@example.org/laptop", to, type: "chat", ...attrs }, ...children);
  return { engine, clock, store, sent, sessions, timeouts, session, enable, message };
}

export function fields(push: Element): Record<string, string> {
  const x = push.getChild("pubsub")!.getChild("publish")!.getChild("item")!.getChild("notification")!.getChild("x")!;
  return Object.fromEntries(x.getChildren("field").map((f) => [f.attrs.var!, f.getChildText("value") ?? ""]));
}
