// The one interface every target implements: the in-process engine, Prosody over the wire, …
// A target owns a server (in-process or a real process) and opens one isolated session per
// scenario run. The runner only talks to these interfaces, so scenarios stay target-neutral.
import type { Element } from "@xmpp/xml";
import type { Profile } from "./results.ts";
import type { Trace } from "./trace.ts";
import type { Scenario } from "./scenario/model.ts";

/** Options a scenario may set; names follow the seed (mod_cloud_notify) and mod_smacks. */
export interface ScenarioOptions {
  push_notification_with_body?: boolean;
  push_notification_with_sender?: boolean;
  push_max_errors?: number;
  push_notification_important_body?: string;
  push_max_devices?: number;
  push_max_hibernation_timeout?: number; // seconds
  push_reply_timeout?: number; // seconds (ours)
  push_dedup_memory?: number; // stanza keys per registration (ours)
  smacks_max_ack_delay?: number; // seconds
  smacks_hibernation_time?: number; // seconds
}

export interface PersonaSpec {
  name: string; // how steps refer to it
  account: string; // local part of the user's JID; several personas may share one (devices)
  resource: string;
}

export interface AppSpec {
  name: string; // how steps refer to it; its JID is chosen by the target
}

export interface WorldSpec {
  scenarioId: string; // unique per run; targets use it to isolate users and hosts
  options: ScenarioOptions;
  personas: PersonaSpec[];
  apps: AppSpec[];
  archive: boolean; // message archive (MAM) on for every account
  hooks?: HookSpec; // server-side veto hooks (R-VETO-REG / R-VETO-PUSH)
  /**
   * Server controls the scenario will use (from its `restart` / `store` steps). A target that
   * shares one server between scenarios may give such a world a server of its own, so that
   * restarting it or breaking its storage disturbs no other scenario.
   */
  needs?: ("restart" | "store-failure" | "app-offline")[];
}

export interface HookSpec {
  vetoRegistration?: { node?: string; error: { type: string; condition: string } }[];
  vetoPush?: { node?: string; reason: string }[];
}

export type IqOutcome =
  | { type: "result"; xml: string }
  | { type: "error"; errorType: string; condition: string; text?: string; xml: string }
  | { type: "timeout" };

export interface ConnectOptions {
  presence: boolean; // send initial presence (needed to receive messages to the bare JID)
  sm: boolean; // enable XEP-0198 stream management (with resumption)
  carbons: boolean; // enable XEP-0280 carbons
}

export interface PersonaHandle {
  readonly name: string;
  /** Bare JID of the account, e.g. alice@host */
  readonly bareJid: string;
  /** Full JID once connected (resource may be the requested one or server-assigned). */
  readonly fullJid: string;
  readonly connected: boolean;
  connect(opts: ConnectOptions): Promise<void>;
  /** Sends an iq and waits (bounded) for its reply. */
  iq(el: Element, timeoutMs: number): Promise<IqOutcome>;
  /** Sends a message or presence stanza. */
  send(el: Element): Promise<void>;
  /** Closes the stream cleanly (</stream:stream>); the session ends at once. */
  disconnect(): Promise<void>;
  /** Vanishes without closing the stream: the server hibernates the XEP-0198 session. */
  drop(): Promise<void>;
  /** Reconnects and resumes the hibernated session (queued stanzas are redelivered). */
  resume(): Promise<boolean>;
  /** Stops (false) or restarts (true) answering XEP-0198 ack requests. */
  setAcking(on: boolean): Promise<void>;
  /** XEP-0352 client state indication. */
  csi(state: "active" | "inactive"): Promise<void>;
  /** Every stanza this persona received, in order. */
  readonly received: Element[];
  /**
   * How the server ended this persona's stream, when it did (not we): the stream error's
   * condition (RFC 6120 §4.9.3), or none for a plain close. Undefined while the stream is ours.
   */
  readonly serverClosed: { streamError?: string } | undefined;
}

