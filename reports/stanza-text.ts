// Turning the raw text of findings and evidence into something a person reads: the push listings
// the checks write ("25:\n+31ms node=n1 <iq …>" one push a line) become one summary line per push
// (node and form fields), stanzas are pretty-printed, and long values are cut with a count of what
// was left out. Shared by the console, JUnit and HTML reports; works on text only (a report may
// come from another machine), so anything it does not recognise is passed through unchanged.
import { prettyXml } from "./xml.ts";

export interface ListedPush {
  /** Milliseconds after the step began; negative only if the source text said so. */
  offsetMs?: number;
  node?: string;
  xml: string;
}

export interface PushListing {
  /** The line before the pushes: "25" (push-count) or "1 push(es) to push in 2.003s" (evidence). */
  head: string;
  /** How many pushes arrived, as the check counted them (not how many lines were kept). */
  count: number;
  pushes: ListedPush[];
}

const LISTING_HEAD = /^(\d+)(?:\s+push\(es\)[^\n]*)?:?$/;
/** How the report's size cap (simulator/result-cap.ts) ends a text it cut. */
const CUT_BY_CAP = /… \(\d+ more characters not kept\)$/;
const PUSH_LINE = /^\+(-?[\d.]+)(ms|s|m|h) node=(\S+) (<[\s\S]*)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Reads a push listing; undefined when the text is something else. */
export function parsePushListing(text: string | undefined): PushListing | undefined {
  if (text === undefined) return undefined;
  const lines = text.split("\n");
  const head = LISTING_HEAD.exec(lines[0]!.trim());
  if (!head) return undefined;
  const pushes: ListedPush[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === "") continue;
    // A push cut in half by the report's size cap is not summarised as a push of another kind
    // (its missing fields would read as absent); the count still says how many arrived.
    if (CUT_BY_CAP.test(line.trim())) break;
    const m = PUSH_LINE.exec(line.trim());
    if (!m) return undefined;
    pushes.push({ offsetMs: Number(m[1]) * UNIT_MS[m[2]!]!, ...(m[3] !== "-" && { node: m[3] }), xml: m[4]! });
  }
  return { head: lines[0]!.trim().replace(/:$/, ""), count: Number(head[1]), pushes };
}

/** "+31 ms", "+2.003 s"; an offset before the step began is said in words, never "+-1500ms". */
export function formatOffset(ms: number): string {
  const abs = Math.abs(ms);
  const text = abs < 1000 ? `${Math.round(abs)} ms` : abs < 120_000 ? `${+(abs / 1000).toFixed(3)} s` : `${+(abs / 60_000).toFixed(2)} min`;
  return ms < 0 ? `${text} before the step` : `+${text}`;
}

function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!);
}

/** The data-form fields of a push (XEP-0357 summary form), FORM_TYPE left out: [var, value]. */
export function pushFormFields(xml: string): [string, string][] {
  const fields: [string, string][] = [];
  const field = /<field\b([^>]*?)(?:\/>|>([\s\S]*?)<\/field>)/g;
  for (const m of xml.matchAll(field)) {
    const name = /\bvar=(?:"([^"]*)"|'([^']*)')/.exec(m[1]!);
    const v = name ? decodeXml(name[1] ?? name[2] ?? "") : undefined;
    if (!v || v === "FORM_TYPE") continue;
    const value = /<value>([\s\S]*?)<\/value>/.exec(m[2] ?? "");
    fields.push([v, value ? decodeXml(value[1]!) : ""]);
  }
  return fields;
}

/** One line per push: offset, node and the form fields ("+31 ms node=n1 message-count=1 …"). */
export function pushSummary(p: ListedPush, opts: { maxValue?: number; offset?: boolean; node?: boolean } = {}): string {
  const { maxValue = 40, offset = true, node = true } = opts;
  const fields = pushFormFields(p.xml).map(([k, v]) => `${k}=${JSON.stringify(clipWidth(v, maxValue))}`);
  const parts = [offset && p.offsetMs !== undefined ? formatOffset(p.offsetMs) : undefined, node ? `node=${p.node ?? "-"}` : undefined, fields.length ? fields.join(" ") : "(no summary form)"];
  return parts.filter(Boolean).join(" ");
}

