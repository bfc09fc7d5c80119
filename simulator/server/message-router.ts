// Where a message goes: the addressee's session(s), carbons to the other devices, the archive
// (MAM) and offline storage, each path handing the stanza to the engine as Prosody's core would.
import { xml, type Element } from "@xmpp/xml";
import type { PushEngine } from "../../engine/engine.ts";
import type { KeyedStanza } from "../../engine/ports.ts";
import { XMPP_NS as NS } from "../protocol/ns.ts";
import { copyElement, jidParts } from "../protocol/stanza-kit.ts";
import type { SimSession } from "./sim-session.ts";
import { archivable, carbonEligible, offlineStorable } from "./stanza-rules.ts";

/** What the router needs from the server it lives in. */
export interface RouterHost {
  readonly domain: string;
  readonly archive: boolean; // MAM on
  engine(): PushEngine;
  hasAccount(user: string): boolean;
  sessionsOf(user: string): SimSession[];
  deliver(s: SimSession, ks: KeyedStanza): void;
  bareJid(user: string): string;
  newKey(): string;
  note(text: string): void;
  /** The stanzas may be settled for the user: the engine forgets those no session still holds. */
  settle(user: string, keys: string[]): void;
}

function carbon(dir: "sent" | "received", m: Element, from: string, to: string): Element {
  return xml(
    "message",
    { from, to, type: m.attrs.type ?? "normal" },
    xml(dir, { xmlns: NS.carbons }, xml("forwarded", { xmlns: NS.forward }, copyElement(m))),
  );
}

export class MessageRouter {
  readonly offline = new Map<string, KeyedStanza[]>();
  readonly archives = new Map<string, KeyedStanza[]>();

  constructor(private readonly host: RouterHost) {}

  /** A message sent by the client of session s (its sender already stamped). */
  fromClient(s: SimSession, m: Element): void {
    const ks: KeyedStanza = { stanza: m, key: this.host.newKey() };
    if (this.host.archive && archivable(m)) this.archive(s.user, ks);
    this.copyToOtherDevices("sent", s.user, s, ks);
    const recipient = this.route(ks);
    // Every hook has run for it now (archive, carbons, delivery or offline storage): the engine
    // may forget it for each user whose sessions no longer hold it in a queue.
    this.host.settle(s.user, [ks.key!]);
    if (recipient && recipient !== s.user) this.host.settle(recipient, [ks.key!]);
  }

  /** A message for the account as a whole: every available session, else offline storage. */
  deliverToUser(user: string, ks: KeyedStanza, rerouted: boolean): void {
    const available = this.host.sessionsOf(user).filter((x) => x.available);
    if (available.length > 0) {
      for (const s of available) this.host.deliver(s, ks);
      return;
    }
    if (!offlineStorable(ks.stanza)) {
      this.host.note(`message ${ks.key} for ${user}: nobody online, not storable, dropped`);
      return;
    }
    const list = this.offline.get(user) ?? [];
    list.push(ks);
    this.offline.set(user, list);
    this.host.note(`message ${ks.key} for ${user}: stored offline${rerouted ? " (from an ended session)" : ""}`);
    this.host.engine().messageOffline(user, ks);
  }

  /** Offline messages are handed to the first session that sends initial presence. */
  flushOffline(s: SimSession): void {
    const list = this.offline.get(s.user);
    if (!list || list.length === 0) return;
    this.offline.delete(s.user);
    for (const ks of list) this.host.deliver(s, ks);
  }

  private archive(owner: string, ks: KeyedStanza): void {
    const list = this.archives.get(owner) ?? [];
    list.push(ks);
    this.archives.set(owner, list);
    this.host.engine().messageArchived(owner, ks);
  }

  /** XEP-0280 copies to the user's other carbons-enabled devices (same key: the same message). */
  private copyToOtherDevices(dir: "sent" | "received", user: string, except: SimSession, ks: KeyedStanza): void {
    if (!carbonEligible(ks.stanza)) return;
    for (const other of this.host.sessionsOf(user)) {
      if (other === except || !other.carbons || !other.available) continue;
      this.host.deliver(other, { stanza: carbon(dir, ks.stanza, this.host.bareJid(user), other.fullJid), key: ks.key });
    }
  }

  /** An error reply to a local sender's message (RFC 6120 §8.3), from the address it was sent to. */
  private bounce(m: Element, condition: string): void {
    const from = m.attrs.from ? jidParts(m.attrs.from) : null;
    if (!from || from.domain !== this.host.domain) return;
    const sender = this.host.sessionsOf(from.local.toLowerCase()).find((x) => x.resource === from.resource);
    if (!sender) return;
    const error = xml("error", { type: "cancel" }, xml(condition, { xmlns: NS.stanzaErrors }));
    const reply = xml("message", { type: "error", from: m.attrs.to, to: m.attrs.from, ...(m.attrs.id && { id: m.attrs.id }) }, error);
    this.host.note(`message to ${m.attrs.to}: ${condition} bounced to ${m.attrs.from}`);
    this.host.deliver(sender, { stanza: reply, key: this.host.newKey() });
  }

  /** Routes a message to its addressee; returns the local user it was for, if any. */
  private route(ks: KeyedStanza): string | undefined {
    const m = ks.stanza;
    const to = m.attrs.to ? jidParts(m.attrs.to) : null;
    if (!to || to.domain !== this.host.domain || !to.local) {
      this.host.note(`message ${ks.key} to ${m.attrs.to ?? "(none)"}: not for a local user, dropped`);
      return undefined;
    }
    const user = to.local.toLowerCase();
    const type = m.attrs.type ?? "normal";
    if (!this.host.hasAccount(user)) {
      this.host.note(`message ${ks.key} to unknown user ${user}: dropped`);
      if (type !== "error" && type !== "headline") this.bounce(m, "service-unavailable");
      return undefined;
    }
    if (type === "groupchat" && !to.resource) {
      this.host.note(`groupchat ${ks.key} to bare ${user}: handed to push, not delivered`);
      this.host.engine().groupchatToBare(user, ks);
      // Nothing delivers it (RFC 6121 §8.5.2.1.1), so the sender gets an error, as from Prosody's
      // mod_message: the push hook does not count as handling the message.
      this.bounce(m, "service-unavailable");
      return user;
    }
    if (this.host.archive && archivable(m)) this.archive(user, ks);
    const target = to.resource ? this.host.sessionsOf(user).find((x) => x.resource === to.resource) : undefined;
    if (target) {
      this.host.deliver(target, ks);
      this.copyToOtherDevices("received", user, target, ks);
      return user;
    }
    if (type === "groupchat" || type === "error") return user;
    this.deliverToUser(user, ks, false);
    return user;
  }
}
