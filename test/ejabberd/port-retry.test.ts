// A port chosen free can be taken before ejabberd binds it (seen in a whole-suite run: a
// dedicated ejabberd exited with eaddrinuse). The server then starts again on new ports; with every
// choice taken it gives up after a bounded number of tries, with ejabberd's own reason.
import { createServer, type Server } from "node:net";
import { afterEach, expect, it, vi } from "vitest";
import { describeWithServer } from "../support/require-server.ts";
import { EJABBERD, EJABBERD_HINT } from "./support.ts";

const taken: { ports: number[] } = { ports: [] };
const calls = { n: 0 };
let takeFirst = 1; // how many freePorts() calls hand out the occupied ports

vi.mock("../../simulator/wire/ports.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../simulator/wire/ports.ts")>();
  return {
    ...real,
    freePorts: async (n: number) => {
      calls.n++;
      if (calls.n <= takeFirst) {
        const fresh = await real.freePorts(n - 1);
        return [taken.ports[0]!, ...fresh]; // the c2s port is already bound by this test
      }
      return real.freePorts(n);
    },
  };
});

const { EjabberdServer } = await import("../../simulator/targets/ejabberd/ejabberd-server.ts");
const { freePorts } = await vi.importActual<typeof import("../../simulator/wire/ports.ts")>("../../simulator/wire/ports.ts");

async function occupy(): Promise<Server> {
  const [port] = await freePorts(1);
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(port, "127.0.0.1", () => res()));
  taken.ports = [port!];
  return srv;
}

describeWithServer("ejabberd start when a chosen port is taken", EJABBERD, EJABBERD_HINT, () => {
  let holder: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((res) => (holder ? holder.close(() => res()) : res()));
    calls.n = 0;
  });

  it("starts again on new ports and comes up", async () => {
    holder = await occupy();
    takeFirst = 1;
    const server = await EjabberdServer.start();
    try {
      expect(calls.n).toBe(2);
      expect(server.running).toBe(true);
      expect(server.ports.c2s).not.toBe(taken.ports[0]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("gives up after three tries, naming eaddrinuse", async () => {
    holder = await occupy();
    takeFirst = 99;
    await expect(EjabberdServer.start()).rejects.toThrow(/eaddrinuse/);
    expect(calls.n).toBe(3);
  }, 60_000);
});
