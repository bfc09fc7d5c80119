// Registration identity: ties (several enables at the same instant), one app server with several
// nodes, the device a registration is bound to (resource or client id), what is stored.
import { xml, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { MemoryStore, type UserPushRecord } from "../../engine/store.ts";
import { errorOf } from "../../simulator/protocol/stanza-kit.ts";
import { harness, nodesOf, must, onePush, errorText } from "./harness.ts";

const PUSH = "urn:xmpp:push:0";
const cancel = (push: Element) =>
  xml("iq", { type: "error", id: push.attrs.id, from: push.attrs.to }, xml("error", { type: "cancel" }, xml("item-not-found", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));

/** A store that counts its writes (each is I/O on a real server). */
class CountingStore extends MemoryStore {
  writes = 0;
  override save(user: string, record: UserPushRecord): void {
    this.writes++;
    super.save(user, record);
  }
}

describe("ties: several registrations enabled at the same instant", () => {
  it("R-MAXDEV-ORDER: the first enabled is the oldest, even at the same time", () => {
    const h = harness({ push_max_devices: 2 });
    const s = h.session("alice", "phone");
    h.enable(s, "a.example", "1");
    h.enable(s, "b.example", "2");
    h.enable(s, "c.example", "3");
    expect(h.store.load("alice").registrations.map((r) => r.jid)).toEqual(["b.example", "c.example"]);
  });

  it("a re-enable at the same instant makes that registration the newest", () => {
    const h = harness({ push_max_devices: 2 });
    const s = h.session("alice", "phone");
    h.enable(s, "a.example", "1");
    h.enable(s, "b.example", "2");
    h.enable(s, "a.example", "1");
    h.enable(s, "c.example", "3");
    expect(h.store.load("alice").registrations.map((r) => r.jid)).toEqual(["a.example", "c.example"]);
  });

  it("at the same instant the stored sequence decides, whatever order the store lists them in", () => {
    const store = new MemoryStore();
    const reg = (jid: string, seq: number) => ({ id: `${jid}<n`, jid, node: "n", enabledAt: 0, seq, resource: "phone" });
    store.save("alice", { registrations: [reg("second.example", 2), reg("first.example", 1)], errors: {} });
    const h = harness({ push_max_devices: 2 }, { store });
    h.enable(h.session("alice", "phone"), "third.example", "n");
    expect(store.load("alice").registrations.map((r) => [r.jid, r.seq])).toEqual([
      ["second.example", 2],
      ["third.example", 3],
    ]);
  });

  it("an earlier enable time wins over a later sequence (times come first)", () => {
    const store = new MemoryStore();
    const reg = (jid: string, enabledAt: number, seq: number) => ({ id: `${jid}<n`, jid, node: "n", enabledAt, seq, resource: "phone" });
    store.save("alice", { registrations: [reg("new.example", 5000, 1), reg("old.example", 1000, 2)], errors: {} });
    const h = harness({ push_max_devices: 2 }, { store });
    h.clock.advance(9000);
    h.enable(h.session("alice", "phone"), "third.example", "n");
    expect(store.load("alice").registrations.map((r) => r.jid)).toEqual(["new.example", "third.example"]);
  });
});

describe("users are kept apart", () => {
  it("two users registered with the same app server and node: one disabling leaves the other's pushes alone", () => {
    const h = harness();
    const alice = h.session("alice", "phone");
    const bob = h.session("bob", "phone");
    h.enable(alice, "push.example", "n1");
    h.enable(bob, "push.example", "n1");
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m" });
    h.engine.messageOffline("bob", { stanza: h.message("bob@example.org"), key: "m" });
    expect(h.engine.stats()).toMatchObject({ pending: 2, dedupKeys: 2 });
    h.engine.handleIq(alice, xml("iq", { type: "set", id: "d", from: "alice@example.org/phone" }, xml("disable", { xmlns: PUSH, jid: "push.example" })));
    expect(h.engine.stats()).toMatchObject({ pending: 1, dedupKeys: 1 });
    expect(h.engine.messageOffline("bob", { stanza: h.message("bob@example.org"), key: "m" })).toBe(0); // still remembered
  });

  it("R-ENABLE keeps the error counts of the user's other registrations", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    h.enable(s, "a.example", "n");
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m" });
    h.engine.handleAppReply(cancel(must(h.sent[0], "the push")));
    h.enable(s, "b.example", "n");
    expect(h.store.load("alice").errors).toEqual({ "a.example<n": 1 });
  });
});

describe("one app server, several nodes", () => {
  function twoNodes(options: Record<string, unknown> = {}) {
    const h = harness({ push_max_errors: 2, ...options });
    const phone = h.session("alice", "phone");
    h.enable(phone, "push.example", "n1");
    h.enable(phone, "push.example", "n2");
    h.sessions.length = 0;
    let k = 0;
    const message = () => {
      const before = h.sent.length;
      h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: `m${++k}` });
      return h.sent.slice(before);
    };
    return { ...h, phone, message };
  }

  it("each node is its own registration: pushed once each", () => {
    const h = twoNodes();
    expect(nodesOf(h.message())).toEqual(["n1", "n2"]);
  });

  it("R-ERR-COUNT counts per node: n2 reaching the limit removes n2 only, and n1 keeps its pending push and memory", () => {
    const h = twoNodes();
    const [a1, b1] = h.message();
    h.engine.handleAppReply(cancel(b1!));
    const [, b2] = h.message();
    expect(h.engine.stats().pending).toBe(3); // a1, a2, b2 unanswered
    expect(h.engine.handleAppReply(cancel(b2!))).toBe(true);
    expect(h.store.load("alice").registrations.map((r) => r.node)).toEqual(["n1"]);
    expect(h.engine.stats().pending).toBe(2); // n1's two pushes still wait for their answer
    expect(h.engine.handleAppReply(cancel(a1!))).toBe(true);
    expect(h.store.load("alice").errors).toEqual({ "push.example<n1": 1 });
  });

  it("R-DISABLE with the jid alone removes every node; with a node only that one; other counts stay", () => {
    const h = twoNodes({ push_max_errors: 5 });
    h.enable(h.phone, "other.example", "x");
    const [, , c] = h.message();
    h.engine.handleAppReply(cancel(c!));
    const disable = (attrs: Record<string, string>) =>
      must(h.engine.handleIq(h.phone, xml("iq", { type: "set", id: "d", from: "alice@example.org/phone" }, xml("disable", { xmlns: PUSH, ...attrs }))), "the reply");
    disable({ jid: "push.example", node: "n2" });
    expect(h.store.load("alice").registrations.map((r) => r.id)).toEqual(["push.example<n1", "other.example<x"]);
    disable({ jid: "push.example" });
    expect(h.store.load("alice")).toEqual({ registrations: [expect.objectContaining({ id: "other.example<x" })], errors: { "other.example<x": 1 } });
  });

  it("R-DISABLE releases the removed registrations' pending pushes and de-duplication memory, not the others'", () => {
    const h = twoNodes();
    h.message();
    expect(h.engine.stats()).toMatchObject({ pending: 2, dedupKeys: 2 });
    h.engine.handleIq(h.phone, xml("iq", { type: "set", id: "d", from: "alice@example.org/phone" }, xml("disable", { xmlns: PUSH, jid: "push.example", node: "n1" })));
    expect(h.engine.stats()).toMatchObject({ pending: 1, dedupKeys: 1 });
  });

  it("R-PING to the jid alone reaches every node; to jid and node only that one; to another jid none", () => {
    const h = twoNodes();
    expect(h.engine.ping("alice", [{ jid: "push.example" }])).toBe(2);
    expect(h.engine.ping("alice", [{ jid: "push.example", node: "n2" }])).toBe(1);
    expect(h.engine.ping("alice", [{ jid: "other.example", node: "n1" }])).toBe(0);
    expect(h.engine.ping("alice", [{ jid: "push.example", node: "n1" }, { jid: "push.example", node: "n2" }])).toBe(2);
    expect(nodesOf(h.sent)).toEqual(["n1", "n2", "n2", "n1", "n2"]);
  });
});

