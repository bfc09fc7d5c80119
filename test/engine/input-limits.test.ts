// The engine's input limits (issue 10): XML text over MAX_STANZA_BYTES is refused before parsing,
// the parse is never quadratic, and an enable/disable larger than any server would accept as one
// stanza is answered policy-violation instead of being stored and parsed again at every push.
import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { exceedsSize, MAX_ELEMENTS, MAX_STANZA_BYTES, parseXml } from "../../engine/parse.ts";
import { harness } from "./harness.ts";

describe("engine parseXml limits", () => {
  it("parses well-formed input up to the limit", () => {
    const body = "a".repeat(MAX_STANZA_BYTES - 100);
    expect(parseXml(`<m><b>${body}</b></m>`)?.getChild("b")?.getText().length).toBe(body.length);
    expect(parseXml("<a x='é😀'>ü😀</a>")?.toString()).toBe('<a x="é😀">ü😀</a>');
  });

  it("refuses input over the limit (bytes, not characters) without parsing it", () => {
    expect(parseXml(`<m>${"a".repeat(MAX_STANZA_BYTES)}</m>`)).toBeNull();
    expect(parseXml(`<m>${"é".repeat(MAX_STANZA_BYTES / 2)}</m>`)).toBeNull(); // 2 bytes each in UTF-8
  });

  it("refuses more elements and attributes than any form needs", () => {
    expect(parseXml(`<m>${"<b/>".repeat(MAX_ELEMENTS)}</m>`)).toBeNull();
    expect(parseXml(`<m>${"<b/>".repeat(100)}</m>`)?.children.length).toBe(100);
  });

  it("a truncated document near the limit gives null, not a blocked event loop", () => {
    // Was quadratic: ~0.8 MB took 2 s in one write. Here each shape is refused; its time is in bench/.
    for (const text of [`<m><b>${"a".repeat(250_000)}`, `<m><b x='${"a".repeat(250_000)}`, `<m><!--${"a".repeat(250_000)}`]) {
      expect(parseXml(text)).toBeNull();
    }
  });

  it("exceedsSize counts without serializing and stops early", () => {
    expect(exceedsSize(xml("a", {}, "x".repeat(100)), 200)).toBe(false);
    expect(exceedsSize(xml("a", {}, "x".repeat(300)), 200)).toBe(true);
    expect(exceedsSize(xml("a", { big: "y".repeat(300) }), 200)).toBe(true);
  });
});

describe("engine entry points", () => {
  it("an enable larger than a server accepts is refused with policy-violation and not stored", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    const huge = xml("x", { xmlns: "jabber:x:data", type: "submit" }, xml("field", { var: "secret" }, xml("value", {}, "s".repeat(MAX_STANZA_BYTES))));
    const reply = h.enable(s, "push.example", "n1", huge);
    expect(reply.attrs.type).toBe("error");
    expect(reply.getChild("error")?.attrs.type).toBe("modify");
    expect(reply.getChild("error")?.getChild("policy-violation")).toBeTruthy();
    expect(h.store.load("alice").registrations).toHaveLength(0);
    // A normal enable still works.
    expect(h.enable(s, "push.example", "n1").attrs.type).toBe("result");
  });
});
