// The load's clients: push-enabled recipients (offline, hibernated or not acking) and senders.
// Each is a WirePersona (our XEP-0198 'h', ack suppression, bounded waits) without a timeline.
import { xml } from "@xmpp/xml";
import { Trace } from "../trace.ts";
import { WirePersona } from "../wire/wire-persona.ts";
import type { LoadMix } from "./options.ts";
import type { LoadServer } from "./load-server.ts";

const NS_PUSH = "urn:xmpp:push:0";
const ENABLE_TIMEOUT_MS = 10_000;
export const CONNECT_BATCH = 20; // clients connecting at once

/** A timeline that keeps nothing: a load run has thousands of stanzas per second. */
class NullTrace extends Trace {
  constructor() {
    super(() => 0);
  }
  override add(): void {}
}

export interface Recipient {
  index: number;
  local: string;
  jid: string;
  node: string;
  mix: LoadMix;
  persona: WirePersona;
}

export function recipientLocal(i: number): string {
  return `rcpt-${i}`;
}

export function nodeOf(i: number): string {
  return `load-${i}`;
}

export function newPersona(server: LoadServer, local: string, password: string, resource: string): WirePersona {
  return new WirePersona({
    spec: { name: local, account: local, resource },
    local,
    domain: server.host,
    password,
    service: server.service,
    trace: new NullTrace(),
    ...(server.tls && { tls: server.tls }),
  });
}

/** In groups of `width`, never more at once (bounded, and kind to the server's accept queue). */
export async function inBatches<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

/** Connects, enables push for the app JID, and leaves the session as the mix says. */
export async function prepareRecipient(r: Recipient, appJid: string): Promise<void> {
  await r.persona.connect({ presence: true, sm: true, carbons: false });
  const res = await r.persona.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: NS_PUSH, jid: appJid, node: r.node })), ENABLE_TIMEOUT_MS);
  if (res.type !== "result") throw new Error(`${r.jid}: enabling push failed: ${JSON.stringify(res)}`);
  if (r.mix === "offline") await r.persona.disconnect();
  else if (r.mix === "hibernated") await r.persona.drop();
  else await r.persona.setAcking(false); // connected, never acking: R-ACK-DELAY
}
