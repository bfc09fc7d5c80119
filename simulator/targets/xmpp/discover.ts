// What the server offers, learned by logging in once in start(): stream features (XEP-0198,
// XEP-0352, XEP-0077), disco#info of the domain (XEP-0280) and of the account (XEP-0357,
// XEP-0313), and the software version (XEP-0092) for the report.
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { openAccount, type LinkSettings } from "./client-link.ts";
import { NS_REGISTER_FEATURE } from "./in-band-registration.ts";

const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
const NS_VERSION = "jabber:iq:version";

export interface ServerFacts {
  software?: string; // e.g. "Prosody 0.12.3"
  registration: boolean; // XEP-0077 advertised before login
  streamManagement: boolean; // XEP-0198 (urn:xmpp:sm:3)
  csi: boolean; // XEP-0352 stream feature
  carbons: boolean; // XEP-0280 on the domain
  push: boolean; // XEP-0357 on the account
  mam: boolean; // XEP-0313 on the account
}

function features(iq: Element): Set<string> {
  const q = iq.attrs.type === "result" ? iq.getChild("query", NS_DISCO_INFO) : undefined;
  return new Set((q?.getChildren("feature") ?? []).map((f) => f.attrs.var ?? ""));
}

export async function discover(s: LinkSettings, local: string, password: string): Promise<ServerFacts> {
  const link = await openAccount(s, local, password, "pushlab-discovery");
  try {
    const bare = `${local}@${s.domain}`;
    const [domainInfo, accountInfo, version] = await Promise.all([
      link.iq(xml("iq", { type: "get", to: s.domain }, xml("query", { xmlns: NS_DISCO_INFO }))),
      link.iq(xml("iq", { type: "get", to: bare }, xml("query", { xmlns: NS_DISCO_INFO }))),
      link.iq(xml("iq", { type: "get", to: s.domain }, xml("query", { xmlns: NS_VERSION }))),
    ]);
    const onDomain = features(domainInfo);
    const onAccount = features(accountInfo);
    const v = version.attrs.type === "result" ? version.getChild("query", NS_VERSION) : undefined;
    const name = v?.getChildText("name");
    const post = link.postAuth;
    return {
      ...(name && { software: `${name}${v?.getChildText("version") ? ` ${v.getChildText("version")}` : ""}` }),
      registration: link.preAuth.getChild("register", NS_REGISTER_FEATURE) !== undefined,
      streamManagement: post?.getChild("sm", "urn:xmpp:sm:3") !== undefined,
      csi: post?.getChild("csi", "urn:xmpp:csi:0") !== undefined,
      carbons: onDomain.has("urn:xmpp:carbons:2"),
      push: onAccount.has("urn:xmpp:push:0") || onDomain.has("urn:xmpp:push:0"),
      mam: onAccount.has("urn:xmpp:mam:2"),
    };
  } finally {
    await link.close();
  }
}
