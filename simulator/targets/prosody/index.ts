// Target "prosody": the scenarios over the wire against a real Prosody 0.12 + mod_cloud_notify
// that the harness starts itself (see simulator/wire/ for the parts).
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Target, TargetCapabilities, TargetInfo, TargetSession, WorldSpec } from "../../target.ts";
import type { Scenario } from "../../scenario/model.ts";
import { unmetNeed } from "../../scenario/needs.ts";
import { worldOf } from "../../scenario/run-scenario.ts";
import { prosodyCapabilities } from "./capabilities.ts";
import { MODULE_DIR } from "./prosody-config.ts";
import { hostFor, type HostSpec } from "./option-hosts.ts";
import { ProsodyServer, type ProsodyServerOptions } from "./prosody-server.ts";
import { AppGateway } from "../../wire/wire-app-server.ts";
import { ControlClient } from "./control-client.ts";
import { WireSession } from "../../wire/wire-session.ts";
import { DedicatedServers, parallelismOf, SessionNaming, setUpOrClose } from "../../wire/server-target-parts.ts";
import { DedicatedProsody } from "./dedicated-prosody.ts";
import { debianPackageVersion } from "../debian-package.ts";

export const CLOUD_NOTIFY_FILE = join(MODULE_DIR, "mod_cloud_notify", "mod_cloud_notify.lua");
export const INSTALL_HINT = "install prosody prosody-modules (Debian packages)";

export interface ProsodyTargetOptions {
  parallelism?: number;
  /** Offer ServerControls.ping and the veto hooks through our mod_pushlab_control. */
  controls?: boolean;
  server?: Omit<ProsodyServerOptions, "hosts">;
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function prosodyInstalled(): { ok: true } | { ok: false; reason: string } {
  if (!onPath("prosody")) return { ok: false, reason: `no 'prosody' binary on PATH: ${INSTALL_HINT}` };
  if (!existsSync(CLOUD_NOTIFY_FILE)) return { ok: false, reason: `no ${CLOUD_NOTIFY_FILE}: ${INSTALL_HINT}` };
  return { ok: true };
}

function prosodyVersion(): string {
  try {
    return readFileSync("/usr/lib/prosody/prosody.version", "utf8").trim();
  } catch {
    return "unknown";
  }
}

export const PROSODY_EXPECTATIONS = fileURLToPath(new URL("./expectations.yaml", import.meta.url));

export class ProsodyTarget implements Target {
  readonly name = "prosody";
  readonly defaultProfile = "reference" as const;
  readonly expectationsFile = PROSODY_EXPECTATIONS;
  readonly parallelism: number;
  private readonly prepared = new Map<string, HostSpec>();
  private server?: ProsodyServer;
  private gateway?: AppGateway;
  private control?: ControlClient;
  /** Servers of single sessions (worlds that restart the server or break its storage). */
  private readonly dedicated = new DedicatedServers<DedicatedProsody>();
  private readonly naming = new SessionNaming();

  constructor(private readonly opts: ProsodyTargetOptions = {}) {
    // Scenarios mostly wait on server timers, so many fit on one Prosody; 16 and 32 gave the same
    // verdicts here (2 cores). PUSHLAB_PROSODY_PARALLELISM overrides.
    this.parallelism = parallelismOf(opts.parallelism, "PUSHLAB_PROSODY_PARALLELISM", 16);
  }

  async available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return prosodyInstalled();
  }

  /**
   * Called by the runner before start(): the VirtualHosts of the scenarios that will run on the
   * shared server are in its first config. Skipped ones (as the runner decides) and those that
   * get a server of their own add none.
   */
  prepare(scenarios: Scenario[]): void {
    for (const s of scenarios) {
      if (unmetNeed(s, this.capabilities(), this.name)) continue;
      const w = worldOf(s);
      if (w.needs?.length) continue; // served by a dedicated server (see open())
      const h = hostFor(w);
      this.prepared.set(h.name, h);
    }
  }

  /** The VirtualHosts prepare() declared (tests check which). */
  get preparedHosts(): string[] {
    return [...this.prepared.keys()];
  }

