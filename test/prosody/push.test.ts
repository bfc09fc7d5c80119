// Pushes from a real Prosody 0.12 + mod_cloud_notify through our personas and app servers:
// the push form as Prosody sends it, offline and hibernation timings, and how the app
// server's answers (result, errors, wait, spoofed sender, silence) act on the registration.
import { expect, it } from "vitest";
import type { TargetSession } from "../../simulator/target.ts";
import { describeProsody, chat, enableIq, formFields, world } from "./support.ts";

const SM = { presence: true, sm: true, carbons: false };

/** alice registers app "push" on node n1 and goes offline; bob is online. */
async function aliceOfflineWithPush(s: TargetSession, secret?: string): Promise<void> {
  const alice = s.persona("alice");
  await alice.connect(SM);
  expect((await alice.iq(enableIq(s.app("push").jid, "n1", secret), 3_000)).type).toBe("result");
  await alice.disconnect();
  await s.persona("bob").connect(SM);
}

describeProsody("prosody: pushes over the wire", (ctx) => {
  it("pushes an offline message at once, in Prosody's form shape, with publish-options verbatim", async () => {
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
      const form = p.el.getChild("pubsub")!.getChild("publish")!.getChild("item")!.getChild("notification", "urn:xmpp:push:0")!.getChild("x", "jabber:x:data")!;
      expect(form.attrs.type).toBe("form"); // not "submit" as XEP-0357's examples
      expect([...formFields(p.el)]).toEqual([
        ["FORM_TYPE", "urn:xmpp:push:summary"],
        ["message-count", "1"],
        ["pending-subscription-count", ""], // present, no <value/>
        ["last-message-sender", ""], // present, no <value/>
        ["last-message-body", "New Message!"],
      ]);
      expect(p.xml).toContain('<field var="secret"><value>s3cr3t</value></field>');
      expect(s.trace.events.some((e) => e.kind === "push" && e.actor === "push")).toBe(true);
      expect(s.trace.events.some((e) => e.kind === "app-reply" && e.text?.includes("result"))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("hibernation: a push ~1 s after the message, and the same message again when hibernation ends", async () => {
    const s = await ctx.target.open(world("push-hib", ["alice", "bob"], { smacks_hibernation_time: 2 }));
    try {
      const alice = s.persona("alice");
      const app = s.app("push");
      await alice.connect(SM);
      expect((await alice.iq(enableIq(app.jid, "n1"), 3_000)).type).toBe("result");
      await s.persona("bob").connect(SM);
      await s.sleep(200);
      await alice.drop();
      const sent = s.now();
      await s.persona("bob").send(chat(alice.bareJid, "while asleep"));
      expect(await s.waitFor(() => app.pushes.length === 1, 3_000)).toBe(true);
      const first = app.pushes[0]!;
      expect(first.t - sent).toBeGreaterThan(800); // the 1 s batch timer
      expect(first.t - sent).toBeLessThan(1_600);
      expect(formFields(first.el).get("last-message-body")).toBe("New Message!");
      // After the first important push the normal hibernation time (2 s here) runs again;
      // when it ends the queued message moves to offline storage and is pushed again.
      expect(await s.waitFor(() => app.pushes.length === 2, 5_000)).toBe(true);
      const second = app.pushes[1]!;
      expect(second.t - first.t).toBeGreaterThan(1_500);
      expect(second.t - first.t).toBeLessThan(4_500);
      expect(formFields(second.el).get("last-message-body")).toBe("New Message!");
      expect(await alice.resume()).toBe(false); // the session is gone
    } finally {
      await s.close();
    }
  });

  it("app answers: wait, spoofed and silent answers are not counted; real errors remove the registration", async () => {
    const s = await ctx.target.open(world("push-errors", ["alice", "bob"], { push_max_errors: 2 }));
    try {
      await aliceOfflineWithPush(s);
      const app = s.app("push");
      app.behave({ pushes: [1, 1], reply: "silence" });
      app.behave({ pushes: [2, 2], reply: { error: { type: "wait", condition: "resource-constraint" } } });
      app.behave({ pushes: [3, 4], reply: { error: { type: "cancel", condition: "item-not-found" } }, from: "spoofed" });
      app.behave({ pushes: [5, 6], reply: { error: { type: "cancel", condition: "item-not-found" } } });
      const bob = s.persona("bob");
      for (let i = 1; i <= 6; i++) {
        await bob.send(chat(s.persona("alice").bareJid, `m${i}`));
        expect(await s.waitFor(() => app.pushes.length === i, 2_000)).toBe(true);
        await s.sleep(50); // let Prosody handle the answer before the next push
      }
      // Two counted errors (pushes 5 and 6) reach push_max_errors = 2: the registration is gone.
      await bob.send(chat(s.persona("alice").bareJid, "m7"));
      await s.sleep(700);
      expect(app.pushes).toHaveLength(6);
      const replies = s.trace.events.filter((e) => e.kind === "app-reply").map((e) => e.text);
      expect(replies[0]).toContain("silence");
      expect(replies[1]).toContain("error wait/resource-constraint");
      expect(replies[2]).toMatch(/error cancel\/item-not-found from .*\.spoofed@push\.localhost \(spoofed\)/);
      expect(replies[4]).toBe("push #5: error cancel/item-not-found");
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
        const body = formFields(s.app("push").pushes[0]!.el).get("last-message-body");
        expect(body).toBe(i % 2 ? `for ${i}` : "New Message!");
      }
      await sessions[0]!.sleep(300);
      for (const s of sessions) expect(s.app("push").pushes).toHaveLength(1);
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  });
});
