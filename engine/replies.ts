// IQ replies to the client (RFC 6120 §8.3 error syntax).
import { xml, type Element } from "@xmpp/xml";
import { NS } from "./xmlns.ts";

export type ErrorType = "modify" | "cancel" | "wait" | "auth" | "continue";

export function resultReply(iq: Element): Element {
  return xml("iq", { type: "result", id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to });
}

/** An error reply with a defined condition and a text that says what was wrong. */
export function errorReply(iq: Element, type: ErrorType, condition: string, text: string): Element {
  const error = xml("error", { type }, xml(condition, { xmlns: NS.stanzas }), xml("text", { xmlns: NS.stanzas }, text));
  return xml("iq", { type: "error", id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to }, error);
}

/** The type of an error stanza, if it states one: all R-ERR-COUNT / R-ERR-WAIT need. */
export function errorType(stanza: Element): string | undefined {
  return stanza.getChild("error")?.attrs.type;
}
