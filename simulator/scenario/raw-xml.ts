// The harness's own parser for raw XML in scenarios (`stanza:` xml, `send:` payload): linear in
// its input, with a size limit checked before parsing and a depth limit, so no scenario text can
// block the event loop. It accepts XMPP's restricted XML (RFC 6120 §11.1): elements, attributes,
// text, CDATA, the five predefined entities and character references — no comments, processing
// instructions or DTDs. It builds @xmpp/xml elements, which the personas send as they are.
//
// Why not @xmpp/xml's own Parser: its tokenizer (ltx 3.1) skips ahead with indexOf and, when the
// '<' or closing quote it looks for never comes (a truncated stanza), rescans the rest of the
// input at every character — quadratic: 1 MB took 3.5 s, 3 MB 45 s, all on the event loop.
import { Element } from "@xmpp/xml";

/** Prosody's default c2s_stanza_size_limit: what a real server would accept at most. */
export const DEFAULT_MAX_STANZA_BYTES = 256 * 1024;
/** Real stanzas nest a dozen levels; much deeper would overflow recursive serializers. */
export const DEFAULT_MAX_DEPTH = 100;
/** Elements and attributes per stanza: each costs an object or a key; 256 KiB of `<b/>` would be 65,000. */
export const DEFAULT_MAX_ELEMENTS = 10_000;

export interface RawXmlLimits {
  maxBytes?: number;
  maxDepth?: number;
  maxElements?: number;
}

/** Where the XML is wrong: offset (0-based, in characters) and line/column (1-based) in the text. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly col: number,
  ) {
    super(`${reason} (line ${line}, column ${col} of the XML)`);
    this.name = "XmlSyntaxError";
  }
}

/** The stanza limit in force: PUSHLAB_MAX_STANZA_BYTES overrides the default. */
export function maxStanzaBytes(): number {
  const n = Number(process.env.PUSHLAB_MAX_STANZA_BYTES);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_STANZA_BYTES;
}

/** Exactly one element (surrounding whitespace allowed). Throws XmlSyntaxError. */
export function parseRawXml(text: string, limits: RawXmlLimits = {}): Element {
  return new RawXmlParser(text, limits).document();
}

