// The server side of XEP-0114 (jabber:component:accept), so a receiver's component can connect
// straight to pushlab: stream header, <handshake> = hex SHA-1(stream id + secret), then stanzas.
// One component at a time; every phase has a time bound and every stanza a size bound.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { Parser, type Element } from "@xmpp/xml";
import { XMPP_NS } from "../protocol/ns.ts";
import { wireLog } from "../wire/log.ts";

const log = wireLog("component-accept");

export interface AcceptOptions {
  /** The component's domain (the receiver's JID): the stream header's 'to' must name it. */
  domain: string;
  secret: string;
  /** 0 = a free port chosen by the kernel. */
  port?: number;
  /** Bounds: opening header, handshake, and the size of one stanza (or header) in bytes. */
  headerTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  maxStanzaBytes?: number;
}

export const ACCEPT_DEFAULTS = { headerTimeoutMs: 10_000, handshakeTimeoutMs: 10_000, maxStanzaBytes: 1 << 20 };

/** Stream error conditions this listener sends (RFC 6120 §4.9.3). */
export type StreamErrorCondition =
  | "not-authorized"
  | "invalid-namespace"
  | "host-unknown"
  | "connection-timeout"
  | "not-well-formed"
  | "policy-violation"
  | "conflict";

/** The expected <handshake/> content: lower-case hex SHA-1 of stream id + secret (XEP-0114 §3). */
export function handshakeDigest(streamId: string, secret: string, encoding: "utf8" | "latin1" = "utf8"): string {
  return createHash("sha1").update(streamId + secret, encoding).digest("hex");
}

/** UTF-8 is what the XEP's servers hash; @xmpp/component 0.13 hashes the secret as latin1 ("binary"),
 * which differs only for non-ASCII secrets: accept both so such a secret works with either side. */
function handshakeOk(got: string, streamId: string, secret: string): boolean {
  return sameDigest(got, handshakeDigest(streamId, secret)) || sameDigest(got, handshakeDigest(streamId, secret, "latin1"));
}

function sameDigest(got: string, want: string): boolean {
  const a = Buffer.from(got.trim().toLowerCase());
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

type Phase = "header" | "handshake" | "online" | "closed";

/** One TCP connection from a component, through the phases of XEP-0114. */
class AcceptConnection {
  phase: Phase = "header";
  readonly streamId = randomBytes(12).toString("hex");
  private readonly parser = new Parser();
  private bytesSinceElement = 0;
  private timer?: NodeJS.Timeout;
  private headerSent = false;

  constructor(
    private readonly socket: Socket,
    private readonly opts: Required<AcceptOptions>,
    private readonly hooks: {
      canGoOnline(c: AcceptConnection): boolean;
      online(c: AcceptConnection): void;
      stanza(el: Element): void;
      closed(c: AcceptConnection, why: string): void;
    },
  ) {
    socket.setNoDelay(true);
    this.arm(opts.headerTimeoutMs, "no stream header");
    this.parser.on("start", (el) => this.onHeader(el));
    this.parser.on("element", (el) => this.onElement(el));
    this.parser.on("end", () => this.close("stream closed by the component", true));
    this.parser.on("error", (err) => this.fail("not-well-formed", err.message));
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.close(`socket error: ${err.message}`));
    socket.on("close", () => this.close("connection closed"));
  }

  private arm(ms: number, what: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail("connection-timeout", `${what} within ${ms} ms`), ms);
  }

  private onData(chunk: Buffer): void {
    if (this.phase === "closed") return;
    this.bytesSinceElement += chunk.length;
    if (this.bytesSinceElement > this.opts.maxStanzaBytes) {
      return this.fail("policy-violation", `more than ${this.opts.maxStanzaBytes} bytes without a complete stanza`);
    }
    try {
      this.parser.write(chunk.toString("utf8"));
    } catch (e) {
      this.fail("not-well-formed", (e as Error).message);
    }
  }

  private sendHeader(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.write(
      `<?xml version='1.0'?><stream:stream xmlns:stream='${XMPP_NS.streams}' xmlns='${XMPP_NS.componentAccept}' from='${escapeAttr(this.opts.domain)}' id='${this.streamId}'>`,
    );
  }

  private onHeader(el: Element): void {
    this.bytesSinceElement = 0;
    if (el.name !== "stream:stream" || el.attrs["xmlns:stream"] !== XMPP_NS.streams) {
      return this.fail("invalid-namespace", `expected <stream:stream xmlns:stream='${XMPP_NS.streams}'>, got <${el.name}>`);
    }
    if (el.attrs.xmlns !== XMPP_NS.componentAccept) {
      return this.fail("invalid-namespace", `stream namespace '${el.attrs.xmlns ?? ""}' is not ${XMPP_NS.componentAccept}`);
    }
    if ((el.attrs.to ?? "").toLowerCase() !== this.opts.domain.toLowerCase()) {
      return this.fail("host-unknown", `this listener serves '${this.opts.domain}', not '${el.attrs.to ?? ""}'`);
    }
    this.sendHeader();
    this.phase = "handshake";
    this.arm(this.opts.handshakeTimeoutMs, "no handshake");
  }

  private onElement(el: Element): void {
    this.bytesSinceElement = 0;
    const root = (this.parser as unknown as { root?: Element }).root;
    if (root) root.children = []; // whitespace keepalives between stanzas must not pile up
    if (this.phase === "handshake") {
      if (el.name !== "handshake" || !handshakeOk(el.getText(), this.streamId, this.opts.secret)) {
        return this.fail("not-authorized", el.name === "handshake" ? "wrong handshake (secret)" : `<${el.name}> before the handshake`);
      }
      if (!this.hooks.canGoOnline(this)) return this.fail("conflict", `a component for ${this.opts.domain} is already connected`);
      clearTimeout(this.timer);
      this.write("<handshake/>");
      this.phase = "online";
      this.hooks.online(this);
      return;
    }
    if (this.phase === "online") {
      el.parent = null;
      this.hooks.stanza(el);
    }
  }

  write(text: string): boolean {
    if (this.phase === "closed" || this.socket.destroyed) return false;
    return this.socket.write(text);
  }

  /** Sends a stream error (after our header, as RFC 6120 §4.9.1.2 asks) and closes. */
  fail(condition: StreamErrorCondition, text: string): void {
    if (this.phase === "closed") return;
    log.debug({ condition, text }, "stream error");
    this.sendHeader();
    this.write(
      `<stream:error><${condition} xmlns='${XMPP_NS.streamErrors}'/><text xmlns='${XMPP_NS.streamErrors}'>${escapeText(text)}</text></stream:error></stream:stream>`,
    );
    this.close(`${condition}: ${text}`, true);
  }

  close(why: string, graceful = false): void {
    if (this.phase === "closed") return;
    this.phase = "closed";
    clearTimeout(this.timer);
    if (graceful && !this.socket.destroyed) {
      this.socket.end();
      // A peer that never closes its side must not keep the socket open.
      setTimeout(() => this.socket.destroy(), 1_000).unref();
    } else {
      this.socket.destroy();
    }
    this.hooks.closed(this, why);
  }
}

