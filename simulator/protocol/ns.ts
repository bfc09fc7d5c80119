// The protocol as the harness states it, on its own, from the specifications (never from engine/:
// a wrong value there must not be shared by the checks that should catch it).
// test/protocol/ns.test.ts compares the engine's copies with these.
export const XMPP_NS = {
  /** XEP-0357 §5 (enable/disable), §7 (notification element). */
  push: "urn:xmpp:push:0",
  /** XEP-0357 §7: FORM_TYPE of the push summary form. */
  pushSummary: "urn:xmpp:push:summary",
  /** XEP-0060 §7.1: publish; §7.1.5: publish-options. */
  pubsub: "http://jabber.org/protocol/pubsub",
  /** XEP-0060 §16.4.4: FORM_TYPE of the publish-options form. */
  pubsubPublishOptions: "http://jabber.org/protocol/pubsub#publish-options",
  /** XEP-0004: data forms. */
  dataForms: "jabber:x:data",
  /** XEP-0030: service discovery. */
  discoInfo: "http://jabber.org/protocol/disco#info",
  discoItems: "http://jabber.org/protocol/disco#items",
  /** RFC 6120 §8.3.3: stanza error conditions. */
  stanzaErrors: "urn:ietf:params:xml:ns:xmpp-stanzas",
  /** RFC 6120 §4.9.3: stream error conditions. */
  streamErrors: "urn:ietf:params:xml:ns:xmpp-streams",
  streams: "http://etherx.jabber.org/streams",
  client: "jabber:client",
  /** XEP-0114: jabber:component:accept. */
  componentAccept: "jabber:component:accept",
  /** XEP-0198 stream management. */
  sm: "urn:xmpp:sm:3",
  /** XEP-0280 message carbons; XEP-0297 forwarding. */
  carbons: "urn:xmpp:carbons:2",
  forward: "urn:xmpp:forward:0",
  /** XEP-0352 client state indication. */
  csi: "urn:xmpp:csi:0",
  /** XEP-0384 OMEMO (current and the legacy Conversations namespace). */
  omemo: "urn:xmpp:omemo:0",
  omemoLegacy: "eu.siacs.conversations.axolotl",
  /** XEP-0027 (legacy OpenPGP) and XEP-0373 (OpenPGP for XMPP). */
  pgpLegacy: "jabber:x:encrypted",
  openpgp: "urn:xmpp:openpgp:0",
  /** XEP-0353 Jingle Message Initiation. */
  jmi: "urn:xmpp:jingle-message:0",
  jingleRtp: "urn:xmpp:jingle:apps:rtp:1",
  /** XEP-0334 message processing hints. */
  hints: "urn:xmpp:hints",
  /** XEP-0085 chat states, XEP-0184 receipts, XEP-0333 markers. */
  chatStates: "http://jabber.org/protocol/chatstates",
  receipts: "urn:xmpp:receipts",
  markers: "urn:xmpp:chat-markers:0",
  /** XEP-0050 ad-hoc commands; XEP-0077 in-band registration. */
  commands: "http://jabber.org/protocol/commands",
  register: "jabber:iq:register",
} as const;
