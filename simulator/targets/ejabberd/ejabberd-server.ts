// One ejabberd server for a harness run: temp dir (owned by user ejabberd), free ports, config,
// process, the set of vhosts (one per option set; added at run time by rewriting the config and
// `reload_config`), accounts through mod_http_api, and its session log as a ServerProbe.
import { chownSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { layoutIn, writeConfig, type ConfigInput, type EjabberdLayout, type EjabberdPorts } from "./ejabberd-config.ts";
import { hostFor, type HostSpec } from "./option-hosts.ts";
import { freePorts } from "../../wire/ports.ts";
import { EjabberdProcess } from "./ejabberd-process.ts";
import { EjabberdApi } from "./http-api.ts";
import { runAsUser } from "./install.ts";
import { SessionLog } from "./session-log.ts";
import { wireLog } from "../../wire/log.ts";
import type { WireServer } from "../../wire/wire-server.ts";

const log = wireLog("ejabberd-server");
export const HOST_READY_TIMEOUT_MS = 10_000;

export interface EjabberdServerOptions {
  hosts?: HostSpec[]; // declared up front (no reload needed for these)
  logLevel?: ConfigInput["logLevel"];
  keepDir?: boolean; // leave the temp dir (config, logs, spool) for inspection
  inBandRegistration?: ConfigInput["inBandRegistration"]; // XEP-0077 from loopback (the xmpp target's tests)
  /**
   * More XEP-0114 components beside push.localhost, each on a listener (port) of its own, so
   * several app gateways can be connected at once (componentPortOf gives the port).
   */
  extraComponents?: { domain: string; secret: string }[];
}

/** Starts tried when a chosen port was taken in the meantime (eaddrinuse); see start(). */
const PORT_ATTEMPTS = 3;
/** Launches tried on the same ports when one was taken during a restart, and the wait between. */
const RESTART_ATTEMPTS = 5;
const RESTART_RETRY_MS = 1_000;

/** Runs fn again while it fails with ejabberd's eaddrinuse, at most `attempts` times in all. */
async function whilePortTaken<T>(attempts: number, pauseMs: number, note: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const msg = (e as Error).message;
      if (attempt >= attempts || !msg.includes("eaddrinuse")) throw e;
      log.warn({ attempt, err: msg.slice(-300) }, note);
      if (pauseMs > 0) await sleep(pauseMs);
    }
  }
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}

export class EjabberdServer implements WireServer {
  readonly label = "ejabberd";
  readonly pushDomain = "push.localhost";
  readonly pushSecret = randomBytes(12).toString("hex");
  /** Unique per run: two harnesses never share a node name (nor a Mnesia schema). */
  readonly node = `pushlab-${randomBytes(5).toString("hex")}@localhost`;
  readonly sessions = new SessionLog();
  readonly api: EjabberdApi;
  private readonly hosts = new Map<string, HostSpec>();
  private readonly ready = new Map<string, Promise<void>>(); // vhost → added and running
  private hostChange: Promise<void> = Promise.resolve();
  private proc?: EjabberdProcess;
  /** Wipes the temp dir if Node exits without stop() (Ctrl-C, crash); removed by stop(). */
  private readonly exitCleanup = () => this.removeDir();

  private constructor(
    readonly layout: EjabberdLayout,
    readonly ports: EjabberdPorts,
    private readonly opts: EjabberdServerOptions,
    /** Port of each extra component's listener, by domain. */
    private readonly extraPorts: ReadonlyMap<string, number> = new Map(),
  ) {
    this.api = new EjabberdApi(ports.http);
    // ejabberd needs at least one vhost: the default option set is always there.
    const base = hostFor({ options: {}, archive: true });
    this.hosts.set(base.name, base);
    for (const h of opts.hosts ?? []) this.hosts.set(h.name, h);
  }

  /**
   * Starts one on fresh ports. A port chosen free can be taken before ejabberd binds it (by
   * another server starting beside it, or any process on the machine): ejabberd then exits with
   * eaddrinuse, and only then is the start tried again, on new ports, at most PORT_ATTEMPTS times.
   */
  static async start(opts: EjabberdServerOptions = {}): Promise<EjabberdServer> {
    return whilePortTaken(PORT_ATTEMPTS, 0, "ejabberd found a port taken at start; starting again on new ports", () => EjabberdServer.startOnce(opts));
  }

  private static async startOnce(opts: EjabberdServerOptions): Promise<EjabberdServer> {
    const user = runAsUser(); // fails early, with the reason, when we cannot run it
    const dir = mkdtempSync(join(tmpdir(), "pushlab-ejabberd-"));
    const extra = opts.extraComponents ?? [];
    const [c2s, component, http, dist, ...extraPorts] = await freePorts(4 + extra.length);
    const ports = { c2s: c2s!, component: component!, http: http!, dist: dist! };
    const server = new EjabberdServer(layoutIn(dir), ports, opts, new Map(extra.map((x, i) => [x.domain, extraPorts[i]!])));
    if (!opts.keepDir) process.once("exit", server.exitCleanup);
    try {
      server.write();
      if (user) chownTree(dir, user.uid, user.gid); // ejabberd runs as its own user
      await server.launch();
    } catch (e) {
      process.removeListener("exit", server.exitCleanup);
      if (!opts.keepDir) server.removeDir();
      throw e;
    }
    log.info({ pid: server.pid, beam: server.beamPid, dir, ports: server.ports }, "ejabberd up");
    return server;
  }

