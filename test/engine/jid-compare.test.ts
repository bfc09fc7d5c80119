// JID comparison as RFC 7622 has it: localpart and domainpart compare case-insensitively, the
// resourcepart exactly. Wherever the engine compares JIDs (registration identity, disable, ping,
// app-server replies, the archive owner, the user's own JID) it must do so.
import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../simulator/protocol/stanza-kit.ts";
import { harness, must, onePush } from "./harness.ts";

const PUSH = "urn:xmpp:push:0";

function withPhone(options: Record<string, unknown> = {}) {
  const h = harness(options);
  const phone = h.session("alice", "phone");
  const iq = (name: "enable" | "disable", attrs: Record<string, string>) =>
    must(h.engine.handleIq(phone, xml("iq", { type: "set", id: `${name}1`, from: "alice@example.org/phone" }, xml(name, { xmlns: PUSH, ...attrs }))), "the reply");
  const ids = () => h.store.load("alice").registrations.map((r) => r.id).sort();
  return { ...h, phone, iq, ids };
}

describe("JID comparison (RFC 7622)", () => {
  it("R-ENABLE: the same app server written in another case is the same registration (replaced, not added)", () => {
    const h = withPhone();
    h.iq("enable", { jid: "push.example", node: "n1" });
    h.iq("enable", { jid: "PUSH.Example", node: "n1" });
    expect(h.ids()).toEqual(["push.example<n1"]);
    h.iq("enable", { jid: "push.example", node: "N1" }); // nodes are opaque: another registration
    expect(h.ids()).toEqual(["push.example<N1", "push.example<n1"]);
    h.iq("enable", { jid: "Apps@Push.Example/Res", node: "n1" });
    expect(h.ids()).toEqual(["apps@push.example/Res<n1", "push.example<N1", "push.example<n1"]);
  });

  // The merge kept the coverage branch's decision (R-ENABLE-JID-PREP): the app server's JID is
  // stored normalised, local and domain parts lowercased, the resource as given.
  it("R-ENABLE-JID-PREP stores the jid normalised (pushes go to the lowercased JID, the resource as given)", () => {
    const h = withPhone();
    h.iq("enable", { jid: "Push.Example", node: "n1" });
    h.iq("enable", { jid: "Apps@Push.Example/Res", node: "n2" });
    expect(h.store.load("alice").registrations.map((r) => r.jid)).toEqual(["push.example", "apps@push.example/Res"]);
    h.sessions.length = 0;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: "m" });
    expect(h.sent.map((p) => p.attrs.to)).toEqual(["push.example", "apps@push.example/Res"]);
  });

  it("R-DISABLE matches the app server's JID in any case, and node='' names the registration without a node", () => {
    const h = withPhone();
    h.iq("enable", { jid: "push.example", node: "n1" });
    h.iq("enable", { jid: "push.example" });
    h.iq("enable", { jid: "other.example" });
    expect(h.iq("disable", { jid: "PUSH.EXAMPLE", node: "" }).attrs.type).toBe("result");
    expect(h.ids()).toEqual(["other.example<", "push.example<n1"]);
    expect(h.iq("disable", { jid: "Push.Example" }).attrs.type).toBe("result");
    expect(h.ids()).toEqual(["other.example<"]);
  });

  it("R-DISABLE with a jid that is not a JID matches nothing and still answers result", () => {
    const h = withPhone();
    h.iq("enable", { jid: "push.example", node: "n1" });
    expect(h.iq("disable", { jid: "a@@b c" }).attrs.type).toBe("result");
    expect(h.ids()).toEqual(["push.example<n1"]);
  });

  it("R-PING given registrations match the app server's JID in any case", () => {
    const h = withPhone();
    h.iq("enable", { jid: "push.example", node: "n1" });
    h.iq("enable", { jid: "other.example", node: "n2" });
    expect(h.engine.ping("alice", [{ jid: "PUSH.example" }])).toBe(1);
    expect(h.sent.map((p) => p.attrs.to)).toEqual(["push.example"]);
  });

  it("R-ERR-SPOOF: a reply from the registration's JID in another case is its reply; another resource is not", () => {
    const h = withPhone({ push_max_errors: 1 });
    h.iq("enable", { jid: "push.example", node: "n1" });
    h.sessions.length = 0;
    const push = () => {
      return onePush(h.sent, () => h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key: `m${h.sent.length}` }));
    };
    const error = (id: string, from: string) =>
      xml("iq", { type: "error", id, from }, xml("error", { type: "cancel" }, xml("item-not-found", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));
    const p1 = push();
    h.engine.handleAppReply(error(p1.attrs.id!, "push.example/res"));
    expect(h.ids()).toEqual(["push.example<n1"]); // another full JID: ignored
    h.engine.handleAppReply(error(p1.attrs.id!, "PUSH.EXAMPLE"));
    expect(h.ids()).toEqual([]); // the same JID: counted, and one error is the maximum here
  });

  it("R-MAM: a message archived for the owner counts only when addressed to the owner's account here, in any case", () => {
    const h = withPhone();
    h.iq("enable", { jid: "push.example", node: "n1" });
    h.sessions.length = 0;
    const tablet = h.session("alice", "tablet"); // some other session is online, not bound
    expect(tablet.resource).toBe("tablet");
    // Alice writes to her namesake on another server: the archived copy is hers, not for her.
    expect(h.engine.messageArchived("alice", { stanza: h.message("alice@elsewhere.example"), key: "out" })).toBe(0);
    expect(h.engine.messageArchived("alice", { stanza: h.message("ALICE@Example.ORG/tablet"), key: "in" })).toBe(1);
    expect(h.engine.messageArchived("alice", { stanza: h.message("bob@example.org"), key: "other" })).toBe(0);
    expect(h.engine.messageArchived("alice", { stanza: xml("message", { type: "chat" }, xml("body", {}, "no to")), key: "none" })).toBe(0);
  });

  it.each([
    ["own full JID in other case (local, domain)", "ALICE@EXAMPLE.org/phone", "error", "JID must be different from ours"],
    ["own bare JID in other case", "Alice@example.ORG", "error", "JID must not be your own account"],
    ["own account with a resource in other case (another full JID)", "alice@example.org/PHONE", "result", ""],
  ])("R-ENABLE-SELF / R-ENABLE-JID: %s → %s", (_, jid, want, text) => {
    const h = withPhone();
    const reply = h.iq("enable", { jid, node: "n" });
    expect(reply.attrs.type).toBe(want);
    if (want === "error") expect(errorOf(reply)).toEqual({ type: "modify", condition: "bad-request", text });
  });
});
