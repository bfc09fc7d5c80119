// Stanza shapes the scenario steps cannot (yet) produce: encrypted messages with no <body/> at all,
// calls with and without storage hints, a chat message with a subject, bodies in other namespaces,
// carbons in their less common forms, odd sender attributes and a corrupt stored form.
import { xml, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { classify } from "../../engine/classify.ts";
import { call, chatState, fields, harness, omemo, must } from "./harness.ts";

const body = (t: string, attrs: Record<string, string> = {}) => xml("body", attrs, t);
const hint = (name: string) => xml(name, { xmlns: "urn:xmpp:hints" });

/** The summary fields of the push alice's offline phone gets for a message with these children. */
function summaryFor(options: Record<string, unknown>, children: Element[], attrs: Record<string, string> = {}) {
  const h = harness(options);
  h.enable(h.session("alice", "phone"), "push.example", "n1");
  h.sessions.length = 0;
  h.engine.messageOffline("alice", { stanza: h.message("alice@example.org", children, attrs), key: "k" });
  expect(h.sent).toHaveLength(1);
  return fields(must(h.sent[0], "the push"));
}

const carbon = (dir: "sent" | "received", inner: Element) =>
  xml("message", { from: "alice@example.org", to: "alice@example.org/phone", type: "chat" }, xml(dir, { xmlns: "urn:xmpp:carbons:2" }, xml("forwarded", { xmlns: "urn:xmpp:forward:0" }, inner)));

describe("encrypted messages without any <body/>", () => {
  it.each([
    ["OMEMO (legacy namespace)", omemo()],
    ["OMEMO", xml("encrypted", { xmlns: "urn:xmpp:omemo:0" }, xml("payload", {}, "c"))],
    ["XEP-0027", xml("x", { xmlns: "jabber:x:encrypted" }, "c")],
    ["OpenPGP for XMPP", xml("openpgp", { xmlns: "urn:xmpp:openpgp:0" }, "c")],
  ])("%s is important: the placeholder is sent, with or without with_body", (_, payload) => {
    expect(summaryFor({}, [payload])["last-message-body"]).toBe("New Message!");
    expect(summaryFor({ push_notification_with_body: true }, [payload])["last-message-body"]).toBe("New Message!");
  });

  it("an element named like an encryption payload in another namespace is not encryption", () => {
    expect(summaryFor({}, [xml("x", { xmlns: "jabber:x:oob" }, xml("url", {}, "https://example.org/f"))])).not.toHaveProperty("last-message-body");
    expect(summaryFor({}, [xml("encrypted", { xmlns: "urn:example:not-e2ee" })])).not.toHaveProperty("last-message-body");
  });
});

describe("calls (XEP-0353) and storage hints", () => {
  it.each([
    ["without a hint", []],
    ["with <store/>", [hint("store")]],
    ["with <no-store/>", [hint("no-store")]],
  ])("a call %s handed to the engine is important and sealed; hints are the server's business", (_, hints) => {
    const f = summaryFor({ push_notification_with_body: true }, [call(), ...(hints as Element[])]);
    expect(f["last-message-body"]).toBe("New Message!");
  });

  it("R-URGENT: only a direct call is urgent, not one inside a carbon; a propose in another namespace is no call", () => {
    expect(classify(xml("message", {}, call())).urgent).toBe(true);
    expect(classify(carbon("received", xml("message", { xmlns: "jabber:client" }, call()))).urgent).toBe(false);
    expect(classify(xml("message", {}, xml("propose", { xmlns: "urn:example" }))).urgent).toBe(false);
  });
});

describe("bodies and subjects", () => {
  it("a chat message with a subject and a body is important; its body, never its subject, is the body", () => {
    expect(summaryFor({}, [xml("subject", {}, "topic"), body("the text")])["last-message-body"]).toBe("New Message!");
    const f = summaryFor({ push_notification_with_body: true }, [xml("subject", {}, "topic"), body("the text")]);
    expect(f["last-message-body"]).toBe("the text");
  });

  it("a chat message with a subject and no body is not important and leaks no subject", () => {
    for (const opts of [{}, { push_notification_with_body: true }]) {
      expect(summaryFor(opts, [xml("subject", {}, "topic")])).not.toHaveProperty("last-message-body");
    }
  });

  it("the body is found after other children", () => {
    expect(summaryFor({ push_notification_with_body: true }, [chatState(), xml("thread", {}, "t1"), body("late body")])["last-message-body"]).toBe("late body");
  });

  it("a <body/> in jabber:client counts; one in another namespace is not the message body", () => {
    expect(summaryFor({ push_notification_with_body: true }, [body("explicit", { xmlns: "jabber:client" })])["last-message-body"]).toBe("explicit");
    expect(summaryFor({ push_notification_with_body: true }, [body("<p>html</p>", { xmlns: "http://www.w3.org/1999/xhtml" })])).not.toHaveProperty("last-message-body");
  });

  it("a groupchat subject change is not important; a groupchat message without subject is", () => {
    expect(classify(xml("message", { type: "groupchat" }, xml("subject", {}, "new topic"), body("x"))).important).toBe(false);
    expect(classify(xml("message", { type: "groupchat" }, body("x"))).important).toBe(true);
  });
});

describe("carbons", () => {
  it("a received carbon is judged by the forwarded message, whether or not it states jabber:client", () => {
    expect(classify(carbon("received", xml("message", { type: "chat" }, body("x")))).important).toBe(true);
    expect(classify(carbon("received", xml("message", { xmlns: "jabber:client", type: "chat" }, body("x")))).important).toBe(true);
  });

  it("a forwarded presence is not a carbon of a message", () => {
    const c = classify(xml("message", {}, xml("received", { xmlns: "urn:xmpp:carbons:2" }, xml("forwarded", { xmlns: "urn:xmpp:forward:0" }, xml("presence", {}, xml("status", {}, "x"))))));
    expect(c.carbon).toBeNull();
  });

  it("a forwarded element in another namespace is not a message", () => {
    const c = classify(carbon("received", xml("message", { xmlns: "urn:example", type: "chat" }, body("x"))));
    expect(c).toMatchObject({ carbon: null, important: false });
  });

  it("a forwarded message is found after other children of <forwarded/> (e.g. its delay stamp)", () => {
    const inner = xml("message", { type: "chat" }, body("x"));
    const c = classify(
      xml("message", {}, xml("received", { xmlns: "urn:xmpp:carbons:2" }, xml("forwarded", { xmlns: "urn:xmpp:forward:0" }, xml("delay", { xmlns: "urn:xmpp:delay", stamp: "2020-01-01T00:00:00Z" }), inner))),
    );
    expect(c).toMatchObject({ carbon: "received", important: true });
  });

  it("the user's own sent message (a sent carbon) is never important and its text never leaves, even with with_body", () => {
    const h = harness({ push_notification_with_body: true });
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, [{ stanza: carbon("sent", xml("message", { type: "chat", to: "bob@example.org" }, body("my own words"))), key: "c" }]);
    expect(h.sent).toHaveLength(1);
    expect(fields(must(h.sent[0], "the push"))).toEqual({ FORM_TYPE: "urn:xmpp:push:summary", "message-count": "1" });
  });
});

