// The stanzas personas send, built from step arguments (what real clients put on the wire).
import { xml, type Element } from "@xmpp/xml";
import { XMPP_NS as NS } from "../protocol/ns.ts";
import { parseRawFragment } from "./raw-xml.ts";
import { ScenarioError } from "./errors.ts";

/** A data form written out in full: FORM_TYPE is whatever the fields say (maybe none). */
export interface FormSpec {
  type?: string;
  fields?: Record<string, string | string[]>;
}

export function dataForm(spec: FormSpec): Element {
  const form = xml("x", { xmlns: NS.dataForms, type: spec.type ?? "submit" });
  for (const [k, v] of Object.entries(spec.fields ?? {})) form.append(xml("field", { var: k }, ...(Array.isArray(v) ? v : [v]).map((x) => xml("value", {}, x))));
  return form;
}

/** XEP-0357 §5: publish-options are a submitted form with FORM_TYPE …pubsub#publish-options. */
export function publishOptionsForm(fields: Record<string, string>): Element {
  return dataForm({ fields: { FORM_TYPE: NS.pubsubPublishOptions, ...fields } });
}

export function enableIq(jid: string | undefined, node: string | undefined, publishOptions?: Record<string, string>, form?: FormSpec): Element {
  const attrs: Record<string, string> = { xmlns: NS.push };
  if (jid !== undefined) attrs.jid = jid;
  if (node !== undefined) attrs.node = node;
  const enable = xml("enable", attrs);
  if (publishOptions) enable.append(publishOptionsForm(publishOptions));
  if (form) enable.append(dataForm(form));
  return xml("iq", { type: "set" }, enable);
}

/** XEP-0077 §3.2: a registered entity cancels its own registration. */
export function removeAccountIq(): Element {
  return xml("iq", { type: "set" }, xml("query", { xmlns: NS.register }, xml("remove")));
}

export function disableIq(jid: string | undefined, node: string | undefined): Element {
  const attrs: Record<string, string> = { xmlns: NS.push };
  if (jid !== undefined) attrs.jid = jid;
  if (node !== undefined) attrs.node = node;
  return xml("iq", { type: "set" }, xml("disable", attrs));
}

/** disco#info to an entity; without `to` the server answers for itself (RFC 6120 §10.3.3). */
export function discoInfoIq(to: string | undefined): Element {
  return xml("iq", { type: "get", ...(to !== undefined && { to }) }, xml("query", { xmlns: NS.discoInfo }));
}

/** A text as written, or generated: { repeat: "ab", length: 300000 }. */
export type TextSpec = string | { repeat: string; length: number };

export function textOf(t: TextSpec): string {
  if (typeof t === "string") return t;
  return t.repeat.repeat(Math.ceil(t.length / t.repeat.length)).slice(0, t.length);
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
  body?: TextSpec;
  "no-body"?: boolean;
  subject?: TextSpec;
  encrypted?: string;
  "fallback-body"?: TextSpec | false;
  call?: boolean;
  hint?: "store" | "no-store" | "no-permanent-store" | "no-copy" | "none";
  "chat-state"?: string;
  receipt?: boolean;
  marker?: boolean;
  "store-hint"?: boolean;
  private?: boolean;
  payload?: string;
}

export function message(a: MessageArgs, id: string): Element {
  const m = xml("message", { to: a.to, type: a.type ?? "chat", id });
  if (a.subject !== undefined) m.append(xml("subject", {}, textOf(a.subject)));
  if (a.encrypted) {
    m.append(...encryptedPayload(a.encrypted));
    const given = a["fallback-body"];
    const fallback = given === false ? undefined : given !== undefined ? textOf(given) : a.encrypted.startsWith("omemo") ? OMEMO_FALLBACK : undefined;
    if (fallback !== undefined && a.body === undefined && !a["no-body"]) m.append(xml("body", {}, fallback));
  }
  if (a.body !== undefined && !a["no-body"]) m.append(xml("body", {}, textOf(a.body)));
  if (a.call) {
    m.append(
      xml(
        "propose",
        { xmlns: NS.jmi, id: `call-${id}` },
        xml("description", { xmlns: NS.jingleRtp, media: "audio" }),
      ),
    );
  }
  if (a["chat-state"]) m.append(xml(a["chat-state"], { xmlns: NS.chatStates }));
  if (a.receipt) m.append(xml("received", { xmlns: NS.receipts, id: "earlier-1" }));
  if (a.marker) m.append(xml("displayed", { xmlns: NS.markers, id: "earlier-1" }));
  const hint = a.hint ?? (a["store-hint"] || a.call || a.encrypted ? "store" : "none");
  if (hint !== "none") m.append(xml(hint, { xmlns: NS.hints }));
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
