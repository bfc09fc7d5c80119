// Named checks over one push (subset match, like scansion): each returns what differs, if anything.
// The push is read with the harness's own protocol module, never the engine's.
import type { Element } from "@xmpp/xml";
import { XMPP_NS } from "../protocol/ns.ts";
import { formFields, notificationOf, publishOptionsFormOf, pushNode, summaryFormOf } from "../protocol/push-form.ts";

export interface PushMatch {
  to?: string;
  from?: string;
  node?: string;
  /** The item payload <notification xmlns='urn:xmpp:push:0'/> (XEP-0357 §7). */
  notification?: "present" | "absent";
  "form-type"?: string;
  /** Every data form in the notification has this FORM_TYPE; a notification without a form is fine. */
  "form-type-if-any"?: string;
  "form-kind"?: string;
  "message-count"?: string | number;
  sender?: string | number;
  body?: string | number;
  "publish-options"?: "absent" | Record<string, string>;
  fields?: Record<string, string | number>;
}

export interface Mismatch {
  what: string;
  expected: string;
  actual: string;
}

function show(v: string | undefined): string {
  return v === undefined ? "(no field)" : v === "" ? "(empty)" : JSON.stringify(v);
}

/** 'absent' = no field or an empty one (nothing leaks); 'present' = a non-empty value. */
function fieldCheck(what: string, expected: string | number, actual: string | undefined): Mismatch | null {
  const want = String(expected);
  if (want === "absent") return actual === undefined || actual === "" ? null : { what, expected: "absent", actual: show(actual) };
  if (want === "present") return actual ? null : { what, expected: "present (non-empty)", actual: show(actual) };
  return actual === want ? null : { what, expected: JSON.stringify(want), actual: show(actual) };
}

export function matchPush(push: Element, m: PushMatch): Mismatch[] {
  const out: Mismatch[] = [];
  const add = (x: Mismatch | null) => x && out.push(x);
  const eq = (what: string, want: string | undefined, got: string | undefined) => {
    if (want !== undefined && want !== got) out.push({ what, expected: JSON.stringify(want), actual: show(got) });
  };
  eq("to", m.to, push.attrs.to);
  eq("from", m.from, push.attrs.from);
  if (m.node === "absent") {
    if (pushNode(push) !== undefined) out.push({ what: "node", expected: "no node attribute", actual: show(pushNode(push)) });
  } else eq("node", m.node, pushNode(push));
  const note = notificationOf(push);
  if (m.notification === "present" && !note) out.push({ what: "notification", expected: `<notification xmlns='${XMPP_NS.push}'/> in the item`, actual: "(none)" });
  if (m.notification === "absent" && note) out.push({ what: "notification", expected: "absent", actual: note.toString() });
  if (m["form-type-if-any"] !== undefined) {
    for (const f of note?.getChildElements().filter((c) => c.name === "x" && c.attrs.xmlns === XMPP_NS.dataForms) ?? [])
      eq("FORM_TYPE of a form in the notification", m["form-type-if-any"], formFields(f).get("FORM_TYPE"));
  }
  const form = summaryFormOf(push);
  const fields = formFields(form);
  if (m["form-kind"] !== undefined) eq("form type attribute", m["form-kind"], form?.attrs.type);
  if (m["form-type"] !== undefined) eq("FORM_TYPE", m["form-type"], fields.get("FORM_TYPE"));
  if (m["message-count"] !== undefined) add(fieldCheck("message-count", m["message-count"], fields.get("message-count")));
  if (m.sender !== undefined) add(fieldCheck("last-message-sender", m.sender, fields.get("last-message-sender")));
  if (m.body !== undefined) add(fieldCheck("last-message-body", m.body, fields.get("last-message-body")));
  for (const [k, v] of Object.entries(m.fields ?? {})) add(fieldCheck(k, v, fields.get(k)));
  const po = m["publish-options"];
  if (po !== undefined) {
    const el = publishOptionsFormOf(push);
    if (po === "absent") {
      if (push.getChild("pubsub", XMPP_NS.pubsub)?.getChild("publish-options"))
        out.push({ what: "publish-options", expected: "absent", actual: el?.toString() ?? "<publish-options/>" });
    } else if (!el) {
      out.push({ what: "publish-options", expected: JSON.stringify(po), actual: "(none)" });
    } else {
      const got = formFields(el);
      for (const [k, v] of Object.entries(po)) add(fieldCheck(`publish-options ${k}`, v, got.get(k)));
    }
  }
  return out;
}
