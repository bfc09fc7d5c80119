// One XEP-0114 component connection (@xmpp/component 0.13.1) that hands us every stanza raw.
import { component } from "@xmpp/component";
import type { Element } from "@xmpp/xml";
import { within } from "./bounded.ts";
import { wireLog } from "./log.ts";
import { ignoreDataAfterStreamEnd } from "./late-data.ts";
import { describeSocketError, guardXmppSockets } from "./socket-errors.ts";

const log = wireLog("component");
export const COMPONENT_CONNECT_TIMEOUT_MS = 10_000;

export class ComponentLink {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly xmpp: any;
  private lastError = "";
  private readonly address: string;

  constructor(
    readonly domain: string,
    secret: string,
    port: number,
    onStanza: (el: Element) => void,
    host = "127.0.0.1",
  ) {
    this.address = `${host}:${port}`;
    this.xmpp = component({ service: `xmpp://${this.address}`, domain, password: secret });
    ignoreDataAfterStreamEnd(this.xmpp, `component ${domain}`);
    guardXmppSockets(this.xmpp, `component ${domain} (${this.address})`, (message) => (this.lastError = message));
    // Detach xmpp.js's middleware: its iq callee would answer every push with
    // service-unavailable before we decide (result, error, silence).
    this.xmpp.removeAllListeners("element");
    this.xmpp.on("stanza", onStanza);
    this.xmpp.on("connect", () => this.xmpp.socket?.setNoDelay?.(true)); // answer pushes without Nagle delay
    this.xmpp.on("error", (err: Error) => {
      this.lastError = describeSocketError(err, this.address);
      log.debug({ domain, err: this.lastError }, "component error");
    });
  }

  get online(): boolean {
    return this.xmpp.status === "online";
  }

  async start(): Promise<void> {
    // A port taken by another program accepts TCP and then hangs up: say so, not "timed out".
    const hungUp = () => {
      if (!this.lastError) this.lastError = `${this.address}: closed the connection before the stream opened (another program on this port?)`;
    };
    this.xmpp.on("disconnect", hungUp);
    try {
      await within(this.xmpp.start(), COMPONENT_CONNECT_TIMEOUT_MS, `component ${this.domain}: connecting`);
    } catch (e) {
      this.xmpp.reconnect.stop();
      this.xmpp.socket?.destroy();
      throw new Error(`component ${this.domain} could not connect: ${this.lastError || describeSocketError(e, this.address)}`);
    } finally {
      this.xmpp.removeListener("disconnect", hungUp);
    }
  }

  async send(el: Element): Promise<void> {
    if (!this.online) throw new Error(`component ${this.domain} is not connected${this.lastError ? ` (${this.lastError})` : ""}`);
    await within(this.xmpp.send(el), 5_000, `component ${this.domain}: sending`);
  }

  async stop(): Promise<void> {
    this.xmpp.reconnect.stop();
    try {
      await within(this.xmpp.stop(), 3_000, `component ${this.domain}: closing`);
    } catch {
      this.xmpp.socket?.destroy();
    }
  }
}
