// The default target: our engine inside the simulated server, on a virtual clock.
import type { EngineHooks } from "../../../engine/ports.ts";
import { MemoryStore } from "../../../engine/store.ts";
import type { PushInfo } from "../../../engine/engine.ts";
import { VirtualClock } from "../../clock.ts";
import { errorIq, type StanzaErrorType } from "../../protocol/stanza-kit.ts";
import { SimAppServer } from "../../server/sim-app-server.ts";
import { SimServer } from "../../server/sim-server.ts";
import type { ServerControls, Target, TargetInfo, TargetSession, WorldSpec, HookSpec } from "../../target.ts";
import { Trace } from "../../trace.ts";
import { SimPersona } from "./engine-persona.ts";
import { splitOptions } from "./engine-options.ts";
import { ENGINE_CAPABILITIES } from "./capabilities.ts";
import { HARNESS_VERSION } from "../../version.ts";
import { log } from "../../log.ts";

export const ENGINE_DOMAIN = "localhost";

function hooksFrom(spec: HookSpec | undefined): EngineHooks {
  if (!spec) return {};
  return {
    registration: ({ iq, node }) => {
      const rule = spec.vetoRegistration?.find((r) => r.node === undefined || r.node === node);
      if (rule) return errorIq(iq, rule.error.type as StanzaErrorType, rule.error.condition);
    },
    push: ({ registration }) => spec.vetoPush?.find((r) => r.node === undefined || r.node === registration.node)?.reason,
  };
}

/** A trace that keeps nothing (the property test runs 50,000 worlds). */
class NullTrace extends Trace {
  constructor() {
    super(() => 0);
  }
  override add(): void {}
}

export interface EngineSessionOptions {
  /** Observer of every push as the engine emits it (the property test's invariants). */
  onPush?: (info: PushInfo) => void;
  /** Record the timeline (default true). */
  trace?: boolean;
}

export class EngineSession implements TargetSession {
  readonly domain = ENGINE_DOMAIN;
  readonly clock = new VirtualClock();
  readonly trace: Trace;
  readonly store = new MemoryStore();
  readonly server: SimServer;
  private readonly personas = new Map<string, SimPersona>();
  private readonly apps = new Map<string, SimAppServer>();
  readonly controls: ServerControls;

  constructor(world: WorldSpec, opts: EngineSessionOptions = {}) {
    this.trace = opts.trace === false ? new NullTrace() : new Trace(() => this.clock.now());
    const { push, smacks } = splitOptions(world.options);
    this.server = new SimServer({
      domain: this.domain,
      clock: this.clock,
      store: this.store,
      pushOptions: push,
      smacks,
      archive: world.archive,
      hooks: hooksFrom(world.hooks),
      log: log().child({ target: "engine", scenario: world.scenarioId }),
      ...(opts.onPush && { onPush: opts.onPush }),
      note: (text) => this.trace.add("server", "server", { text }),
    });
    for (const p of world.personas) {
      this.server.addAccount(p.account);
      this.personas.set(p.name, new SimPersona(p, () => this.server, this.clock, this.trace));
    }
    for (const a of world.apps) {
      const app = new SimAppServer(a.name, `${a.name}.${this.domain}`, this.clock, this.trace, (el) => this.server.fromApp(el));
      this.server.addApp(app.jid, (el) => app.receive(el));
      this.apps.set(a.name, app);
    }
    this.controls = {
      restart: async () => this.server.restart(),
      storeFailure: async (on) => void (this.store.failWrites = on),
      ping: async (account, nodes) => void this.server.ping(account, nodes),
      appConnection: async (app, online) => this.server.setAppOnline(this.app(app).jid, online),
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

export function createEngineTarget(): Target {
  return {
    name: "engine",
    defaultProfile: "reference",
    parallelism: 1,
    async available() {
      return { ok: true };
    },
    async start(): Promise<TargetInfo> {
      return { name: "engine", version: `pushlab engine ${HARNESS_VERSION}`, details: { clock: "virtual" } };
    },
    capabilities: () => ENGINE_CAPABILITIES,
    async open(world: WorldSpec) {
      return new EngineSession(world);
    },
    async stop() {},
  };
}
