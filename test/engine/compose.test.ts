import { xml, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { classify } from "../../engine/classify.ts";
import { fields, harness, must } from "./harness.ts";

const body = (t: string) => xml("body", {}, t);
const omemo = xml("encrypted", { xmlns: "eu.siacs.conversations.axolotl" }, xml("payload", {}, "x"));

function pushFor(options: Record<string, unknown>, children: Element[], attrs: Record<string, string> = {}) {
  const h = harness(options);
  const s = h.session("alice", "phone");
  const form = xml("x", { xmlns: "jabber:x:data", type: "submit" }, xml("field", { var: "secret" }, xml("value", {}, "s")));
  h.enable(s, "push.example", "n1", form);
  h.sessions.length = 0; // alice goes offline
  h.engine.messageOffline("alice", { stanza: h.message("alice@example.org", children, attrs), key: "k" });
  return must(h.sent[0], "the push");
}

describe("push composition (R-FROM, R-SUMMARY, R-PUBOPTS, R-PRIVACY)", () => {
  it("R-FROM / R-SUMMARY / R-PUBOPTS: envelope, summary form and the stored form", () => {
    const p = pushFor({}, [body("hi")]);
    expect(p.name).toBe("iq");
    expect(p.attrs).toMatchObject({ type: "set", from: "example.org", to: "push.example" });
    expect(p.getChild("pubsub")?.getChild("publish")?.attrs.node).toBe("n1");
    expect(fields(p)).toEqual({ FORM_TYPE: "urn:xmpp:push:summary", "message-count": "1", "last-message-body": "New Message!" });
    expect(p.getChild("pubsub")?.getChild("publish-options")?.toString()).toContain('<field var="secret"><value>s</value></field>');
  });

  it.each([
    [{}, { body: "New Message!", sender: undefined }],
    [{ push_notification_with_body: true }, { body: "hi", sender: undefined }],
    [{ push_notification_with_sender: true }, { body: "New Message!", sender: "bob@example.org/laptop" }],
    [{ push_notification_with_body: true, push_notification_with_sender: true }, { body: "hi", sender: "bob@example.org/laptop" }],
    [{ push_notification_important_body: "" }, { body: undefined, sender: undefined }],
  ])("R-PRIVACY options %j", (opts, want) => {
    const f = fields(pushFor(opts, [body("hi")]));
    expect(f["last-message-body"]).toBe(want.body);
    expect(f["last-message-sender"]).toBe(want.sender);
  });

  it("R-PRIVACY-ENC: with_body on, encrypted and calls get the placeholder, never the fallback", () => {
    expect(fields(pushFor({ push_notification_with_body: true }, [omemo, body("fallback in clear")]))["last-message-body"]).toBe("New Message!");
    const call = xml("propose", { xmlns: "urn:xmpp:jingle-message:0", id: "c" });
    expect(fields(pushFor({ push_notification_with_body: true }, [call]))["last-message-body"]).toBe("New Message!");
  });
});

describe("R-IMPORTANT", () => {
  const msg = (children: Element[], attrs: Record<string, string> = {}) => xml("message", { type: "chat", ...attrs }, ...children);
  const carbon = (dir: string, inner: Element) =>
    xml("message", {}, xml(dir, { xmlns: "urn:xmpp:carbons:2" }, xml("forwarded", { xmlns: "urn:xmpp:forward:0" }, inner)));
  it.each([
    ["body", msg([body("x")]), true],
    ["empty body", msg([body("")]), false],
    ["no body", msg([]), false],
    ["headline", msg([body("x")], { type: "headline" }), false],
    ["groupchat subject", msg([xml("subject", {}, "t"), body("x")], { type: "groupchat" }), false],
    ["groupchat body", msg([body("x")], { type: "groupchat" }), true],
    ["omemo legacy", msg([omemo]), true],
    ["omemo", msg([xml("encrypted", { xmlns: "urn:xmpp:omemo:0" })]), true],
    ["pgp", msg([xml("x", { xmlns: "jabber:x:encrypted" }, "c")]), true],
    ["openpgp", msg([xml("openpgp", { xmlns: "urn:xmpp:openpgp:0" }, "c")]), true],
    ["call", msg([xml("propose", { xmlns: "urn:xmpp:jingle-message:0" })]), true],
    ["chat state", msg([xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" })]), false],
    ["receipt", msg([xml("received", { xmlns: "urn:xmpp:receipts", id: "1" })]), false],
    ["received carbon with body", carbon("received", xml("message", { xmlns: "jabber:client", type: "chat" }, body("x"))), true],
    ["sent carbon with body", carbon("sent", xml("message", { xmlns: "jabber:client", type: "chat" }, body("x"))), false],
    ["presence", xml("presence"), false],
    ["iq", xml("iq", { type: "result" }), false],
  ])("%s → important=%s", (_, el, want) => {
    expect(classify(el).important).toBe(want);
  });
});
