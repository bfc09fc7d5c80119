// What the generic wire parts (WireSession, WirePersona) need from a real server, whichever it is.
// Each server target (Prosody, ejabberd, any server on host:port) adapts its own plumbing to this.
import type { HookSpec } from "../target.ts";
import type { ClientTls } from "./client-tls.ts";

/** The server's own view of one client session, when a target can ask (e.g. a control module). */
export type SessionState = "live" | "hibernating" | "none";

/** Something the server reported about a user's session (hibernation, ack delay, offline storage…). */
export interface ServerEvent {
  user: string;
  resource?: string;
  text: string;
}

/** A running XMPP server the personas connect to. */
export interface WireServer {
  /** Shown in notes and errors, e.g. "Prosody" or "ejabberd". */
  readonly label: string;
  /** Where clients connect: xmpp://127.0.0.1:PORT (or xmpps://…). */
  readonly service: string;
  /** How clients secure the link (STARTTLS / direct TLS, which CA); absent: plain loopback. */
  readonly tls?: ClientTls;
  /** False once the process died or the server stopped answering. */
  readonly running: boolean;
  /** Why the server is not running, for error messages. */
  deathNote(): string;
  addAccount(host: string, local: string, password: string): Promise<void>;
  removeAccount(host: string, local: string): Promise<void>;
}

/** One account on the server, as a persona logs in with it. */
export interface AccountCredentials {
  local: string;
  password: string;
}

/**
 * Accounts that already exist on the server (a pool from a file), used instead of
 * WireServer.addAccount/removeAccount. Claims are all-or-nothing per session and bounded in time.
 */
export interface AccountSource {
  /** One account per scenario account name (distinct names get distinct accounts). */
  claim(accounts: string[]): Promise<Map<string, AccountCredentials>>;
  /** Gives the session's accounts back (after its personas disconnected). */
  release(locals: string[]): Promise<void>;
}

/**
 * Optional server-side helper a target may offer (Prosody: our mod_pushlab_control). Without it,
 * personas fall back to short grace delays and the scenario's ping/veto steps are skipped.
 */
export interface ServerProbe {
  sessionState(host: string, local: string, resource: string): Promise<SessionState>;
  onEvents(host: string, local: string, fn: (e: ServerEvent) => void): () => void;
  ping?(host: string, local: string, nodes?: { jid: string; node?: string }[]): Promise<void>;
  setRules?(host: string, local: string, hooks: HookSpec | undefined): Promise<void>;
}
