// What handleAppReply says and does for every kind of answer, what the engine tells the client
// when it refuses, what it logs (its only channel for what it ignored and why), the push
// observer, and the in-memory store's contract.
import { xml, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import type { PushInfo } from "../../engine/engine.ts";
import { DedupMemory } from "../../engine/dedup.ts";
import { PushEngine } from "../../engine/engine.ts";
import { MemoryStore, StoreError } from "../../engine/store.ts";
import { VirtualClock } from "../../simulator/clock.ts";
import { errorText, harness, recordingLogger, must, onePush } from "./harness.ts";

const PUSH = "urn:xmpp:push:0";
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

function offlineAlice(options: Record<string, unknown> = {}, extras: Parameters<typeof harness>[1] = {}) {
  const h = harness({ push_max_errors: 2, ...options }, extras);
  h.enable(h.session("alice", "phone"), "push.example", "n1");
  h.sessions.length = 0;
  let n = 0;
  const push = () => {
    return onePush(h.sent, () => h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: `m${++n}` }));
  };
  return { ...h, push };
}
const answer = (push: Element, type: string, children: Element[] = [], from = push.attrs.to!) => xml("iq", { type, id: push.attrs.id, from }, ...children);
const cancel = (push: Element) => answer(push, "error", [xml("error", { type: "cancel" }, xml("item-not-found", { xmlns: STANZAS }))]);

describe("handleAppReply", () => {
  it("says whether the iq answered one of our pushes", () => {
    const h = offlineAlice();
    const p = h.push();
    expect(h.engine.handleAppReply(xml("iq", { type: "result", id: "not-ours", from: "push.example" }))).toBe(false);
    expect(h.engine.handleAppReply(answer(p, "result", [], "evil.example"))).toBe(true); // ours, but foreign: ignored
    expect(h.engine.stats().pending).toBe(1);
    expect(h.engine.handleAppReply(answer(p, "result"))).toBe(true);
    expect(h.engine.handleAppReply(answer(p, "result"))).toBe(false); // already answered
    expect(h.engine.handleAppReply(cancel(h.push()))).toBe(true);
  });

  it("R-ERR-SPOOF: an answer without a from is not from the app server", () => {
    const h = offlineAlice({ push_max_errors: 1 });
    const p = h.push();
    h.engine.handleAppReply(xml("iq", { type: "error", id: p.attrs.id }, xml("error", { type: "cancel" })));
    expect(h.store.load("alice").registrations).toHaveLength(1);
  });

  it("an iq that is neither result nor error does not count as an error", () => {
    const h = offlineAlice({ push_max_errors: 1 });
    h.engine.handleAppReply(answer(h.push(), "set"));
    expect(h.store.load("alice").registrations).toHaveLength(1);
  });

  it("R-ERR-COUNT: an error without a type, or without an <error/> child at all, counts (only wait is spared)", () => {
    const h = offlineAlice({ push_max_errors: 3 });
    h.engine.handleAppReply(answer(h.push(), "error", [xml("error", {}, xml("undefined-condition", { xmlns: STANZAS }))]));
    expect(h.engine.handleAppReply(answer(h.push(), "error"))).toBe(true);
    expect(h.store.load("alice").errors).toEqual({ "push.example<n1": 2 });
  });

  it("R-ERR-COUNT: a removed registration takes only itself: the user's other registrations stay", () => {
    const h = harness({ push_max_errors: 1 });
    const s = h.session("alice", "phone");
    h.enable(s, "first.example", "a");
    h.enable(s, "second.example", "b");
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m" });
    h.engine.handleAppReply(cancel(must(h.sent.find((p) => p.attrs.to === "second.example"), "the push")));
    expect(h.store.load("alice").registrations.map((r) => r.jid)).toEqual(["first.example"]);
    expect(h.engine.stats()).toMatchObject({ pending: 1, dedupKeys: 1 }); // first.example's push and memory
  });
});