describe("other shapes", () => {
  it("anything but a message is neither important, sealed nor urgent, and has no message to summarise", () => {
    for (const el of [xml("presence", {}, xml("body", {}, "x")), xml("iq", { type: "set" }, xml("propose", { xmlns: "urn:xmpp:jingle-message:0" }))]) {
      expect(classify(el)).toEqual({ message: null, carbon: null, important: false, sealed: false, urgent: false });
    }
  });

  it("presence in a hibernation queue is pushed without the placeholder and, being no message, without a sender", () => {
    const h = harness({ push_notification_with_sender: true });
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, [{ stanza: xml("presence", { from: "bob@example.org/laptop" }), key: "p" }]);
    expect(fields(must(h.sent[0], "the push"))).toEqual({ FORM_TYPE: "urn:xmpp:push:summary", "message-count": "1" });
  });

  it("with_sender: a message without a from, or with an empty one, gives no sender field", () => {
    expect(summaryFor({ push_notification_with_sender: true }, [body("x")], { from: "" })).not.toHaveProperty("last-message-sender");
    const h = harness({ push_notification_with_sender: true });
    h.enable(h.session("alice", "phone"), "push.example", "n1");
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: xml("message", { to: "alice@example.org", type: "chat" }, body("x")), key: "k" });
    expect(fields(must(h.sent[0], "the push"))).not.toHaveProperty("last-message-sender");
  });

  it("R-PUBOPTS: a stored form that no longer parses is left out, not sent as an empty element", () => {
    const h = harness();
    h.store.save("alice", {
      registrations: [{ id: "push.example<n1", jid: "push.example", node: "n1", publishOptions: "<x xmlns='jabber:x:data'><field", enabledAt: 0, seq: 1, resource: "phone" }],
      errors: {},
    });
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "k" });
    expect(h.sent).toHaveLength(1);
    expect(must(h.sent[0], "the push").getChild("pubsub")?.getChild("publish-options")).toBeUndefined();
  });
});
