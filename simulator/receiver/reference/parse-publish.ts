// The reference receiver's reading of a publish: its shape (XEP-0060 §7.1 publish with one item
// holding a XEP-0357 notification, an optional summary form per XEP-0004), then its credentials
// (publish-options form with exactly one secret; a problem there is reported, not fatal: the
// receiver decides). Pure: no I/O, no registry.
import type { Element } from "@xmpp/xml";
import { XMPP_NS } from "../../protocol/ns.ts";

export interface ErrorAnswer {
  type: "auth" | "cancel" | "modify" | "wait";
  condition: string;
  text: string;
}

export interface ParsedPublish {
  node: string;
  /** The one secret of the publish-options, or why there is no usable one. */
  secret: string | undefined;
  credentialsProblem?: string;
  /** The summary form's last-message-body is non-empty: the user should see something. */
  important: boolean;
  body: string;
}

export type ParseResult =
  | { ok: true; publish: ParsedPublish }
  /** The publish's shape is wrong. */
  | { ok: false; kind: "malformed"; answer: ErrorAnswer };

const malformed = (text: string): ParseResult => ({ ok: false, kind: "malformed", answer: { type: "modify", condition: "bad-request", text } });

const FORM_TYPES = [undefined, "form", "submit", "result"];
const SINGLE_VALUED = ["FORM_TYPE", "message-count", "pending-subscription-count", "last-message-sender", "last-message-body"];

/** Fields of a data form by var, or an error text (missing var, duplicates, too many values). */
function formFields(x: Element): Map<string, string[]> | string {
  if (!FORM_TYPES.includes(x.attrs.type)) return `data form type '${x.attrs.type}' is not form, submit or result`;
  const out = new Map<string, string[]>();
  for (const f of x.getChildren("field")) {
    const name = f.attrs.var;
    if (!name) return "a form field has no var";
    if (out.has(name)) return `field '${name}' appears twice`;
    const values = f.getChildren("value").map((v) => v.getText());
    if (SINGLE_VALUED.includes(name) && values.length > 1) return `field '${name}' has ${values.length} values`;
    out.set(name, values);
  }
  return out;
}

export function isPublish(iq: Element): boolean {
  return iq.name === "iq" && !!iq.getChildElements().find((c) => c.name === "pubsub");
}

export function parsePublish(iq: Element): ParseResult {
  if (iq.attrs.type !== "set") return malformed("a publish must be an iq of type set");
  const payload = iq.getChildElements();
  const pubsub = payload[0];
  if (payload.length !== 1 || !pubsub || pubsub.name !== "pubsub" || pubsub.attrs.xmlns !== XMPP_NS.pubsub) {
    return malformed(`expected one <pubsub xmlns='${XMPP_NS.pubsub}'/>`);
  }
  const parts = pubsub.getChildElements();
  const publishes = parts.filter((p) => p.name === "publish");
  const options = parts.filter((p) => p.name === "publish-options");
  if (publishes.length !== 1) return malformed(`expected one <publish/>, got ${publishes.length}`);
  if (options.length > 1 || parts.length !== publishes.length + options.length) return malformed("unexpected elements in <pubsub/>");
  const publish = publishes[0]!;
  const node = publish.attrs.node ?? "";
  if (!node) return malformed("<publish/> has no node");
  const items = publish.getChildElements();
  if (items.length !== 1 || items[0]!.name !== "item") return malformed(`expected exactly one <item/> in <publish/>, got ${items.length} elements`);
  const content = items[0]!.getChildElements();
  const notification = content[0];
  if (content.length !== 1 || !notification || notification.name !== "notification" || notification.attrs.xmlns !== XMPP_NS.push) {
    return malformed(`the item must hold one <notification xmlns='${XMPP_NS.push}'/>`);
  }
  const forms = notification.getChildElements().filter((c) => c.name === "x" && c.getNS() === XMPP_NS.dataForms);
  if (forms.length > 1) return malformed("more than one data form in the notification");
  let body = "";
  if (forms[0]) {
    const fields = formFields(forms[0]);
    if (typeof fields === "string") return malformed(`summary form: ${fields}`);
    const formType = fields.get("FORM_TYPE");
    if (!formType || formType[0] !== XMPP_NS.pushSummary) return malformed(`summary form's FORM_TYPE is not ${XMPP_NS.pushSummary}`);
    body = fields.get("last-message-body")?.[0] ?? "";
  }

  const base = { node, important: body.trim() !== "", body };
  const credentials = readSecret(options[0]);
  return { ok: true, publish: typeof credentials === "string" ? { ...base, secret: credentials } : { ...base, secret: undefined, credentialsProblem: credentials.problem } };
}

/** The publish-options' one non-empty secret, or what is wrong with them. */
function readSecret(opts: Element | undefined): string | { problem: string } {
  if (!opts) return { problem: "no publish-options (the registration's secret is required)" };
  const optForms = opts.getChildElements();
  const optForm = optForms[0];
  if (optForms.length !== 1 || !optForm || optForm.name !== "x" || optForm.attrs.xmlns !== XMPP_NS.dataForms) return { problem: "publish-options must hold one data form" };
  const optFields = formFields(optForm);
  if (typeof optFields === "string") return { problem: `publish-options: ${optFields}` };
  if (optFields.get("FORM_TYPE")?.[0] !== XMPP_NS.pubsubPublishOptions) return { problem: `publish-options FORM_TYPE is not ${XMPP_NS.pubsubPublishOptions}` };
  const secret = optFields.get("secret");
  if (!secret || secret.length !== 1 || !secret[0]) return { problem: "publish-options need exactly one non-empty secret" };
  return secret[0];
}
