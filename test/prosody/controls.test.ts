// Server controls that plain XMPP cannot reach, through our mod_pushlab_control:
// cloud-notify-ping (R-PING), the registration/push veto hooks (R-VETO-REG, R-VETO-PUSH), and the
// server-side events that join the timeline.
import { expect, it } from "vitest";
import { describeProsody, chat, enableIq, formFields, world } from "./support.ts";

const SM = { presence: true, sm: true, carbons: false };

describeProsody("prosody: server controls via mod_pushlab_control", (ctx) => {
  it("reports the server's own events (hibernation, offline storage, session end) in the timeline", async () => {
    const s = await ctx.target.open(world("ctl-events", ["alice", "bob"], { smacks_hibernation_time: 1 }));
    try {
      const alice = s.persona("alice");
      await alice.connect(SM);
      await alice.drop();
      const serverSays = (text: string) => s.trace.events.some((e) => e.kind === "server" && e.text?.includes(text));
      expect(await s.waitFor(() => serverSays("hibernating with 0 unacked"), 2_000)).toBe(true);
      expect(await s.waitFor(() => serverSays("session ended"), 4_000)).toBe(true);
      await s.persona("bob").connect(SM);
      await s.persona("bob").send(chat(alice.bareJid, "to an offline alice"));
      expect(await s.waitFor(() => serverSays("message stored offline"), 2_000)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("ping pushes to every registration, or only to the listed ones, without message fields", async () => {
    const s = await ctx.target.open(world("ctl-ping", ["alice"], {}, ["push", "other"]));
    try {
      const alice = s.persona("alice");
      await alice.connect(SM);
      expect((await alice.iq(enableIq(s.app("push").jid, "n1"), 3_000)).type).toBe("result");
      expect((await alice.iq(enableIq(s.app("other").jid, "n2"), 3_000)).type).toBe("result");
      await alice.disconnect();
      await s.controls.ping!("alice");
      expect(await s.waitFor(() => s.app("push").pushes.length === 1 && s.app("other").pushes.length === 1, 2_000)).toBe(true);
      const fields = formFields(s.app("push").pushes[0]!.el);
      expect(fields.get("message-count")).toBe("1");
      expect(fields.get("last-message-body")).toBe(""); // present without a <value/>: no message text
      await s.controls.ping!("alice", [{ jid: s.app("other").jid, node: "n2" }]);
      expect(await s.waitFor(() => s.app("other").pushes.length === 2, 2_000)).toBe(true);
      await s.sleep(200);
      expect(s.app("push").pushes).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it("veto hooks refuse a registration and block pushes per node", async () => {
    const w = world("ctl-veto", ["alice", "bob"]);
    w.hooks = {
      vetoRegistration: [{ node: "blocked", error: { type: "cancel", condition: "not-allowed" } }],
      vetoPush: [{ node: "n1", reason: "muted by test" }],
    };
    const s = await ctx.target.open(w);
    try {
      const alice = s.persona("alice");
      const app = s.app("push");
      await alice.connect(SM);
      const refused = await alice.iq(enableIq(app.jid, "blocked"), 3_000);
      expect(refused).toMatchObject({ type: "error", errorType: "cancel", condition: "not-allowed" });
      expect((await alice.iq(enableIq(app.jid, "n1"), 3_000)).type).toBe("result");
      expect((await alice.iq(enableIq(app.jid, "n2"), 3_000)).type).toBe("result");
      await alice.disconnect();
      await s.persona("bob").connect(SM);
      await s.persona("bob").send(chat(alice.bareJid, "hi"));
      expect(await s.waitFor(() => app.pushes.length === 1, 2_000)).toBe(true);
      await s.sleep(300);
      expect(app.pushes.map((p) => p.node)).toEqual(["n2"]); // n1 vetoed, "blocked" never stored
    } finally {
      await s.close();
    }
  });
});
