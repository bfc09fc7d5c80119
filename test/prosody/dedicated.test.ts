// Worlds that restart the server or break its storage get a Prosody of their own: restart keeps
// storage (registrations) but not clients, pushes after it still reach the app server, storage
// failure makes enable answer wait/internal-server-error, and the process is gone after close.
import { existsSync } from "node:fs";
import { expect, it } from "vitest";
import { createProsodyTarget } from "../../simulator/targets/prosody/index.ts";
import type { WorldSpec } from "../../simulator/target.ts";
import { describeProsody, chat, enableIq, pidAlive, world } from "./support.ts";

const SM = { presence: true, sm: true, carbons: false };

function needing(w: WorldSpec, needs: WorldSpec["needs"]): WorldSpec {
  return { ...w, needs };
}

describeProsody("prosody: dedicated servers (restart, store failure)", (ctx) => {
  it("a shared-server world offers neither control", async () => {
    const s = await ctx.target.open(world("ded-shared", ["alice"]));
    try {
      expect(s.controls.restart).toBeUndefined();
      expect(s.controls.storeFailure).toBeUndefined();
      expect(ctx.target.dedicatedServers).toHaveLength(0);
    } finally {
      await s.close();
    }
  });

  it("restart keeps the registration, drops the clients, and pushes after it reach the app server", async () => {
    const s = await ctx.target.open(needing(world("ded-restart", ["alice", "bob"]), ["restart"]));
    const [d] = ctx.target.dedicatedServers;
    const shared = ctx.target.prosody!;
    expect(d).toBeDefined();
    expect(d!.pid).not.toBe(shared.pid);
    expect(s.controls.storeFailure).toBeUndefined(); // not asked for
    const dir = d!.server.layout.dir;
    const firstPid = d!.pid;
    try {
      const alice = s.persona("alice");
      const bob = s.persona("bob");
      const app = s.app("push");
      await alice.connect(SM);
      expect((await alice.iq(enableIq(app.jid, "n1"), 3_000)).type).toBe("result");
      await bob.connect(SM);

      await s.controls.restart!();
      expect(pidAlive(firstPid)).toBe(false);
      expect(pidAlive(d!.pid)).toBe(true);
      expect(d!.pid).not.toBe(firstPid);
      expect(alice.connected).toBe(false);
      expect(bob.connected).toBe(false);
      expect(shared.running).toBe(true); // the shared server was not touched

      await bob.connect(SM); // clients connect again after a restart
      await bob.send(chat(alice.bareJid, "after the restart"));
      expect(await s.waitFor(() => app.pushes.length === 1, 3_000)).toBe(true);
      expect(app.pushes[0]!.node).toBe("n1");
    } finally {
      await s.close();
    }
    expect(pidAlive(d!.pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(ctx.target.dedicatedServers).toHaveLength(0);
  });

  it("store failure makes enable fail with wait/internal-server-error only while it is on", async () => {
    const s = await ctx.target.open(needing(world("ded-store", ["alice"], {}, ["push", "push2"]), ["store-failure"]));
    const [d] = ctx.target.dedicatedServers;
    try {
      expect(s.controls.restart).toBeUndefined();
      const alice = s.persona("alice");
      await alice.connect(SM);
      expect((await alice.iq(enableIq(s.app("push").jid, "n1"), 3_000)).type).toBe("result");
      await s.controls.storeFailure!(true);
      const refused = await alice.iq(enableIq(s.app("push2").jid, "n2"), 3_000);
      expect(refused).toMatchObject({ type: "error", errorType: "wait", condition: "internal-server-error" });
      await s.controls.storeFailure!(false);
      expect((await alice.iq(enableIq(s.app("push2").jid, "n3"), 3_000)).type).toBe("result");
    } finally {
      await s.close();
    }
    expect(pidAlive(d!.pid)).toBe(false);
  });

  it("target.stop() stops a dedicated server whose session was never closed", async () => {
    const t = createProsodyTarget();
    await t.start();
    try {
      await t.open(needing(world("ded-leak", ["alice"]), ["restart"]));
      const [d] = t.dedicatedServers;
      expect(pidAlive(d!.pid)).toBe(true);
      await t.stop();
      expect(pidAlive(d!.pid)).toBe(false);
      expect(existsSync(d!.server.layout.dir)).toBe(false);
    } finally {
      await t.stop();
    }
  });
});
