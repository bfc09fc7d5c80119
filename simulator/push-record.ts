// A push as the fake app servers keep it: the stanza's text, flattened, and its element parsed
// again when a check asks for it. A `count: 100000` scenario keeps 100,000 pushes; as live
// element trees plus the serializer's string pieces they took ~7.7 KB each (770 MB), as flat
// text ~0.8 KB.
import type { Element } from "@xmpp/xml";
import type { PushRecord } from "./target.ts";
import { parseRawXml } from "./scenario/raw-xml.ts";

const REPARSE_LIMITS = { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 1000 };

/**
 * A copy of s as one flat string. The serializer builds its output by concatenation (a tree of
 * pieces in V8); kept as is, each push would hold several KB of pieces.
 */
export function flatCopy(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

class StoredPush implements PushRecord {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly xml: string;

  constructor(
    readonly t: number,
    el: Element,
    readonly node: string | undefined,
  ) {
    this.id = el.attrs.id ?? "";
    this.from = el.attrs.from ?? "";
    this.to = el.attrs.to ?? "";
    this.xml = flatCopy(el.toString());
  }

  /** A fresh element for each caller (parsed from the stored text, linear in its size). */
  get el(): Element {
    return parseRawXml(this.xml, REPARSE_LIMITS);
  }
}

export function storedPush(t: number, el: Element, node: string | undefined): PushRecord {
  return new StoredPush(t, el, node);
}
