// Hostile publishes: structurally broken notifications a receiver must refuse with an error (and
// survive), plus odd-but-valid ones it must simply answer. All carry the right node and secret,
// so only their shape is on trial (credential attacks live in the secret check).
import { xml, type Element } from "@xmpp/xml";
import { XMPP_NS } from "../protocol/ns.ts";
import { notification, publishOptions } from "./publish.ts";

export interface HostileContext {
  id: string;
  from: string;
  to: string;
  node: string;
  secret: string;
}

export interface HostilePublish {
  name: string;
  /** What is wrong with it, in one line (shown in the report). */
  what: string;
  /** error: must be refused with an error reply; answer: valid but odd, any answer will do. */
  expect: "error" | "answer";
  build(c: HostileContext): Element;
}

const iq = (c: HostileContext, ...children: Element[]) => xml("iq", { type: "set", id: c.id, from: c.from, to: c.to }, ...children);
const pubsub = (...children: (Element | undefined)[]) => xml("pubsub", { xmlns: XMPP_NS.pubsub }, ...children);
const publish = (node: string | undefined, ...children: Element[]) => xml("publish", { node }, ...children);
const item = (...children: Element[]) => xml("item", {}, ...children);
const notif = (...children: Element[]) => xml("notification", { xmlns: XMPP_NS.push }, ...children);
const form = (type: string | undefined, ...fields: Element[]) => xml("x", { xmlns: XMPP_NS.dataForms, type }, ...fields);
const f = (name: string | undefined, ...values: string[]) => xml("field", { var: name }, ...values.map((v) => xml("value", {}, v)));
const summary = (...fields: Element[]) => form("submit", f("FORM_TYPE", XMPP_NS.pushSummary), ...fields);
/** A well-formed publish around the given notification. */
const wrap = (c: HostileContext, n: Element) => iq(c, pubsub(publish(c.node, item(n)), publishOptions(c.secret)));

