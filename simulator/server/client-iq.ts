// How the simulated server answers a client's iq: push enable/disable go to the engine; account
// and server disco#info and ping are answered here; anything else is service-unavailable.
import { xml, type Element } from "@xmpp/xml";
import type { PushEngine } from "../../engine/engine.ts";
import { XMPP_NS } from "../protocol/ns.ts";
import { errorIq, resultIq } from "../protocol/stanza-kit.ts";
import type { SimSession } from "./sim-session.ts";

const SERVER_FEATURES = [XMPP_NS.discoInfo, "urn:xmpp:carbons:2", "urn:xmpp:ping", "urn:xmpp:sm:3", "urn:xmpp:csi:0"];

export interface IqContext {
  domain: string;
  bareJid: string; // the session's account
  engine: PushEngine;
  archive: boolean;
  /** XEP-0077 <remove/> was accepted: the server removes the account after the reply. */
  removeAccount: () => void;
}

const NS_REGISTER = "jabber:iq:register";

function discoResult(iq: Element, identity: { category: string; type: string }, features: string[]): Element {
  const r = resultIq(iq);
  r.append(xml("query", { xmlns: XMPP_NS.discoInfo }, xml("identity", identity), ...features.map((f) => xml("feature", { var: f }))));
  return r;
}

/** The reply to a client's get/set iq, or null for result/error iqs (answers to us). */
export function answerClientIq(ctx: IqContext, s: SimSession, iq: Element): Element | null {
  const type = iq.attrs.type;
  if (type === "result" || type === "error") return null;
  if (type !== "get" && type !== "set") return errorIq(iq, "modify", "bad-request");
  const to = iq.attrs.to;
  const payload = iq.getChildElements()[0];
  const discoGet = type === "get" && payload?.name === "query" && payload.attrs.xmlns === XMPP_NS.discoInfo;
  if (!to || to === ctx.bareJid) {
    const pushReply = ctx.engine.handleIq(s.view(), iq);
    if (pushReply) return pushReply;
    if (discoGet) {
      const features = [XMPP_NS.discoInfo, ...ctx.engine.accountFeatures(), ...(ctx.archive ? ["urn:xmpp:mam:2"] : [])];
      return discoResult(iq, { category: "account", type: "registered" }, features);
    }
  }
  if ((!to || to === ctx.domain) && type === "set" && payload?.name === "query" && payload.attrs.xmlns === NS_REGISTER && payload.getChild("remove")) {
    ctx.removeAccount();
    return resultIq(iq);
  }
  if (to === ctx.domain) {
    if (type === "get" && payload?.name === "ping") return resultIq(iq);
    if (discoGet) return discoResult(iq, { category: "server", type: "im" }, SERVER_FEATURES);
  }
  return errorIq(iq, "cancel", "service-unavailable");
}
