// Timer boundaries, each checked on both sides: the one-second batch (R-HIB-QUEUE, R-ACK-DELAY)
// and the reply timeout (push_reply_timeout: how long an app server may take to answer).
import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { harness, must } from "./harness.ts";

const error = (id: string, type = "cancel") =>
  xml("iq", { type: "error", id, from: "push.example" }, xml("error", { type }, xml("item-not-found", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));
const result = (id: string) => xml("iq", { type: "result", id, from: "push.example" });

function hibernatedPhone(options: Record<string, unknown> = {}) {
  const h = harness(options);
  const phone = h.session("alice", "phone", "hibernated");
  h.enable(phone, "push.example", "n1");
  h.engine.hibernationStarted(phone, []);
  let n = 0;
  const queue = () => h.engine.stanzaQueued(phone, { stanza: h.message("alice@example.org/phone"), key: `q${++n}` });
  return { ...h, phone, queue };
}

describe("the one-second batch (R-HIB-QUEUE)", () => {
  it("starts at the first queued stanza: nothing at 999 ms, one push at 1000 ms for everything queued until then", () => {
    const h = hibernatedPhone();
    h.queue();
    h.clock.advance(500);
    h.queue();
    h.clock.advance(499);
    h.queue(); // at 999 ms: still in the batch
    expect(h.sent).toHaveLength(0);
    h.clock.advance(1);
    expect(h.sent).toHaveLength(1);
  });

  it("a stanza queued after the batch was pushed opens the next batch, one second from itself", () => {
    const h = hibernatedPhone();
    h.queue();
    h.clock.advance(1000);
    expect(h.sent).toHaveLength(1);
    h.clock.advance(300);
    h.queue(); // at 1300 ms
    h.clock.advance(999);
    expect(h.sent).toHaveLength(1);
    h.clock.advance(1);
    expect(h.sent).toHaveLength(2);
  });

  it("R-ACK-DELAY batches the same way for a live session", () => {
    const h = harness();
    const phone = h.session("alice", "phone");
    h.enable(phone, "push.example", "n1");
    h.engine.ackDelayed(phone, [{ stanza: h.message("alice@example.org/phone"), key: "a1" }, { stanza: h.message("alice@example.org/phone"), key: "a2" }]);
    h.clock.advance(999);
    expect(h.sent).toHaveLength(0);
    h.clock.advance(1);
    expect(h.sent).toHaveLength(1);
  });
});

describe("the app server's timing (push_reply_timeout)", () => {
  function silentApp(options: Record<string, unknown>) {
    const h = harness({ push_max_errors: 1, ...options });
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m" });
    return { ...h, id: must(h.sent[0], "the push").attrs.id! };
  }

  it("an error answered 1 ms before the timeout counts", () => {
    const h = silentApp({ push_reply_timeout: 30 });
    h.clock.advance(29_999);
    expect(h.engine.handleAppReply(error(h.id))).toBe(true);
    expect(h.store.load("alice").registrations).toHaveLength(0);
  });

  it("an error answered at the timeout is not ours any more: not counted", () => {
    const h = silentApp({ push_reply_timeout: 30 });
    h.clock.advance(30_000);
    expect(h.engine.handleAppReply(error(h.id))).toBe(false);
    expect(h.store.load("alice").registrations).toHaveLength(1);
  });

  it("an answer releases the push at once, and its timer with it", () => {
    const h = silentApp({ push_reply_timeout: 30 });
    h.clock.advance(10_000);
    expect(h.engine.handleAppReply(result(h.id))).toBe(true);
    expect(h.engine.stats().pending).toBe(0);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it("a timeout of 0 s forgets the push as soon as time moves at all", () => {
    const h = silentApp({ push_reply_timeout: 0 });
    expect(h.engine.stats().pending).toBe(1);
    h.clock.advance(0);
    expect(h.engine.stats().pending).toBe(0);
  });
});
