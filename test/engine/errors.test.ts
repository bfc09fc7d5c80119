// App-server answers: R-ERR-COUNT, R-ERR-WAIT, R-ERR-SPOOF, R-ERR-RESET, and R-VETO-PUSH.
import { xml, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { PushEngine } from "../../engine/engine.ts";
import { MemoryStore } from "../../engine/store.ts";
import { VirtualClock } from "../../simulator/clock.ts";
import { harness, must } from "./harness.ts";

const error = (push: Element, type: string, from = push.attrs.to!) =>
  xml("iq", { type: "error", id: push.attrs.id, from }, xml("error", { type }, xml("item-not-found", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));
const result = (push: Element) => xml("iq", { type: "result", id: push.attrs.id, from: push.attrs.to });

function oneDevice(options: Record<string, unknown> = {}) {
  const h = harness({ push_max_errors: 3, ...options });
  const phone = h.session("alice", "phone");
  h.enable(phone, "push.example", "n1");
  h.sessions.length = 0;
  let n = 0;
  const pushOnce = () => {
    const before = h.sent.length;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: `m${++n}` });
    return h.sent.length > before ? must(h.sent.at(-1), "the push") : undefined;
  };
  return { ...h, phone, pushOnce };
}

describe("app-server answers", () => {
  it("R-ERR-COUNT: the third error removes the registration (and its count)", () => {
    const h = oneDevice();
    for (let i = 0; i < 3; i++) expect(h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "cancel"))).toBe(true);
    expect(h.store.load("alice")).toEqual({ registrations: [], errors: {} });
    expect(h.pushOnce()).toBeUndefined();
  });

  it("R-ERR-COUNT: counts are kept in the store, so a new engine over it continues counting", () => {
    const h = oneDevice();
    h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "cancel"));
    h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "auth"));
    expect(h.store.load("alice").errors).toEqual({ "push.example<n1": 2 });
    const sent: Element[] = [];
    const restarted = new PushEngine({
      options: { push_max_errors: 3 },
      store: h.store,
      clock: new VirtualClock(),
      port: { domain: "example.org", send: (el) => sent.push(el), sessions: () => [], setHibernationTimeout() {} },
    });
    restarted.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "after" });
    restarted.handleAppReply(error(must(sent[0], "the push"), "modify"));
    expect(h.store.load("alice").registrations).toHaveLength(0);
  });

  it("R-ERR-WAIT: wait errors are never counted", () => {
    const h = oneDevice();
    for (let i = 0; i < 10; i++) h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "wait"));
    expect(h.store.load("alice").registrations).toHaveLength(1);
    expect(h.store.load("alice").errors).toEqual({});
  });

  it("R-ERR-SPOOF: errors from another JID are ignored and do not release the pending push", () => {
    const h = oneDevice();
    for (let i = 0; i < 5; i++) h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "cancel", "evil.example"));
    expect(h.store.load("alice").registrations).toHaveLength(1);
    expect(h.engine.stats().pending).toBe(5);
  });

  it("R-ERR-RESET: a result resets the count", () => {
    const h = oneDevice();
    h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "cancel"));
    h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "cancel"));
    h.engine.handleAppReply(result(must(h.pushOnce(), "the push")));
    expect(h.store.load("alice").errors).toEqual({});
    h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "cancel"));
    h.engine.handleAppReply(error(must(h.pushOnce(), "the push"), "cancel"));
    expect(h.store.load("alice").registrations).toHaveLength(1);
  });

  it("R-ERR-COUNT: removal gives a hibernated session its normal timeout back", () => {
    const h = harness({ push_max_errors: 1 });
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, [{ stanza: h.message("alice@example.org/phone", [xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" })]), key: "s" }]);
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200]);
    h.engine.handleAppReply(error(must(h.sent[0], "the push"), "cancel"));
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200, null]);
  });

  it("R-VETO-PUSH: a blocked push is not sent and not remembered", () => {
    const store = new MemoryStore();
    const sent: Element[] = [];
    let block = true;
    const engine = new PushEngine({
      store,
      clock: new VirtualClock(),
      port: { domain: "example.org", send: (el) => sent.push(el), sessions: () => [], setHibernationTimeout() {} },
      hooks: { push: () => (block ? "quiet hours" : undefined) },
    });
    const s = { id: "1", user: "alice", resource: "phone", state: "live" as const };
    engine.handleIq(s, xml("iq", { type: "set", id: "e", from: "alice@example.org/phone" }, xml("enable", { xmlns: "urn:xmpp:push:0", jid: "p.example", node: "n" })));
    const ks = { stanza: xml("message", { to: "alice@example.org", type: "chat" }, xml("body", {}, "x")), key: "k" };
    expect(engine.messageOffline("alice", ks)).toBe(0);
    expect(sent).toHaveLength(0);
    block = false;
    expect(engine.messageOffline("alice", ks)).toBe(1); // not remembered as pushed while blocked
  });
});
