// Reading a push (XEP-0357 §7 publish) the way an app server would: the one reader of the
// notification, its summary form (XEP-0004) and the publish-options, shared by every check.
import type { Element } from "@xmpp/xml";
import { XMPP_NS } from "./ns.ts";

/** The <publish/> of a pubsub iq set, or undefined when the stanza is not a publish. */
export function publishOf(el: Element): Element | undefined {
  if (el.name !== "iq" || el.attrs.type !== "set") return undefined;
  return el.getChild("pubsub", XMPP_NS.pubsub)?.getChild("publish");
}

/** The node a push was published to. */
export function pushNode(el: Element): string | undefined {
  return el.getChild("pubsub", XMPP_NS.pubsub)?.getChild("publish")?.attrs.node;
}

/** The <notification xmlns='urn:xmpp:push:0'/> item payload, if the push has one. */
export function notificationOf(el: Element): Element | undefined {
  return el.getChild("pubsub", XMPP_NS.pubsub)?.getChild("publish")?.getChild("item")?.getChild("notification", XMPP_NS.push);
}

/** The data form inside the notification (the summary), if any. */
export function summaryFormOf(el: Element): Element | undefined {
  return notificationOf(el)
    ?.getChildElements()
    .find((c) => c.name === "x" && c.attrs.xmlns === XMPP_NS.dataForms);
}

/** The data form inside <publish-options/>, if any. */
export function publishOptionsFormOf(el: Element): Element | undefined {
  return el
    .getChild("pubsub", XMPP_NS.pubsub)
    ?.getChild("publish-options")
    ?.getChildElements()
    .find((c) => c.name === "x" && c.attrs.xmlns === XMPP_NS.dataForms);
}

/** Field values of a data form by var; a field without <value/> maps to "" (empty); several values join with "\n". */
export function formFields(form: Element | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of form?.getChildren("field") ?? []) {
    const name = f.attrs.var;
    if (name === undefined) continue;
    out.set(name, f.getChildren("value").map((v) => v.getText()).join("\n"));
  }
  return out;
}

/** The summary form's fields of a push, by var. */
export function summaryFields(el: Element): Map<string, string> {
  return formFields(summaryFormOf(el));
}
