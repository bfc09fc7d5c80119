// Puts a pooled account back as the next scenario expects it: no push registrations this run
// made (XEP-0357 has no "list" or "disable all", so we disable every JID a session enabled),
// no offline messages (delivered and so removed on initial presence), no roster entries and no
// pending subscription requests (answered 'unsubscribed').
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { delay, pollUntil } from "../../wire/bounded.ts";
import { openAccount, type LinkSettings } from "./client-link.ts";

const NS_PUSH = "urn:xmpp:push:0";
const NS_ROSTER = "jabber:iq:roster";
const PRESENCE_ECHO_MS = 3_000;
const SETTLE_MS = 100; // offline messages and subscription requests follow the presence echo

export interface ResetReport {
  disabled: number;
  rosterRemoved: number;
  requestsDenied: number;
  offlineDelivered: number;
}

export async function resetAccount(s: LinkSettings, local: string, password: string, pushJids: Iterable<string>): Promise<ResetReport> {
  const link = await openAccount(s, local, password, "pushlab-reset");
  const report: ResetReport = { disabled: 0, rosterRemoved: 0, requestsDenied: 0, offlineDelivered: 0 };
  const me = () => link.xmpp.jid?.toString();
  let echoed = false;
  link.xmpp.on("stanza", (st: Element) => {
    if (st.name === "presence" && st.attrs.from === me()) echoed = true;
    if (st.name === "message") report.offlineDelivered++;
    if (st.name === "presence" && st.attrs.type === "subscribe" && st.attrs.from) {
      report.requestsDenied++;
      link.xmpp.send(xml("presence", { to: st.attrs.from, type: "unsubscribed" })).catch(() => {});
    }
  });
  try {
    await link.xmpp.send(xml("presence"));
    await pollUntil(() => echoed, PRESENCE_ECHO_MS);
    await delay(SETTLE_MS);
    for (const jid of new Set(pushJids)) {
      const r = await link.iq(xml("iq", { type: "set" }, xml("disable", { xmlns: NS_PUSH, jid })));
      if (r.attrs.type === "result") report.disabled++;
    }
    const roster = await link.iq(xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER })));
    for (const item of roster.getChild("query", NS_ROSTER)?.getChildren("item") ?? []) {
      const r = await link.iq(xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: item.attrs.jid, subscription: "remove" }))));
      if (r.attrs.type === "result") report.rosterRemoved++;
    }
    return report;
  } finally {
    await link.close();
  }
}
