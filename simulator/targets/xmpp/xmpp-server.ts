// The server on host:port as the generic wire parts see it (WireServer): where clients connect
// and how (TLS), whether it still answers (Liveness), and accounts by in-band registration.
import type { ClientTls } from "../../wire/client-tls.ts";
import type { WireServer } from "../../wire/wire-server.ts";
import type { LinkSettings } from "./client-link.ts";
import { registerAccount, unregisterAccount } from "./in-band-registration.ts";
import type { Liveness } from "./liveness.ts";

export class XmppServer implements WireServer {
  private readonly passwords = new Map<string, string>(); // accounts we registered, by JID
  label: string;

  constructor(
    readonly link: LinkSettings,
    private readonly address: string, // host:port, for messages
    private readonly liveness: Liveness,
    /** Accounts come from a file: addAccount must not be called. */
    private readonly pooled: boolean,
  ) {
    this.label = `XMPP server at ${address}`;
  }

  get service(): string {
    return this.link.service;
  }

  get tls(): ClientTls {
    return this.link.tls;
  }

  get running(): boolean {
    return this.liveness.alive;
  }

  deathNote(): string {
    return `the XMPP server at ${this.address} is not answering: ${this.liveness.problem}`;
  }

  /** Registers local@host by XEP-0077 (host must be the configured domain). */
  async addAccount(host: string, local: string, password: string): Promise<void> {
    if (this.pooled) throw new Error("accounts come from the accounts file; in-band registration is off (--register)");
    this.checkHost(host);
    await registerAccount(this.link, local, password);
    this.passwords.set(`${local}@${host}`, password);
  }

  /** Removes an account we registered (XEP-0077 <remove/>). */
  async removeAccount(host: string, local: string): Promise<void> {
    const password = this.passwords.get(`${local}@${host}`);
    if (password === undefined) throw new Error(`${local}@${host} was not registered by this run; not removing it`);
    await unregisterAccount(this.link, local, password);
    this.passwords.delete(`${local}@${host}`);
  }

  /** Accounts registered and not yet removed (left behind if removal failed). */
  get registered(): string[] {
    return [...this.passwords.keys()];
  }

  private checkHost(host: string): void {
    if (host !== this.link.domain) throw new Error(`the xmpp target serves only ${this.link.domain}, not ${host}`);
  }
}
