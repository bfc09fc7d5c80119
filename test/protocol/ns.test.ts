// The same protocol facts are written twice on purpose: once in the engine (the code under test)
// and once in the harness (simulator/protocol/ns.ts, the oracle). Both must equal the values the
// XEPs and RFC 6120 define, written a third time here, so neither copy can drift silently.
import { describe, expect, it } from "vitest";
import { NS } from "../../engine/xmlns.ts";
import { XMPP_NS } from "../../simulator/protocol/ns.ts";

/** From the specifications themselves. */
const SPEC = {
  push: "urn:xmpp:push:0", // XEP-0357 §5, §7
  summary: "urn:xmpp:push:summary", // XEP-0357 §7, §11.3
  pubsub: "http://jabber.org/protocol/pubsub", // XEP-0060 §7.1
  publishOptions: "http://jabber.org/protocol/pubsub#publish-options", // XEP-0060 §7.1.5, XEP-0357 §5
  data: "jabber:x:data", // XEP-0004
  discoInfo: "http://jabber.org/protocol/disco#info", // XEP-0030
  stanzas: "urn:ietf:params:xml:ns:xmpp-stanzas", // RFC 6120 §8.3.3
  carbons: "urn:xmpp:carbons:2", // XEP-0280
  forward: "urn:xmpp:forward:0", // XEP-0297
  omemo: "urn:xmpp:omemo:0", // XEP-0384 0.3
  omemoLegacy: "eu.siacs.conversations.axolotl", // XEP-0384 before 0.4 (Conversations)
  pgpLegacy: "jabber:x:encrypted", // XEP-0027
  openpgp: "urn:xmpp:openpgp:0", // XEP-0373
  jmi: "urn:xmpp:jingle-message:0", // XEP-0353
};

/** The harness's name for each fact. */
const HARNESS: Record<keyof typeof SPEC, keyof typeof XMPP_NS> = {
  push: "push",
  summary: "pushSummary",
  pubsub: "pubsub",
  publishOptions: "pubsubPublishOptions",
  data: "dataForms",
  discoInfo: "discoInfo",
  stanzas: "stanzaErrors",
  carbons: "carbons",
  forward: "forward",
  omemo: "omemo",
  omemoLegacy: "omemoLegacy",
  pgpLegacy: "pgpLegacy",
  openpgp: "openpgp",
  jmi: "jmi",
};

describe("protocol facts: engine, harness and specification agree", () => {
  for (const [fact, value] of Object.entries(SPEC) as [keyof typeof SPEC, string][]) {
    it(`${fact} = ${value}`, () => {
      expect(XMPP_NS[HARNESS[fact]], "harness (simulator/protocol/ns.ts)").toBe(value);
      if (fact in NS) expect((NS as Record<string, string>)[fact], "engine (engine/xmlns.ts)").toBe(value);
    });
  }

  it("every namespace the engine uses is one the specification table knows", () => {
    for (const k of Object.keys(NS)) {
      if (k === "client") continue; // jabber:client, RFC 6120 §4.8.3 — the stream's default namespace
      expect(SPEC, `engine NS.${k} has no specification entry here`).toHaveProperty(k);
    }
  });
});