  /** The running server (tests use it to check the PID and to crash it). */
  get prosody(): ProsodyServer | undefined {
    return this.server;
  }

  /** Dedicated servers still running (tests check their PIDs). */
  get dedicatedServers(): DedicatedProsody[] {
    return this.dedicated.running();
  }

  async start(): Promise<TargetInfo> {
    if (this.server) throw new Error("prosody target already started");
    const avail = prosodyInstalled();
    if (!avail.ok) throw new Error(avail.reason);
    const server = await ProsodyServer.start({ ...this.opts.server, hosts: [...this.prepared.values()] });
    this.server = server;
    try {
      const gateway = new AppGateway(server.pushDomain, server.pushSecret, server.componentPort);
      this.gateway = gateway;
      await gateway.start();
      server.watchLiveness((host, ms) => gateway.ping(host, ms));
      if (this.opts.controls !== false) {
        this.control = new ControlClient(server.controlDomain, server.controlSecret, server.componentPort);
        await this.control.start();
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    return {
      name: this.name,
      version: `Prosody ${prosodyVersion()}`,
      details: {
        // The build under test: mod_cloud_notify comes from prosody-modules, versioned apart from Prosody.
        prosody: debianPackageVersion("prosody") ?? `${prosodyVersion()} (not a Debian package)`,
        "prosody-modules": debianPackageVersion("prosody-modules") ?? `not a Debian package (mod_cloud_notify from ${CLOUD_NOTIFY_FILE})`,
        pid: String(server.pid),
        c2s: `127.0.0.1:${server.c2sPort}`,
        components: `127.0.0.1:${server.componentPort}`,
        "app server": server.pushDomain,
        dir: server.layout.dir,
      },
    };
  }

  capabilities(): TargetCapabilities {
    return prosodyCapabilities(this.opts.controls !== false);
  }

  async open(world: WorldSpec): Promise<TargetSession> {
    const server = this.server;
    if (!server || !this.gateway) throw new Error("prosody target not started");
    if (!server.running) throw new Error(server.deathNote());
    if (world.needs?.length) return this.openDedicated(world);
    const host = hostFor(world);
    await server.ensureHost(host);
    const session = new WireSession(world, {
      server,
      gateway: this.gateway,
      ...(this.control && { probe: this.control }),
      host: host.name,
      tag: this.naming.tag(world),
      password: this.naming.password,
    });
    await session.setup();
    return session;
  }

  /** A Prosody of the session's own (~130 ms to start), so a restart disturbs nobody else. */
  private async openDedicated(world: WorldSpec): Promise<TargetSession> {
    const d = await DedicatedProsody.start(world, this.opts.server);
    this.dedicated.add(d); // the session stops it on close; stop() catches any left over
    const session = new WireSession(world, {
      server: d.server,
      gateway: d.gateway,
      ...(this.opts.controls !== false && { probe: d.control }),
      host: d.host.name,
      tag: this.naming.tag(world),
      password: this.naming.password,
      ...(world.needs?.includes("restart") && {
        restart: async () => {
          const oldPid = d.pid;
          await d.restart();
          return `Prosody restarted (PID ${oldPid} → ${d.pid})`;
        },
      }),
      ...(d.flakyStore && { storeFailure: (on: boolean) => d.control.storeFailure(d.host.name, on) }),
      // The component is this session's alone, so all its apps leave and come back together.
      ...(world.needs?.includes("app-offline") && { appConnection: (online: boolean) => (online ? d.gateway.start() : d.gateway.stop()) }),
      release: () => d.stop(),
      keepAccounts: true,
    });
    return setUpOrClose(session);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await Promise.allSettled([this.gateway?.stop(), this.control?.stop()]);
    this.gateway = undefined;
    this.control = undefined;
    await Promise.allSettled([server?.stop(), this.dedicated.stopAll()]);
  }
}

export function createProsodyTarget(opts: ProsodyTargetOptions = {}): ProsodyTarget {
  return new ProsodyTarget(opts);
}
