// The merged speed-ups and limits, each asserted where it could go wrong: the store's shared view
// (a result for a clean registration reads and writes nothing), error counts reset through a
// store without a view, a store that cannot be read while resetting, the publish-options cache
// (bounded, never shared between pushes), the push's publish element, the de-duplication memory
// releasing a user, and the oversized enable's answer.
import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { buildPush, publishOptionsCacheSize } from "../../engine/compose.ts";
import { DedupMemory } from "../../engine/dedup.ts";
import { MAX_STANZA_BYTES } from "../../engine/parse.ts";
import { MemoryStore, type RegistrationStore, type UserPushRecord } from "../../engine/store.ts";
import { errorOf } from "../../simulator/protocol/stanza-kit.ts";
import { harness, must, onePush, recordingLogger } from "./harness.ts";

const cancel = (id: string) =>
  xml("iq", { type: "error", id, from: "push.example" }, xml("error", { type: "cancel" }, xml("item-not-found", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));
const result = (id: string) => xml("iq", { type: "result", id, from: "push.example" });

/** A MemoryStore that counts loads and writes. */
class CountingStore extends MemoryStore {
  loads = 0;
  writes = 0;
  override load(user: string): UserPushRecord {
    this.loads++;
    return super.load(user);
  }
  override save(user: string, record: UserPushRecord): void {
    this.writes++;
    super.save(user, record);
  }
}

/** A store with only load and save (no shared view), counting writes: a database, say. */
class PlainStore implements RegistrationStore {
  readonly inner = new MemoryStore();
  writes = 0;
  load(user: string): UserPushRecord {
    return this.inner.load(user);
  }
  save(user: string, record: UserPushRecord): void {
    this.writes++;
    this.inner.save(user, record);
  }
}

function offlineWith(store: RegistrationStore, log = recordingLogger()) {
  const h = harness({ push_max_errors: 5 }, { store, log });
  h.enable(h.session("alice", "phone"), "push.example", "n1");
  h.sessions.length = 0;
  let n = 0;
  const push = () => onePush(h.sent, () => h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: `m${++n}` })).attrs.id!;
  return { ...h, push, log };
}

describe("the store's view", () => {
  it("a result for a registration without errors neither loads a copy of the record nor writes", () => {
    const store = new CountingStore();
    const h = offlineWith(store);
    const id = h.push();
    const loads = store.loads;
    const writes = store.writes;
    expect(h.engine.handleAppReply(result(id))).toBe(true);
    expect(store.loads).toBe(loads);
    expect(store.writes).toBe(writes);
  });

  it("without a view: a result resets errors with one write, and writes nothing when there were none", () => {
    const store = new PlainStore();
    const h = offlineWith(store);
    let writes = store.writes;
    expect(h.engine.handleAppReply(result(h.push()))).toBe(true);
    expect(store.writes).toBe(writes); // nothing to reset
    h.engine.handleAppReply(cancel(h.push()));
    expect(store.load("alice").errors).toEqual({ "push.example<n1": 1 });
    writes = store.writes;
    h.engine.handleAppReply(result(h.push()));
    expect(store.load("alice").errors).toEqual({}); // R-ERR-RESET
    expect(store.writes).toBe(writes + 1);
  });

  it("a store that cannot be read while a result comes in: the failure is logged, nothing thrown", () => {
    const store = new MemoryStore();
    const h = offlineWith(store);
    const id = h.push();
    store.failReads = true;
    expect(h.engine.handleAppReply(result(id))).toBe(true);
    expect(h.log.lines).toContainEqual({ level: "warn", obj: { user: "alice", err: "StoreError: store unavailable (simulated)" }, msg: "registration store update failed" });
  });
});

