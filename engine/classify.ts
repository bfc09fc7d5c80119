// What kind of stanza is this? (R-IMPORTANT, R-URGENT, carbons unwrapping, R-PRIVACY-ENC)
import type { Element } from "@xmpp/xml";
import { NS } from "./xmlns.ts";

export interface Classified {
  /** The message the user would see: the inner one for carbons, else the stanza itself. */
  message: Element | null;
  carbon: "received" | "sent" | null;
  important: boolean;
  /** Encrypted payload or a call: its text must never leave the server (R-PRIVACY-ENC). */
  sealed: boolean;
  /** XEP-0353 call proposal. */
  urgent: boolean;
}

function child(el: Element | undefined, name: string, xmlns: string): Element | undefined {
  return el?.getChildElements().find((c) => c.name === name && c.attrs.xmlns === xmlns);
}

/** The forwarded message inside a carbon, if this is one (XEP-0280 §4, XEP-0297 §3). */
export function unwrapCarbon(stanza: Element): { inner: Element; direction: "received" | "sent" } | null {
  for (const direction of ["received", "sent"] as const) {
    const forwarded = child(child(stanza, direction, NS.carbons), "forwarded", NS.forward);
    // The forwarded message is in jabber:client, stated or inherited.
    const inner = forwarded?.getChildElements().find((c) => c.name === "message" && (c.attrs.xmlns ?? NS.client) === NS.client);
    if (inner) return { inner, direction };
  }
  return null;
}

export function isEncrypted(m: Element): boolean {
  return !!(
    child(m, "encrypted", NS.omemoLegacy) ||
    child(m, "encrypted", NS.omemo) ||
    child(m, "x", NS.pgpLegacy) ||
    child(m, "openpgp", NS.openpgp)
  );
}

export function isCall(m: Element): boolean {
  return !!child(m, "propose", NS.jmi);
}

/** Text of the first <body/> child, or null. */
export function bodyText(m: Element): string | null {
  const b = m.getChildElements().find((c) => c.name === "body" && (c.attrs.xmlns ?? NS.client) === NS.client);
  return b ? b.getText() : null;
}

export function classify(stanza: Element): Classified {
  if (stanza.name !== "message") return { message: null, carbon: null, important: false, sealed: false, urgent: false };
  const carbon = unwrapCarbon(stanza);
  const m = carbon ? carbon.inner : stanza;
  const type = m.attrs.type;
  const sealed = isEncrypted(m) || isCall(m);
  const result: Classified = {
    message: m,
    carbon: carbon?.direction ?? null,
    important: false,
    sealed,
    urgent: carbon === null && isCall(m),
  };
  if (type === "headline") return result;
  if (carbon?.direction === "sent") return result;
  if (type === "groupchat" && m.getChild("subject")) return result; // a room subject change
  const body = bodyText(m);
  result.important = sealed || (body !== null && body !== "");
  return result;
}
