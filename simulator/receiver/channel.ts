// How pushlab reaches a receiver: embedded (the receiver's component connects to our XEP-0114
// listener, pushlab plays the user's server) or via a server (pushlab is itself a component of an
// existing server and the server routes to the receiver's JID). The checks see only this interface.
import { component } from "@xmpp/component";
import type { Element } from "@xmpp/xml";
import { within } from "../wire/bounded.ts";
import { wireLog } from "../wire/log.ts";
import { ComponentAcceptServer, type AcceptOptions } from "./component-accept.ts";

const log = wireLog("receiver-channel");

export interface ReceiverChannel {
  /** "embedded" or "via-server". */
  readonly mode: string;
  /** The address publishes come from (the user's server, as real servers send them). */
  readonly serverJid: string;
  /** A user's full JID on our side, for the ad-hoc registration a client would send. */
  readonly userJid: string;
  /** True while stanzas can be sent. */
  readonly up: boolean;
  /** Resolves when stanzas can be sent; rejects after ms. */
  waitUp(ms: number): Promise<void>;
  /** Sends one stanza; throws when the link is down. */
  send(el: Element): void;
  onStanza(fn: (el: Element) => void): void;
  /** Called when the link to the receiver drops (answers still awaited will not come). */
  onDown(fn: (why: string) => void): void;
  close(): Promise<void>;
  /** Facts for the report header (how it was reached, ports). */
  details(): Record<string, string>;
}

/** Embedded: pushlab listens as the server side of XEP-0114. */
export class EmbeddedChannel implements ReceiverChannel {
  readonly mode = "embedded";
  readonly userJid: string;

  private constructor(
    readonly listener: ComponentAcceptServer,
    readonly serverJid: string,
  ) {
    this.userJid = `pushlab-user@${serverJid}/phone`;
  }

  /** serverDomain: the user's server pushlab plays (publishes come from it). */
  static async listen(opts: AcceptOptions & { serverDomain?: string }): Promise<EmbeddedChannel> {
    const listener = await ComponentAcceptServer.listen(opts);
    return new EmbeddedChannel(listener, opts.serverDomain ?? "pushlab.localhost");
  }

  get up(): boolean {
    return this.listener.online;
  }

  waitUp(ms: number): Promise<void> {
    return this.listener.waitForComponent(ms);
  }

  send(el: Element): void {
    if (!this.listener.send(el)) {
      throw new Error(`the receiver's component is not connected${this.listener.lastClose ? ` (${this.listener.lastClose})` : ""}`);
    }
  }

  onStanza(fn: (el: Element) => void): void {
    this.listener.onStanza(fn);
  }

  onDown(fn: (why: string) => void): void {
    this.listener.onOffline((why) => fn(`the receiver's component disconnected (${why})`));
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  details(): Record<string, string> {
    return {
      connection: `embedded: receiver's component connects to 127.0.0.1:${this.listener.port} (XEP-0114) as ${this.listener.domain}`,
      "publishes from": this.serverJid,
      "component sessions": String(this.listener.sessions),
    };
  }
}

export interface ServerChannelOptions {
  host: string;
  port: number;
  /** pushlab's own component domain on that server, and its secret. */
  domain: string;
  secret: string;
  connectTimeoutMs?: number;
}

/** Via a server: pushlab connects as a component and the server routes to the receiver's JID. */
export class ServerChannel implements ReceiverChannel {
  readonly mode = "via-server";
  readonly serverJid: string;
  readonly userJid: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly xmpp: any;
  private readonly fns: ((el: Element) => void)[] = [];
  private readonly downFns: ((why: string) => void)[] = [];
  private lastError = "";

  private constructor(private readonly opts: ServerChannelOptions) {
    this.serverJid = opts.domain;
    this.userJid = `pushlab-user@${opts.domain}/phone`;
    this.xmpp = component({ service: `xmpp://${opts.host}:${opts.port}`, domain: opts.domain, password: opts.secret });
    // Raw stanzas only: xmpp.js's iq callee would answer replies and pushes on its own.
    this.xmpp.removeAllListeners("element");
    this.xmpp.on("stanza", (el: Element) => {
      for (const fn of this.fns) fn(el);
    });
    this.xmpp.on("connect", () => this.xmpp.socket?.setNoDelay?.(true));
    this.xmpp.on("error", (err: Error) => {
      this.lastError = err.message || String(err);
      log.debug({ err: this.lastError }, "component error");
    });
    this.xmpp.on("offline", () => {
      for (const fn of this.downFns) fn(`pushlab's link to the server dropped${this.lastError ? ` (${this.lastError})` : ""}`);
    });
  }

  static async connect(opts: ServerChannelOptions): Promise<ServerChannel> {
    const ch = new ServerChannel(opts);
    const ms = opts.connectTimeoutMs ?? 10_000;
    try {
      await within(ch.xmpp.start(), ms, `component ${opts.domain} connecting to ${opts.host}:${opts.port}`);
    } catch (e) {
      ch.xmpp.reconnect.stop();
      ch.xmpp.socket?.destroy();
      throw new Error(`pushlab could not connect as component ${opts.domain} to ${opts.host}:${opts.port}: ${ch.lastError || (e as Error).message}`);
    }
    return ch;
  }

  get up(): boolean {
    return this.xmpp.status === "online";
  }

  async waitUp(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!this.up) {
      if (Date.now() >= end) throw new Error(`pushlab's component ${this.opts.domain} is not connected${this.lastError ? ` (${this.lastError})` : ""}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  send(el: Element): void {
    if (!this.up) throw new Error(`pushlab's component ${this.opts.domain} is not connected${this.lastError ? ` (${this.lastError})` : ""}`);
    this.xmpp.send(el).catch((e: Error) => (this.lastError = e.message));
  }

  onStanza(fn: (el: Element) => void): void {
    this.fns.push(fn);
  }

  onDown(fn: (why: string) => void): void {
    this.downFns.push(fn);
  }

  async close(): Promise<void> {
    this.xmpp.reconnect.stop();
    try {
      await within(this.xmpp.stop(), 3_000, `component ${this.opts.domain}: closing`);
    } catch {
      this.xmpp.socket?.destroy();
    }
  }

  details(): Record<string, string> {
    return {
      connection: `via a server: pushlab is component ${this.opts.domain} on ${this.opts.host}:${this.opts.port}`,
      "publishes from": this.serverJid,
    };
  }
}
