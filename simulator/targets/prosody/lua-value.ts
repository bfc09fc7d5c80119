// Renders JS values as Lua literals for the generated Prosody config.

export function luaString(s: string): string {
  // Lua escapes: backslash, quote, and control characters as decimal escapes.
  return '"' + s.replace(/[\\"\x00-\x1f\x7f]/g, (c) => (c === "\\" || c === '"' ? "\\" + c : "\\" + c.charCodeAt(0).toString().padStart(3, "0"))) + '"';
}

export function luaValue(v: boolean | number | string | string[]): string {
  if (Array.isArray(v)) return "{ " + v.map(luaString).join(", ") + " }";
  if (typeof v === "string") return luaString(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  return v ? "true" : "false";
}
