// Target "xmpp": the scenarios against any XMPP server already running on host:port — a
// maintainer's own build, a container in CI. pushlab starts nothing: it connects as clients
// (personas) and as a XEP-0114 component (the fake app server), creates accounts by in-band
// registration or takes them from a file, and skips what it cannot do with the reason.
import { randomBytes } from "node:crypto";
import type { Target, TargetCapabilities, TargetInfo, TargetSession, WorldSpec } from "../../target.ts";
import { AppGateway } from "../../wire/wire-app-server.ts";
import { serviceUrl } from "../../wire/client-tls.ts";
import { slug, WireSession } from "../../wire/wire-session.ts";
import { wireLog } from "../../wire/log.ts";
import { openAccount, type LinkSettings } from "./client-link.ts";
import { registerAccount, unregisterAccount } from "./in-band-registration.ts";
import { discover, type ServerFacts } from "./discover.ts";
import { xmppCapabilities } from "./capabilities.ts";
import { Liveness, tcpOpen, type LivenessOptions, DEFAULT_LIVENESS } from "./liveness.ts";
import { XmppServer } from "./xmpp-server.ts";
import { AccountPool } from "./account-pool.ts";
import { resetAccount } from "./account-reset.ts";
import { PushJidRecorder, XmppSession, type SessionFeatures } from "./xmpp-session.ts";
import type { XmppSettings } from "./settings.ts";

const log = wireLog("xmpp-target");
const REACH_TIMEOUT_MS = 3_000;
const LOGIN_CHECKS_AT_ONCE = 4;

export interface XmppTargetOptions {
  liveness?: LivenessOptions;
}

export class XmppTarget implements Target {
  readonly name = "xmpp";
  /** Any other server is judged by XEP-0357 itself unless --profile says otherwise. */
  readonly defaultProfile = "xep" as const;
  readonly parallelism: number;
  readonly link: LinkSettings;
  /** Part of every local part and app JID we create: runs never collide on a shared server. */
  private readonly runId = randomBytes(3).toString("hex");
  private readonly password = randomBytes(12).toString("base64url");
  private seq = 0;
  private facts?: ServerFacts;
  private gateway?: AppGateway;
  private liveness?: Liveness;
  private wire?: XmppServer;
  private pool?: AccountPool;
  private probeAccount?: { local: string; password: string };

  constructor(
    readonly settings: XmppSettings,
    private readonly opts: XmppTargetOptions = {},
  ) {
    this.parallelism = settings.parallelism;
    this.link = { service: serviceUrl(settings.host, settings.port, settings.tls.mode), domain: settings.domain, tls: settings.tls };
  }

  private get address(): string {
    return `${this.settings.host}:${this.settings.port}`;
  }

  /** The server as the wire parts see it (tests use it to check liveness). */
  get server(): XmppServer | undefined {
    return this.wire;
  }

  /** The fake app servers' component link (tests count stray pushes on it). */
  get appGateway(): AppGateway | undefined {
    return this.gateway;
  }

  /** The pool of file accounts, when accounts come from a file (tests check its state). */
  get accountPool(): AccountPool | undefined {
    return this.pool;
  }

