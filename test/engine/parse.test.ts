// parseXml turns stored publish-options back into an element: exactly one complete, well-formed
// element, or null (never a throw, never a fabricated structure).
import { describe, expect, it } from "vitest";
import { parseXml } from "../../engine/parse.ts";

describe("parseXml", () => {
  it.each([
    ["<a/>", "<a/>"],
    ["<x xmlns='jabber:x:data' type='submit'><field var='secret'><value>s &amp; &lt;3</value></field></x>", '<x xmlns="jabber:x:data" type="submit"><field var="secret"><value>s &amp; &lt;3</value></field></x>'],
    ["<a k='1'>text<b/>more</a>", '<a k="1">text<b/>more</a>'],
    ["<a/>\n", "<a/>"],
  ])("%s → one element", (text, want) => {
    expect(parseXml(text)?.toString()).toBe(want);
  });

  it.each([
    ["unclosed", "<a><b/>"],
    ["mismatched", "<a></b>"],
    ["not XML", "garbage"],
    ["empty", ""],
    ["two roots", "<a/><b/>"],
    ["two roots, the second with children", "<a/><b><c/></b>"],
  ])("%s → null", (_, text) => {
    expect(parseXml(text)).toBeNull();
  });
});