/** What the fake app server answers to a push. Rules are checked newest first; default: result. */
export interface AppBehaviour {
  node?: string; // only pushes to this node
  pushes?: [number, number]; // only push numbers first..last (1-based, per app server)
  reply: "result" | "silence" | { error: { type: string; condition: string } };
  from?: "self" | "spoofed"; // spoofed: the reply comes from another JID
  delayMs?: number; // answer this long after the push arrived
}

export interface PushRecord {
  t: number; // arrival time (ms since scenario start)
  id: string;
  from: string;
  to: string;
  node: string | undefined;
  xml: string;
  el: Element;
}

export interface AppServerHandle {
  readonly name: string;
  readonly jid: string;
  readonly pushes: PushRecord[];
  behave(rule: AppBehaviour): void;
}

/** Server-side controls some targets can offer; absent ones make the scenario "skipped". */
export interface ServerControls {
  restart?(): Promise<void>; // restart the server, keeping its storage
  storeFailure?(on: boolean): Promise<void>; // make registration writes fail
  ping?(account: string /* the scenario's account name */, nodes?: { jid: string; node?: string }[]): Promise<void>; // cloud-notify-ping
  /** Disconnects (false) or reconnects (true) an app server's component from the server. */
  appConnection?(app: string, online: boolean): Promise<void>;
}

export interface TargetSession {
  readonly domain: string;
  readonly trace: Trace;
  readonly controls: ServerControls;
  persona(name: string): PersonaHandle;
  app(name: string): AppServerHandle;
  /** ms since the session opened, on the target's clock. */
  now(): number;
  /** Lets time pass (virtual targets: instantly). */
  sleep(ms: number): Promise<void>;
  /** Waits until pred() holds or ms pass; resolves to pred()'s last value. Always bounded. */
  waitFor(pred: () => boolean, ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Whether a target can do something; when not, the reason a scenario that needs it is skipped. */
export type Support = { ok: true; note?: string } | { ok: false; reason: string };

/** Server controls scenario steps use (restart, store, ping) and the world's veto hooks. */
export type ControlName = "restart" | "store-failure" | "ping" | "veto-hooks" | "app-offline";

/** Server features a scenario may rely on beyond the XEP-0357 basics. */
export type FeatureName = "archive-off" | "carbons" | "csi";

export type OptionName = keyof ScenarioOptions;

/**
 * How a target handles one option of the vocabulary: settable per scenario (`as` names the
 * server's own setting, for reports), or not — then `value` is the server's fixed value when
 * known (a scenario asking for exactly that value still runs) and `reason` says why.
 */
export type OptionSupport = { ok: true; as: string } | { ok: false; reason: string; value?: boolean | number | string };

/**
 * What a target can do, declared up front: the runner skips a scenario that needs anything
 * missing before its first step, with the reason, instead of finding out mid-scenario.
 */
export interface TargetCapabilities {
  controls: Record<ControlName, Support>;
  features: Record<FeatureName, Support>;
  options: Record<OptionName, OptionSupport>;
}

export interface TargetInfo {
  name: string;
  version: string; // e.g. "pushlab engine 0.1.0" or "Prosody 0.12.3"
  details?: Record<string, string>;
}

export interface Target {
  readonly name: string;
  /**
   * What fails a run on this target unless --profile says otherwise: "reference" for the engine
   * and Prosody (whose module is the reference), "xep" for every other server.
   */
  readonly defaultProfile: Profile;
  /** This target's expectation file (what the server does instead), if it has one. */
  readonly expectationsFile?: string;
  /** Is the target usable here? If not, why (e.g. which packages to install). */
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /**
   * Optional, called by the runner before start() with the scenarios that will run on this
   * target: a server target can set up what they need (e.g. one virtual host per option set) in
   * its first configuration instead of reloading it while scenarios run.
   */
  prepare?(scenarios: Scenario[]): void;
  start(): Promise<TargetInfo>;
  /** What this target supports; valid after start() (a generic target learns it by connecting). */
  capabilities(): TargetCapabilities;
  open(world: WorldSpec): Promise<TargetSession>;
  stop(): Promise<void>;
  /** How many scenarios may run at once on this target. */
  readonly parallelism: number;
}
