// R-DEDUP memory follows what the server still holds: a stanza key is remembered while the
// stanza may be pushed again, and forgotten once the server settles it (acknowledged by every
// device, or stored offline after every hook ran). So memory stays flat however many pushes flow.
import { describe, expect, it } from "vitest";
import { DedupMemory } from "../../engine/dedup.ts";
import { harness, recordingLogger } from "./harness.ts";

describe("stanzasSettled", () => {
  function world() {
    const h = harness();
    const phone = h.session("alice", "phone");
    h.enable(phone, "push.example.net", "n1");
    h.sessions.length = 0; // the phone is gone: offline pushes
    return h;
  }

  it("a stanza pushed once is not pushed again while it is held", () => {
    const h = world();
    const ks = { stanza: h.message("alice@example.org"), key: "k1" };
    expect(h.engine.messageOffline("alice", ks)).toBe(1);
    expect(h.engine.messageOffline("alice", ks)).toBe(0);
    expect(h.engine.stats().dedupKeys).toBe(1);
  });

  it("once settled, its key is forgotten: memory is what is in flight", () => {
    const h = world();
    for (let i = 0; i < 100; i++) {
      const ks = { stanza: h.message("alice@example.org"), key: `k${i}` };
      expect(h.engine.messageOffline("alice", ks)).toBe(1);
      h.engine.stanzasSettled("alice", [`k${i}`]);
    }
    expect(h.engine.stats().dedupKeys).toBe(0);
  });

  it("only the named keys of that user are forgotten", () => {
    const h = world();
    const bob = h.session("bob", "phone");
    h.enable(bob, "push.example.net", "b1");
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "a1" });
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "a2" });
    h.engine.messageOffline("bob", { stanza: h.message("bob@example.org"), key: "a1" });
    h.engine.stanzasSettled("alice", ["a1"]);
    expect(h.engine.stats().dedupKeys).toBe(2);
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "a2" })).toBe(0); // still held
    expect(h.engine.messageOffline("bob", { stanza: h.message("bob@example.org"), key: "a1" })).toBe(0); // bob's kept
  });

  it("keys it cannot read are logged as stanzasSettled, and what it holds stays", () => {
    const log = recordingLogger();
    const h = harness({}, { log });
    h.enable(h.session("alice", "phone"), "push.example.net", "n1");
    h.sessions.length = 0;
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "k1" })).toBe(1);
    h.engine.stanzasSettled("alice", null as unknown as string[]);
    expect(log.lines.filter((l) => l.msg === "engine input ignored").map((l) => l.obj.where)).toEqual(["stanzasSettled"]);
    expect(h.engine.stats().dedupKeys).toBe(1);
  });

  it("never throws, whatever it is given", () => {
    const h = world();
    expect(() => h.engine.stanzasSettled("nobody", ["x"])).not.toThrow();
    expect(() => h.engine.stanzasSettled(undefined as unknown as string, null as unknown as string[])).not.toThrow();
  });
});

describe("DedupMemory.settle leaves no empty maps behind (memory stays flat)", () => {
  it("a registration whose keys are all settled is gone; a user whose registrations are all gone is gone", () => {
    const d = new DedupMemory(10);
    d.add("alice", "r1", "k1");
    d.add("alice", "r2", "k2");
    d.add("bob", "r1", "k1");
    d.settle("alice", ["k1"]); // r1 of alice is empty now, r2 still holds k2
    expect(d.userCount()).toBe(2);
    expect(d.has("alice", "r2", "k2")).toBe(true);
    d.settle("alice", ["k2"]); // alice's last registration empties: nothing of alice is left
    expect(d.userCount()).toBe(1);
    expect(d.size()).toBe(1);
    expect(d.has("bob", "r1", "k1")).toBe(true); // bob's key is bob's
  });

  it("settling for a user it holds nothing for is nothing to do", () => {
    const d = new DedupMemory(10);
    d.add("bob", "r1", "k1");
    expect(() => d.settle("carol", ["k1"])).not.toThrow();
    expect(d.userCount()).toBe(1);
    expect(d.size()).toBe(1);
  });
});