export const HOSTILE: HostilePublish[] = [
  { name: "item-empty", what: "<item/> without a notification", expect: "error", build: (c) => iq(c, pubsub(publish(c.node, item()), publishOptions(c.secret))) },
  {
    name: "item-foreign-payload",
    what: "the item holds an Atom entry instead of a notification",
    expect: "error",
    build: (c) => iq(c, pubsub(publish(c.node, item(xml("entry", { xmlns: "http://www.w3.org/2005/Atom" }, xml("title", {}, "hi")))), publishOptions(c.secret))),
  },
  { name: "notification-wrong-ns", what: "notification in urn:xmpp:push:1", expect: "error", build: (c) => wrap(c, xml("notification", { xmlns: "urn:xmpp:push:1" }, summary(f("last-message-body", "hi")))) },
  { name: "notification-no-ns", what: "notification without its namespace (inherits pubsub's)", expect: "error", build: (c) => wrap(c, xml("notification", {}, summary())) },
  { name: "summary-wrong-form-type", what: "summary form whose FORM_TYPE is publish-options", expect: "error", build: (c) => wrap(c, notif(form("submit", f("FORM_TYPE", XMPP_NS.pubsubPublishOptions), f("last-message-body", "hi")))) },
  { name: "summary-unknown-form-type", what: "summary form whose FORM_TYPE is urn:xmpp:push:summary:1", expect: "error", build: (c) => wrap(c, notif(form("submit", f("FORM_TYPE", "urn:xmpp:push:summary:1"), f("message-count", "1")))) },
  { name: "summary-no-form-type", what: "summary form without a FORM_TYPE field", expect: "error", build: (c) => wrap(c, notif(form("submit", f("message-count", "1"), f("last-message-body", "hi")))) },
  { name: "summary-duplicate-field", what: "last-message-body twice (XEP-0004: var is unique in a form)", expect: "error", build: (c) => wrap(c, notif(summary(f("last-message-body", ""), f("last-message-body", "second")))) },
  { name: "summary-duplicate-form-type", what: "FORM_TYPE twice with different values", expect: "error", build: (c) => wrap(c, notif(form("submit", f("FORM_TYPE", XMPP_NS.pushSummary), f("FORM_TYPE", "urn:example:other")))) },
  { name: "summary-two-values", what: "last-message-body (text-single) with two values", expect: "error", build: (c) => wrap(c, notif(summary(f("last-message-body", "one", "two")))) },
  { name: "summary-field-without-var", what: "a field without var", expect: "error", build: (c) => wrap(c, notif(summary(f(undefined, "orphan")))) },
  { name: "summary-bad-form-type-attr", what: "form type='bogus' (XEP-0004 allows form|submit|cancel|result)", expect: "error", build: (c) => wrap(c, notif(form("bogus", f("FORM_TYPE", XMPP_NS.pushSummary)))) },
  { name: "summary-two-forms", what: "two summary forms in one notification", expect: "error", build: (c) => wrap(c, notif(summary(f("last-message-body", "a")), summary(f("last-message-body", "b")))) },
  { name: "publish-no-node", what: "<publish/> without a node attribute", expect: "error", build: (c) => iq(c, pubsub(publish(undefined, item(notification("ping"))), publishOptions(c.secret))) },
  { name: "publish-empty-node", what: "node=''", expect: "error", build: (c) => iq(c, pubsub(publish("", item(notification("ping"))), publishOptions(c.secret))) },
  { name: "pubsub-no-publish", what: "<pubsub/> with publish-options but no publish", expect: "error", build: (c) => iq(c, pubsub(publishOptions(c.secret))) },
  { name: "pubsub-two-publish", what: "two <publish/> elements", expect: "error", build: (c) => iq(c, pubsub(publish(c.node, item(notification("ping"))), publish(c.node, item(notification("ping"))), publishOptions(c.secret))) },
  { name: "publish-two-items", what: "two items in one publish (XEP-0060 §7.1: at most one)", expect: "error", build: (c) => iq(c, pubsub(publish(c.node, item(notification("ping")), item(notification("ping"))), publishOptions(c.secret))) },
  { name: "pubsub-owner-ns", what: "publish inside pubsub#owner", expect: "error", build: (c) => iq(c, xml("pubsub", { xmlns: `${XMPP_NS.pubsub}#owner` }, publish(c.node, item(notification("ping"))), publishOptions(c.secret))) },
  { name: "iq-get", what: "the publish as an iq get", expect: "error", build: (c) => { const el = wrap(c, notification("ping")); el.attrs.type = "get"; return el; } },
  { name: "publish-options-inside-publish", what: "publish-options inside <publish/> instead of beside it", expect: "error", build: (c) => iq(c, pubsub(publish(c.node, item(notification("ping")), publishOptions(c.secret)!))) },
  {
    name: "deep-nesting",
    what: "a custom element nested 500 deep beside the form (valid: answer, do not crash)",
    expect: "answer",
    build: (c) => {
      let inner = xml("leaf", {}, "x");
      for (let i = 0; i < 500; i++) inner = xml("d", {}, inner);
      return wrap(c, notif(summary(f("message-count", "1")), xml("custom", { xmlns: "urn:example:deep" }, inner)));
    },
  },
  {
    name: "many-unknown-fields",
    what: "2,000 unknown fields in the summary form (valid: answer, do not crash)",
    expect: "answer",
    build: (c) => wrap(c, notif(summary(...Array.from({ length: 2000 }, (_, i) => f(`x-unknown-${i}`, String(i)))))),
  },
  {
    name: "huge-attribute",
    what: "a 100,000-character attribute on a custom element (valid: answer, do not crash)",
    expect: "answer",
    build: (c) => wrap(c, notif(summary(f("message-count", "1")), xml("custom", { xmlns: "urn:example:attr", blob: "a".repeat(100_000) }))),
  },
];

export const HOSTILE_NAMES = HOSTILE.map((h) => h.name);
