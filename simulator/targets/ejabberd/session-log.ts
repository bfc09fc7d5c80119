// ejabberd's own word on its client sessions, read from the log lines it prints in the foreground
// (info level): a session opens, its connection closes and it waits for resumption (XEP-0198
// hibernation), it is resumed, it ends. mod_push says when it enables, disables, and drops a
// registration after an app-server error. This makes a ServerProbe without any server module:
// personas wait for the server's actual state instead of a fixed grace delay, and the events
// join the scenario timeline. ejabberd has no control module, so no ping and no veto hooks.
import type { ServerEvent, ServerProbe, SessionState } from "../../wire/wire-server.ts";

interface SessionView {
  state: SessionState;
  socket: string; // which connection the state belongs to (a resumed session gets a new one)
}

type Listener = (e: ServerEvent) => void;

// "2026-11-30 03:52:44.348645+00:00 [info] (<0.516.0>) Opened c2s session for u@h/r"
const PREFIX = /^\S+ \S+ \[(\w+)\] (.*)$/;
const OPENED = /^\((\S+)\) Opened c2s session for (\S+)$/;
const PENDING = /^\((\S+)\) Closing c2s connection for (\S+): (.*); waiting (\d+) seconds for stream resumption$/;
const RESUMED = /^\((\S+)\) Resumed session for (\S+)$/;
const CLOSED = /^\((\S+)\) Closing c2s session for (\S+): (.*)$/;
// mod_push / mod_push_keepalive, with the user as bare or full JID somewhere in the text
const PUSH_LINES: [RegExp, (m: RegExpMatchArray) => { jid: string; text: string }][] = [
  [/^Enabling push notifications for (\S+)$/, (m) => ({ jid: m[1]!, text: "push enabled" })],
  [/^Disabling push notifications for (\S+)$/, (m) => ({ jid: m[1]!, text: "push disabled" })],
  [/^Cannot enable push for (\S+): (.*)$/, (m) => ({ jid: m[1]!, text: `push not enabled: ${m[2]}` })],
  [/^(\S+) rejected notification for (\S+) \((.*)\) temporarily: (.*)$/, (m) => ({ jid: m[2]!, text: `${m[1]} rejected a push (node ${m[3]}) temporarily: ${m[4]}` })],
  [/^(\S+) rejected notification for (\S+) \((.*)\), disabling push: (.*)$/, (m) => ({ jid: m[2]!, text: `${m[1]} rejected a push (node ${m[3]}); registration removed: ${m[4]}` })],
  [/^Waking (\S+) before session times out$/, (m) => ({ jid: m[1]!, text: "keepalive push before the session times out" })],
];

function splitJid(jid: string): { bare: string; resource?: string } {
  const slash = jid.indexOf("/");
  return slash < 0 ? { bare: jid.toLowerCase() } : { bare: jid.slice(0, slash).toLowerCase(), resource: jid.slice(slash + 1) };
}

export class SessionLog implements ServerProbe {
  private readonly sessions = new Map<string, SessionView>(); // full JID (bare lowercased) → view
  private readonly listeners = new Map<string, Listener>(); // bare JID → listener
  /** Lines that told us something (tests compare this with what they did). */
  seen = 0;

  /** Feed every console line of the server, in order. */
  line(raw: string): void {
    const m = PREFIX.exec(raw);
    if (!m) return; // a continuation line of a multi-line message
    const text = m[2]!;
    let s: RegExpExecArray | null;
    if ((s = OPENED.exec(text))) return this.set(s[2]!, { state: "live", socket: s[1]! }, "session opened");
    if ((s = PENDING.exec(text))) return this.set(s[2]!, { state: "hibernating", socket: s[1]! }, `connection closed (${s[3]}); session kept ${s[4]} s for resumption`);
    if ((s = RESUMED.exec(text))) return this.set(s[2]!, { state: "live", socket: s[1]! }, "session resumed");
    if ((s = CLOSED.exec(text))) {
      const key = this.key(s[2]!);
      const cur = this.sessions.get(key);
      // The old process of a resumed session ends after the new one took over: not an end.
      if (cur && cur.socket !== s[1] && cur.state === "live") return;
      return this.set(s[2]!, { state: "none", socket: s[1]! }, `session ended: ${s[3]}`);
    }
    for (const [re, f] of PUSH_LINES) {
      const p = re.exec(text);
      if (p) {
        const { jid, text: what } = f(p);
        this.emit(jid, what);
        return;
      }
    }
  }

  private key(fullJid: string): string {
    const { bare, resource } = splitJid(fullJid);
    return `${bare}/${resource ?? ""}`;
  }

  private set(fullJid: string, view: SessionView, what: string): void {
    this.seen += 1;
    this.sessions.set(this.key(fullJid), view);
    this.emit(fullJid, what);
  }

  private emit(jid: string, text: string): void {
    const { bare, resource } = splitJid(jid);
    const fn = this.listeners.get(bare);
    if (!fn) return;
    const user = bare.split("@")[0]!;
    fn({ user, ...(resource && { resource }), text });
  }

  async sessionState(host: string, local: string, resource: string): Promise<SessionState> {
    return this.sessions.get(`${local}@${host}`.toLowerCase() + `/${resource}`)?.state ?? "none";
  }

  onEvents(host: string, local: string, fn: Listener): () => void {
    const key = `${local}@${host}`.toLowerCase();
    this.listeners.set(key, fn);
    return () => void this.listeners.delete(key);
  }

  /** After a restart every session is gone with the old VM. */
  reset(): void {
    this.sessions.clear();
  }

  /** Forgets an account's sessions (its account is gone). */
  forget(host: string, local: string): void {
    const prefix = `${local}@${host}/`.toLowerCase();
    for (const k of this.sessions.keys()) if (k.startsWith(prefix)) this.sessions.delete(k);
  }
}
