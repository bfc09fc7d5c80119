// IQ replies to the client (RFC 6120 §8.3 error syntax).
import { xml, type Element } from "@xmpp/xml";
import { NS } from "./xmlns.ts";

export type ErrorType = "modify" | "cancel" | "wait" | "auth" | "continue";

export function resultReply(iq: Element): Element {
  return xml("iq", { type: "result", id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to });
}

export function errorReply(iq: Element, type: ErrorType, condition: string, text?: string): Element {
  const error = xml("error", { type }, xml(condition, { xmlns: NS.stanzas }));
  if (text) error.append(xml("text", { xmlns: NS.stanzas }, text));
  return xml("iq", { type: "error", id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to }, error);
}

/** Reads type and condition of an error stanza (missing parts come back as ""). */
export function readError(stanza: Element): { type: string; condition: string } {
  const err = stanza.getChild("error");
  if (!err) return { type: "", condition: "" };
  const cond = err.getChildElements().find((c) => c.attrs.xmlns === NS.stanzas && c.name !== "text");
  return { type: err.attrs.type ?? "", condition: cond?.name ?? "" };
}