/** Zero or more elements and text (e.g. a payload of children). Throws XmlSyntaxError. */
export function parseRawFragment(text: string, limits: RawXmlLimits = {}): (Element | string)[] {
  return new RawXmlParser(text, limits).fragment();
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
// XML 1.0 §2.2: characters that may not appear at all (other C0 controls, lone surrogates, U+FFFE/F).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME_END = new Set([" ", "\t", "\r", "\n", "/", ">"]);
const BAD_IN_NAME = /[<>"'=&!?/\s]/;

class RawXmlParser {
  private i = 0;
  private readonly stack: Element[] = [];
  private readonly maxDepth: number;
  private readonly maxElements: number;
  private elements = 0;

  constructor(
    private readonly s: string,
    limits: RawXmlLimits,
  ) {
    const maxBytes = limits.maxBytes ?? maxStanzaBytes();
    this.maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
    // Checked before anything else looks at the text (a cheap upper bound first).
    const size = s.length > maxBytes ? s.length : Buffer.byteLength(s, "utf8"); // characters ≤ bytes
    if (size > maxBytes) {
      throw new XmlSyntaxError(`${s.length > maxBytes ? `${size} characters` : `${size} bytes`}, over the limit of ${maxBytes} bytes per stanza (PUSHLAB_MAX_STANZA_BYTES)`, 0, 1, 1);
    }
    const bad = FORBIDDEN_CHAR.exec(s);
    if (bad) this.fail(`character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} is not allowed in XML`, bad.index);
  }

  document(): Element {
    const top = this.content(null);
    const roots = top.filter((c): c is Element => typeof c !== "string");
    const text = top.filter((c): c is string => typeof c === "string").join("");
    if (roots.length === 0) this.fail("no element", this.s.length);
    if (text.trim() !== "") this.fail("text outside the element", this.s.search(/\S/));
    if (roots.length > 1) this.fail("more than one top-level element", this.s.length);
    return roots[0]!;
  }

  fragment(): (Element | string)[] {
    return this.content(null);
  }

  /** Children until the end of the input (top level) or until the end tag of `open`. */
  private content(open: Element | null): (Element | string)[] {
    const out: (Element | string)[] = [];
    for (;;) {
      const lt = this.s.indexOf("<", this.i);
      const textEnd = lt === -1 ? this.s.length : lt;
      if (textEnd > this.i) {
        const text = this.decode(this.s.slice(this.i, textEnd), this.i);
        if (open) open.t(text);
        else out.push(text);
      }
      this.i = textEnd;
      if (lt === -1) {
        if (this.stack.length > 0) this.fail(`unexpected end of the XML: <${this.stack[this.stack.length - 1]!.name}> is not closed`, this.s.length);
        return out;
      }
      if (this.s.startsWith("</", lt)) {
        this.endTag(open);
        return out;
      }
      const child = this.markup();
      if (child === null) continue; // CDATA went into `open`/`out` already
      if (open) open.append(child);
      else out.push(child);
    }
  }

  /** At '<' (not '</'): an element (returned) or CDATA (appended to the current parent, null returned). */
  private markup(): Element | null {
    const at = this.i;
    const s = this.s;
    if (s.startsWith("<![CDATA[", at)) {
      const end = s.indexOf("]]>", at + 9);
      if (end === -1) this.fail("unterminated CDATA section (no ']]>')", at);
      const text = s.slice(at + 9, end);
      const parent = this.stack[this.stack.length - 1];
      if (parent) parent.t(text);
      else if (text.trim() !== "") this.fail("CDATA outside the element", at);
      this.i = end + 3;
      return null;
    }
    if (s.startsWith("<!--", at)) this.fail("comments are not allowed in XMPP (RFC 6120 §11.1)", at);
    if (s.startsWith("<!", at)) this.fail("DTDs are not allowed in XMPP (RFC 6120 §11.1)", at);
    if (s.startsWith("<?", at)) this.fail("processing instructions are not allowed in XMPP (RFC 6120 §11.1)", at);
    return this.element();
  }

  private element(): Element {
    const s = this.s;
    const start = this.i;
    if (++this.elements > this.maxElements) this.fail(`more than ${this.maxElements} elements and attributes`, start);
    let j = start + 1;
    while (j < s.length && !NAME_END.has(s[j]!)) j++;
    const name = this.name(s.slice(start + 1, j), start + 1, "element");
    const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
    const attrs: Record<string, string> = {};
    for (;;) {
      j = this.skipSpace(j);
      if (j >= s.length) this.fail(`unexpected end of the XML inside <${shown} …>`, start);
      const c = s[j]!;
      if (c === ">" || (c === "/" && s[j + 1] === ">")) {
        const el = new Element(name, attrs);
        if (c === ">") {
          if (this.stack.length >= this.maxDepth) this.fail(`elements nested deeper than ${this.maxDepth} levels`, start);
          this.stack.push(el);
          this.i = j + 1;
          this.content(el);
        } else {
          this.i = j + 2;
        }
        return el;
      }
      if (j > start && !/\s/.test(s[j - 1]!)) this.fail(`expected whitespace, '>' or '/>' in <${shown} …>`, j);
      const nameStart = j;
      while (j < s.length && s[j] !== "=" && !/[\s/>]/.test(s[j]!)) j++;
      const attr = this.name(s.slice(nameStart, j), nameStart, "attribute");
      j = this.skipSpace(j);
      if (s[j] !== "=") this.fail(`attribute ${attr} needs ="value"`, j);
      j = this.skipSpace(j + 1);
      const q = s[j];
      if (q !== '"' && q !== "'") this.fail(`attribute ${attr}: value must be in quotes`, j);
      const end = s.indexOf(q, j + 1);
      if (end === -1) this.fail(`unterminated value of attribute ${attr} (no closing ${q})`, j);
      const raw = s.slice(j + 1, end);
      const lt = raw.indexOf("<");
      if (lt !== -1) this.fail(`'<' in the value of attribute ${attr} (write &lt;)`, j + 1 + lt);
      if (Object.prototype.hasOwnProperty.call(attrs, attr)) this.fail(`attribute ${attr} given twice`, nameStart);
      if (++this.elements > this.maxElements) this.fail(`more than ${this.maxElements} elements and attributes`, nameStart);
      attrs[attr] = this.decode(raw, j + 1);
      j = end + 1;
    }
  }

  private endTag(open: Element | null): void {
    const at = this.i;
    const close = this.s.indexOf(">", at);
    if (close === -1) this.fail("unterminated end tag", at);
    const name = this.s.slice(at + 2, close).trim();
    if (!open) this.fail(`end tag </${name}> without a start tag`, at);
    if (name !== open.name) this.fail(`</${name}> where </${open.name}> was expected`, at);
    this.stack.pop();
    this.i = close + 1;
  }

  private name(n: string, at: number, what: string): string {
    if (n === "") this.fail(`${what} name missing`, at);
    const bad = BAD_IN_NAME.exec(n);
    if (bad) this.fail(`'${bad[0]}' in ${what} name '${n}'`, at + bad.index);
    return n;
  }

  private skipSpace(j: number): number {
    while (j < this.s.length && /\s/.test(this.s[j]!)) j++;
    return j;
  }

  /** Entity and character references → text (linear: each '&' is looked at once). */
  private decode(raw: string, offset: number): string {
    let amp = raw.indexOf("&");
    if (amp === -1) return raw;
    let out = "";
    let from = 0;
    while (amp !== -1) {
      const semi = raw.indexOf(";", amp);
      const ref = semi === -1 || semi - amp > 12 ? "" : raw.slice(amp + 1, semi);
      let ch: string | undefined;
      if (/^#x[0-9a-fA-F]{1,6}$/.test(ref)) ch = this.codePoint(parseInt(ref.slice(2), 16), offset + amp);
      else if (/^#[0-9]{1,7}$/.test(ref)) ch = this.codePoint(parseInt(ref.slice(1), 10), offset + amp);
      else ch = PREDEFINED[ref];
      if (ch === undefined) {
        this.fail(ref ? `undefined entity &${ref}; (XMPP allows only &amp; &lt; &gt; &quot; &apos; and &#…;)` : "'&' must be written &amp;", offset + amp);
      }
      out += raw.slice(from, amp) + ch;
      from = semi + 1;
      amp = raw.indexOf("&", from);
    }
    return out + raw.slice(from);
  }

  private codePoint(cp: number, at: number): string {
    const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) this.fail(`character reference to a character XML does not allow`, at);
    return String.fromCodePoint(cp);
  }

  private fail(reason: string, offset: number): never {
    if (reason.length > 300) reason = `${reason.slice(0, 300)}…`; // a hostile name stays in the message, cut
    const before = this.s.slice(0, offset);
    const line = before.split("\n").length;
    const col = offset - before.lastIndexOf("\n");
    throw new XmlSyntaxError(reason, offset, line, col);
  }
}

/**
 * For `validate` and the loader: what is wrong with a scenario's raw XML, or undefined. ${…}
 * variables are filled with a placeholder JID, as `run` would fill them with real ones.
 */
export function rawXmlProblem(text: string, kind: "element" | "fragment"): string | undefined {
  const filled = text.replace(/\$\{[a-z0-9._-]+\}/gi, "v@pushlab.invalid/r");
  try {
    if (kind === "element") parseRawXml(filled);
    else parseRawFragment(filled);
    return undefined;
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e.message;
    throw e;
  }
}