export function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/'/g, "&apos;").replace(/"/g, "&quot;");
}

/** A loopback XEP-0114 listener that accepts one component at a time. */
export class ComponentAcceptServer {
  private active?: AcceptConnection;
  private readonly conns = new Set<AcceptConnection>();
  private readonly stanzaFns: ((el: Element) => void)[] = [];
  private readonly upWaiters: (() => void)[] = [];
  private readonly downFns: ((why: string) => void)[] = [];
  /** Why the last connection ended (shown when a publish cannot be sent). */
  lastClose = "";
  /** How many times a component completed the handshake (a reconnect after a crash counts). */
  sessions = 0;

  private constructor(
    private readonly server: Server,
    readonly opts: Required<AcceptOptions>,
    readonly port: number,
  ) {}

  static listen(options: AcceptOptions): Promise<ComponentAcceptServer> {
    const opts: Required<AcceptOptions> = { port: 0, ...ACCEPT_DEFAULTS, ...options };
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port, "127.0.0.1", () => {
        server.removeListener("error", reject);
        const addr = server.address();
        const port = typeof addr === "object" && addr ? addr.port : opts.port;
        const self = new ComponentAcceptServer(server, opts, port);
        server.on("connection", (socket) => self.accept(socket));
        log.info({ port, domain: opts.domain }, "component listener up");
        resolve(self);
      });
    });
  }

  private accept(socket: Socket): void {
    const conn = new AcceptConnection(socket, this.opts, {
      canGoOnline: () => !this.active,
      online: (c) => {
        this.active = c;
        this.sessions++;
        log.info({ domain: this.opts.domain }, "component online");
        for (const w of this.upWaiters.splice(0)) w();
      },
      stanza: (el) => {
        for (const fn of this.stanzaFns) fn(el);
      },
      closed: (c, why) => {
        this.conns.delete(c);
        if (this.active === c) {
          this.active = undefined;
          this.lastClose = why;
          log.info({ why }, "component offline");
          for (const fn of this.downFns) fn(why);
        }
      },
    });
    this.conns.add(conn);
  }

  get online(): boolean {
    return !!this.active;
  }

  get domain(): string {
    return this.opts.domain;
  }

  onStanza(fn: (el: Element) => void): void {
    this.stanzaFns.push(fn);
  }

  /** Called when the online component's connection ends (crash, close, stream error). */
  onOffline(fn: (why: string) => void): void {
    this.downFns.push(fn);
  }

  /** Resolves once a component is online; rejects after ms. */
  waitForComponent(ms: number): Promise<void> {
    if (this.active) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.upWaiters.indexOf(done);
        if (i >= 0) this.upWaiters.splice(i, 1);
        reject(new Error(`no component connected as ${this.opts.domain} on 127.0.0.1:${this.port} within ${ms} ms${this.lastClose ? ` (last connection: ${this.lastClose})` : ""}`));
      }, ms);
      this.upWaiters.push(done);
    });
  }

  /** Writes one stanza to the connected component; false when none is connected. */
  send(el: Element): boolean {
    return this.active ? this.active.write(el.toString()) : false;
  }

  /** Closes every connection (with a stream close) and the listening socket. */
  async close(): Promise<void> {
    for (const c of [...this.conns]) {
      c.write("</stream:stream>");
      c.close("listener closing", true);
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