  async available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (await tcpOpen(this.settings.host, this.settings.port, REACH_TIMEOUT_MS)) return { ok: true };
    return { ok: false, reason: `nothing accepts connections on ${this.address} within ${REACH_TIMEOUT_MS} ms (is the server running? --xmpp-host/--xmpp-port)` };
  }

  async start(): Promise<TargetInfo> {
    if (this.gateway) throw new Error("xmpp target already started");
    const s = this.settings;
    const gateway = new AppGateway(s.component.domain, s.component.secret, s.component.port, s.component.host);
    this.gateway = gateway;
    try {
      await gateway.start();
      this.liveness = new Liveness(gateway, s.domain, { host: s.host, port: s.port }, this.opts.liveness ?? DEFAULT_LIVENESS);
      if (s.accounts.kind === "file") {
        const file = s.accounts.file;
        await this.checkLogins(s.accounts.accounts);
        this.pool = new AccountPool(s.accounts.accounts, file, (a, jids) => resetAccount(this.link, a.local, a.password, jids).then(() => undefined));
        const first = s.accounts.accounts[0]!;
        this.facts = await discover(this.link, first.local, first.password);
      } else {
        const probe = { local: `pushlab-probe.${this.runId}`, password: this.password };
        await registerAccount(this.link, probe.local, probe.password);
        this.probeAccount = probe;
        this.facts = await discover(this.link, probe.local, probe.password);
      }
      this.wire = new XmppServer(this.link, this.address, this.liveness, s.accounts.kind === "file");
      if (this.facts.software) this.wire.label = this.facts.software;
      this.liveness.start();
    } catch (e) {
      await this.stop();
      throw e;
    }
    return this.info(this.facts);
  }

  /** Every file account must log in before any scenario relies on it. */
  private async checkLogins(accounts: { local: string; password: string }[]): Promise<void> {
    const failures: string[] = [];
    for (let i = 0; i < accounts.length; i += LOGIN_CHECKS_AT_ONCE) {
      await Promise.all(
        accounts.slice(i, i + LOGIN_CHECKS_AT_ONCE).map(async (a) => {
          try {
            await (await openAccount(this.link, a.local, a.password)).close();
          } catch (e) {
            failures.push((e as Error).message);
          }
        }),
      );
    }
    if (failures.length > 0) throw new Error(`accounts file ${this.settings.accounts.kind === "file" ? this.settings.accounts.file : ""}: ${failures.join("; ")}`);
  }

  private info(f: ServerFacts): TargetInfo {
    const s = this.settings;
    const yesNo = (b: boolean) => (b ? "yes" : "no");
    const declared = Object.entries(s.serverOptions).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return {
      name: this.name,
      version: f.software ?? `XMPP server at ${this.address} (no XEP-0092 version)`,
      details: {
        c2s: `${this.address} (${s.tls.mode === "none" ? "no TLS" : s.tls.mode === "direct" ? "direct TLS" : "STARTTLS"}${s.tls.insecure ? ", any certificate" : s.caFile ? `, CA ${s.caFile}` : ""})`,
        domain: s.domain,
        component: `${s.component.domain} at ${s.component.host}:${s.component.port}`,
        accounts: s.accounts.kind === "file" ? `${s.accounts.accounts.length} from ${s.accounts.file}` : "in-band registration (XEP-0077)",
        "push (XEP-0357) advertised": yesNo(f.push),
        "stream management (XEP-0198)": yesNo(f.streamManagement),
        "carbons / CSI / MAM": `${yesNo(f.carbons)} / ${yesNo(f.csi)} / ${yesNo(f.mam)}`,
        "declared server options": declared.length > 0 ? declared.join(", ") : "none (defaults assumed)",
      },
    };
  }

  capabilities(): TargetCapabilities {
    if (!this.facts) throw new Error("xmpp target not started: its capabilities come from the server");
    return xmppCapabilities(this.facts, this.settings.serverOptions);
  }

  private sessionFeatures(): SessionFeatures {
    const sm = this.facts!.streamManagement ? ({ ok: true } as const) : ({ ok: false, reason: "the server offers no urn:xmpp:sm:3 stream feature" } as const);
    return { sm };
  }

  async open(world: WorldSpec): Promise<TargetSession> {
    const server = this.wire;
    if (!server || !this.gateway) throw new Error("xmpp target not started");
    if (!server.running) throw new Error(server.deathNote());
    const recorder = new PushJidRecorder();
    const session = new WireSession(world, {
      server,
      gateway: this.gateway,
      host: this.settings.domain,
      tag: `${this.runId}-${++this.seq}-${slug(world.scenarioId, 12)}`,
      password: this.password,
      ...(this.pool && { accounts: this.pool.forSession(() => recorder.all) }),
    });
    try {
      await session.setup();
    } catch (e) {
      await session.close().catch(() => {});
      throw e;
    }
    return new XmppSession(session, this.sessionFeatures(), recorder);
  }

  async stop(): Promise<void> {
    this.liveness?.stop();
    const probe = this.probeAccount;
    this.probeAccount = undefined;
    if (probe) await unregisterAccount(this.link, probe.local, probe.password).catch((e: Error) => log.warn({ err: e.message }, "probe account not removed"));
    const left = this.wire?.registered ?? [];
    if (left.length > 0) log.warn({ accounts: left }, "accounts this run registered could not be removed");
    await this.gateway?.stop();
    this.gateway = undefined;
  }
}

export function createXmppTarget(settings: XmppSettings, opts: XmppTargetOptions = {}): XmppTarget {
  return new XmppTarget(settings, opts);
}
