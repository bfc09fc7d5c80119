// Target "ejabberd": the scenarios over the wire against a real ejabberd 23.01 (mod_push,
// mod_push_keepalive, mod_stream_mgmt …) that the harness starts itself (see simulator/wire/).
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Target, TargetCapabilities, TargetInfo, TargetSession, WorldSpec } from "../../target.ts";
import { Unsupported } from "../../scenario/errors.ts";
import { EJABBERD_CAPABILITIES, unsupportedReason } from "./capabilities.ts";
import { hostFor, type HostSpec } from "./option-hosts.ts";
import { EjabberdServer, type EjabberdServerOptions } from "./ejabberd-server.ts";
import { DedicatedEjabberd } from "./dedicated-ejabberd.ts";
import { debianPackageVersion, ejabberdInstalled, ejabberdVersion, INSTALL_HINT, versionLabel } from "./install.ts";
import { AppGateway } from "../../wire/wire-app-server.ts";
import { slug, WireSession } from "../../wire/wire-session.ts";

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
  private readonly dedicated = new Set<DedicatedEjabberd>();
  private readonly password = randomBytes(9).toString("base64url");
  private seq = 0;

  constructor(private readonly opts: EjabberdTargetOptions = {}) {
    const fromEnv = Number(process.env.PUSHLAB_EJABBERD_PARALLELISM);
    this.parallelism = opts.parallelism ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 8);
  }

  async available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return ejabberdInstalled();
  }

  /** Optional: declare every world before start() so all vhosts exist from the start. */
  prepare(worlds: WorldSpec[]): void {
    for (const w of worlds) {
      if (w.needs?.length || unsupportedReason(w)) continue; // dedicated server, or skipped
      const h = hostFor(w);
      this.prepared.set(h.name, h);
    }
  }

  /** The shared server (tests use it to check PIDs and to crash it). */
  get ejabberd(): EjabberdServer | undefined {
    return this.server;
  }

  /** Dedicated servers still running (tests check their PIDs). */
  get dedicatedServers(): DedicatedEjabberd[] {
    return [...this.dedicated].filter((d) => !d.stopped);
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
    // Until the runner skips by capabilities itself, say so here, before anything starts.
    const why = unsupportedReason(world);
    if (why) throw new Unsupported(`ejabberd: ${why}`);
    if (world.needs?.length) return this.openDedicated(world);
    const host = hostFor(world);
    await server.ensureHost(host);
    const session = new WireSession(world, {
      server,
      gateway: this.gateway,
      probe: server.sessions,
      host: host.name,
      tag: this.nextTag(world),
      password: this.password,
    });
    await session.setup();
    return session;
  }

  /** An ejabberd of the session's own, so a restart disturbs nobody else. */
  private async openDedicated(world: WorldSpec): Promise<TargetSession> {
    for (const old of this.dedicated) if (old.stopped) this.dedicated.delete(old);
    const d = await DedicatedEjabberd.start(world, this.opts.server);
    this.dedicated.add(d); // the session stops it on close; stop() catches any left over
    const session = new WireSession(world, {
      server: d.server,
      gateway: d.gateway,
      probe: d.server.sessions,
      host: d.host.name,
      tag: this.nextTag(world),
      password: this.password,
      restart: async () => {
        const oldPid = d.beamPid;
        await d.restart();
        return `ejabberd restarted (PID ${oldPid} → ${d.beamPid})`;
      },
      ...(world.needs?.includes("app-offline") && { appConnection: (online: boolean) => (online ? d.gateway.start() : d.gateway.stop()) }),
      release: () => d.stop(),
      keepAccounts: true,
    });
    try {
      await session.setup();
    } catch (e) {
      await session.close();
      throw e;
    }
    return session;
  }

  private nextTag(world: WorldSpec): string {
    return `${++this.seq}-${slug(world.scenarioId, 12)}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await this.gateway?.stop().catch(() => {});
    this.gateway = undefined;
    const dedicated = [...this.dedicated];
    this.dedicated.clear();
    await Promise.allSettled([server?.stop(), ...dedicated.map((d) => d.stop())]);
  }
}

export function createEjabberdTarget(opts: EjabberdTargetOptions = {}): EjabberdTarget {
  return new EjabberdTarget(opts);
}
