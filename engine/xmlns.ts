// Namespaces the engine reads or writes.
export const NS = {
  push: "urn:xmpp:push:0",
  summary: "urn:xmpp:push:summary",
  pubsub: "http://jabber.org/protocol/pubsub",
  data: "jabber:x:data",
  stanzas: "urn:ietf:params:xml:ns:xmpp-stanzas",
  carbons: "urn:xmpp:carbons:2",
  forward: "urn:xmpp:forward:0",
  client: "jabber:client",
  omemoLegacy: "eu.siacs.conversations.axolotl",
  omemo: "urn:xmpp:omemo:0",
  pgpLegacy: "jabber:x:encrypted",
  openpgp: "urn:xmpp:openpgp:0",
  jmi: "urn:xmpp:jingle-message:0",
} as const;