describe("the device a registration is bound to (R-BIND-RESOURCE)", () => {
  it("with a client id, the device is the client id: another resource of it is bound, the same resource of another is not", () => {
    const h = harness();
    const first = h.session("alice", "res-1", "live", "client-A");
    h.enable(first, "push.example", "n1");
    expect(h.store.load("alice").registrations[0]).toMatchObject({ clientId: "client-A" });
    expect(h.store.load("alice").registrations[0]?.resource).toBeUndefined();
    h.sessions.length = 0;
    h.session("alice", "res-2", "live", "client-A"); // the same device, reconnected with a new resource
    expect(h.engine.messageArchived("alice", { stanza: h.message("alice@example.org"), key: "m1" })).toBe(0);
    h.sessions.length = 0;
    h.session("alice", "res-1", "live", "client-B"); // another device that happens to use res-1
    expect(h.engine.messageArchived("alice", { stanza: h.message("alice@example.org"), key: "m2" })).toBe(1);
  });

  it("without a client id, the device is the resource", () => {
    const h = harness();
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    h.sessions.length = 0;
    h.session("alice", "phone");
    expect(h.engine.messageArchived("alice", { stanza: h.message("alice@example.org"), key: "m1" })).toBe(0);
    h.sessions.length = 0;
    h.session("alice", "laptop");
    expect(h.engine.messageArchived("alice", { stanza: h.message("alice@example.org"), key: "m2" })).toBe(1);
  });
});

