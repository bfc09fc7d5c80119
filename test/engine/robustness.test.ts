import { xml, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { OptionError, resolvePushOptions } from "../../engine/options.ts";
import { harness, must, noThrow } from "./harness.ts";

describe("options", () => {
  it("fills the seed's defaults", () => {
    expect(resolvePushOptions({})).toMatchObject({
      push_notification_with_body: false,
      push_notification_with_sender: false,
      push_max_errors: 16,
      push_notification_important_body: "New Message!",
      push_max_devices: 5,
      push_max_hibernation_timeout: 259200,
    });
  });
  it.each([
    [{ push_max_errors: -1 }, "push_max_errors"],
    [{ push_max_devices: "5" }, "push_max_devices"],
    [{ push_notification_with_body: "yes" }, "push_notification_with_body"],
    [{ push_max_hibernation_timeout: Number.NaN }, "push_max_hibernation_timeout"],
    [{ push_notificaton_with_body: true }, "push_notificaton_with_body"],
  ])("%j is refused naming %s", (input, name) => {
    expect(() => resolvePushOptions(input)).toThrow(OptionError);
    expect(() => resolvePushOptions(input)).toThrow(name);
  });
});

describe("malformed input never throws out of the engine", () => {
  const weird: Element[] = [
    xml("iq", {}),
    xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:push:0" })),
    xml("iq", { type: "get" }, xml("enable", { xmlns: "urn:xmpp:push:0", jid: "p.example" })),
    xml("iq", { type: "set" }, xml("disable", { xmlns: "urn:xmpp:push:0" })),
    xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:push:0", jid: "p.example" }, xml("x", { xmlns: "jabber:x:data" }, "text", xml("junk")))),
    xml("message", {}, xml("body", {}, "x".repeat(1_000_000))),
    xml("message", {}, xml("received", { xmlns: "urn:xmpp:carbons:2" })),
    xml("message", {}, xml("sent", { xmlns: "urn:xmpp:carbons:2" }, xml("forwarded", { xmlns: "urn:xmpp:forward:0" }))),
    xml("presence", { type: "unavailable" }),
  ];
  it("handleIq / message paths / replies survive odd stanzas", () => {
    const h = harness(); // with the engine's default (silent) logger
    const s = h.session("alice", "phone");
    noThrow("enable", () => h.enable(s, "push.example", "n1"));
    for (const el of weird) {
      expect(() => h.engine.handleIq(s, el)).not.toThrow();
      expect(() => h.engine.messageOffline("alice", { stanza: el })).not.toThrow();
      expect(() => h.engine.messageArchived("alice", { stanza: el })).not.toThrow();
      expect(() => h.engine.stanzaQueued(s, { stanza: el })).not.toThrow();
      expect(() => h.engine.handleAppReply(el)).not.toThrow();
    }
    expect(() => h.engine.handleIq(s, null as unknown as Element)).not.toThrow();
    expect(() => h.engine.handleAppReply({} as Element)).not.toThrow();
    expect(() => h.clock.advance(10_000)).not.toThrow();
    // and the engine still works
    h.sessions.length = 0;
    const before = h.sent.length;
    noThrow("messageOffline", () => h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "fresh" }));
    // one push per registration (the odd enable with a junk form did register p.example)
    expect(h.sent.length).toBe(before + h.store.load("alice").registrations.length);
    expect(h.store.load("alice").registrations.map((r) => r.id).sort()).toEqual(["p.example<", "push.example<n1"]);
  });
  it("answers an enable sent as iq get with an error", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    const r = must(h.engine.handleIq(s, weird[2]!), "the reply");
    expect(r.attrs.type).toBe("error");
  });
});
