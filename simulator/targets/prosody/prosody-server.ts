// One Prosody server for a harness run: temp dir, free ports, config, process, and the set of
// VirtualHosts (one per option set), extended at run time by rewriting the config + SIGHUP.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { layoutIn, writeConfig, type ConfigInput, type ProsodyExtras, type ProsodyLayout, type ProsodyStorage } from "./prosody-config.ts";
import { hostFor, type HostSpec } from "./option-hosts.ts";
import { freePorts } from "../../wire/ports.ts";
import { PortTakenError, ProsodyProcess } from "./prosody-process.ts";
import { createAccount, deleteAccount } from "./accounts.ts";
import { pollUntil } from "../../wire/bounded.ts";
import { wireLog } from "../../wire/log.ts";
import { Liveness } from "../../wire/liveness.ts";
import type { WireServer } from "../../wire/wire-server.ts";

const log = wireLog("prosody-server");
export const HOST_READY_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;

export interface ProsodyServerOptions {
  hosts?: HostSpec[]; // declared up front (no reload needed for these)
  logLevel?: ConfigInput["logLevel"];
  keepDir?: boolean; // leave the temp dir (config, log, data) for inspection
  flakyStoreHosts?: string[]; // hosts whose push registrations can be made to fail (see lua/)
  extraComponents?: { domain: string; secret: string }[]; // more XEP-0114 components (e.g. receiver validation)
  extras?: ProsodyExtras; // test-only: in-band registration, TLS (see prosody-config.ts)
  storage?: ProsodyStorage; // "sql": SQLite (accounts then only by in-band registration)
  withoutModules?: string[]; // our modules left out (see prosody-config.ts)
}

export class ProsodyServer implements WireServer {
  readonly label = "Prosody";
  readonly pushDomain = "push.localhost";
  readonly controlDomain = "control.localhost";
  readonly pushSecret = randomBytes(12).toString("hex");
  readonly controlSecret = randomBytes(12).toString("hex");
  private readonly hosts = new Map<string, HostSpec>();
  private hostChange: Promise<void> = Promise.resolve();
  private proc?: ProsodyProcess;
  private liveness?: Liveness;
  /** Wipes the temp dir if Node exits without stop() (Ctrl-C, crash); removed by stop(). */
  private readonly exitCleanup = () => this.removeDir();

  private constructor(
    readonly layout: ProsodyLayout,
    readonly c2sPort: number,
    readonly componentPort: number,
    private readonly opts: ProsodyServerOptions,
  ) {
    // Prosody refuses to start without a VirtualHost: the default option set is always there.
    const base = hostFor({ options: {}, archive: true });
    this.hosts.set(base.name, base);
    for (const h of opts.hosts ?? []) this.hosts.set(h.name, h);
  }

  /** The direct-TLS client port, when opts.extras.tls.directTls asked for one. */
  directTlsPort?: number;

