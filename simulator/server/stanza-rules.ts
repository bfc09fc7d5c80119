// What the simulated server does with a message, by kind: archive it? carbon-copy it? hold it
// while the client is inactive? (Prosody 0.12's defaults, in our words.)
import type { Element } from "@xmpp/xml";
import { isCarbonCopy, isReadable, isSealed, messageBody } from "../protocol/stanza-kit.ts";

const HINTS = "urn:xmpp:hints";
const CARBONS = "urn:xmpp:carbons:2";

function hasChild(el: Element, name: string, xmlns: string): boolean {
  return el.getChildElements().some((c) => c.name === name && c.attrs.xmlns === xmlns);
}

function messageType(el: Element): string {
  return el.attrs.type ?? "normal";
}

/** MAM keeps chat/normal messages with content worth scrolling back to, unless hinted not to. */
export function archivable(el: Element): boolean {
  if (el.name !== "message") return false;
  const type = messageType(el);
  if (type !== "chat" && type !== "normal") return false;
  if (hasChild(el, "no-store", HINTS) || hasChild(el, "no-permanent-store", HINTS)) return false;
  if (hasChild(el, "store", HINTS)) return true;
  return (messageBody(el) ?? "") !== "" || isSealed(el);
}

/** Offline storage takes chat and normal messages (anything else is dropped). */
export function offlineStorable(el: Element): boolean {
  if (el.name !== "message") return false;
  const type = messageType(el);
  return (type === "chat" || type === "normal") && !hasChild(el, "no-store", HINTS);
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
