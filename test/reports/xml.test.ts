import { describe, expect, it } from "vitest";
import { escapeXmlAttr, escapeXmlText, prettyXml, stripInvalidXmlChars } from "../../reports/xml.ts";

describe("xml escaping", () => {
  it("escapes markup in text and attributes", () => {
    expect(escapeXmlText(`a<b>&c`)).toBe("a&lt;b&gt;&amp;c");
    expect(escapeXmlAttr(`"x" 'y'\n<z>`)).toBe("&quot;x&quot; &apos;y&apos;&#10;&lt;z&gt;");
  });
  it("replaces characters XML 1.0 forbids, keeps tab/newline and astral characters", () => {
    expect(stripInvalidXmlChars("a\u0000b\u001Fc\td\ne\uFFFF")).toBe("a\uFFFDb\uFFFDc\td\ne\uFFFD");
    expect(stripInvalidXmlChars("push 📱 ok")).toBe("push 📱 ok");
    expect(stripInvalidXmlChars("lone \uD800 surrogate")).toBe("lone \uFFFD surrogate");
  });
});

describe("prettyXml", () => {
  it("puts one element per line, keeps text-only elements on one line", () => {
    expect(prettyXml(`<iq type="set"><pubsub xmlns="p"><publish node="n"><item/></publish></pubsub><x>  hi  </x></iq>`)).toBe(
      [`<iq type="set">`, `  <pubsub xmlns="p">`, `    <publish node="n">`, `      <item/>`, `    </publish>`, `  </pubsub>`, `  <x>hi</x>`, `</iq>`].join("\n"),
    );
  });
  it("keeps a form field and its value on one line", () => {
    expect(prettyXml(`<x><field var="a"><value>1</value></field><field var="b"/><field var="c"><value></value></field></x>`)).toBe(
      [`<x>`, `  <field var="a"><value>1</value></field>`, `  <field var="b"/>`, `  <field var="c"><value></value></field>`, `</x>`].join("\n"),
    );
  });
  it("copes with '>' inside attribute values and an unclosed stream header", () => {
    expect(prettyXml(`<a b="x>y"><c/></a>`)).toBe(`<a b="x>y">\n  <c/>\n</a>`);
    expect(prettyXml(`<stream:stream to="h"><features/>`)).toBe(`<stream:stream to="h">\n  <features/>`);
  });
  it("returns input it cannot balance unchanged", () => {
    expect(prettyXml(`</a><b/>`)).toBe(`</a><b/>`);
  });
});