describe("the publish-options cache", () => {
  const reg = (form: string) => ({ id: "push.example<n1", jid: "push.example", node: "n1", publishOptions: form, enabledAt: 0, seq: 1 });
  const form = (i: number | string) => `<x xmlns="jabber:x:data" type="submit"><field var="secret"><value>${i}</value></field></x>`;
  const push = (f: string) => buildPush({ id: "p", domain: "example.org", registration: reg(f), fields: { "message-count": "1" } });

  it("keeps each form once, and never more than 1024 of them", () => {
    const before = publishOptionsCacheSize();
    push(form("a-first"));
    push(form("a-first"));
    push(form("a-second"));
    expect(publishOptionsCacheSize()).toBe(before + 2 > 1024 ? 2 : before + 2);
    let most = 0;
    for (let i = 0; i < 1100; i++) {
      push(form(i));
      most = Math.max(most, publishOptionsCacheSize());
    }
    expect(most).toBe(1024);
    expect(publishOptionsCacheSize()).toBeGreaterThan(0);
  });

  it("a registration without publish-options leaves the cache as it is", () => {
    const before = publishOptionsCacheSize();
    for (const publishOptions of [undefined, ""]) {
      const p = buildPush({ id: "p", domain: "example.org", registration: { id: "push.example<n1", jid: "push.example", node: "n1", enabledAt: 0, seq: 1, ...(publishOptions !== undefined && { publishOptions }) }, fields: {} });
      expect(p.getChild("pubsub")?.getChild("publish-options")).toBeUndefined();
    }
    expect(publishOptionsCacheSize()).toBe(before);
  });

  it("a form it holds is served from it: a full cache is not emptied by a hit", () => {
    let i = 0;
    while (publishOptionsCacheSize() < 1024) push(form(`fill-${i++}`)); // each a miss: one more form held
    expect(publishOptionsCacheSize()).toBe(1024);
    const held = push(form(`fill-${i - 1}`)); // the last form added is held
    expect(held.getChild("pubsub")?.getChild("publish-options")?.toString()).toContain(`<value>fill-${i - 1}</value>`);
    expect(publishOptionsCacheSize()).toBe(1024);
    push(form("one-more")); // a miss on a full cache empties it, then holds the new form
    expect(publishOptionsCacheSize()).toBe(1);
  });

  it("each push gets its own copy of the form: changing one push does not change the next", () => {
    const first = push(form("shared"));
    must(first.getChild("pubsub")?.getChild("publish-options")?.getChild("x")?.getChild("field"), "the form's field").attrs.var = "changed";
    expect(push(form("shared")).getChild("pubsub")?.getChild("publish-options")?.toString()).toContain('<field var="secret">');
  });

  it("a registration without a node publishes with no node attribute at all", () => {
    const p = buildPush({ id: "p", domain: "example.org", registration: { id: "push.example<", jid: "push.example", enabledAt: 0, seq: 1 }, fields: {} });
    expect(Object.keys(must(p.getChild("pubsub")?.getChild("publish"), "the publish").attrs)).toEqual([]);
  });
});

describe("the de-duplication memory", () => {
  it("forgetting a user's last registration leaves nothing of that user", () => {
    const d = new DedupMemory(10);
    d.add("alice", "r1", "k");
    d.add("alice", "r2", "k");
    d.add("bob", "r1", "k");
    d.forget("alice", "r1");
    expect(d.userCount()).toBe(2);
    d.forget("alice", "r2");
    expect(d.userCount()).toBe(1);
    d.forget("carol", "r1"); // never seen: nothing to do
    expect(d.userCount()).toBe(1);
  });
});

describe("the input limit on enable", () => {
  it("an oversized enable's error says how large a stanza may be", () => {
    const h = harness();
    const huge = xml("x", { xmlns: "jabber:x:data", type: "submit" }, xml("field", { var: "secret" }, xml("value", {}, "s".repeat(MAX_STANZA_BYTES))));
    const reply = h.enable(h.session("alice", "phone"), "push.example", "n1", huge);
    expect(errorOf(reply)).toEqual({ type: "modify", condition: "policy-violation", text: `Stanza larger than ${MAX_STANZA_BYTES} bytes` });
  });
});
