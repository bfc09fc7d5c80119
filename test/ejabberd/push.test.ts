// Pushes from a real ejabberd 23.01 (mod_push) through our personas and app servers: the form as
// ejabberd sends it, its timings (no batching), what a late ack does, and how the app server's
// answers act on the registration. Each test checks one of the facts NOTES.md relies on.
import { expect, it } from "vitest";
import { xml } from "@xmpp/client";
import type { TargetSession } from "../../simulator/target.ts";
import { EjabberdServer } from "../../simulator/targets/ejabberd/ejabberd-server.ts";
import { hostFor, type HostSpec } from "../../simulator/targets/ejabberd/option-hosts.ts";
import { AppGateway } from "../../simulator/wire/wire-app-server.ts";
import { WireSession } from "../../simulator/wire/wire-session.ts";
import { pollUntil } from "../../simulator/wire/bounded.ts";
import { describeEjabberd, chat, enableIq, formFields, world } from "./support.ts";

const SM = { presence: true, sm: true, carbons: false };

/** alice registers app "push" on node n1 and goes offline; bob is online. */
async function aliceOfflineWithPush(s: TargetSession, secret?: string): Promise<void> {
  const alice = s.persona("alice");
  await alice.connect(SM);
  expect((await alice.iq(enableIq(s.app("push").jid, "n1", secret), 3_000)).type).toBe("result");
  await alice.disconnect();
  await s.persona("bob").connect(SM);
}

function notificationOf(push: { el: import("@xmpp/xml").Element }) {
  return push.el.getChild("pubsub")!.getChild("publish")!.getChild("item")!.getChild("notification", "urn:xmpp:push:0")!;
}