describe("the client is told why (error replies carry a text)", () => {
  it.each([
    ["enable without jid", "enable", {}, "Missing jid"],
    ["enable with a malformed jid", "enable", { jid: "a@@b" }, "Invalid jid"],
    ["enable to the user's own full JID", "enable", { jid: "alice@example.org/phone" }, "JID must be different from ours"],
    ["enable to the user's own account", "enable", { jid: "alice@example.org" }, "JID must not be your own account"],
    ["disable without jid", "disable", {}, "Missing jid"],
  ])("%s → bad-request with text %j", (_, name, attrs, text) => {
    const h = harness();
    const s = h.session("alice", "phone");
    const reply = must(h.engine.handleIq(s, xml("iq", { type: "set", id: "x", from: "alice@example.org/phone" }, xml(name, { xmlns: PUSH, ...attrs }))), "the reply");
    expect(reply.getChild("error")?.getChild("bad-request", STANZAS)).toBeDefined();
    expect(errorText(reply)).toBe(text);
  });

  it("an enable in an iq get → bad-request saying to use set", () => {
    const h = harness();
    const reply = must(h.engine.handleIq(h.session("alice", "phone"), xml("iq", { type: "get", id: "g" }, xml("enable", { xmlns: PUSH, jid: "p.example" }))), "the reply");
    expect(reply.attrs).toMatchObject({ type: "error", id: "g" });
    expect(reply.getChild("error")?.attrs.type).toBe("modify");
    expect(reply.getChild("error")?.getChild("bad-request", STANZAS)).toBeDefined();
    expect(errorText(reply)).toBe("Use type='set'");
  });

  it("a storage failure → wait/internal-server-error saying the storage is unavailable", () => {
    const h = harness();
    h.store.failWrites = true;
    const reply = h.enable(h.session("alice", "phone"), "push.example", "n1");
    expect(reply.getChild("error")?.getChild("internal-server-error", STANZAS)).toBeDefined();
    expect(errorText(reply)).toBe("Storage unavailable");
  });

  it("an iq that is not about push is left to the server (null)", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    expect(h.engine.handleIq(s, xml("iq", { type: "get", id: "v" }, xml("query", { xmlns: "jabber:iq:version" })))).toBeNull();
    expect(h.engine.handleIq(s, xml("iq", { type: "set", id: "o" }, xml("other", { xmlns: PUSH })))).toBeNull();
    expect(h.engine.handleIq(s, xml("iq", { type: "set", id: "n" }, xml("enable", { xmlns: "urn:example:not-push", jid: "p.example" })))).toBeNull();
    expect(h.store.load("alice").registrations).toEqual([]);
  });
});

describe("logs", () => {
  it("malformed input is ignored with a warning that says where", () => {
    const log = recordingLogger();
    const h = harness({}, { log });
    expect(h.engine.handleIq(h.session("alice", "phone"), null as unknown as Element)).toBeNull();
    expect(h.engine.handleAppReply(null as unknown as Element)).toBe(false);
    expect(h.engine.messageOffline("alice", null as never)).toBe(0);
    const warnings = log.lines.filter((l) => l.level === "warn" && l.msg === "engine input ignored");
    expect(warnings.map((l) => l.obj.where)).toEqual(["handleIq", "handleAppReply", "messageOffline"]);
    expect(String(warnings[0]?.obj.err)).toMatch(/TypeError/);
  });

  it.each([
    ["messageArchived", [null, null]],
    ["groupchatToBare", ["alice", null]],
    ["hibernationStarted", [null, []]],
    ["stanzaQueued", [null, null]],
    ["ackDelayed", [null, null]],
    ["ackReceived", [null]],
    ["hibernationEnded", [null, true]],
    ["ping", ["alice", {}]],
  ] as const)("%s: malformed input is logged under its own name", (method, args) => {
    const log = recordingLogger();
    const h = harness({}, { log });
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    (h.engine[method] as (...a: unknown[]) => unknown).apply(h.engine, [...args]);
    expect(log.lines.filter((l) => l.msg === "engine input ignored").map((l) => l.obj.where)).toEqual([method]);
  });

  it("a host timer that fails to cancel is logged as sessionClosed, and the session is still gone from the engine's view", () => {
    const log = recordingLogger();
    const clock = new VirtualClock();
    const engine = new PushEngine({
      store: new MemoryStore(),
      clock: { now: () => clock.now(), setTimer: () => ({ cancel: () => { throw new Error("timer wheel broken"); } }) },
      port: { domain: "example.org", send() {}, sessions: () => [phone], setHibernationTimeout() {} },
      log,
    });
    const phone = { id: "p", user: "alice", resource: "phone", state: "hibernated" as const };
    engine.handleIq({ ...phone, state: "live" }, xml("iq", { type: "set", id: "e", from: "alice@example.org/phone" }, xml("enable", { xmlns: PUSH, jid: "push.example" })));
    engine.stanzaQueued(phone, { stanza: xml("message", { to: "alice@example.org", type: "chat" }, xml("body", {}, "x")), key: "k" });
    engine.sessionClosed("p");
    expect(log.lines.filter((l) => l.msg === "engine input ignored").map((l) => [l.obj.where, l.obj.err])).toEqual([["sessionClosed", "Error: timer wheel broken"]]);
    expect(engine.stats().sessions).toBe(0);
  });

  it("a queued stanza that cannot be read fails when its batch is pushed, logged as flushBatch", () => {
    const log = recordingLogger();
    const h = harness({}, { log });
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.stanzaQueued(phone, null as never);
    h.clock.advance(1000);
    expect(log.lines.filter((l) => l.msg === "engine input ignored").map((l) => l.obj.where)).toEqual(["flushBatch"]);
  });

  it("a store that cannot be read is logged with the user, and nobody is pushed", () => {
    const log = recordingLogger();
    const h = harness({}, { log });
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    h.sessions.length = 0;
    h.store.failReads = true;
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m" })).toBe(0);
    expect(log.lines).toContainEqual({ level: "warn", obj: { user: "alice", err: "StoreError: store unavailable (simulated)" }, msg: "registration store unavailable" });
  });

  it("a store that cannot be written while counting an error is logged with the user", () => {
    const log = recordingLogger();
    const h = offlineAlice({}, { log });
    const p = h.push();
    h.store.failWrites = true;
    h.engine.handleAppReply(cancel(p));
    expect(log.lines).toContainEqual({ level: "warn", obj: { user: "alice", err: "StoreError: store write failed (simulated)" }, msg: "registration store update failed" });
  });

  it("a vetoed push, a foreign answer and a removal are logged with what they concern", () => {
    const log = recordingLogger();
    let veto = true;
    const h = offlineAlice({ push_max_errors: 1 }, { log, hooks: { push: () => (veto ? "quiet hours" : undefined) } });
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "vetoed" })).toBe(0);
    veto = false;
    const p = h.push();
    h.engine.handleAppReply(answer(p, "result", [], "evil.example"));
    h.engine.handleAppReply(cancel(p));
    const seen = log.lines.filter((l) => l.level !== "debug");
    expect(seen).toEqual([
      { level: "info", obj: { user: "alice", reg: "push.example<n1", reason: "quiet hours" }, msg: "push vetoed" },
      { level: "warn", obj: { id: p.attrs.id, from: "evil.example", expected: "push.example" }, msg: "push reply from a foreign JID ignored" },
      { level: "info", obj: { user: "alice", reg: "push.example<n1", count: 1 }, msg: "registration removed after errors" },
    ]);
  });

  it("each push iq is logged at debug level with its outcome", () => {
    const log = recordingLogger();
    const h = harness({}, { log });
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    expect(log.lines).toEqual([{ level: "debug", obj: { user: "alice", cmd: "enable", reply: "result" }, msg: "push iq" }]);
  });
});

