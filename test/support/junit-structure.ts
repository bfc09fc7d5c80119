// A structural check of JUnit XML against the common JUnit schema (the Jenkins/Ant junit XSD):
// a strict little XML parser (well-formedness) plus the element/attribute rules and count
// consistency CI servers rely on. Returns a list of problems; empty means valid.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string; // concatenated character data of this element (not descendants)
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string, where: string): string {
  return s.replace(/&([^;]*);/g, (_, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const v = ENTITIES[e];
    if (v === undefined) throw new Error(`unknown entity &${e}; in ${where}`);
    return v;
  });
}

/** Parses a document; throws on anything not well-formed (for what JUnit files use). */
export function parseXml(xml: string): XmlElement {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)) throw new Error("control character not allowed in XML 1.0");
  let pos = 0;
  const rest = () => xml.slice(pos);
  const skipMisc = () => {
    for (;;) {
      const m = /^(\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)/.exec(rest());
      if (!m) return;
      pos += m[0].length;
    }
  };
  const parseElement = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.:-]*)/.exec(rest());
    if (!open) throw new Error(`element expected at ${pos}`);
    pos += open[0].length;
    const el: XmlElement = { name: open[1]!, attrs: {}, children: [], text: "" };
    for (;;) {
      const a = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(rest());
      if (!a) break;
      if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]} on <${el.name}>`);
      el.attrs[a[1]!] = decode(a[3] ?? a[4] ?? "", `<${el.name}>`);
      pos += a[0].length;
    }
    const end = /^\s*(\/?)>/.exec(rest());
    if (!end) throw new Error(`malformed start tag <${el.name}> at ${pos}`);
    pos += end[0].length;
    if (end[1] === "/") return el;
    for (;;) {
      const text = /^[^<]+/.exec(rest());
      if (text) {
        if (text[0].includes("]]>")) throw new Error("']]>' not allowed in text");
        el.text += decode(text[0], `<${el.name}>`);
        pos += text[0].length;
        continue;
      }
      const cdata = /^<!\[CDATA\[([\s\S]*?)\]\]>/.exec(rest());
      if (cdata) { el.text += cdata[1]; pos += cdata[0].length; continue; }
      const comment = /^<!--[\s\S]*?-->/.exec(rest());
      if (comment) { pos += comment[0].length; continue; }
      const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(rest());
      if (close) {
        if (close[1] !== el.name) throw new Error(`</${close[1]}> closes <${el.name}>`);
        pos += close[0].length;
        return el;
      }
      if (pos >= xml.length) throw new Error(`<${el.name}> not closed`);
      el.children.push(parseElement());
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (pos !== xml.length) throw new Error(`content after the root element at ${pos}`);
  return root;
}

const isCount = (v: string | undefined) => v !== undefined && /^\d+$/.test(v);
const isTime = (v: string | undefined) => v !== undefined && /^\d+(\.\d+)?$/.test(v);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/; // the XSD's ISO8601 pattern, no zone

export function validateJunitStructure(xml: string): string[] {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    return [`not well-formed: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  const need = (el: XmlElement, where: string, names: string[], check: (v: string | undefined) => boolean = (v) => v !== undefined) => {
    for (const n of names) if (!check(el.attrs[n])) problems.push(`${where}: attribute ${n} missing or invalid (${el.attrs[n]})`);
  };
  if (root.name !== "testsuites") return [`root is <${root.name}>, expected <testsuites>`];
  need(root, "testsuites", ["tests", "failures", "errors", "skipped"], isCount);
  need(root, "testsuites", ["time"], isTime);
  const sums = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const suite of root.children) {
    if (suite.name !== "testsuite") { problems.push(`testsuites: unexpected <${suite.name}>`); continue; }
    const where = `testsuite ${suite.attrs.name}`;
    need(suite, where, ["name"]);
    need(suite, where, ["tests", "failures", "errors", "skipped"], isCount);
    need(suite, where, ["time"], isTime);
    if (suite.attrs.timestamp !== undefined && !TIMESTAMP.test(suite.attrs.timestamp)) problems.push(`${where}: timestamp ${suite.attrs.timestamp} is not the XSD's ISO 8601 form`);
    const counted = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    let seenCase = false;
    for (const child of suite.children) {
      if (child.name === "properties") {
        if (seenCase) problems.push(`${where}: <properties> must come before the testcases`);
        for (const p of child.children) {
          if (p.name !== "property") problems.push(`${where}: unexpected <${p.name}> in <properties>`);
          else need(p, `${where} property`, ["name", "value"]);
        }
        continue;
      }
      if (child.name === "system-out" || child.name === "system-err") continue;
      if (child.name !== "testcase") { problems.push(`${where}: unexpected <${child.name}>`); continue; }
      seenCase = true;
      const cw = `${where} testcase ${child.attrs.name}`;
      need(child, cw, ["name", "classname"]);
      need(child, cw, ["time"], isTime);
      if (child.attrs.line !== undefined && !/^[1-9]\d*$/.test(child.attrs.line)) problems.push(`${cw}: line=${child.attrs.line} is not a line number`);
      counted.tests++;
      const outcomes = child.children.filter((c) => ["failure", "error", "skipped"].includes(c.name));
      if (outcomes.length > 1) problems.push(`${cw}: more than one of failure/error/skipped`);
      for (const [i, c] of child.children.entries()) {
        // Testcase properties (the JUnit XML format as Jenkins, GitLab and the common readers take it) come first.
        if (c.name === "properties") {
          if (i !== 0) problems.push(`${cw}: <properties> must come first`);
          for (const p of c.children) {
            if (p.name !== "property") problems.push(`${cw}: unexpected <${p.name}> in <properties>`);
            else need(p, `${cw} property`, ["name", "value"]);
          }
          continue;
        }
        if (!["failure", "error", "skipped", "system-out", "system-err"].includes(c.name)) problems.push(`${cw}: unexpected <${c.name}>`);
        if (c.name === "failure" || c.name === "error") need(c, `${cw} ${c.name}`, ["message", "type"]);
        if (c.name === "failure") counted.failures++;
        if (c.name === "error") counted.errors++;
        if (c.name === "skipped") counted.skipped++;
      }
    }
    for (const k of Object.keys(counted) as (keyof typeof counted)[]) {
      if (Number(suite.attrs[k]) !== counted[k]) problems.push(`${where}: ${k}=${suite.attrs[k]} but counted ${counted[k]}`);
      sums[k] += counted[k];
    }
  }
  for (const k of Object.keys(sums) as (keyof typeof sums)[]) {
    if (Number(root.attrs[k]) !== sums[k]) problems.push(`testsuites: ${k}=${root.attrs[k]} but the suites hold ${sums[k]}`);
  }
  return problems;
}