describe("what an enable stores", () => {
  it("the xml:lang of the request, when it has one", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    h.engine.handleIq(s, xml("iq", { type: "set", id: "e", from: "alice@example.org/phone", "xml:lang": "de" }, xml("enable", { xmlns: PUSH, jid: "push.example", node: "n1" })));
    h.engine.handleIq(s, xml("iq", { type: "set", id: "e", from: "alice@example.org/phone" }, xml("enable", { xmlns: PUSH, jid: "push.example", node: "n2" })));
    const [de, none] = h.store.load("alice").registrations;
    expect(de!.lang).toBe("de");
    expect(none).not.toHaveProperty("lang");
  });

  it("R-PUBOPTS: only a jabber:x:data <x/> is the publish-options form", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    const enableWith = (node: string, ...children: Element[]) =>
      h.engine.handleIq(s, xml("iq", { type: "set", id: node, from: "alice@example.org/phone" }, xml("enable", { xmlns: PUSH, jid: "push.example", node }, ...children)));
    enableWith("other-ns", xml("x", { xmlns: "jabber:x:oob" }, xml("url", {}, "u")));
    enableWith("other-name", xml("form", { xmlns: "jabber:x:data" }));
    enableWith("after", xml("junk", { xmlns: "urn:example" }), xml("x", { xmlns: "jabber:x:data", type: "submit" }));
    const opts = Object.fromEntries(h.store.load("alice").registrations.map((r) => [r.node, r.publishOptions]));
    expect(opts).toEqual({ "other-ns": undefined, "other-name": undefined, after: '<x xmlns="jabber:x:data" type="submit"/>' });
  });

  it.each([
    ["without a node", undefined],
    ["with an empty node", ""],
  ])("a registration %s is pushed with a <publish/> that has no node attribute", (_, node) => {
    const h = harness();
    h.enable(h.session("alice", "phone"), "push.example", node);
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m" });
    expect(must(h.sent[0], "the push").getChild("pubsub")?.getChild("publish")?.toString()).toMatch(/^<publish><item>/);
  });
});

describe("store access (writes are I/O: none when nothing changes)", () => {
  it("a result for a registration without errors writes nothing; an error or a result after errors writes once", () => {
    const store = new CountingStore();
    const h = harness({}, { store });
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    h.sessions.length = 0;
    const push = (key: string) => {
      return onePush(h.sent, () => h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key }));
    };
    const writes = store.writes;
    h.engine.handleAppReply(xml("iq", { type: "result", id: push("a").attrs.id, from: "push.example" }));
    expect(store.writes).toBe(writes);
    h.engine.handleAppReply(cancel(push("b")));
    expect(store.writes).toBe(writes + 1);
    h.engine.handleAppReply(xml("iq", { type: "result", id: push("c").attrs.id, from: "push.example" }));
    expect(store.writes).toBe(writes + 2);
    expect(store.load("alice").errors).toEqual({});
  });

  it("R-DISABLE of something not registered writes nothing, so a failing store still answers result", () => {
    const store = new CountingStore();
    const h = harness({}, { store });
    const s = h.session("alice", "phone");
    h.enable(s, "push.example", "n1");
    store.failWrites = true;
    const writes = store.writes;
    const reply = must(h.engine.handleIq(s, xml("iq", { type: "set", id: "d", from: "alice@example.org/phone" }, xml("disable", { xmlns: PUSH, jid: "nothing.example" }))), "the reply");
    expect(reply.attrs.type).toBe("result");
    expect(store.writes).toBe(writes);
  });

  it("an error for a registration that is no longer in the store leaves no orphan count, and writes nothing", () => {
    const store = new CountingStore();
    const h = harness({}, { store });
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    h.enable(h.session("alice", "phone"), "keep.example", "k");
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m" });
    const push = must(h.sent.find((p) => p.attrs.to === "push.example"), "the push");
    const rec = h.store.load("alice"); // removed behind the engine's back (another node of a cluster)
    h.store.save("alice", { ...rec, registrations: rec.registrations.filter((r) => r.jid !== "push.example") });
    const writes = store.writes;
    expect(h.engine.handleAppReply(cancel(push))).toBe(true);
    expect(h.store.load("alice").errors).toEqual({});
    expect(store.writes).toBe(writes);
  });

  it("R-ENABLE and R-DISABLE answer wait/internal-server-error when the store cannot be read", () => {
    const store = new MemoryStore();
    const h = harness({}, { store });
    const s = h.session("alice", "phone");
    store.failReads = true;
    const en = h.enable(s, "push.example", "n1");
    const dis = must(h.engine.handleIq(s, xml("iq", { type: "set", id: "d", from: "alice@example.org/phone" }, xml("disable", { xmlns: PUSH, jid: "push.example" }))), "the reply");
    for (const reply of [en, dis]) {
      expect(errorOf(reply)).toEqual({ type: "wait", condition: "internal-server-error", text: "Storage unavailable" });
      expect(errorText(reply)).toBe("Storage unavailable");
    }
  });
});
