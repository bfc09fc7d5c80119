import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { errorOf as readError, errorIq } from "../../simulator/protocol/stanza-kit.ts";
import { harness, must } from "./harness.ts";

describe("registrations (R-ENABLE …)", () => {
  it("R-ENABLE stores the registration with its form verbatim; re-enable replaces", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    const form = xml("x", { xmlns: "jabber:x:data", type: "submit" }, xml("field", { var: "secret" }, xml("value", {}, "s & <3")));
    expect(h.enable(s, "push.example", "n1", form).attrs.type).toBe("result");
    expect(h.enable(s, "push.example", "n1").attrs.type).toBe("result");
    const regs = h.store.load("alice").registrations;
    expect(regs).toHaveLength(1);
    expect(regs[0]).toMatchObject({ id: "push.example<n1", jid: "push.example", node: "n1", resource: "phone" });
    expect(regs[0]?.publishOptions).toBeUndefined();
    h.enable(s, "push.example", "n1", form);
    expect(h.store.load("alice").registrations[0]?.publishOptions).toBe(form.toString());
  });

  it.each([
    ["R-ENABLE-NOJID missing jid", undefined, "Missing jid"],
    ["R-ENABLE-SELF own full JID", "alice@example.org/phone", "JID must be different from ours"],
    ["R-ENABLE-JID own bare JID", "alice@example.org", "JID must not be your own account"],
    ["R-ENABLE-JID own bare JID in other case", "Alice@Example.org", "JID must not be your own account"],
    ["R-ENABLE-JID empty", "", "Invalid jid"],
    ["R-ENABLE-JID malformed", "a@@b c", "Invalid jid"],
  ])("%s → modify/bad-request with a text saying why, nothing stored", (_, jid, text) => {
    const h = harness();
    const s = h.session("alice", "phone");
    const reply = h.enable(s, jid as string | undefined, "n1");
    expect(reply.attrs.type).toBe("error");
    expect(readError(reply)).toEqual({ type: "modify", condition: "bad-request", text });
    expect(h.store.load("alice").registrations).toHaveLength(0);
  });

  it("R-ENABLE-STOREFAIL answers wait/internal-server-error and keeps the old state", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    h.enable(s, "push.example", "n1");
    h.store.failWrites = true;
    const reply = h.enable(s, "push.example", "n2");
    expect(readError(reply)).toEqual({ type: "wait", condition: "internal-server-error", text: "Storage unavailable" });
    h.store.failWrites = false;
    expect(h.store.load("alice").registrations.map((r) => r.node)).toEqual(["n1"]);
  });

  it("R-DISABLE removes by jid, or jid+node; result when nothing matched; bad-request without jid", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    h.enable(s, "a.example", "n1");
    h.enable(s, "a.example", "n2");
    h.enable(s, "b.example", "n1");
    const disable = (attrs: Record<string, string>) =>
      must(h.engine.handleIq(s, xml("iq", { type: "set", id: "d", from: "alice@example.org/phone" }, xml("disable", { xmlns: "urn:xmpp:push:0", ...attrs }))), "the reply");
    expect(disable({ jid: "a.example", node: "n1" }).attrs.type).toBe("result");
    expect(h.store.load("alice").registrations.map((r) => r.id).sort()).toEqual(["a.example<n2", "b.example<n1"]);
    expect(disable({ jid: "a.example" }).attrs.type).toBe("result");
    expect(h.store.load("alice").registrations.map((r) => r.id)).toEqual(["b.example<n1"]);
    expect(disable({ jid: "nothing.example" }).attrs.type).toBe("result");
    expect(readError(disable({}))).toEqual({ type: "modify", condition: "bad-request", text: "Missing jid" });
  });

  it("R-MAXDEV evicts the least recently enabled; R-MAXDEV-ORDER uses stored times", () => {
    const h = harness({ push_max_devices: 2 });
    const s = h.session("alice", "phone");
    h.enable(s, "a.example", "1");
    h.clock.advance(1000);
    h.enable(s, "b.example", "2");
    h.clock.advance(1000);
    h.enable(s, "a.example", "1"); // refreshed: now the newest
    h.clock.advance(1000);
    h.enable(s, "c.example", "3");
    expect(h.store.load("alice").registrations.map((r) => r.jid)).toEqual(["a.example", "c.example"]);
  });

  it("R-DISCO lists urn:xmpp:push:0", () => {
    expect(harness().engine.accountFeatures()).toContain("urn:xmpp:push:0");
  });

  it("R-VETO-REG: a hook's reply is sent and nothing is stored", async () => {
    const { PushEngine } = await import("../../engine/engine.ts");
    const { MemoryStore } = await import("../../engine/store.ts");
    const { VirtualClock } = await import("../../simulator/clock.ts");
    const store = new MemoryStore();
    const engine = new PushEngine({
      store,
      clock: new VirtualClock(),
      port: { domain: "example.org", send() {}, sessions: () => [], setHibernationTimeout() {} },
      hooks: { registration: ({ iq }) => errorIq(iq, "cancel", "not-allowed") },
    });
    const s = { id: "1", user: "alice", resource: "phone", state: "live" as const };
    const reply = must(engine.handleIq(s, xml("iq", { type: "set", id: "x" }, xml("enable", { xmlns: "urn:xmpp:push:0", jid: "p.example" }))), "the reply");
    expect(readError(reply)).toEqual({ type: "cancel", condition: "not-allowed" });
    expect(store.load("alice").registrations).toHaveLength(0);
  });
});
