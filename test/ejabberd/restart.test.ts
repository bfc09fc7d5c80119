// The restart control: a world that restarts the server gets an ejabberd of its own, restarted by
// PID on the same spool, so push registrations (Mnesia) survive; the server goes when the session closes.
import { expect, it } from "vitest";
import { describeEjabberd, chat, enableIq, formFields, pidAlive, world } from "./support.ts";

const SM = { presence: true, sm: true, carbons: false };

describeEjabberd("ejabberd: restart keeps registrations", (ctx) => {
  it("a registration made before a restart still gets pushes after it", async () => {
    const w = { ...world("restart", ["alice", "bob"]), needs: ["restart" as const] };
    const s = await ctx.target.open(w);
    const [d] = ctx.target.dedicatedServers;
    expect(d).toBeDefined();
    const shared = ctx.target.ejabberd!;
    expect(d!.beamPid).not.toBe(shared.beamPid); // a server of its own
    const before = d!.beamPid;
    try {
      const alice = s.persona("alice");
      await alice.connect(SM);
      expect((await alice.iq(enableIq(s.app("push").jid, "n1", "s3cr3t"), 3_000)).type).toBe("result");
      await s.controls.restart!();
      const after = d!.beamPid;
      expect(after).not.toBe(before);
      expect(pidAlive(before)).toBe(false);
      expect(pidAlive(after)).toBe(true);
      expect(alice.connected).toBe(false);
      expect(s.trace.events.some((e) => /ejabberd restarted \(PID \d+ → \d+\)/.test(e.text ?? ""))).toBe(true);

      await s.persona("bob").connect(SM);
      await s.persona("bob").send(chat(alice.bareJid, "after the restart"));
      expect(await s.waitFor(() => s.app("push").pushes.length === 1, 3_000)).toBe(true);
      const p = s.app("push").pushes[0]!;
      expect(p.node).toBe("n1");
      expect(formFields(p.el).get("last-message-body")).toBe("New Message!");
      expect(p.xml).toContain('<field var="secret"><value>s3cr3t</value></field>');
    } finally {
      await s.close();
    }
    expect(pidAlive(d!.beamPid)).toBe(false);
    expect(ctx.target.dedicatedServers).toEqual([]);
    expect(shared.running).toBe(true); // the shared server never noticed
  }, 60_000);
});