describeEjabberd("ejabberd: pushes over the wire", (ctx) => {
  it("pushes an offline message at once: a submitted form with FORM_TYPE and the placeholder only, publish-options verbatim", async () => {
    const s = await ctx.target.open(world("push-offline", ["alice", "bob"]));
    try {
      await aliceOfflineWithPush(s, "s3cr3t");
      const app = s.app("push");
      const sent = s.now();
      await s.persona("bob").send(chat(s.persona("alice").bareJid, "hello"));
      expect(await s.waitFor(() => app.pushes.length === 1, 2_000)).toBe(true);
      await s.sleep(300);
      expect(app.pushes).toHaveLength(1);
      const p = app.pushes[0]!;
      expect(p.t - sent).toBeLessThan(200);
      expect(p.from).toBe(s.domain);
      expect(p.to).toBe(app.jid);
      expect(p.node).toBe("n1");
      expect(notificationOf(p).getChild("x", "jabber:x:data")!.attrs.type).toBe("submit");
      // No message-count: only FORM_TYPE and the body field (the vocabulary's placeholder, set as include_body).
      expect([...formFields(p.el)]).toEqual([
        ["FORM_TYPE", "urn:xmpp:push:summary"],
        ["last-message-body", "New Message!"],
      ]);
      expect(p.xml).toContain('<field var="secret"><value>s3cr3t</value></field>');
    } finally {
      await s.close();
    }
  });

  it("with ejabberd's own mod_push defaults the body is 'New message'", async () => {
    // A server of its own whose vhost keeps mod_push's defaults (no include_body / include_sender).
    const base = hostFor({ options: {}, archive: true });
    const host: HostSpec = { ...base, name: "edefaults.localhost", modules: { ...base.modules, mod_push: {} } };
    const server = await EjabberdServer.start({ hosts: [host] });
    const gateway = new AppGateway(server.pushDomain, server.pushSecret, server.componentPort);
    try {
      await gateway.start();
      const s = new WireSession(world("push-defaults", ["alice", "bob"]), { server, gateway, probe: server.sessions, host: host.name, tag: "d1", password: "pw-d1" });
      await s.setup();
      await aliceOfflineWithPush(s);
      await s.persona("bob").send(chat(s.persona("alice").bareJid, "hello"));
      expect(await s.waitFor(() => s.app("push").pushes.length === 1, 2_000)).toBe(true);
      expect([...formFields(s.app("push").pushes[0]!.el)]).toEqual([
        ["FORM_TYPE", "urn:xmpp:push:summary"],
        ["last-message-body", "New message"],
      ]);
      await s.close();
    } finally {
      await gateway.stop();
      await server.stop();
    }
  });

  it("with_body and with_sender: the body and the sender's full JID (resource included in 23.01)", async () => {
    const s = await ctx.target.open(world("push-both", ["alice", "bob"], { push_notification_with_body: true, push_notification_with_sender: true }));
    try {
      await aliceOfflineWithPush(s);
      await s.persona("bob").send(chat(s.persona("alice").bareJid, "hello there"));
      expect(await s.waitFor(() => s.app("push").pushes.length === 1, 2_000)).toBe(true);
      expect([...formFields(s.app("push").pushes[0]!.el)]).toEqual([
        ["FORM_TYPE", "urn:xmpp:push:summary"],
        ["last-message-sender", s.persona("bob").fullJid],
        ["last-message-body", "hello there"],
      ]);
    } finally {
      await s.close();
    }
  });

  it("hibernation: an unacked non-message stanza gives an empty <notification/>, then each message is pushed at once", async () => {
    const s = await ctx.target.open(world("push-hib", ["alice", "bob"]));
    try {
      const alice = s.persona("alice");
      const bob = s.persona("bob");
      const app = s.app("push");
      await alice.connect(SM);
      expect((await alice.iq(enableIq(app.jid, "n1"), 3_000)).type).toBe("result");
      await bob.connect(SM);
      await alice.setAcking(false);
      await bob.send(xml("message", { to: alice.fullJid, type: "chat" }, xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" })));
      expect(await pollUntil(() => alice.received.some((e) => e.getChild("composing") !== undefined), 2_000)).toBe(true);
      await alice.drop();
      expect(await s.waitFor(() => app.pushes.length === 1, 2_000)).toBe(true);
      expect(notificationOf(app.pushes[0]!).children).toEqual([]); // <notification xmlns='urn:xmpp:push:0'/>
      const sent = s.now();
      await bob.send(chat(alice.bareJid, "while asleep"));
      expect(await s.waitFor(() => app.pushes.length === 2, 2_000)).toBe(true);
      expect(app.pushes[1]!.t - sent).toBeLessThan(300); // no one-second batch
      expect(formFields(app.pushes[1]!.el).get("last-message-body")).toBe("New Message!");
      expect(await alice.resume()).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("a late ack closes the client's connection at ack_timeout and pushes at once", async () => {
    const s = await ctx.target.open(world("push-ack", ["alice", "bob"], { smacks_max_ack_delay: 2 }));
    try {
      const alice = s.persona("alice");
      const app = s.app("push");
      await alice.connect(SM);
      expect((await alice.iq(enableIq(app.jid, "n1"), 3_000)).type).toBe("result");
      await s.persona("bob").connect(SM);
      await alice.setAcking(false);
      const sent = s.now();
      await s.persona("bob").send(chat(alice.bareJid, "ack me"));
      expect(await s.waitFor(() => !alice.connected, 4_000)).toBe(true);
      const closed = s.now() - sent;
      expect(closed).toBeGreaterThan(1_800);
      expect(closed).toBeLessThan(3_000);
      expect(await s.waitFor(() => app.pushes.length === 1, 1_000)).toBe(true);
      expect(formFields(app.pushes[0]!.el).get("last-message-body")).toBe("New Message!");
      // ejabberd's own log line reaches the timeline as its output is read: wait for it, bounded.
      expect(await s.waitFor(() => s.trace.events.some((e) => e.kind === "server" && /Timed out waiting for stream acknowledgement/.test(e.text ?? "")), 3_000)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("app answers: wait keeps the registration, the first error of another type removes it", async () => {
    const s = await ctx.target.open(world("push-errors", ["alice", "bob"]));
    try {
      await aliceOfflineWithPush(s);
      const app = s.app("push");
      app.behave({ pushes: [1, 2], reply: { error: { type: "wait", condition: "resource-constraint" } } });
      app.behave({ pushes: [3, 3], reply: { error: { type: "modify", condition: "bad-request" } } });
      const bob = s.persona("bob");
      for (let i = 1; i <= 3; i++) {
        await bob.send(chat(s.persona("alice").bareJid, `m${i}`));
        expect(await s.waitFor(() => app.pushes.length === i, 2_000)).toBe(true);
        await s.sleep(150); // let ejabberd handle the answer before the next push
      }
      await bob.send(chat(s.persona("alice").bareJid, "m4"));
      await s.sleep(700);
      expect(app.pushes).toHaveLength(3);
      const server = s.trace.events.filter((e) => e.kind === "server").map((e) => e.text ?? "");
      expect(server.filter((t) => /rejected a push \(node n1\) temporarily/.test(t))).toHaveLength(2);
      expect(server.filter((t) => /registration removed: .*\(modify\)/.test(t))).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it("an error answered from another JID of the app server's domain removes the registration too (matched by id only)", async () => {
    const s = await ctx.target.open(world("push-spoof", ["alice", "bob"]));
    try {
      await aliceOfflineWithPush(s);
      const app = s.app("push");
      app.behave({ pushes: [1, 1], reply: { error: { type: "cancel", condition: "item-not-found" } }, from: "spoofed" });
      await s.persona("bob").send(chat(s.persona("alice").bareJid, "m1"));
      expect(await s.waitFor(() => app.pushes.length === 1, 2_000)).toBe(true);
      await s.sleep(300);
      await s.persona("bob").send(chat(s.persona("alice").bareJid, "m2"));
      await s.sleep(700);
      expect(app.pushes).toHaveLength(1);
      expect(s.trace.events.some((e) => e.kind === "app-reply" && /from .*\.spoofed@push\.localhost \(spoofed\)/.test(e.text ?? ""))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("an app server that is not connected: the push bounces (no s2s) and the registration is removed", async () => {
    const s = await ctx.target.open(world("push-gone", ["alice", "bob"]));
    try {
      const alice = s.persona("alice");
      await alice.connect(SM);
      // An app JID on a domain nobody serves: ejabberd cannot route there (s2s is off).
      expect((await alice.iq(enableIq("nobody.invalid", "n1"), 3_000)).type).toBe("result");
      expect((await alice.iq(enableIq(s.app("push").jid, "n2"), 3_000)).type).toBe("result");
      await alice.disconnect();
      await s.persona("bob").connect(SM);
      await s.persona("bob").send(chat(alice.bareJid, "one"));
      expect(await s.waitFor(() => s.trace.events.some((e) => /nobody\.invalid rejected a push \(node n1\); registration removed/.test(e.text ?? "")), 3_000)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("runs scenarios in parallel on one server without crosstalk", async () => {
    const sessions = await Promise.all([0, 1, 2, 3].map((i) => ctx.target.open(world(`push-par-${i}`, ["alice", "bob"], i % 2 ? { push_notification_with_body: true } : {}))));
    try {
      await Promise.all(sessions.map((s) => aliceOfflineWithPush(s)));
      await Promise.all(sessions.map((s, i) => s.persona("bob").send(chat(s.persona("alice").bareJid, `for ${i}`))));
      for (const [i, s] of sessions.entries()) {
        expect(await s.waitFor(() => s.app("push").pushes.length === 1, 2_000)).toBe(true);
        expect(formFields(s.app("push").pushes[0]!.el).get("last-message-body")).toBe(i % 2 ? `for ${i}` : "New Message!");
      }
      await sessions[0]!.sleep(300);
      for (const s of sessions) expect(s.app("push").pushes).toHaveLength(1);
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  });
});
