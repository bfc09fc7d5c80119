// What a push looks like (R-FROM, R-SUMMARY, R-PUBOPTS, R-PRIVACY, R-PRIVACY-ENC).
import { xml, type Element } from "@xmpp/xml";
import { classify } from "./classify.ts";
import { parseXml } from "./parse.ts";
import type { PushOptions } from "./options.ts";
import type { Registration } from "./store.ts";
import { NS } from "./xmlns.ts";
import { bodyText } from "./classify.ts";

export interface SummaryFields {
  "message-count"?: string;
  "last-message-sender"?: string;
  "last-message-body"?: string;
}

/** The summary a stanza earns under the options; null stanza = a ping (no message fields). */
export function summarize(stanza: Element | null, opts: PushOptions): SummaryFields {
  if (!stanza) return {};
  const c = classify(stanza);
  const fields: SummaryFields = { "message-count": "1" };
  const m = c.message;
  if (opts.push_notification_with_sender && m) {
    const from = m.attrs.from;
    if (from) fields["last-message-sender"] = from;
  }
  const placeholder = opts.push_notification_important_body;
  const body = m ? bodyText(m) : null;
  if (opts.push_notification_with_body && body && !c.sealed && c.carbon !== "sent") {
    fields["last-message-body"] = body;
  } else if (c.important && placeholder !== "") {
    fields["last-message-body"] = placeholder;
  }
  return fields;
}

function field(name: string, value: string): Element {
  return xml("field", { var: name }, xml("value", {}, value));
}

export function buildPush(args: {
  id: string;
  domain: string;
  registration: Registration;
  fields: SummaryFields;
}): Element {
  const { id, domain, registration: reg, fields } = args;
  const form = xml(
    "x",
    { xmlns: NS.data, type: "submit" },
    field("FORM_TYPE", NS.summary),
    ...Object.entries(fields).map(([k, v]) => field(k, v)),
  );
  const pubsub = xml(
    "pubsub",
    { xmlns: NS.pubsub },
    xml("publish", { node: reg.node }, xml("item", {}, xml("notification", { xmlns: NS.push }, form))),
  );
  const stored = parseXml(reg.publishOptions ?? ""); // none stored, or no longer readable: left out
  if (stored) pubsub.append(xml("publish-options", {}, stored));
  return xml("iq", { type: "set", from: domain, to: reg.jid, id }, pubsub);
}
