// The stanzas personas send, built from step arguments (what real clients put on the wire).
import { xml, type Element } from "@xmpp/xml";
import { parseRawFragment } from "./raw-xml.ts";
import { NS } from "../../engine/xmlns.ts";
import { ScenarioError } from "./errors.ts";

export function enableIq(jid: string | undefined, node: string | undefined, publishOptions?: Record<string, string>): Element {
  const attrs: Record<string, string> = { xmlns: NS.push };
  if (jid !== undefined) attrs.jid = jid;
  if (node !== undefined) attrs.node = node;
  const enable = xml("enable", attrs);
  if (publishOptions) {
    const form = xml("x", { xmlns: NS.data, type: "submit" }, xml("field", { var: "FORM_TYPE" }, xml("value", {}, NS.publishOptions)));
    for (const [k, v] of Object.entries(publishOptions)) form.append(xml("field", { var: k }, xml("value", {}, v)));
    enable.append(form);
  }
  return xml("iq", { type: "set" }, enable);
}

export function disableIq(jid: string | undefined, node: string | undefined): Element {
  const attrs: Record<string, string> = { xmlns: NS.push };
  if (jid !== undefined) attrs.jid = jid;
  if (node !== undefined) attrs.node = node;
  return xml("iq", { type: "set" }, xml("disable", attrs));
}

export function discoInfoIq(to: string): Element {
  return xml("iq", { type: "get", to }, xml("query", { xmlns: NS.discoInfo }));
}

const OMEMO_FALLBACK = "I sent you an OMEMO encrypted message but your client doesn't seem to support that.";

function encryptedPayload(kind: string): Element[] {
  switch (kind) {
    case "omemo":
    case "omemo-legacy": {
      const ns = kind === "omemo" ? NS.omemo : NS.omemoLegacy;
      return [
        xml(
          "encrypted",
          { xmlns: ns },
          xml("header", { sid: "1001" }, xml("key", { rid: "2002" }, "a2V5LWJ5dGVz"), xml("iv", {}, "aXYtYnl0ZXM=")),
          xml("payload", {}, "Y2lwaGVydGV4dA=="),
        ),
      ];
    }
    case "pgp":
      return [xml("x", { xmlns: NS.pgpLegacy }, "hQEMA5ciphertext")];
    case "openpgp":
      return [xml("openpgp", { xmlns: NS.openpgp }, "b3BlbnBncC1jaXBoZXJ0ZXh0")];
    default:
      throw new ScenarioError(`unknown encryption ${kind}`);
  }
}

export interface MessageArgs {
  to: string;
  type?: string;
  body?: string;
  subject?: string;
  encrypted?: string;
  "fallback-body"?: string;
  call?: boolean;
  "chat-state"?: string;
  receipt?: boolean;
  marker?: boolean;
  "store-hint"?: boolean;
  private?: boolean;
  payload?: string;
}

export function message(a: MessageArgs, id: string): Element {
  const m = xml("message", { to: a.to, type: a.type ?? "chat", id });
  if (a.subject !== undefined) m.append(xml("subject", {}, a.subject));
  if (a.encrypted) {
    m.append(...encryptedPayload(a.encrypted));
    const fallback = a["fallback-body"] ?? (a.encrypted.startsWith("omemo") ? OMEMO_FALLBACK : undefined);
    if (fallback !== undefined && a.body === undefined) m.append(xml("body", {}, fallback));
  }
  if (a.body !== undefined) m.append(xml("body", {}, a.body));
  if (a.call) {
    m.append(
      xml(
        "propose",
        { xmlns: NS.jmi, id: `call-${id}` },
        xml("description", { xmlns: "urn:xmpp:jingle:apps:rtp:1", media: "audio" }),
      ),
    );
  }
  if (a["chat-state"]) m.append(xml(a["chat-state"], { xmlns: "http://jabber.org/protocol/chatstates" }));
  if (a.receipt) m.append(xml("received", { xmlns: "urn:xmpp:receipts", id: "earlier-1" }));
  if (a.marker) m.append(xml("displayed", { xmlns: "urn:xmpp:chat-markers:0", id: "earlier-1" }));
  if (a["store-hint"] || a.call || a.encrypted) m.append(xml("store", { xmlns: "urn:xmpp:hints" }));
  if (a.private) m.append(xml("private", { xmlns: NS.carbons }));
  if (a.payload) {
    let children;
    try {
      children = parseRawFragment(a.payload);
    } catch (e) {
      throw new ScenarioError(`payload is not usable XML: ${(e as Error).message}`);
    }
    m.append(...children.filter((c): c is Element => typeof c !== "string"));
  }
  return m;
}
