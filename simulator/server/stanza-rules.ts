// What the simulated server does with a message, by kind: archive it? carbon-copy it? hold it
// while the client is inactive? (Prosody 0.12's defaults, in our words.)
import type { Element } from "@xmpp/xml";
import { isCarbonCopy, isReadable, messageBody } from "../protocol/stanza-kit.ts";

const HINTS = "urn:xmpp:hints";
const CARBONS = "urn:xmpp:carbons:2";

function hasChild(el: Element, name: string, xmlns: string): boolean {
  return el.getChildElements().some((c) => c.name === name && c.attrs.xmlns === xmlns);
}

function messageType(el: Element): string {
  return el.attrs.type ?? "normal";
}

/** What MAM keeps, as Prosody 0.12's mod_mam decides (its should_store): no headlines or
 * groupchat, errors only when addressed to a full JID (bounces), no-store / no-permanent-store
 * hints win, then a store hint, a body, a subject, a receipt, a chat marker or a call (Jingle
 * Message Initiation) make a chat or normal message worth keeping. A chat state alone, or an
 * encrypted payload without body or hint, is not kept. */
export function archivable(el: Element): boolean {
  if (el.name !== "message") return false;
  const type = messageType(el);
  if (type === "headline" || type === "groupchat") return false;
  if (type === "error") return (el.attrs.to ?? "").includes("/");
  if (hasChild(el, "no-store", HINTS) || hasChild(el, "no-permanent-store", HINTS)) return false;
  if (hasChild(el, "store", HINTS)) return true;
  if (el.getChild("body") || el.getChild("subject")) return true;
  return el.getChildElements().some((c) => KEPT_NAMESPACES.has(c.attrs.xmlns ?? ""));
}

/** Payload namespaces that make mod_mam keep an otherwise empty message. */
const KEPT_NAMESPACES = new Set(["urn:xmpp:receipts", "urn:xmpp:chat-markers:0", "urn:xmpp:jingle-message:0", "urn:xmpp:jingle-message:1", "urn:xmpp:eme:0", "jabber:x:conference"]);

/** Offline storage (Prosody 0.12's mod_offline) takes every chat and normal message, hints or
 * not: mod_message hands it over when no resource is online. Anything else is dropped. */
export function offlineStorable(el: Element): boolean {
  if (el.name !== "message") return false;
  const type = messageType(el);
  return type === "chat" || type === "normal";
}

/** XEP-0280: chat messages (and normal ones with a body) are copied, unless marked private. */
export function carbonEligible(el: Element): boolean {
  if (el.name !== "message" || hasChild(el, "private", CARBONS) || hasChild(el, "no-copy", HINTS)) return false;
  const type = messageType(el);
  return type === "chat" || (type === "normal" && (messageBody(el) ?? "") !== "");
}

/** CSI: what flushes the buffer at once (like csi_simple); the rest waits while inactive. */
export function csiUrgent(el: Element): boolean {
  if (el.name === "iq") return true;
  if (el.name !== "message") return false;
  return isCarbonCopy(el) || isReadable(el);
}
