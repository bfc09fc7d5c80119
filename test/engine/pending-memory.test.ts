// The anchor keeps every push's reply bookkeeping forever; ours must release it when the reply
// arrives or after push_reply_timeout, and keep de-duplication memory bounded.
import { xml, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { PushEngine } from "../../engine/engine.ts";
import type { ServerPort, SessionView } from "../../engine/ports.ts";
import { MemoryStore } from "../../engine/store.ts";
import { NS } from "../../engine/xmlns.ts";
import { VirtualClock } from "../../simulator/clock.ts";

const DOMAIN = "localhost";
const APPS = ["push.localhost", "fcm.localhost"];
const phone: SessionView = { id: "s1", user: "alice", resource: "phone", state: "live" };

type Answer = "result" | "silence" | "spoofed";

function setup(answer: Answer, options: Record<string, unknown> = {}) {
  const clock = new VirtualClock();
  const store = new MemoryStore();
  let sent = 0;
  let engine!: PushEngine;
  const port: ServerPort = {
    domain: DOMAIN,
    send(push: Element) {
      sent++;
      if (answer === "silence") return;
      const from = answer === "spoofed" ? `evil.${push.attrs.to}` : push.attrs.to!;
      const reply = xml("iq", { type: "result", from, to: DOMAIN, id: push.attrs.id });
      clock.setTimer(2, () => engine.handleAppReply(reply));
    },
    sessions: () => [], // alice is offline: every message goes the R-OFFLINE way
    setHibernationTimeout() {},
  };
  engine = new PushEngine({ options, store, clock, port });
  for (const jid of APPS) {
    const iq = xml("iq", { type: "set", id: `en-${jid}`, from: "alice@localhost/phone" }, xml("enable", { xmlns: NS.push, jid }));
    expect(engine.handleIq(phone, iq)?.attrs.type).toBe("result");
  }
  const message = (n: number) => ({
    stanza: xml("message", { to: "alice@localhost", from: "bob@localhost/desk", type: "chat" }, xml("body", {}, `hello ${n}`)),
    key: `st${n}`,
  });
  return { clock, engine, message, sent: () => sent };
}

describe("pending-reply and de-duplication memory", () => {
  it("100k pushes answered with result leave no pending entries (and no timers)", () => {
    const { clock, engine, message, sent } = setup("result");
    const messages = 50_000; // × 2 registrations = 100k pushes
    for (let i = 1; i <= messages; i++) {
      engine.messageOffline("alice", message(i));
      if (i % 1000 === 0) clock.advance(10);
    }
    clock.advance(10);
    expect(sent()).toBe(100_000);
    expect(engine.stats().pending).toBe(0);
    expect(clock.pendingTimers()).toBe(0); // reply timeouts were cancelled, not left to fire
    const { push_dedup_memory } = engine.options;
    expect(engine.stats().dedupKeys).toBeLessThanOrEqual(APPS.length * push_dedup_memory);
    expect(engine.stats().dedupKeys).toBe(APPS.length * push_dedup_memory); // full, but no more
  });

  it("pushes to a silent app server are released after push_reply_timeout", () => {
    const { clock, engine, message, sent } = setup("silence", { push_reply_timeout: 30 });
    for (let i = 1; i <= 5000; i++) engine.messageOffline("alice", message(i));
    expect(sent()).toBe(10_000);
    expect(engine.stats().pending).toBe(10_000);
    clock.advance(29_999);
    expect(engine.stats().pending).toBe(10_000); // not before the timeout
    clock.advance(1);
    expect(engine.stats().pending).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("a reply from a foreign JID does not release the entry; the timeout does (R-ERR-SPOOF)", () => {
    const { clock, engine, message } = setup("spoofed", { push_reply_timeout: 10 });
    for (let i = 1; i <= 100; i++) engine.messageOffline("alice", message(i));
    clock.advance(100);
    expect(engine.stats().pending).toBe(200);
    clock.advance(10_000);
    expect(engine.stats().pending).toBe(0);
  });

  it("de-duplication memory stays within registrations × push_dedup_memory", () => {
    const { engine, message } = setup("silence", { push_dedup_memory: 64, push_reply_timeout: 1 });
    for (let i = 1; i <= 10_000; i++) engine.messageOffline("alice", message(i));
    expect(engine.stats().dedupKeys).toBe(APPS.length * 64);
  });
});