describe("the push observer (onPush)", () => {
  it("sees each push with its registration, key and stanza; a ping has no key and no stanza", () => {
    const seen: PushInfo[] = [];
    const h = harness({}, { onPush: (i) => seen.push(i), newId: (() => { let n = 0; return () => `id${++n}`; })() });
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    h.sessions.length = 0;
    const stanza = h.message("alice@example.org");
    h.engine.messageOffline("alice", { stanza, key: "k1" });
    h.engine.ping("alice");
    const reg = expect.objectContaining({ id: "push.example<n1", jid: "push.example", node: "n1" });
    const push = (id: string) => expect.objectContaining({ name: "iq", attrs: expect.objectContaining({ id, to: "push.example" }) });
    expect(seen).toEqual([
      { id: "id1", user: "alice", registration: reg, key: "k1", stanza, push: push("id1") },
      { id: "id2", user: "alice", registration: reg, stanza: null, push: push("id2") },
    ]);
    expect(seen[1]).not.toHaveProperty("key");
    expect(h.sent.map((p) => p.attrs.id)).toEqual(["id1", "id2"]);
  });
});

describe("MemoryStore", () => {
  it("returns copies: changing what load gave does not change the store", () => {
    const store = new MemoryStore();
    store.save("alice", { registrations: [{ id: "a<", jid: "a", enabledAt: 0, seq: 1, resource: "r" }], errors: { "a<": 1 } });
    const rec = store.load("alice");
    rec.registrations[0]!.jid = "changed";
    rec.errors["a<"] = 9;
    expect(store.load("alice")).toEqual({ registrations: [{ id: "a<", jid: "a", enabledAt: 0, seq: 1, resource: "r" }], errors: { "a<": 1 } });
  });

  it("keeps a record with error counts only; forgets the user when nothing is left", () => {
    const store = new MemoryStore();
    store.save("alice", { registrations: [], errors: { "a<": 1 } });
    expect(store.userCount()).toBe(1);
    expect(store.load("alice").errors).toEqual({ "a<": 1 });
    store.save("alice", { registrations: [], errors: {} });
    expect(store.userCount()).toBe(0);
  });

  it("fails reads and writes on demand with a StoreError", () => {
    const store = new MemoryStore();
    store.failReads = true;
    expect(() => store.load("alice")).toThrow(new StoreError("store unavailable (simulated)"));
    store.failWrites = true;
    try {
      store.save("alice", { registrations: [], errors: {} });
    } catch (e) {
      expect(e).toBeInstanceOf(StoreError);
      expect((e as Error).name).toBe("StoreError");
      expect((e as Error).message).toBe("store write failed (simulated)");
    }
    expect.assertions(4);
  });
});

describe("DedupMemory", () => {
  it("forgets the least recently added key beyond its capacity; adding a key again makes it recent", () => {
    const d = new DedupMemory(2);
    d.add("alice", "r", "k1");
    d.add("alice", "r", "k2");
    d.add("alice", "r", "k1");
    d.add("alice", "r", "k3");
    expect(["k1", "k2", "k3"].map((k) => d.has("alice", "r", k))).toEqual([true, false, true]);
    expect(d.has("alice", "other", "k1")).toBe(false);
    expect(d.has("bob", "r", "k1")).toBe(false);
    d.forget("alice", "r");
    expect(d.size()).toBe(0);
  });
});
