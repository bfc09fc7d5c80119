// Target "ejabberd": the scenarios over the wire against a real ejabberd 23.01 (mod_push,
// mod_push_keepalive, mod_stream_mgmt …) that the harness starts itself (see simulator/wire/).
import { fileURLToPath } from "node:url";
import type { Target, TargetCapabilities, TargetInfo, TargetSession, WorldSpec } from "../../target.ts";
import { Unsupported } from "../../scenario/errors.ts";
import type { Scenario } from "../../scenario/model.ts";
import { unmetNeed } from "../../scenario/needs.ts";
import { worldOf } from "../../scenario/run-scenario.ts";
import { EJABBERD_CAPABILITIES } from "./capabilities.ts";
import { vhostOf, type HostSpec } from "./option-hosts.ts";
import { EjabberdServer, type EjabberdServerOptions } from "./ejabberd-server.ts";
import { DedicatedEjabberd } from "./dedicated-ejabberd.ts";
import { debianPackageVersion, ejabberdInstalled, ejabberdVersion, INSTALL_HINT, versionLabel } from "./install.ts";
import { AppGateway } from "../../wire/wire-app-server.ts";
import { WireSession } from "../../wire/wire-session.ts";
import { DedicatedServers, parallelismOf, SessionNaming, setUpOrClose } from "../../wire/server-target-parts.ts";

export { INSTALL_HINT, ejabberdInstalled };

/** What ejabberd does instead where it differs (measured; see NOTES.md beside it). */
export const EJABBERD_EXPECTATIONS = fileURLToPath(new URL("./expectations.yaml", import.meta.url));

export interface EjabberdTargetOptions {
  parallelism?: number;
  server?: Omit<EjabberdServerOptions, "hosts">;
}

export class EjabberdTarget implements Target {
  readonly name = "ejabberd";
  /** Not the reference implementation: only XEP-0357's own requirements fail a run by default. */
  readonly defaultProfile = "xep" as const;
  readonly expectationsFile = EJABBERD_EXPECTATIONS;
  readonly parallelism: number;
  private readonly prepared = new Map<string, HostSpec>();
  private server?: EjabberdServer;
  private gateway?: AppGateway;
  /** Servers of single sessions (worlds that restart the server). */
  private readonly dedicated = new DedicatedServers<DedicatedEjabberd>();
  private readonly naming = new SessionNaming();

  constructor(private readonly opts: EjabberdTargetOptions = {}) {
    this.parallelism = parallelismOf(opts.parallelism, "PUSHLAB_EJABBERD_PARALLELISM", 8);
  }

  async available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return ejabberdInstalled();
  }

  /**
   * Called by the runner before start(): the vhosts of the scenarios that will run on the shared
   * server are in its first config (each vhost added later costs a config reload). Skipped ones
   * (as the runner decides) and those that get a server of their own add none.
   */
  prepare(scenarios: Scenario[]): void {
    for (const s of scenarios) {
      if (unmetNeed(s, this.capabilities(), this.name)) continue;
      const world = worldOf(s);
      if (world.needs?.length) continue;
      const v = vhostOf(world);
      if ("host" in v) this.prepared.set(v.host.name, v.host);
    }
  }

  /** The vhosts prepare() declared (tests check which). */
  get preparedHosts(): string[] {
    return [...this.prepared.keys()];
  }

  /** The shared server (tests use it to check PIDs and to crash it). */
  get ejabberd(): EjabberdServer | undefined {
    return this.server;
  }

  /** Dedicated servers still running (tests check their PIDs). */
  get dedicatedServers(): DedicatedEjabberd[] {
    return this.dedicated.running();
  }

  async start(): Promise<TargetInfo> {
    if (this.server) throw new Error("ejabberd target already started");
    const avail = ejabberdInstalled();
    if (!avail.ok) throw new Error(avail.reason);
    const server = await EjabberdServer.start({ ...this.opts.server, hosts: [...this.prepared.values()] });
    this.server = server;
    try {
      this.gateway = new AppGateway(server.pushDomain, server.pushSecret, server.componentPort);
      await this.gateway.start();
    } catch (e) {
      await this.stop();
      throw e;
    }
    return {
      name: this.name,
      version: versionLabel(),
      details: {
        // The build under test: mod_push is part of ejabberd itself, so its package is the whole build.
        ejabberd: debianPackageVersion() ?? `${ejabberdVersion()} (not a Debian package)`,
        mod_push: "built into ejabberd",
        pid: String(server.beamPid),
        node: server.node,
        c2s: `127.0.0.1:${server.ports.c2s}`,
        components: `127.0.0.1:${server.ports.component}`,
        api: `127.0.0.1:${server.ports.http}`,
        "app server": server.pushDomain,
        dir: server.layout.dir,
      },
    };
  }

  capabilities(): TargetCapabilities {
    return EJABBERD_CAPABILITIES;
  }

  async open(world: WorldSpec): Promise<TargetSession> {
    const server = this.server;
    if (!server || !this.gateway) throw new Error("ejabberd target not started");
    if (!server.running) throw new Error(server.deathNote());
    // The runner has skipped what the capabilities rule out; one option set that no vhost can
    // express (each option alone can) is skipped here, before anything starts.
    const v = vhostOf(world);
    if ("why" in v) throw new Unsupported(`ejabberd: ${v.why}`);
    const host = v.host;
    if (world.needs?.length) return this.openDedicated(world, host);
    await server.ensureHost(host);
    const session = new WireSession(world, {
      server,
      gateway: this.gateway,
      probe: server.sessions,
      host: host.name,
      tag: this.naming.tag(world),
      password: this.naming.password,
    });
    await session.setup();
    return session;
  }

  /** An ejabberd of the session's own, so a restart disturbs nobody else. */
  private async openDedicated(world: WorldSpec, host: HostSpec): Promise<TargetSession> {
    const d = await DedicatedEjabberd.start(host, this.opts.server);
    this.dedicated.add(d); // the session stops it on close; stop() catches any left over
    const session = new WireSession(world, {
      server: d.server,
      gateway: d.gateway,
      probe: d.server.sessions,
      host: d.host.name,
      tag: this.naming.tag(world),
      password: this.naming.password,
      restart: async () => {
        const oldPid = d.beamPid;
        await d.restart();
        return `ejabberd restarted (PID ${oldPid} → ${d.beamPid})`;
      },
      ...(world.needs?.includes("app-offline") && { appConnection: (online: boolean) => (online ? d.gateway.start() : d.gateway.stop()) }),
      release: () => d.stop(),
      keepAccounts: true,
    });
    return setUpOrClose(session);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await this.gateway?.stop().catch(() => {});
    this.gateway = undefined;
    await Promise.allSettled([server?.stop(), this.dedicated.stopAll()]);
  }
}

export function createEjabberdTarget(opts: EjabberdTargetOptions = {}): EjabberdTarget {
  return new EjabberdTarget(opts);
}
