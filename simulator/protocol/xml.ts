// XML text → one element, with @xmpp/xml's parser used directly (never the engine's: the checks
// must not share the code they judge). Returns null unless the text is exactly one complete,
// well-formed element.
import { Parser, type Element } from "@xmpp/xml";

export function parseXml(text: string): Element | null {
  try {
    const p = new Parser();
    let root: Element | null = null;
    let closed = false;
    let failed = false;
    p.on("start", (el: Element) => (root = el));
    p.on("element", (el: Element) => root?.append(el));
    p.on("end", () => (closed = true));
    p.on("error", () => (failed = true));
    p.write(text);
    p.end();
    return failed || !closed ? null : root;
  } catch {
    return null;
  }
}
