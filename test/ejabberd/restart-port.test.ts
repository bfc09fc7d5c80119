// A restart keeps its ports (clients reconnect to them), but while the old VM is gone another
// process can hold one of them for a moment (seen once with four test files at a time: the
// restarted ejabberd exited with eaddrinuse). The restart then tries the same ports again, a
// bounded number of times; a port that stays taken ends it with ejabberd's own reason.
import { createServer, type Server } from "node:net";
import { expect, it } from "vitest";
import { describeWithServer } from "../support/require-server.ts";
import { EJABBERD, EJABBERD_HINT } from "./support.ts";
import { EjabberdServer } from "../../simulator/targets/ejabberd/ejabberd-server.ts";

type Launchable = { launch: () => Promise<void> };

/** Listens on port, trying again while it is still in use (the old VM may not have let go of it
 * yet under load); bounded. */
async function listenOn(port: number): Promise<Server> {
  const end = Date.now() + 15_000;
  for (;;) {
    const h = createServer();
    const ok = await new Promise<boolean>((res) => {
      h.once("error", () => res(false));
      h.listen(port, "127.0.0.1", () => res(true));
    });
    if (ok) return h;
    if (Date.now() > end) throw new Error(`port ${port} stayed in use for 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Holds `port` from just before each of the server's launches, for `holdMs` (forever when null). */
function holdPortAtLaunch(server: EjabberdServer, port: number, holdMs: number | null) {
  const state = { launches: 0, holders: [] as Server[] };
  const s = server as unknown as Launchable;
  const launch = s.launch.bind(server);
  s.launch = async () => {
    state.launches++;
    if (state.launches === 1) {
      const h = await listenOn(port);
      state.holders.push(h);
      if (holdMs !== null) setTimeout(() => h.close(), holdMs);
    }
    return launch();
  };
  return state;
}

describeWithServer("ejabberd restart when a port is held for a moment", EJABBERD, EJABBERD_HINT, () => {
  it("comes back on the same ports once the port is free", async () => {
    const server = await EjabberdServer.start();
    try {
      const ports = { ...server.ports };
      const before = server.beamPid;
      const held = holdPortAtLaunch(server, ports.c2s, 1_500);
      await server.restart();
      expect(held.launches).toBeGreaterThanOrEqual(2);
      expect(server.running).toBe(true);
      expect(server.beamPid).not.toBe(before);
      expect(server.ports).toEqual(ports);
    } finally {
      await server.stop();
    }
  }, 90_000);

  it("gives up with eaddrinuse when the port stays taken", async () => {
    const server = await EjabberdServer.start();
    const held = holdPortAtLaunch(server, server.ports.c2s, null);
    try {
      await expect(server.restart()).rejects.toThrow(/eaddrinuse/);
      expect(held.launches).toBe(5);
    } finally {
      for (const h of held.holders) h.close();
      await server.stop();
    }
  }, 120_000);
});