  private async launch(): Promise<void> {
    const { c2s, component, http } = this.ports;
    this.proc = await EjabberdProcess.start(this.layout, [c2s, component, http, ...this.extraPorts.values()], (line) => this.sessions.line(line));
  }

  /** PID of ejabberdctl, our child (the process group's id). */
  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  /** PID of the Erlang VM. */
  get beamPid(): number {
    return this.proc?.beamPid ?? -1;
  }

  get running(): boolean {
    return !!this.proc?.running;
  }

  deathNote(): string {
    return this.proc ? `ejabberd (PID ${this.beamPid}) is not running: ${this.proc.tail(5)}` : "ejabberd was never started";
  }

  get service(): string {
    return `xmpp://127.0.0.1:${this.ports.c2s}`;
  }

  get componentPort(): number {
    return this.ports.component;
  }

  /** The listener port of an extra component (EjabberdServerOptions.extraComponents). */
  componentPortOf(domain: string): number {
    const port = this.extraPorts.get(domain);
    if (port === undefined) throw new Error(`no extra component ${domain} on this ejabberd`);
    return port;
  }

  private write(): void {
    writeConfig({
      layout: this.layout,
      ports: this.ports,
      node: this.node,
      hosts: [...this.hosts.values()],
      components: [{ domain: this.pushDomain, secret: this.pushSecret }, ...(this.opts.extraComponents ?? []).map((x) => ({ ...x, port: this.componentPortOf(x.domain) }))],
      logLevel: this.opts.logLevel ?? "info", // info: the session log above needs it
      ...(this.opts.inBandRegistration && { inBandRegistration: true }),
    });
    const user = runAsUser();
    if (user) for (const f of [this.layout.configFile, this.layout.ctlConfigFile]) chownSync(f, user.uid, user.gid);
  }

  /** Makes sure the vhost exists and runs its modules (config rewrite + reload_config, bounded). */
  ensureHost(spec: HostSpec): Promise<void> {
    let ready = this.ready.get(spec.name);
    if (!ready) {
      // One config change at a time; each rewrite carries every host known so far. Callers for
      // the same host share the promise, so none of them goes ahead before the reload is done.
      ready = this.hostChange.then(() => this.addHost(spec));
      this.hostChange = ready.catch(() => {});
      this.ready.set(spec.name, ready);
      ready.catch(() => this.ready.delete(spec.name)); // a later world may try again
    }
    return ready;
  }

  private async addHost(spec: HostSpec): Promise<void> {
    if (!this.running) throw new Error(this.deathNote());
    if (!this.hosts.has(spec.name)) {
      this.hosts.set(spec.name, spec);
      this.write();
      await this.api.reloadConfig();
      log.debug({ host: spec.name }, "host added, config reloaded");
    }
    const vhosts = await this.api.vhosts();
    if (!vhosts.includes(spec.name)) throw new Error(`ejabberd did not add vhost ${spec.name} on reload: ${this.proc?.tail(5)}`);
  }

  /**
   * Stops the VM (cleanly, by PID) and starts a new one on the same config, spool and ports, so
   * stored data (accounts, push registrations, offline messages, archive) survives and memory does
   * not. Client connections die with the old VM: callers reconnect.
   */
  async restart(): Promise<void> {
    const old = this.proc;
    const oldBeam = this.beamPid;
    await old?.stop();
    if (old?.running) throw new Error(`ejabberd (PID ${oldBeam}) did not stop for the restart`);
    this.sessions.reset();
    // The ports were free a moment ago; another process's free-port probe can hold one briefly
    // while the old VM is gone (seen once in a CI-like run with four test files at a time). Such a
    // hold is short: try the same ports again, a bounded number of times.
    await whilePortTaken(RESTART_ATTEMPTS, RESTART_RETRY_MS, "a port of the restarting ejabberd was taken; trying again", () => this.launch());
    log.info({ oldBeam, beam: this.beamPid }, "ejabberd restarted");
  }

  async addAccount(host: string, user: string, password: string): Promise<void> {
    await this.api.register(user, host, password);
  }

  async removeAccount(host: string, user: string): Promise<void> {
    this.sessions.forget(host, user);
    await this.api.unregister(user, host);
  }

  /** Stops the VM by PID (bounded), ends its process group, wipes the temp dir. */
  async stop(): Promise<void> {
    await this.proc?.stop();
    process.removeListener("exit", this.exitCleanup);
    if (!this.opts.keepDir) this.removeDir();
  }

  /** For tests: kill the VM hard, as if it crashed. */
  crash(): void {
    this.proc?.crash();
  }

  private removeDir(): void {
    rmSync(this.layout.dir, { recursive: true, force: true });
  }
}
