// XML text → element, never throwing (stored forms and scenario payloads come back through here).
// Returns null unless the text is exactly one complete, well-formed element.
//
// Bounded: input over MAX_STANZA_BYTES is refused before parsing (servers refuse such stanzas
// too: Prosody's default c2s_stanza_size_limit is 256 KiB), and the text goes to the parser in
// chunks. The parser (ltx, under @xmpp/xml) rescans the rest of its input at every character
// when a '<' or a closing quote never comes (a truncated document): quadratic in one write
// (~0.8 MB took 2 s), bounded by the chunk size when written in pieces.
import { Parser, type Element } from "@xmpp/xml";

/** Largest XML text (and stanza) the engine takes, in bytes. */
export const MAX_STANZA_BYTES = 256 * 1024;
/** Most elements and attributes in one parsed text: each costs; a form needs a few dozen. */
export const MAX_ELEMENTS = 10_000;
const CHUNK = 4096;

export function parseXml(text: string, maxBytes = MAX_STANZA_BYTES): Element | null {
  if (typeof text !== "string" || text.length > maxBytes || Buffer.byteLength(text) > maxBytes) return null;
  if (tagCount(text, MAX_ELEMENTS) > MAX_ELEMENTS) return null;
  try {
    const p = new Parser();
    let root: Element | null = null;
    let closed = false;
    p.on("start", (el) => (root = el));
    // A child after the root closed is a second root: not one element (root is dropped).
    p.on("element", (el) => (closed ? (root = null) : root!.append(el)));
    p.on("end", () => (closed = true));
    // No "error" listener: the parser's error event then throws (EventEmitter) out of write() or
    // end(), which stops the writing and is caught below. ltx works on JS strings, so a chunk may
    // end inside a surrogate pair (test/engine/parse-bounds.test.ts cuts one at every place).
    for (let i = 0; i < text.length; i += CHUNK) p.write(text.slice(i, i + CHUNK));
    p.end();
    return closed ? root : null;
  } catch {
    return null;
  }
}

/** '<' and '=' characters in text, counting stops past max (an upper bound of elements + attributes). */
function tagCount(text: string, max: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n <= max; i++) {
    const c = text.charCodeAt(i);
    if (c === 60 /* < */ || c === 61 /* = */) n++;
  }
  return n;
}

/**
 * Whether the element's XML would be longer than maxBytes: its length as written out with no
 * character escaped, a lower bound of its UTF-8 size. Stops counting once over: linear in at
 * most maxBytes, never serializes.
 */
export function exceedsSize(el: Element, maxBytes = MAX_STANZA_BYTES): boolean {
  let size = 0;
  const stack: (Element | string)[] = [el];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (typeof n === "string") size += n.length;
    else {
      size += n.children.length === 0 ? n.name.length + 3 : 2 * n.name.length + 5; // <a/> or <a></a>
      // An attribute without a value is not written out (ltx skips it).
      for (const [k, v] of Object.entries(n.attrs)) if (v !== undefined && v !== null) size += k.length + String(v).length + 4;
      for (const c of n.children) stack.push(c as Element | string);
    }
    if (size > maxBytes) return true;
  }
  return false;
}

/** A deep copy of an element (ltx elements have no clone method of their own). */
export function cloneElement(el: Element): Element {
  const copy = new (el.constructor as new (name: string, attrs: Record<string, string | undefined>) => Element)(el.name, { ...el.attrs });
  for (const c of el.children) copy.append(typeof c === "string" ? c : cloneElement(c));
  return copy;
}
