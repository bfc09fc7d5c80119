// HTML escaping for the statically rendered parts of the page.
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Tagged template: interpolated values are escaped unless wrapped with raw(). */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new Raw(html);

type Value = string | number | Raw | undefined | null | false | Value[];

function show(v: Value): string {
  if (v === undefined || v === null || v === false) return "";
  if (v instanceof Raw) return v.html;
  if (Array.isArray(v)) return v.map(show).join("");
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => (out += show(v) + strings[i + 1]!));
  return new Raw(out);
}
