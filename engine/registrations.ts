// Enable and disable (R-ENABLE, R-ENABLE-NOJID, R-ENABLE-SELF, R-ENABLE-JID, R-ENABLE-STOREFAIL,
// R-VETO-REG, R-DISABLE, R-MAXDEV, R-MAXDEV-ORDER, R-BIND-RESOURCE). Pure functions over the store.
import type { Element } from "@xmpp/xml";
import { parseJid, bareOf, fullOf, sameFull } from "./jid.ts";
import type { PushOptions } from "./options.ts";
import type { EngineHooks, SessionView } from "./ports.ts";
import { errorReply, resultReply } from "./replies.ts";
import type { Registration, RegistrationStore } from "./store.ts";
import { NS } from "./xmlns.ts";

export interface Outcome {
  reply: Element;
  /** Registrations that no longer exist after this request (replaced ones are not listed). */
  removed?: Registration[];
  added?: Registration;
}

export function registrationId(jid: string, node?: string): string {
  return `${jid}<${node ?? ""}`;
}

function dataForm(el: Element): Element | undefined {
  return el.getChildElements().find((c) => c.name === "x" && c.attrs.xmlns === NS.data);
}

/** Orders registrations oldest first: enable time, then sequence (both kept in the store). */
export function byAge(a: Registration, b: Registration): number {
  return a.enabledAt - b.enabledAt || a.seq - b.seq;
}

export function enable(args: {
  iq: Element;
  command: Element;
  session: SessionView;
  store: RegistrationStore;
  options: PushOptions;
  hooks: EngineHooks;
  now: number;
}): Outcome {
  const { iq, command, session, store, options, hooks, now } = args;
  const jid = command.attrs.jid;
  const node = command.attrs.node === "" ? undefined : command.attrs.node;
  const bad = (text: string): Outcome => ({ reply: errorReply(iq, "modify", "bad-request", text) });

  if (jid === undefined) return bad("Missing jid"); // R-ENABLE-NOJID
  const parsed = parseJid(jid);
  if (!parsed) return bad("Invalid jid"); // R-ENABLE-JID (empty or malformed)
  const sender = iq.attrs.from ? parseJid(iq.attrs.from) : null;
  if (sender && fullOf(parsed) === fullOf(sender)) return bad("JID must be different from ours"); // R-ENABLE-SELF
  if (sender && !parsed.resource && bareOf(parsed) === bareOf(sender)) return bad("JID must not be your own account"); // R-ENABLE-JID

  const vetoReply = hooks.registration?.({ user: session.user, iq, jid, node }); // R-VETO-REG
  if (vetoReply) return { reply: vetoReply };

  let record;
  try {
    record = store.load(session.user);
  } catch {
    return { reply: errorReply(iq, "wait", "internal-server-error", "Storage unavailable") };
  }
  // Stored in its normalised form (RFC 7622: local and domain parts compare case-insensitively),
  // so pushes are routed to the service and its replies and a later disable match whatever case
  // the client used.
  const id = registrationId(fullOf(parsed), node);
  const form = dataForm(command);
  const seq = record.registrations.reduce((m, r) => Math.max(m, r.seq), 0) + 1;
  const reg: Registration = {
    id,
    jid: fullOf(parsed),
    node,
    ...(form && { publishOptions: form.toString() }),
    enabledAt: now,
    seq,
    ...(session.clientId ? { clientId: session.clientId } : { resource: session.resource }),
    ...(iq.attrs["xml:lang"] && { lang: iq.attrs["xml:lang"] }),
  };
  // Re-enabling replaces (no duplicate); then evict the oldest beyond push_max_devices (R-MAXDEV).
  const kept = record.registrations.filter((r) => r.id !== id);
  kept.push(reg);
  kept.sort(byAge);
  const removed = kept.splice(0, Math.max(0, kept.length - options.push_max_devices));
  const errors = { ...record.errors };
  for (const r of removed) delete errors[r.id];
  try {
    store.save(session.user, { registrations: kept, errors });
  } catch {
    return { reply: errorReply(iq, "wait", "internal-server-error", "Storage unavailable") }; // R-ENABLE-STOREFAIL
  }
  return { reply: resultReply(iq), removed, added: reg };
}

export function disable(args: { iq: Element; command: Element; user: string; store: RegistrationStore }): Outcome {
  const { iq, command, user, store } = args;
  const jid = command.attrs.jid;
  const node = command.attrs.node;
  if (jid === undefined) return { reply: errorReply(iq, "modify", "bad-request", "Missing jid") };
  try {
    const record = store.load(user);
    // Same JID as RFC 7622 compares it; node="" names the registration without a node, as in enable.
    const matches = (r: Registration) => sameFull(r.jid, jid) && (node === undefined || (r.node ?? "") === node);
    const removed = record.registrations.filter(matches);
    if (removed.length > 0) {
      const errors = { ...record.errors };
      for (const r of removed) delete errors[r.id];
      store.save(user, { registrations: record.registrations.filter((r) => !matches(r)), errors });
    }
    return { reply: resultReply(iq), removed };
  } catch {
    return { reply: errorReply(iq, "wait", "internal-server-error", "Storage unavailable") };
  }
}

/** Is this registration bound to that session (R-BIND-RESOURCE: same device, not same object)? */
export function isBound(reg: Registration, s: SessionView): boolean {
  if (reg.clientId !== undefined) return reg.clientId === s.clientId;
  return reg.resource === s.resource;
}
