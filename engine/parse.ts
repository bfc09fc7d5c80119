// XML text → element, never throwing (stored forms and scenario payloads come back through here).
// Returns null unless the text is exactly one complete, well-formed element.
import { Parser, type Element } from "@xmpp/xml";

export function parseXml(text: string): Element | null {
  try {
    const p = new Parser();
    let root: Element | null = null;
    let closed = false;
    p.on("start", (el) => (root = el));
    // A child after the root closed is a second root: not one element (root is dropped).
    p.on("element", (el) => (closed ? (root = null) : root!.append(el)));
    p.on("end", () => (closed = true));
    // No "error" listener: the parser's error event then throws (EventEmitter), caught below.
    p.write(text);
    p.end();
    return closed ? root : null;
  } catch {
    return null;
  }
}

