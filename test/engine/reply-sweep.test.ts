// One sweep timer serves every push awaiting its reply (the benchmark work's speed-up): each push
// is still forgotten exactly push_reply_timeout after it was sent, an answer to one push leaves
// the others' deadlines alone, and no timer is left behind or thrown out of.
import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { PushEngine } from "../../engine/engine.ts";
import { MemoryStore } from "../../engine/store.ts";
import { VirtualClock } from "../../simulator/clock.ts";
import { harness, must, noThrow, recordingLogger } from "./harness.ts";

const error = (id: string) =>
  xml("iq", { type: "error", id, from: "push.example" }, xml("error", { type: "cancel" }, xml("item-not-found", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));
const result = (id: string) => xml("iq", { type: "result", id, from: "push.example" });

/** Alice offline with one registration; push() sends one push and returns its id. */
function offline(options: Record<string, unknown> = {}, log?: ReturnType<typeof recordingLogger>) {
  const h = harness({ push_reply_timeout: 30, push_max_errors: 5, ...options }, log ? { log } : {});
  h.enable(h.session("alice", "phone"), "push.example", "n1");
  h.sessions.length = 0;
  let n = 0;
  const push = () => {
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: `m${++n}` });
    return must(h.sent[h.sent.length - 1], "the push").attrs.id!;
  };
  const errors = () => h.store.load("alice").errors;
  return { ...h, push, errors };
}

describe("the reply sweep (push_reply_timeout)", () => {
  it("one timer serves all pending pushes", () => {
    const h = offline();
    h.push();
    h.push();
    h.push();
    expect(h.engine.stats().pending).toBe(3);
    expect(h.clock.pendingTimers()).toBe(1);
  });

  it("a push sent later than the clock's start is forgotten push_reply_timeout after it was sent, not later", () => {
    const h = offline();
    h.clock.advance(10_000);
    h.push(); // at 10 s: forgotten at 40 s
    h.clock.advance(29_999);
    expect(h.engine.stats().pending).toBe(1);
    h.clock.advance(1);
    expect(h.engine.stats().pending).toBe(0);
  });

  it("the sweep forgets only the pushes whose time is up; a later one can still be answered", () => {
    const h = offline();
    h.push(); // at 0 s: until 30 s
    h.clock.advance(10_000);
    const second = h.push(); // at 10 s: until 40 s
    h.clock.advance(20_000); // 30 s: the first is forgotten
    expect(h.engine.stats().pending).toBe(1);
    h.clock.advance(9_000); // 39 s
    expect(h.engine.handleAppReply(error(second))).toBe(true);
    expect(h.errors()).toEqual({ "push.example<n1": 1 });
  });

  it("answering one push leaves the others' deadlines in force", () => {
    const h = offline();
    const first = h.push();
    const second = h.push();
    expect(h.engine.handleAppReply(result(first))).toBe(true);
    expect(h.engine.stats().pending).toBe(1);
    h.clock.advance(30_000);
    expect(h.engine.stats().pending).toBe(0); // the second was forgotten on time
    expect(h.engine.handleAppReply(error(second))).toBe(false); // too late: not counted
    expect(h.errors()).toEqual({});
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it("a sweep that forgets the last push leaves no timer, and throws nothing into the host's clock", () => {
    const log = recordingLogger();
    const h = offline({}, log);
    h.push();
    noThrow("the host's timer running the sweep", () => h.clock.advance(30_000));
    expect(h.engine.stats().pending).toBe(0);
    expect(h.clock.pendingTimers()).toBe(0);
    h.push(); // the next push arms a new sweep
    expect(h.clock.pendingTimers()).toBe(1);
    h.clock.advance(30_000);
    expect(h.engine.stats().pending).toBe(0);
    // an ordinary sweep is not an error: nothing for an operator to read in the log
    expect(log.lines.filter((l) => l.msg === "engine input ignored")).toEqual([]);
  });

  it("a host clock that refuses to re-arm the sweep once: a push still awaited is answered and counted", () => {
    // A host that runs each timer callback in isolation (a failing one is logged, the rest go on),
    // and whose timer facility refuses one request.
    const clock = new VirtualClock();
    const hostErrors: string[] = [];
    let refuseNext = false;
    const hostClock = {
      now: () => clock.now(),
      setTimer: (ms: number, fn: () => void) => {
        if (refuseNext) {
          refuseNext = false;
          throw new Error("timer refused");
        }
        return clock.setTimer(ms, () => {
          try {
            fn();
          } catch (err) {
            hostErrors.push(String(err));
          }
        });
      },
    };
    const sent: ReturnType<typeof xml>[] = [];
    const store = new MemoryStore();
    const log = recordingLogger();
    const engine = new PushEngine({
      options: { push_reply_timeout: 30, push_max_errors: 5 },
      store,
      log,
      clock: hostClock,
      port: { domain: "example.org", send: (el) => sent.push(el), sessions: () => [], setHibernationTimeout() {} },
    });
    const phone = { id: "p", user: "alice", resource: "phone", state: "live" as const };
    engine.handleIq(phone, xml("iq", { type: "set", id: "e", from: "alice@example.org/phone" }, xml("enable", { xmlns: "urn:xmpp:push:0", jid: "push.example", node: "n1" })));
    const message = () => xml("message", { from: "bob@example.org/laptop", to: "alice@example.org", type: "chat" }, xml("body", {}, "hi"));
    expect(engine.messageOffline("alice", { stanza: message(), key: "m1" })).toBe(1);
    clock.advance(10_000);
    expect(engine.messageOffline("alice", { stanza: message(), key: "m2" })).toBe(1);
    const second = must(sent[1], "the second push").attrs.id!;
    refuseNext = true;
    clock.advance(20_000); // the first push's time is up; re-arming for the second is refused
    expect(hostErrors).toEqual([]); // the engine never throws into the host's clock
    expect(log.lines.filter((l) => l.msg === "engine input ignored").map((l) => l.obj.where)).toEqual(["replySweep"]);
    expect(engine.stats().pending).toBe(1);
    expect(engine.handleAppReply(error(second))).toBe(true);
    expect(store.load("alice").errors).toEqual({ "push.example<n1": 1 });
    expect(engine.stats().pending).toBe(0);
  });
});
