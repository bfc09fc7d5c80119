// What a push looks like (R-FROM, R-SUMMARY, R-PUBOPTS, R-PRIVACY, R-PRIVACY-ENC).
import { Element } from "@xmpp/xml";
import { classify } from "./classify.ts";
import { cloneElement, parseXml } from "./parse.ts";
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

/** An element with string attributes and children, built without xml()'s per-call argument
 * normalisation (a push is ~10 elements and is built for every registration of every message). */
function el(name: string, attrs: Record<string, string>, children: Element[]): Element {
  const e = new Element(name);
  e.attrs = attrs; // a fresh literal at every call site: no copy needed
  for (const c of children) c.parent = e;
  e.children = children;
  return e;
}

/** A text-only element. Every value pushed is non-empty (summarize() leaves out what is empty). */
function text(name: string, value: string): Element {
  const e = new Element(name);
  e.children = [value];
  return e;
}

function field(name: string, value: string): Element {
  return el("field", { var: name }, [text("value", value)]);
}

// Parsed publish-options forms by their stored text: parsing on every push was the cost, a clone
// is cheap. Bounded; cleared when full (the forms are few: one per app server configuration).
const PUBLISH_OPTIONS_CACHE_MAX = 1024;
const publishOptionsCache = new Map<string, Element | null>();

/** Forms held by the cache (tests check its bound). */
export function publishOptionsCacheSize(): number {
  return publishOptionsCache.size;
}

function publishOptionsOf(stored: string): Element | null {
  let parsed = publishOptionsCache.get(stored);
  if (parsed === undefined) {
    if (publishOptionsCache.size >= PUBLISH_OPTIONS_CACHE_MAX) publishOptionsCache.clear();
    parsed = parseXml(stored);
    publishOptionsCache.set(stored, parsed);
  }
  return parsed && cloneElement(parsed);
}

export function buildPush(args: {
  id: string;
  domain: string;
  registration: Registration;
  fields: SummaryFields;
}): Element {
  const { id, domain, registration: reg, fields } = args;
  const formFields = [field("FORM_TYPE", NS.summary)];
  for (const [k, v] of Object.entries(fields) as [string, string][]) formFields.push(field(k, v)); // summarize() sets only strings
  const form = el("x", { xmlns: NS.data, type: "submit" }, formFields);
  const publishAttrs: Record<string, string> = reg.node === undefined ? {} : { node: reg.node };
  const pubsubChildren = [el("publish", publishAttrs, [el("item", {}, [el("notification", { xmlns: NS.push }, [form])])])];
  if (reg.publishOptions) {
    const stored = publishOptionsOf(reg.publishOptions);
    if (stored) pubsubChildren.push(el("publish-options", {}, [stored]));
  }
  return el("iq", { type: "set", from: domain, to: reg.jid, id }, [el("pubsub", { xmlns: NS.pubsub }, pubsubChildren)]);
}
