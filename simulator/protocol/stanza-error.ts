// An error stanza's type and defined condition (RFC 6120 §8.3), read by the harness itself.
import type { Element } from "@xmpp/xml";
import { XMPP_NS } from "./ns.ts";

/** type and defined condition of an error stanza ("undefined-condition" if none), plus its text. */
export function errorOf(el: Element): { errorType: string; condition: string; text?: string } {
  const err = el.getChild("error");
  const cond = err?.getChildElements().find((c) => c.attrs.xmlns === XMPP_NS.stanzaErrors && c.name !== "text");
  const text = err?.getChild("text", XMPP_NS.stanzaErrors)?.getText();
  return { errorType: err?.attrs.type ?? "", condition: cond?.name ?? "undefined-condition", ...(text && { text }) };
}