  /** Starts a server; when another program takes one of its ports first, tries fresh ports. */
  static async start(opts: ProsodyServerOptions = {}): Promise<ProsodyServer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ProsodyServer.startOnce(opts);
      } catch (e) {
        if (!(e instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw e;
        log.warn({ err: e.message, attempt }, "port taken before Prosody bound it; trying other ports");
      }
    }
  }

  private static async startOnce(opts: ProsodyServerOptions): Promise<ProsodyServer> {
    const dir = mkdtempSync(join(tmpdir(), "pushlab-prosody-"));
    const [c2s, comp, direct] = await freePorts(opts.extras?.tls?.directTls ? 3 : 2);
    const server = new ProsodyServer(layoutIn(dir), c2s!, comp!, opts);
    server.directTlsPort = direct;
    if (!opts.keepDir) process.once("exit", server.exitCleanup);
    try {
      server.write();
      server.proc = await ProsodyProcess.start(server.layout.configFile, server.layout.logFile, server.ports, undefined, server.watchDirs);
    } catch (e) {
      process.removeListener("exit", server.exitCleanup);
      server.removeDir();
      throw e;
    }
    log.info({ pid: server.pid, dir, c2s, comp }, "prosody up");
    return server;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  /** What the watchdog removes if the harness dies without stopping us. */
  private get watchDirs(): string[] {
    return this.opts.keepDir ? [] : [this.layout.dir];
  }

  /** False once the process died or stopped answering pings (see watchLiveness). */
  get running(): boolean {
    return !!this.proc?.running && (this.liveness?.answering ?? true);
  }

  /** Why the server is not running (for error messages). */
  deathNote(): string {
    if (!this.proc) return "Prosody was never started";
    if (this.proc.running && this.liveness && !this.liveness.answering) return `Prosody (PID ${this.pid}) ${this.liveness.silenceNote()}`;
    return `Prosody (PID ${this.pid}) is not running: ${this.proc.tail(5)}`;
  }

  /** The VirtualHost every server has (default options): what liveness pings go to. */
  get baseHost(): string {
    return this.hosts.keys().next().value!;
  }

  /** Pings the server through a component every second; silence makes it "not running". */
  watchLiveness(ping: (host: string, timeoutMs: number) => Promise<void>): void {
    this.liveness?.stop();
    this.liveness = new Liveness(`Prosody (PID ${this.pid})`, (ms) => ping(this.baseHost, ms));
    this.liveness.start();
  }

  private get ports(): number[] {
    return [this.c2sPort, this.componentPort, ...(this.directTlsPort ? [this.directTlsPort] : [])];
  }

  get service(): string {
    return `xmpp://127.0.0.1:${this.c2sPort}`;
  }

  private write(): void {
    writeConfig({
      layout: this.layout,
      c2sPort: this.c2sPort,
      componentPort: this.componentPort,
      hosts: [...this.hosts.values()],
      components: [
        { domain: this.pushDomain, secret: this.pushSecret },
        { domain: this.controlDomain, secret: this.controlSecret },
        ...(this.opts.extraComponents ?? []),
      ],
      controller: this.controlDomain,
      logLevel: this.opts.logLevel ?? (process.env.PUSHLAB_PROSODY_LOG as ConfigInput["logLevel"]) ?? "info",
      flakyStoreHosts: this.opts.flakyStoreHosts,
      ...(this.opts.extras && { extras: this.opts.extras, directTlsPort: this.directTlsPort }),
      ...(this.opts.storage && { storage: this.opts.storage }),
      ...(this.opts.withoutModules && { withoutModules: this.opts.withoutModules }),
    });
  }

  private isReady(host: string): boolean {
    return existsSync(join(this.layout.readyDir, host));
  }

  /** Makes sure the VirtualHost exists and is active (adds it by config rewrite + SIGHUP). */
  async ensureHost(spec: HostSpec): Promise<void> {
    if (!this.hosts.has(spec.name)) {
      // One config change at a time; each rewrite carries every host known so far.
      this.hostChange = this.hostChange.then(() => {
        if (this.hosts.has(spec.name)) return;
        this.hosts.set(spec.name, spec);
        this.write();
        this.proc?.reload();
        log.debug({ host: spec.name }, "host added, config reloaded");
      });
      await this.hostChange;
    }
    const ok = await pollUntil(() => this.isReady(spec.name) || !this.running, HOST_READY_TIMEOUT_MS);
    if (!this.running) throw new Error(this.deathNote());
    if (!ok || !this.isReady(spec.name)) {
      throw new Error(`Prosody did not activate host ${spec.name} within ${HOST_READY_TIMEOUT_MS} ms: ${this.proc?.tail(5)}`);
    }
  }

  /**
   * Stops the process by PID and starts a new one on the same config, data dir and ports, so
   * stored data (accounts, registrations) survives and memory does not. Resolves once every
   * host is active again (bounded). Connections to the old process are gone: callers reconnect.
   */
  async restart(): Promise<void> {
    const old = this.proc;
    await old?.stop();
    if (old?.running) throw new Error(`Prosody (PID ${old.pid}) did not stop for the restart`);
    for (const host of this.hosts.keys()) rmSync(join(this.layout.readyDir, host), { force: true });
    this.proc = await ProsodyProcess.start(this.layout.configFile, this.layout.logFile, this.ports, undefined, this.watchDirs);
    const allReady = () => [...this.hosts.keys()].every((h) => this.isReady(h));
    const ok = await pollUntil(() => allReady() || !this.running, HOST_READY_TIMEOUT_MS);
    if (!this.running) throw new Error(this.deathNote());
    if (!ok) throw new Error(`restarted Prosody did not activate its hosts within ${HOST_READY_TIMEOUT_MS} ms: ${this.proc.tail(5)}`);
    log.info({ oldPid: old?.pid, pid: this.pid }, "prosody restarted");
  }

  async addAccount(host: string, user: string, password: string): Promise<void> {
    // Account files are what storage "internal" reads; an SQL store never sees them.
    if (this.opts.storage === "sql") throw new Error("Prosody on SQL storage: create accounts by in-band registration (extras.registration)");
    createAccount(this.layout.dataDir, host, user, password);
  }

  async removeAccount(host: string, user: string): Promise<void> {
    deleteAccount(this.layout.dataDir, host, user);
  }

  /** Stops the process by PID (bounded) and wipes the temp dir with all data. */
  async stop(): Promise<void> {
    this.liveness?.stop();
    await this.proc?.stop();
    process.removeListener("exit", this.exitCleanup);
    if (!this.opts.keepDir) this.removeDir();
  }

  /** For tests: kill the process hard, as if it crashed. */
  crash(): void {
    if (this.running) process.kill(this.pid, "SIGKILL");
  }

  private removeDir(): void {
    rmSync(this.layout.dir, { recursive: true, force: true });
  }
}