/** Cuts a line at `width` characters, saying so. */
export function clipWidth(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, Math.max(1, width - 1))}…` : line;
}

/** Keeps the first `max` lines and says how many were left out. */
export function clipLines(text: string, max: number, what = "lines"): string {
  const lines = text.split("\n");
  return lines.length > max ? [...lines.slice(0, max), `… (${lines.length - max} more ${what})`].join("\n") : text;
}

const looksLikeXml = (s: string) => /^<[A-Za-z?!]/.test(s.trim()) && s.trim().endsWith(">");

/**
 * Every line that holds a stanza of more than one element (a whole push on one line) is
 * pretty-printed in place, keeping the line's indentation; every other line is kept as it is.
 */
export function prettyStanzas(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      if (!looksLikeXml(line) || !line.includes("><")) return line;
      const pad = /^\s*/.exec(line)![0];
      return prettyXml(line.trim()).split("\n").map((l) => pad + l).join("\n");
    })
    .join("\n");
}

export interface ReadableOptions {
  /** Pushes listed one a line before "… and N more pushes". */
  maxPushes?: number;
  /** Lines kept of any other value (after pretty-printing). */
  maxLines?: number;
  /** Characters kept per line. */
  width?: number;
}

/**
 * A finding's or evidence's value made readable: a push listing becomes its true count and one
 * summary line per push; anything else has its stanzas pretty-printed and is cut to size.
 */
export function readableValue(text: string, opts: ReadableOptions = {}): string {
  const { maxPushes = 5, maxLines = 16, width = 160 } = opts;
  const listing = parsePushListing(text);
  if (listing && listing.pushes.length > 0) {
    const groups = groupPushes(listing.pushes);
    const shown = groups.slice(0, maxPushes).map((g) => clipWidth(groupLine(g), width));
    const left = listing.count - groups.slice(0, maxPushes).reduce((n, g) => n + g.length, 0);
    const head = `${listing.count} push${listing.count === 1 ? "" : "es"}${/push\(es\)/.test(listing.head) ? listing.head.replace(/^\d+\s+push\(es\)/, "") : " in the window"}`;
    return [head + ":", ...shown.map((s) => `  ${s}`), ...(left > 0 ? [`  … and ${left} more push${left === 1 ? "" : "es"}`] : [])].join("\n");
  }
  return clipLines(prettyStanzas(text).split("\n").map((l) => clipWidth(l, width)).join("\n"), maxLines);
}

/** Consecutive pushes with the same node and fields, so a flood reads as "25× …", not 25 lines. */
function groupPushes(pushes: ListedPush[]): ListedPush[][] {
  const groups: ListedPush[][] = [];
  for (const p of pushes) {
    const last = groups.at(-1);
    if (last && pushSummary(last[0]!, { offset: false }) === pushSummary(p, { offset: false })) last.push(p);
    else groups.push([p]);
  }
  return groups;
}

function groupLine(g: ListedPush[]): string {
  if (g.length === 1) return pushSummary(g[0]!);
  const first = g[0]!.offsetMs;
  const last = g.at(-1)!.offsetMs;
  const when = first === undefined ? "" : first === last ? `${formatOffset(first)} ` : `${formatOffset(first)} to ${formatOffset(last!).replace(/^\+/, "")} `;
  return `${when}${g.length}× ${pushSummary(g[0]!, { offset: false })}`;
}

/**
 * A push-content finding's actual value is "field: value" lines, a blank line, then the stanza.
 * Returns the two parts, or undefined for any other shape.
 */
export function splitFieldDiff(actual: string | undefined): { fields: string[]; stanza: string } | undefined {
  if (actual === undefined) return undefined;
  const cut = actual.indexOf("\n\n");
  if (cut < 0) return undefined;
  const stanza = actual.slice(cut + 2).trim();
  if (!looksLikeXml(stanza)) return undefined;
  return { fields: actual.slice(0, cut).split("\n").filter(Boolean), stanza };
}

/** "what: value" lines of expected and actual, paired by "what": "body: expected "x", got "y"". */
export function pairFieldDiff(expected: string | undefined, actualFields: string[]): string[] {
  const split = (l: string) => {
    const i = l.indexOf(": ");
    return i < 0 ? [l, ""] : [l.slice(0, i), l.slice(i + 2)];
  };
  const want = new Map((expected ?? "").split("\n").filter(Boolean).map((l) => split(l) as [string, string]));
  return actualFields.map((l) => {
    const [what, got] = split(l) as [string, string];
    return want.has(what) ? `${what}: expected ${want.get(what)}, got ${got}` : l;
  });
}
