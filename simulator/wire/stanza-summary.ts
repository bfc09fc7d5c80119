// One-line summaries of stanzas for trace events.
import type { Element } from "@xmpp/xml";

export function summarize(el: Element): string {
  const a = el.attrs;
  const parts = [el.name];
  if (a.type) parts.push(a.type);
  if (a.to) parts.push(`to ${a.to}`);
  if (a.from) parts.push(`from ${a.from}`);
  const child = el.getChildElements()[0];
  if (child) parts.push(`<${child.name}${child.attrs.xmlns ? ` ${child.attrs.xmlns}` : ""}>`);
  return parts.join(" ");
}
