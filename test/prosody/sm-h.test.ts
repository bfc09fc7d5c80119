// Our personas' stream-management 'h' matches what Prosody sent. Proof from the server's side:
// after iqs and messages, a dropped link hibernates with nothing unacked (no push at
// hibernation start) and resumption re-sends nothing. The same check run with @xmpp/client's
// own counting (its iqCaller swallows replies uncounted) fails: that is the defect we work around.
import { expect, it } from "vitest";
import { client, xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { WirePersona } from "../../simulator/wire/wire-persona.ts";
import { pollUntil, delay } from "../../simulator/wire/bounded.ts";
import { describeProsody, chat, enableIq, formFields, world } from "./support.ts";

const SETTLE_MS = 300; // Prosody asks <r/> after each stanza; let the last <a/> land
const HIBERNATION_PUSH_WINDOW_MS = 2_500; // start-of-hibernation pushes are immediate; batches 1 s

describeProsody("prosody: stream-management h of our personas", (ctx) => {
  it("acks every iq reply and message, so hibernation pushes nothing and resumption re-sends nothing", async () => {
    const s = await ctx.target.open(world("sm-ours", ["alice", "bob"]));
    const alice = s.persona("alice") as WirePersona;
    const bob = s.persona("bob");
    const app = s.app("push");
    try {
      await alice.connect({ presence: true, sm: true, carbons: true }); // carbons: an iq reply
      expect((await alice.iq(enableIq(app.jid, "n1"), 3_000)).type).toBe("result");
      const disco = xml("iq", { type: "get", to: alice.bareJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }));
      expect((await alice.iq(disco, 3_000)).type).toBe("result");
      const ping = xml("iq", { type: "get", to: s.domain }, xml("ping", { xmlns: "urn:xmpp:ping" }));
      expect((await alice.iq(ping, 3_000)).type).toBe("result");
      // One iq through xmpp.js's own iqCaller: the path whose reply xmpp.js does not count.
      const raw = (alice as unknown as { xmpp: { iqCaller: { request(el: Element, ms: number): Promise<Element> } } }).xmpp;
      await raw.iqCaller.request(xml("iq", { type: "get", to: s.domain }, xml("ping", { xmlns: "urn:xmpp:ping" })), 3_000);
      await bob.connect({ presence: true, sm: true, carbons: false });
      await bob.send(chat(alice.bareJid, "one"));
      await bob.send(chat(alice.bareJid, "two"));
      expect(await s.waitFor(() => alice.received.filter((e) => e.name === "message").length === 2, 3_000)).toBe(true);
      await s.sleep(SETTLE_MS);

      // Our h = every stanza received after <enabled/> (the bind reply came before it).
      const inbound = s.trace.events.filter((e) => e.kind === "in" && e.actor === "alice").length;
      expect(alice.counter.h).toBe(inbound - 1);
      expect(alice.counter.h).toBe(8); // 5 iq replies, own presence, 2 messages

      const before = alice.received.length;
      const sentOut = () => s.trace.events.filter((e) => e.kind === "out" && e.actor === "alice" && /^(iq|message|presence)\b/.test(e.text ?? "")).length;
      await alice.drop();
      const sentBeforeDrop = sentOut(); // the drop's own ping included: it goes out before the link does
      await s.sleep(HIBERNATION_PUSH_WINDOW_MS);
      expect(app.pushes).toHaveLength(0); // nothing unacked when the session went to sleep

      expect(await alice.resume()).toBe(true);
      await s.sleep(SETTLE_MS);
      expect(alice.received.length).toBe(before); // nothing re-sent: the server saw all our acks
      expect(alice.connected).toBe(true); // and no over-count (Prosody closes the stream on that)
      // The other direction: <resumed h=…/> is the server's count of the stanzas alice sent before
      // the drop (the persona's ping after resuming comes later).
      expect(alice.counter.serverH).toBe(sentBeforeDrop - 1); // minus the bind iq, sent before <enable/>
    } finally {
      await s.close();
    }
  });

  it("control: with @xmpp/client's own h a stanza stays unacked and Prosody pushes it again", async () => {
    const s = await ctx.target.open(world("sm-library", ["bob"]));
    const bob = s.persona("bob");
    const app = s.app("push");
    const server = ctx.target.prosody!;
    const local = `lib.${Date.now()}`;
    await server.addAccount(s.domain, local, "pw");
    const credentials = (auth: (c: object, m: string) => Promise<void>) => auth({ username: local, password: "pw" }, "PLAIN");
    const raw = client({ service: server.service, domain: s.domain, credentials, resource: "lib" });
    raw.reconnect.stop();
    raw.on("error", () => {});
    const got: Element[] = [];
    raw.on("stanza", (el: Element) => got.push(el));
    try {
      await raw.start();
      expect(await pollUntil(() => raw.streamManagement.enabled, 3_000)).toBe(true);
      await raw.iqCaller.request(enableIq(app.jid, "n1"), 3_000); // its reply is swallowed uncounted
      await raw.send(xml("presence"));
      // Wait for the presence echo: until then Prosody would store bob's message offline.
      expect(await pollUntil(() => got.some((e) => e.name === "presence"), 3_000)).toBe(true);
      await bob.connect({ presence: true, sm: true, carbons: false });
      await bob.send(chat(`${local}@${s.domain}`, "one"));
      expect(await pollUntil(() => got.filter((e) => e.name === "message").length === 1, 3_000)).toBe(true);
      await delay(SETTLE_MS);

      const received = got.length - 1; // minus the bind reply (before <enable/>)
      expect(raw.streamManagement.inbound).toBe(received - 1); // the enable reply is missing

      expect(app.pushes).toHaveLength(0);
      const dropped = s.now();
      raw.socket.destroy();
      await s.sleep(HIBERNATION_PUSH_WINDOW_MS);
      // Acks are positional: one stanza short means the last one (bob's message, which the
      // client has) counts as unacked, and hibernation pushes it again at once.
      expect(app.pushes).toHaveLength(1);
      expect(app.pushes[0]!.t - dropped).toBeLessThan(500);
      expect(formFields(app.pushes[0]!.el).get("last-message-body")).toBe("New Message!");
    } finally {
      raw.socket?.destroy();
      await s.close();
    }
  });
});
