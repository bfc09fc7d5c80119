// The few stanza helpers the simulated server and the engine target need, written from the RFCs
// and XEPs on their own. Never imported from engine/: a mutant there must change the engine
// only, not the world around it (the mutation run would otherwise count a changed world as a
// kill, or hide a wrong engine behind a world that changed the same way).
import { xml, type Element } from "@xmpp/xml";
import { XMPP_NS } from "./ns.ts";

/** RFC 6120 §8.3.2 error types. */
export type StanzaErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

/** RFC 6120 §8.2.3: a result iq answering `iq` (addresses swapped, same id). */
export function resultIq(iq: Element): Element {
  return xml("iq", { type: "result", id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to });
}

/** RFC 6120 §8.3: an error iq answering `iq`, with a defined condition (and a text, if given). */
export function errorIq(iq: Element, type: StanzaErrorType, condition: string, text?: string): Element {
  const error = xml("error", { type }, xml(condition, { xmlns: XMPP_NS.stanzaErrors }));
  if (text) error.append(xml("text", { xmlns: XMPP_NS.stanzaErrors }, text));
  return xml("iq", { type: "error", id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to }, error);
}

/** Type, defined condition ("" when missing) and text of an error stanza (RFC 6120 §8.3). */
export function errorOf(stanza: Element): { type: string; condition: string; text?: string } {
  const err = stanza.getChild("error");
  const cond = err?.getChildElements().find((c) => c.attrs.xmlns === XMPP_NS.stanzaErrors && c.name !== "text");
  const text = err?.getChild("text", XMPP_NS.stanzaErrors)?.getText();
  return { type: err?.attrs.type ?? "", condition: cond?.name ?? "", ...(text && { text }) };
}

/** An error reply as the IqOutcome checks judge: condition "undefined-condition" when none is given. */
export function iqErrorOutcome(reply: Element): { errorType: string; condition: string; text?: string } {
  const e = errorOf(reply);
  return { errorType: e.type, condition: e.condition || "undefined-condition", ...(e.text && { text: e.text }) };
}

/** A deep copy (ltx elements have no clone of their own). */
export function copyElement(el: Element): Element {
  const copy = xml(el.name, { ...el.attrs });
  for (const c of el.children) copy.append(typeof c === "string" ? c : copyElement(c));
  return copy;
}

/** RFC 7622 parts, enough for routing: local and domain lowercased, resource as given. */
export function jidParts(s: string): { local: string; domain: string; resource: string } | null {
  const slash = s.indexOf("/");
  const bare = slash < 0 ? s : s.slice(0, slash);
  const at = bare.indexOf("@");
  const domain = bare.slice(at + 1).toLowerCase();
  if (domain === "" || at === 0) return null;
  return { local: at < 0 ? "" : bare.slice(0, at).toLowerCase(), domain, resource: slash < 0 ? "" : s.slice(slash + 1) };
}

function hasChild(el: Element, name: string, xmlns: string): boolean {
  return el.getChildElements().some((c) => c.name === name && c.attrs.xmlns === xmlns);
}

/** XEP-0280: a carbon copy (sent or received) wrapping another message. */
export function isCarbonCopy(el: Element): boolean {
  return hasChild(el, "received", XMPP_NS.carbons) || hasChild(el, "sent", XMPP_NS.carbons);
}

/** Text of the message's <body/> (jabber:client), or null when there is none. */
export function messageBody(el: Element): string | null {
  const b = el.getChildElements().find((c) => c.name === "body" && (!c.attrs.xmlns || c.attrs.xmlns === XMPP_NS.client));
  return b ? b.getText() : null;
}

/** End-to-end encrypted payload (OMEMO, legacy OMEMO, XEP-0027, XEP-0373) or a XEP-0353 call. */
export function isSealed(el: Element): boolean {
  return (
    hasChild(el, "encrypted", XMPP_NS.omemo) ||
    hasChild(el, "encrypted", XMPP_NS.omemoLegacy) ||
    hasChild(el, "x", XMPP_NS.pgpLegacy) ||
    hasChild(el, "openpgp", XMPP_NS.openpgp) ||
    hasChild(el, "propose", XMPP_NS.jmi)
  );
}

/** Something a user reads: a body or a sealed payload, not a headline or a room subject change. */
export function isReadable(el: Element): boolean {
  if (el.name !== "message" || el.attrs.type === "headline") return false;
  if (el.attrs.type === "groupchat" && el.getChild("subject")) return false;
  return isSealed(el) || (messageBody(el) ?? "") !== "";
}
