// What the engine needs from its host server, injected: a clock with timers, a way to send
// stanzas, a view of the user's sessions, and control of hibernation timeouts. No I/O here.
import type { Element } from "@xmpp/xml";

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on the host's clock (virtual in the simulator). */
  now(): number;
  /** Runs fn after ms on the host's clock. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

/** A client session as the server sees it. */
export interface SessionView {
  id: string;
  user: string; // account (local part)
  resource: string;
  clientId?: string;
  state: "live" | "hibernated";
}

export interface ServerPort {
  /** Domain the engine sends from (R-FROM). */
  readonly domain: string;
  /** Sends a stanza (a push to an app server, or a reply to a client). */
  send(stanza: Element): void;
  /** The user's current sessions (live or hibernated). */
  sessions(user: string): SessionView[];
  /**
   * Sets the hibernation timeout of a hibernated session, counted from now: seconds, or null for
   * the server's normal timeout (R-HIB-EXTEND).
   */
  setHibernationTimeout(sessionId: string, seconds: number | null): void;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

/** A stanza handed to the engine, with the server's stable key for de-duplication (R-DEDUP). */
export interface KeyedStanza {
  stanza: Element;
  /** Same key for the same stanza on every path (queue, archive, offline). */
  key?: string;
}

/** Server-side hooks (R-VETO-REG, R-VETO-PUSH). */
export interface EngineHooks {
  /** Return a reply element to refuse the enable (the hook answers the client itself). */
  registration?(ctx: { user: string; iq: Element; jid: string; node?: string }): Element | void;
  /** Return a reason to block this one push; it is then not sent and not counted. */
  push?(ctx: { user: string; registration: { jid: string; node?: string }; stanza: Element | null }): string | void;
}
