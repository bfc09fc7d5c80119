// Just enough JID handling for the engine: split, compare, and a validity check (RFC 7622 limits,
// without full stringprep: we reject what is certainly invalid, never rewrite what is given).
export interface Jid {
  local: string;
  domain: string;
  resource: string;
}

const MAX_PART = 1023;
// Characters RFC 7622 forbids in a localpart, plus whitespace and controls anywhere.
const BAD_LOCAL = /["&'/:<>@\s\u0000-\u001f\u007f]/;
const BAD_DOMAIN = /[@/\s\u0000-\u001f\u007f"&'<>]/;
const BAD_RESOURCE = /[\u0000-\u001f\u007f]/;

export function parseJid(s: string): Jid | null {
  if (s.length > 3 * MAX_PART + 2) return null; // cheap reject before the part checks
  const slash = s.indexOf("/");
  const bare = slash < 0 ? s : s.slice(0, slash);
  const resource = slash < 0 ? "" : s.slice(slash + 1);
  const at = bare.indexOf("@");
  const local = bare.slice(0, Math.max(at, 0));
  const domain = bare.slice(at + 1);
  if (at === 0) return null; // "@domain": empty localpart
  if (slash >= 0 && resource.length === 0) return null; // "a@b/": empty resource
  if (domain.length === 0 || domain.length > MAX_PART || BAD_DOMAIN.test(domain)) return null;
  if (domain.startsWith(".") || domain.endsWith(".") || domain.includes("..")) return null;
  if (local.length > MAX_PART || BAD_LOCAL.test(local)) return null;
  if (resource.length > MAX_PART || BAD_RESOURCE.test(resource)) return null;
  return { local, domain: domain.toLowerCase(), resource };
}

export function bareOf(j: Jid): string {
  return j.local ? `${j.local.toLowerCase()}@${j.domain}` : j.domain;
}

export function fullOf(j: Jid): string {
  return j.resource ? `${bareOf(j)}/${j.resource}` : bareOf(j);
}

/** Same full JID (resource compared exactly)? */
export function sameFull(a: string, b: string): boolean {
  const ja = parseJid(a);
  const jb = parseJid(b);
  return !!ja && !!jb && fullOf(ja) === fullOf(jb);
}
