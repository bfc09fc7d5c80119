// The publishes pushlab sends to a receiver, stated by the harness itself from XEP-0357 §7 and the
// pushes captured from Prosody 0.12.3 and ejabberd 23.01 (../shared/fixtures/pushes/;
// test/receiver/publish.test.ts proves each variant matches its capture). Never built by engine/.
import { xml, type Element } from "@xmpp/xml";
import { XMPP_NS } from "../protocol/ns.ts";

/** Summary-form variants that real servers send. */
export const VARIANTS = {
  /** Prosody, important stanza: type='form', empty fields present, placeholder body. */
  "prosody-important": "Prosody 0.12: type='form', message-count 1, empty pending/sender fields, body 'New Message!'",
  /** Prosody, unimportant stanza (chat state, receipt…): every field but message-count empty. */
  "prosody-unimportant": "Prosody 0.12: type='form', message-count 1, every other field empty",
  /** Prosody with push_notification_with_body and _with_sender. */
  "prosody-with-body": "Prosody 0.12 with_body + with_sender: the sender's full JID and the body",
  /** ejabberd: type='submit', FORM_TYPE and last-message-body only. */
  "ejabberd-body": "ejabberd 23.01: type='submit', FORM_TYPE + last-message-body 'New message' only",
  /** ejabberd at hibernation with only non-message stanzas unacked: an empty <notification/>. */
  "ejabberd-empty": "ejabberd 23.01: an empty <notification/> (no form at all)",
  /** A ping (Prosody's cloud-notify-ping): a summary form with no fields but FORM_TYPE. */
  ping: "a ping: summary form with FORM_TYPE only, no fields",
  /** XEP-0357 §7's example: no form type attribute, every field, and a custom element. */
  "xep-example": "XEP-0357 §7 example: untyped form with sender and body, plus a custom element",
} as const;

export type VariantName = keyof typeof VARIANTS;
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** How the publish-options (the registration's credentials) are sent. */
export const SECRET_MODES = [
  "right",
  "wrong",
  "missing", // no <publish-options> at all
  "empty", // a secret field with an empty value
  "no-form", // <publish-options/> without a data form
  "wrong-form-type", // the right secret inside a form whose FORM_TYPE is not publish-options
  "duplicate-field", // two secret fields: a wrong one, then the right one
  "two-values", // one secret field with two values: wrong, right
] as const;
export type SecretMode = (typeof SECRET_MODES)[number];

export interface PublishSpec {
  id: string;
  from: string; // the user's server
  to: string; // the receiver
  /** undefined: no node attribute. */
  node: string | undefined;
  secret: string;
  secretMode?: SecretMode;
  variant: VariantName;
  /** Replaces last-message-body ("" = the field without a value). */
  body?: string;
  /** Replaces last-message-sender. */
  sender?: string;
}

const field = (vars: Record<string, string | undefined>, value: string | undefined, ...rest: Element[]) =>
  xml("field", vars, ...(value === undefined || value === "" ? [] : [xml("value", {}, value)]), ...rest);

const formType = (value: string, hidden = true) => field({ type: hidden ? "hidden" : undefined, var: "FORM_TYPE" }, value);

/** The <notification/> payload of one variant. */
export function notification(variant: VariantName, body?: string, sender?: string): Element {
  const n = (...children: Element[]) => xml("notification", { xmlns: XMPP_NS.push }, ...children);
  const x = (type: string | undefined, ...fields: Element[]) => xml("x", { xmlns: XMPP_NS.dataForms, type }, ...fields);
  const prosody = (b: string, s: string) =>
    n(
      x(
        "form",
        formType(XMPP_NS.pushSummary),
        field({ type: "text-single", var: "message-count" }, "1"),
        field({ type: "text-single", var: "pending-subscription-count" }, ""),
        field({ type: "jid-single", var: "last-message-sender" }, s),
        field({ type: "text-single", var: "last-message-body" }, b),
      ),
    );
  switch (variant) {
    case "prosody-important":
      return prosody(body ?? "New Message!", sender ?? "");
    case "prosody-unimportant":
      return prosody(body ?? "", sender ?? "");
    case "prosody-with-body":
      return prosody(body ?? "hello offline alice", sender ?? "bob@localhost/bob");
    case "ejabberd-body":
      return n(
        x(
          "submit",
          formType(XMPP_NS.pushSummary),
          field({ var: "last-message-body", type: "text-single", label: "The body text of the last received message" }, body ?? "New message"),
        ),
      );
    case "ejabberd-empty":
      return n();
    case "ping":
      return n(x("submit", formType(XMPP_NS.pushSummary)));
    case "xep-example":
      return n(
        x(
          undefined,
          field({ var: "FORM_TYPE" }, XMPP_NS.pushSummary),
          field({ var: "message-count" }, "1"),
          field({ var: "last-message-sender" }, sender ?? "juliet@capulet.example/balcony"),
          field({ var: "last-message-body" }, body ?? "Wherefore art thou, Romeo?"),
        ),
        xml("additional", { xmlns: "http://example.com/custom" }, "Additional custom elements"),
      );
  }
}

/** <publish-options/> carrying the secret as the mode says (undefined = leave it out). */
export function publishOptions(secret: string, mode: SecretMode = "right"): Element | undefined {
  const opts = (...children: Element[]) => xml("publish-options", {}, ...children);
  const form = (type: string, ...fields: Element[]) => xml("x", { xmlns: XMPP_NS.dataForms, type: "submit" }, field({ var: "FORM_TYPE" }, type), ...fields);
  const wrong = `${secret}-not`;
  switch (mode) {
    case "right":
      return opts(form(XMPP_NS.pubsubPublishOptions, field({ var: "secret" }, secret)));
    case "wrong":
      return opts(form(XMPP_NS.pubsubPublishOptions, field({ var: "secret" }, wrong)));
    case "missing":
      return undefined;
    case "empty":
      return opts(form(XMPP_NS.pubsubPublishOptions, field({ var: "secret" }, "")));
    case "no-form":
      return opts();
    case "wrong-form-type":
      return opts(form(XMPP_NS.pushSummary, field({ var: "secret" }, secret)));
    case "duplicate-field":
      return opts(form(XMPP_NS.pubsubPublishOptions, field({ var: "secret" }, wrong), field({ var: "secret" }, secret)));
    case "two-values":
      return opts(
        form(XMPP_NS.pubsubPublishOptions, xml("field", { var: "secret" }, xml("value", {}, wrong), xml("value", {}, secret))),
      );
  }
}

/** The whole iq set: <pubsub><publish node><item><notification/></item></publish><publish-options/></pubsub>. */
export function buildPublish(spec: PublishSpec): Element {
  return xml(
    "iq",
    { type: "set", id: spec.id, from: spec.from, to: spec.to },
    xml(
      "pubsub",
      { xmlns: XMPP_NS.pubsub },
      xml("publish", { node: spec.node }, xml("item", {}, notification(spec.variant, spec.body, spec.sender))),
      publishOptions(spec.secret, spec.secretMode),
    ),
  );
}

/** The summary form's last-message-body of a publish we built ("" when none). */
export function bodyOf(spec: Pick<PublishSpec, "variant" | "body">): string {
  const n = notification(spec.variant, spec.body);
  const f = n.getChild("x", XMPP_NS.dataForms)?.getChildren("field").find((c) => c.attrs.var === "last-message-body");
  return f?.getChildText("value") ?? "";
}
