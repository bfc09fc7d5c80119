// Per-session push state: which session a batch belongs to, when state is kept and forgotten,
// the hibernation extension (R-HIB-EXTEND) through resumption and removals, late acks, the
// one-important/one-unimportant limit, vetoed pushes and stanzas without a server key (R-DEDUP).
import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { chatState, harness, nodesOf, must } from "./harness.ts";

const PUSH = "urn:xmpp:push:0";

function disable(h: ReturnType<typeof harness>, s: { user: string; resource: string; id: string; state: "live" | "hibernated" }, attrs: Record<string, string>) {
  return must(h.engine.handleIq(s, xml("iq", { type: "set", id: "d", from: `${s.user}@example.org/${s.resource}` }, xml("disable", { xmlns: PUSH, ...attrs }))), "the reply");
}

describe("which session a batch belongs to", () => {
  it("R-HIB-QUEUE: the batch is pushed to the registration of the session that queued it, not to the user's first session", () => {
    const h = harness();
    const phone = h.session("alice", "phone");
    const tablet = h.session("alice", "tablet", "hibernated");
    h.enable(phone, "push.example", "phone");
    h.enable(tablet, "push.example", "tablet");
    h.engine.hibernationStarted(tablet, []);
    h.engine.stanzaQueued(tablet, { stanza: h.message("alice@example.org/tablet"), key: "q" });
    h.clock.advance(1000);
    expect(nodesOf(h.sent)).toEqual(["tablet"]);
  });

  it("a session without any registration keeps no state and no timer", () => {
    const h = harness();
    const laptop = h.session("alice", "laptop", "hibernated");
    h.engine.hibernationStarted(laptop, []);
    h.engine.sessionClosed(laptop.id);
    h.engine.stanzaQueued(h.session("alice", "desk", "hibernated"), { stanza: h.message("alice@example.org/desk"), key: "q" });
    expect(h.clock.pendingTimers()).toBe(0);
    expect(h.engine.stats().sessions).toBe(0);
  });

  it("a hibernation that ends without resumption forgets the session (even before the host closes it)", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, []);
    expect(h.engine.stats().sessions).toBe(1);
    h.engine.hibernationEnded(phone, false);
    expect(h.engine.stats().sessions).toBe(0);
  });

  it("a closed session is forgotten with its pending batch, whether or not a batch was open", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    const tablet = h.session("alice", "tablet");
    h.enable(phone, "push.example", "n1");
    h.enable(tablet, "push.example", "n2");
    h.engine.hibernationStarted(phone, []);
    h.engine.stanzaQueued(phone, { stanza: h.message("alice@example.org/phone"), key: "q" });
    h.engine.ackDelayed(tablet, []);
    h.engine.hibernationStarted(tablet, []); // state without a batch
    h.engine.sessionClosed(tablet.id);
    h.engine.sessionClosed(phone.id);
    expect(h.engine.stats().sessions).toBe(0);
    expect(h.clock.pendingTimers()).toBe(0);
    h.clock.advance(5000);
    expect(h.sent).toHaveLength(0);
  });
});

describe("R-HIB-EXTEND through resumption and removals", () => {
  it("the first important push ends the extension once; later pushes in the same hibernation leave the timeout alone", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, []);
    for (const key of ["a", "b"]) {
      h.engine.stanzaQueued(phone, { stanza: h.message("alice@example.org/phone"), key });
      h.clock.advance(1000);
    }
    expect(h.sent).toHaveLength(2);
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200, null]);
  });

  it("R-RESUME: after resumption the extension is over, so removing the registration does not touch the timeout", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, []);
    phone.state = "live";
    h.engine.hibernationEnded(phone, true);
    disable(h, phone, { jid: "push.example" });
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200]);
  });

  it("R-RESUME: the next hibernation extends again and its first push counts again", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, [{ stanza: h.message("alice@example.org/phone"), key: "a" }]);
    phone.state = "live";
    h.engine.hibernationEnded(phone, true);
    phone.state = "hibernated";
    h.engine.hibernationStarted(phone, [{ stanza: h.message("alice@example.org/phone"), key: "b" }]);
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200, null, 259200, null]);
  });

  it("a session bound to two registrations keeps its extension until both are gone, and is reset once", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    const tablet = h.session("alice", "tablet");
    h.enable(phone, "push.example", "a");
    h.enable(phone, "push.example", "b");
    h.enable(tablet, "push.example", "t");
    h.engine.hibernationStarted(phone, []);
    disable(h, phone, { jid: "push.example", node: "a" });
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200]);
    disable(h, phone, { jid: "push.example", node: "b" });
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200, null]);
    disable(h, tablet, { jid: "push.example", node: "t" }); // the user's other registration
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200, null]);
  });

  it("another hibernated session of the user without push is never given a timeout", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    const laptop = h.session("alice", "laptop", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(laptop, []);
    h.engine.hibernationStarted(phone, []);
    disable(h, phone, { jid: "push.example" });
    expect(h.timeouts).toEqual([
      { id: phone.id, seconds: 259200 },
      { id: phone.id, seconds: null },
    ]);
  });
});

describe("acks (R-ACK-DELAY)", () => {
  it("an ack from the live session drops the pending batch", () => {
    const h = harness();
    const phone = h.session("alice", "phone");
    h.enable(phone, "push.example", "n1");
    h.engine.ackDelayed(phone, [{ stanza: h.message("alice@example.org/phone"), key: "a" }]);
    h.engine.ackReceived(phone);
    h.clock.advance(2000);
    expect(h.sent).toHaveLength(0);
  });

  it("an ack reported for a hibernated session does not cancel its hibernation batch", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, []);
    h.engine.stanzaQueued(phone, { stanza: h.message("alice@example.org/phone"), key: "q" });
    h.engine.ackReceived(phone);
    h.clock.advance(1000);
    expect(h.sent).toHaveLength(1);
  });
});

describe("what one batch pushes", () => {
  it("without a placeholder, important and unimportant look alike: one push covers the batch", () => {
    const h = harness({ push_notification_important_body: "" });
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, [
      { stanza: h.message("alice@example.org/phone"), key: "a" },
      { stanza: h.message("alice@example.org/phone", [chatState()]), key: "b" },
    ]);
    expect(h.sent).toHaveLength(1);
  });

  it("R-VETO-PUSH: a stanza whose push was blocked is not counted as covered, so a later path pushes it", () => {
    let block = true;
    const h = harness({}, { hooks: { push: () => (block ? "quiet hours" : undefined) } });
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    const ks = { stanza: h.message("alice@example.org/phone"), key: "k" };
    h.engine.hibernationStarted(phone, [ks]);
    expect(h.sent).toHaveLength(0);
    block = false;
    h.sessions.length = 0;
    expect(h.engine.messageOffline("alice", ks)).toBe(1);
  });
});

describe("R-DEDUP for stanzas without a server key", () => {
  function offline() {
    const h = harness();
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    h.sessions.length = 0;
    return h;
  }

  it("the same stanza object is pushed once, whichever path hands it over", () => {
    const h = offline();
    const stanza = h.message("alice@example.org");
    expect(h.engine.messageOffline("alice", { stanza })).toBe(1);
    expect(h.engine.groupchatToBare("alice", { stanza })).toBe(0);
  });

  it("two different stanzas without keys are two pushes, even when they look the same", () => {
    const h = offline();
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org") })).toBe(1);
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org") })).toBe(1);
  });

  it("copies of one stanza with the server's key are one push", () => {
    const h = offline();
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "same" })).toBe(1);
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "same" })).toBe(0);
  });
});
