// The input limits of engine/parse.ts at their exact boundaries (the reliability work's limits,
// issue 10), what one element is, and that the chunked parse is the parse of the whole text.
import { xml, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { cloneElement, exceedsSize, MAX_ELEMENTS, MAX_STANZA_BYTES, parseXml } from "../../engine/parse.ts";

/** A well-formed document of exactly `bytes` UTF-8 bytes, of `char` (1 or 2 bytes) in a text node. */
function docOf(bytes: number, char = "a"): string {
  const frame = "<m></m>".length;
  const per = Buffer.byteLength(char);
  return `<m>${char.repeat((bytes - frame) / per)}</m>`;
}

describe("parseXml at its limits", () => {
  it("takes a text of exactly MAX_STANZA_BYTES, refuses one byte more (ASCII: characters = bytes)", () => {
    expect(Buffer.byteLength(docOf(MAX_STANZA_BYTES))).toBe(MAX_STANZA_BYTES);
    expect(parseXml(docOf(MAX_STANZA_BYTES))?.name).toBe("m");
    expect(parseXml(docOf(MAX_STANZA_BYTES + 1))).toBeNull();
  });

  it("counts bytes, not characters: exactly the limit in two-byte characters passes, one more byte does not", () => {
    const exact = docOf(MAX_STANZA_BYTES - 1, "é") + " "; // 7 + 2k + 1 bytes, k even-sized
    expect(Buffer.byteLength(exact)).toBe(MAX_STANZA_BYTES);
    expect(parseXml(exact)?.name).toBe("m");
    expect(parseXml(exact + " ")).toBeNull();
    expect(exact.length).toBeLessThan(MAX_STANZA_BYTES); // the character count alone would let it pass
  });

  it("counts '<' and '=' against MAX_ELEMENTS: exactly the limit passes, one more does not", () => {
    const elements = (n: number) => `<m>${"<b/>".repeat(n - 2)}</m>`; // n '<' in all
    expect(parseXml(elements(MAX_ELEMENTS))?.children).toHaveLength(MAX_ELEMENTS - 2);
    expect(parseXml(elements(MAX_ELEMENTS + 1))).toBeNull();
    const attrs = (n: number) => `<m ${Array.from({ length: n - 1 }, (_, i) => `a${i}='1'`).join(" ")}/>`; // 1 '<', n-1 '='
    expect(Object.keys(parseXml(attrs(MAX_ELEMENTS))?.attrs ?? {})).toHaveLength(MAX_ELEMENTS - 1);
    expect(parseXml(attrs(MAX_ELEMENTS + 1))).toBeNull(); // the attributes count too
  });

  it("is not a string: null, not an exception (a store may hand back anything)", () => {
    for (const v of [undefined, null, 42, {}, ["<a/>"]]) {
      let out: unknown = "not called";
      expect(() => (out = parseXml(v as unknown as string)), String(v)).not.toThrow(); // an exception would be a crash, not a kill
      expect(out).toBeNull();
    }
  });

  it("one element only: a well-formed root followed by a stray end tag is refused", () => {
    expect(parseXml("<a></a></b>")).toBeNull();
    expect(parseXml("<a><b></a>")).toBeNull();
    expect(parseXml("<a></a><b/>")).toBeNull();
    expect(parseXml("<a><b/></a>")?.toString()).toBe("<a><b/></a>");
  });

  it("a chunk boundary anywhere, even inside a surrogate pair, parses as the whole text does", () => {
    const emoji = "\u{1F600}"; // two UTF-16 units
    for (let pad = 4080; pad < 4100; pad++) {
      const text = `<m a='${emoji}'>${"x".repeat(pad)}${emoji.repeat(4)}<n>${emoji}</n></m>`;
      const el = parseXml(text);
      expect(el?.getText(), `pad ${pad}`).toBe(`${"x".repeat(pad)}${emoji.repeat(4)}`);
      expect(el?.getChildText("n")).toBe(emoji);
      expect(el?.attrs.a).toBe(emoji);
    }
  });
});

describe("exceedsSize: the element's length as written out, without serializing it", () => {
  const cases: [string, Element][] = [
    ["empty element", xml("presence")],
    ["text", xml("body", {}, "hello")],
    ["attributes, one without a value (not written)", xml("iq", { type: "set", id: "e1", to: undefined, from: null as unknown as string })],
    ["nested", xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:push:0", jid: "push.example", node: "n1" }, xml("x", { xmlns: "jabber:x:data" }, xml("field", { var: "a" }, xml("value", {}, "1")))))],
  ];
  // xml() drops undefined and null attributes as it builds; a host may set them afterwards.
  const withAttr = (v: undefined | null) => {
    const el = xml("iq", { type: "set", id: "e1" });
    el.attrs.to = v as unknown as string;
    return el;
  };
  cases.push(["an attribute set to undefined after building (not written)", withAttr(undefined)]);
  cases.push(["an attribute set to null after building (not written)", withAttr(null)]);
  it.each(cases)("%s: over n exactly when its XML is longer than n", (_, el) => {
    const length = el.toString().length;
    expect(exceedsSize(el, length)).toBe(false);
    expect(exceedsSize(el, length - 1)).toBe(true);
  });
});

describe("cloneElement", () => {
  it("copies deeply: changing the copy leaves the original as it was", () => {
    const original = xml("x", { xmlns: "jabber:x:data" }, xml("field", { var: "secret" }, xml("value", {}, "s3cr3t")), "text");
    const copy = cloneElement(original);
    expect(copy.toString()).toBe(original.toString());
    copy.getChild("field")!.attrs.var = "changed";
    copy.getChild("field")!.getChild("value")!.children = ["changed"];
    expect(original.toString()).toBe('<x xmlns="jabber:x:data"><field var="secret"><value>s3cr3t</value></field>text</x>');
    expect(original.getChild("field")!.parent).toBe(original);
  });
});
