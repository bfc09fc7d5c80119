// The engine's "when to push" rules, one by one, with a bare engine (no simulated server).
import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { BATCH_MS } from "../../engine/engine.ts";
import { fields, harness, must } from "./harness.ts";

const body = (t = "hi") => xml("body", {}, t);
const chatState = () => xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" });
const call = () => xml("propose", { xmlns: "urn:xmpp:jingle-message:0", id: "c1" });

function twoDevices(options: Record<string, unknown> = {}) {
  const h = harness(options);
  const phone = h.session("alice", "phone");
  const tablet = h.session("alice", "tablet");
  h.enable(phone, "push.example", "phone");
  h.enable(tablet, "push.example", "tablet");
  return { ...h, phone, tablet };
}

const nodes = (h: { sent: { getChild(n: string): any }[] }) => h.sent.map((p) => p.getChild("pubsub").getChild("publish").attrs.node);

describe("when to push", () => {
  it("R-OFFLINE pushes every registration", () => {
    const h = twoDevices();
    h.sessions.length = 0;
    expect(h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m1" })).toBe(2);
    expect(nodes(h).sort()).toEqual(["phone", "tablet"]);
  });

  it("R-MAM pushes only registrations not bound to a current session; sent copies never", () => {
    const h = twoDevices();
    h.sessions.splice(h.sessions.indexOf(h.phone), 1); // phone is gone, tablet online
    expect(h.engine.messageArchived("alice", { stanza: h.message("alice@example.org"), key: "m1" })).toBe(1);
    expect(nodes(h)).toEqual(["phone"]);
    const sentCopy = xml("message", { from: "alice@example.org/tablet", to: "bob@example.org", type: "chat" }, body());
    expect(h.engine.messageArchived("alice", { stanza: sentCopy, key: "m2" })).toBe(0);
  });

  it("R-MAM does nothing when the user has no session (the offline path pushes)", () => {
    const h = twoDevices();
    h.sessions.length = 0;
    expect(h.engine.messageArchived("alice", { stanza: h.message("alice@example.org"), key: "m1" })).toBe(0);
  });

  it("R-URGENT pushes a call to every registration even while both devices are live", () => {
    const h = twoDevices();
    expect(h.engine.messageArchived("alice", { stanza: h.message("alice@example.org", [call()]), key: "c" })).toBe(2);
  });

  it("R-GROUPCHAT-BARE pushes every registration", () => {
    const h = twoDevices();
    const gc = h.message("alice@example.org", [body()], { type: "groupchat", from: "room@muc.example.org/bob" });
    expect(h.engine.groupchatToBare("alice", { stanza: gc, key: "g" })).toBe(2);
  });

  it("R-HIB-START: one important and one unimportant push for the whole queue, to the bound registration only", () => {
    const h = twoDevices();
    h.phone.state = "hibernated";
    const queue = [body("a"), chatState(), body("b"), chatState()].map((c, i) => ({ stanza: h.message("alice@example.org/phone", [c]), key: `q${i}` }));
    h.engine.hibernationStarted(h.phone, queue);
    expect(nodes(h)).toEqual(["phone", "phone"]);
    expect(h.sent.map((p) => fields(p)["last-message-body"])).toEqual(["New Message!", undefined]);
  });

  it("R-HIB-QUEUE batches one second; R-HIB-EXTEND extends, then the first important push restores the normal timeout", () => {
    const h = twoDevices({ push_max_hibernation_timeout: 3600 });
    h.phone.state = "hibernated";
    h.engine.hibernationStarted(h.phone, []);
    expect(h.timeouts).toEqual([{ id: h.phone.id, seconds: 3600 }]);
    h.engine.stanzaQueued(h.phone, { stanza: h.message("alice@example.org/phone", [chatState()]), key: "s1" });
    h.clock.advance(BATCH_MS);
    expect(h.sent).toHaveLength(1); // unimportant: does not count as the first push
    expect(h.timeouts).toHaveLength(1);
    for (let i = 0; i < 5; i++) h.engine.stanzaQueued(h.phone, { stanza: h.message("alice@example.org/phone"), key: `b${i}` });
    h.clock.advance(BATCH_MS - 1);
    expect(h.sent).toHaveLength(1);
    h.clock.advance(1);
    expect(h.sent).toHaveLength(2); // one push for five messages
    expect(h.timeouts.at(-1)).toEqual({ id: h.phone.id, seconds: null });
  });

  it("R-HIB-EXTEND: with an empty placeholder any push counts as the first", () => {
    const h = twoDevices({ push_notification_important_body: "" });
    h.phone.state = "hibernated";
    h.engine.hibernationStarted(h.phone, [{ stanza: h.message("alice@example.org/phone", [chatState()]), key: "s" }]);
    expect(h.timeouts.map((t) => t.seconds)).toEqual([259200, null]);
  });

  it("R-ACK-DELAY batches the unacked stanzas of a live session", () => {
    const h = twoDevices();
    h.engine.ackDelayed(h.phone, [{ stanza: h.message("alice@example.org/phone"), key: "a" }]);
    expect(h.sent).toHaveLength(0);
    h.clock.advance(BATCH_MS);
    expect(nodes(h)).toEqual(["phone"]);
  });

  it("R-RESUME cancels the pending batch", () => {
    const h = twoDevices();
    h.phone.state = "hibernated";
    h.engine.hibernationStarted(h.phone, []);
    h.engine.stanzaQueued(h.phone, { stanza: h.message("alice@example.org/phone"), key: "r" });
    h.phone.state = "live";
    h.engine.hibernationEnded(h.phone, true);
    h.clock.advance(5 * BATCH_MS);
    expect(h.sent).toHaveLength(0);
  });

  it("R-PING pushes without message fields, to all or the given registrations", () => {
    const h = twoDevices({ push_notification_with_body: true, push_notification_with_sender: true });
    expect(h.engine.ping("alice")).toBe(2);
    expect(fields(must(h.sent[0], "the push"))).toEqual({ FORM_TYPE: "urn:xmpp:push:summary" });
    expect(h.engine.ping("alice", [{ jid: "push.example", node: "tablet" }])).toBe(1);
    expect(nodes(h).at(-1)).toBe("tablet");
  });

  it("R-DEDUP: the same stanza key reaches a registration once, whichever path fires", () => {
    const h = twoDevices();
    h.phone.state = "hibernated";
    const ks = { stanza: h.message("alice@example.org", [call()]), key: "same" };
    h.engine.messageArchived("alice", ks); // urgent: both registrations
    h.engine.hibernationStarted(h.phone, [ks]);
    h.engine.stanzaQueued(h.phone, ks);
    h.clock.advance(BATCH_MS);
    h.engine.messageOffline("alice", ks);
    expect(nodes(h).sort()).toEqual(["phone", "tablet"]);
  });

  it("R-DEDUP-EXPIRY: stanzas covered by a batch push are not pushed again when they go offline", () => {
    const h = twoDevices();
    h.phone.state = "hibernated";
    h.engine.hibernationStarted(h.phone, []);
    const batch = Array.from({ length: 50 }, (_, i) => ({ stanza: h.message("alice@example.org"), key: `f${i}` }));
    for (const ks of batch) h.engine.stanzaQueued(h.phone, ks);
    h.clock.advance(BATCH_MS);
    expect(h.sent).toHaveLength(1);
    h.sessions.length = 0; // expired: everything moves offline
    h.engine.hibernationEnded(h.phone, false);
    for (const ks of batch) h.engine.messageOffline("alice", ks);
    expect(nodes(h)).toEqual(["phone", ...Array(50).fill("tablet")]); // the tablet had none of them
  });
});
