// The property test's world: the engine target's in-process setup (as in simulator/targets/engine.ts)
// plus the observation the invariants need — every push with its stanza key, seen at emit time.
import type { PushInfo } from "../../engine/engine.ts";
import { MemoryStore } from "../../engine/store.ts";
import { VirtualClock } from "../../simulator/clock.ts";
import { splitOptions } from "../../simulator/options.ts";
import { SimAppServer } from "../../simulator/server/sim-app-server.ts";
import { SimServer } from "../../simulator/server/sim-server.ts";
import { SimPersona } from "../../simulator/targets/engine-persona.ts";
import type { ServerControls, TargetSession, WorldSpec } from "../../simulator/target.ts";
import { Trace } from "../../simulator/trace.ts";

export const DOMAIN = "localhost"; // same as the engine target, so JIDs in the YAML match

/** A trace that keeps nothing: 50,000 schedules must not pile up timelines. */
class NullTrace extends Trace {
  constructor() {
    super(() => 0);
  }
  override add(): void {}
}

export class PropertyWorld implements TargetSession {
  readonly domain = DOMAIN;
  readonly clock = new VirtualClock();
  readonly trace: Trace = new NullTrace();
  readonly store = new MemoryStore();
  readonly server: SimServer;
  readonly controls: ServerControls;
  private readonly personas = new Map<string, SimPersona>();
  private readonly apps = new Map<string, SimAppServer>();

  constructor(world: WorldSpec, onPush: (info: PushInfo) => void) {
    const { push, smacks } = splitOptions(world.options);
    this.server = new SimServer({ domain: DOMAIN, clock: this.clock, store: this.store, pushOptions: push, smacks, archive: world.archive, onPush });
    for (const p of world.personas) {
      this.server.addAccount(p.account);
      this.personas.set(p.name, new SimPersona(p, () => this.server, this.clock, this.trace));
    }
    for (const a of world.apps) {
      const app = new SimAppServer(a.name, `${a.name}.${DOMAIN}`, this.clock, this.trace, (el) => this.server.fromApp(el));
      this.server.addApp(app.jid, (el) => app.receive(el));
      this.apps.set(a.name, app);
    }
    this.controls = {
      restart: async () => this.server.restart(),
      ping: async (account, nodes) => void this.server.ping(account, nodes),
    };
  }

  persona(name: string): SimPersona {
    const p = this.personas.get(name);
    if (!p) throw new Error(`unknown persona ${name}`);
    return p;
  }

  app(name: string): SimAppServer {
    const a = this.apps.get(name);
    if (!a) throw new Error(`unknown app server ${name}`);
    return a;
  }

  now(): number {
    return this.clock.now();
  }

  async sleep(ms: number): Promise<void> {
    this.clock.advance(ms);
  }

  async waitFor(pred: () => boolean, ms: number): Promise<boolean> {
    return this.clock.advanceTo(this.clock.now() + ms, pred);
  }

  async close(): Promise<void> {}
}
