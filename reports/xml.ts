// XML text helpers shared by the JUnit writer and the HTML report: escaping and pretty-printing.

// Characters XML 1.0 forbids anywhere (even escaped): C0 controls except tab/LF/CR, lone
// surrogates, U+FFFE/U+FFFF. Stanzas or error messages can carry them; a JUnit file with one is unreadable.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXmlChars(s: string): string {
  return s.replace(INVALID_XML_CHARS, "\uFFFD");
}

export function escapeXmlText(s: string): string {
  return stripInvalidXmlChars(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** For attribute values in double quotes; newlines and tabs survive attribute normalisation. */
export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

// A tag may hold ">" inside a quoted attribute value, hence the alternation.
const XML_TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(?:[^>"']|"[^"]*"|'[^']*')+>|[^<]+|</g;

type Token = { kind: "open" | "close" | "empty" | "other" | "text"; text: string };

function tokenize(xml: string): Token[] {
  const tokens: Token[] = [];
  for (const m of xml.matchAll(XML_TOKEN)) {
    const t = m[0];
    if (!t.startsWith("<")) tokens.push({ kind: "text", text: t });
    else if (t.startsWith("</")) tokens.push({ kind: "close", text: t });
    else if (t.startsWith("<!") || t.startsWith("<?") || t === "<") tokens.push({ kind: "other", text: t });
    else if (t.endsWith("/>")) tokens.push({ kind: "empty", text: t });
    else tokens.push({ kind: "open", text: t });
  }
  return tokens;
}

/**
 * Indents a stanza for reading: one element per line, text-only elements kept on one line, and an
 * element whose one child is text-only too (a form field with its value) on one line with it.
 * Not a validating parser: input it cannot balance (a close without an open) comes back unchanged,
 * while an unclosed element (a stream header) is fine.
 */
export function prettyXml(xml: string, indent = "  "): string {
  const tokens = tokenize(xml.trim()).filter((t) => !(t.kind === "text" && t.text.trim() === ""));
  const lines: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const pad = indent.repeat(depth);
    if (tok.kind === "open") {
      const next = tokens[i + 1];
      const after = tokens[i + 2];
      const t3 = tokens[i + 3];
      const t4 = tokens[i + 4];
      if (next?.kind === "open" && after?.kind === "text" && t3?.kind === "close" && t4?.kind === "close") {
        lines.push(pad + tok.text + next.text + after.text.trim() + t3.text + t4.text);
        i += 4;
      } else if (next?.kind === "open" && after?.kind === "close" && t3?.kind === "close") {
        lines.push(pad + tok.text + next.text + after.text + t3.text);
        i += 3;
      } else if (next?.kind === "close") {
        lines.push(pad + tok.text + next.text);
        i += 1;
      } else if (next?.kind === "text" && after?.kind === "close") {
        lines.push(pad + tok.text + next.text.trim() + after.text);
        i += 2;
      } else {
        lines.push(pad + tok.text);
        depth++;
      }
    } else if (tok.kind === "close") {
      if (depth === 0) return xml;
      depth--;
      lines.push(indent.repeat(depth) + tok.text);
    } else {
      lines.push(pad + tok.text.trim());
    }
  }
  return lines.join("\n");
}
