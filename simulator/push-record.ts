// A push as the fake app servers keep it: the stanza's text, and its element parsed again when a
// check asks for it. A `count: 100000` scenario keeps 100,000 pushes; as live element trees plus
// the serializer's string pieces they took ~7.7 KB each (770 MB); as text, shared between pushes
// that differ only in their id, ~0.1 KB.
import { escapeXML, type Element } from "@xmpp/xml";
import type { PushRecord } from "./target.ts";
import { parseRawXml } from "./scenario/raw-xml.ts";

const REPARSE_LIMITS = { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 1000, maxElements: Number.MAX_SAFE_INTEGER };

/**
 * A copy of s as one flat string. The serializer builds its output by concatenation (a tree of
 * pieces in V8); kept as is, each push would hold several KB of pieces.
 */
export function flatCopy(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

const ID_SLOT = "\u0000"; // cannot occur in XML text, so it marks the id's place unambiguously

/**
 * Pushes of a flood differ only in their id: they share one text with the id's place marked,
 * and each record keeps just its id (~450 bytes → ~40 per push). Any other push keeps its own.
 */
let lastTemplate = "";

function idAttr(id: string): string {
  return ` id="${escapeXML(id)}"`;
}

class StoredPush implements PushRecord {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  private readonly text: string; // the xml, or the shared template when templated
  private readonly templated: boolean;

  constructor(
    readonly t: number,
    el: Element,
    readonly node: string | undefined,
  ) {
    this.id = el.attrs.id ?? "";
    this.from = el.attrs.from ?? "";
    this.to = el.attrs.to ?? "";
    const xml = el.toString();
    const attr = idAttr(this.id);
    const at = this.id ? xml.indexOf(attr) : -1;
    const template = at < 0 ? undefined : `${xml.slice(0, at)}${idAttr(ID_SLOT)}${xml.slice(at + attr.length)}`;
    if (template !== undefined && template === lastTemplate) {
      this.text = lastTemplate;
      this.templated = true;
    } else if (template !== undefined) {
      this.text = lastTemplate = flatCopy(template);
      this.templated = true;
    } else {
      this.text = flatCopy(xml);
      this.templated = false;
    }
  }

  get xml(): string {
    return this.templated ? this.text.replace(idAttr(ID_SLOT), idAttr(this.id)) : this.text;
  }

  /** A fresh element for each caller (parsed from the stored text, linear in its size). */
  get el(): Element {
    return parseRawXml(this.xml, REPARSE_LIMITS);
  }
}

export function storedPush(t: number, el: Element, node: string | undefined): PushRecord {
  return new StoredPush(t, el, node);
}
