// XML text → element, never throwing (stored forms and scenario payloads come back through here).
// Returns null unless the text is exactly one complete, well-formed element.
import { Parser, type Element } from "@xmpp/xml";

export function parseXml(text: string): Element | null {
  try {
    const p = new Parser();
    let root: Element | null = null;
    let closed = false;
    let failed = false;
    p.on("start", (el) => (root = el));
    p.on("element", (el) => root?.append(el));
    p.on("end", () => (closed = true));
    p.on("error", () => (failed = true));
    p.write(text);
    p.end();
    return failed || !closed ? null : root;
  } catch {
    return null;
  }
}

/** A deep copy of an element (ltx elements have no clone method of their own). */
export function cloneElement(el: Element): Element {
  const copy = new (el.constructor as new (name: string, attrs: Record<string, string | undefined>) => Element)(el.name, { ...el.attrs });
  for (const c of el.children) copy.append(typeof c === "string" ? c : cloneElement(c));
  return copy;
}
