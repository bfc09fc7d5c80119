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

function child(el: Element | undefined | null, name: string, xmlns: string): Element | undefined {
  if (!el || !Array.isArray(el.children)) return undefined;
  for (const c of el.children) {
    if (typeof c !== "string" && c.name === name && c.attrs?.xmlns === xmlns) return c;
  }
  return undefined;
}

/** The forwarded message inside a carbon, if this is one. */
export function unwrapCarbon(stanza: Element): { inner: Element; direction: "received" | "sent" } | null {
  for (const direction of ["received", "sent"] as const) {
    const wrapper = child(stanza, direction, NS.carbons);
    const inner = child(child(wrapper, "forwarded", NS.forward), "message", NS.client);
    if (inner) return { inner, direction };
    // Forwarded messages may omit the jabber:client xmlns (it is inherited).
    const fw = child(wrapper, "forwarded", NS.forward);
    const bare = fw?.children.find((c): c is Element => typeof c !== "string" && c.name === "message");
    if (bare) return { inner: bare, direction };
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
  const b = m.children?.find((c): c is Element => typeof c !== "string" && c.name === "body" && (!c.attrs.xmlns || c.attrs.xmlns === NS.client));
  return b ? b.getText() : null;
}

function hasSubject(m: Element): boolean {
  return !!m.children?.some((c) => typeof c !== "string" && c.name === "subject");
}

export function classify(stanza: Element | null | undefined): Classified {
  const none: Classified = { message: null, carbon: null, important: false, sealed: false, urgent: false };
  if (!stanza || typeof stanza.name !== "string" || stanza.name !== "message") return none;
  const carbon = unwrapCarbon(stanza);
  const m = carbon ? carbon.inner : stanza;
  const type = m.attrs?.type;
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
  if (type === "groupchat" && hasSubject(m)) return result;
  const body = bodyText(m);
  result.important = sealed || (body !== null && body !== "");
  return result;
}
