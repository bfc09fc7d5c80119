// XEP-0077 in-band registration: create an account before logging in, and remove it (<remove/>)
// logged in as that account. Failures say what the server answered and what to change.
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { WireTimeout } from "../../wire/bounded.ts";
import { openAccount, openPreAuth, type LinkSettings } from "./client-link.ts";

export const NS_REGISTER = "jabber:iq:register";
export const NS_REGISTER_FEATURE = "http://jabber.org/features/iq-register";
const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const NS_DATA = "jabber:x:data";

/** Fields a legacy registration form may carry that we do not fill (only username, password). */
const IGNORED = new Set(["instructions", "registered", "x", "username", "password"]);

export class RegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistrationError";
  }
}

function condition(iq: Element): string {
  const err = iq.getChild("error");
  const cond = err?.getChildElements().find((c) => c.getNS() === NS_STANZAS && c.name !== "text");
  const text = err?.getChildText("text", NS_STANZAS);
  return `${err?.attrs.type ?? "?"}/${cond?.name ?? "?"}${text ? ` (${text})` : ""}`;
}

const HINT =
  "enable in-band registration for this client's address on the server (Prosody: allow_registration = true; " +
  "ejabberd: mod_register with ip_access allowing it), or give existing accounts with --accounts FILE";

/** Registers local@domain with password; throws RegistrationError with the server's reason. */
export async function registerAccount(s: LinkSettings, local: string, password: string): Promise<void> {
  const link = await openPreAuth(s);
  try {
    const advertised = link.preAuth.getChild("register", NS_REGISTER_FEATURE) !== undefined;
    const form = await link.iq(xml("iq", { type: "get", to: s.domain }, xml("query", { xmlns: NS_REGISTER }))).catch((e: Error) => {
      if (!(e instanceof WireTimeout)) throw e;
      throw new RegistrationError(`${s.domain} does not answer in-band registration requests (${e.message}; ${advertised ? "advertised" : "not advertised"} in its stream features): ${HINT}`);
    });
    if (form.attrs.type !== "result") throw new RegistrationError(`${s.domain} refuses in-band registration (${condition(form)}): ${HINT}`);
    const query = form.getChild("query", NS_REGISTER);
    const extra = (query?.getChildElements() ?? []).map((c) => c.name).filter((n) => !IGNORED.has(n));
    const dataForm = query?.getChild("x", NS_DATA);
    const formFields = (dataForm?.getChildren("field") ?? [])
      .filter((f) => f.getChild("required") && !["FORM_TYPE", "username", "password"].includes(f.attrs.var ?? ""))
      .map((f) => f.attrs.var ?? "?");
    if (extra.length > 0 || formFields.length > 0) {
      throw new RegistrationError(`${s.domain}'s registration form asks for more than a username and password (${[...extra, ...formFields].join(", ")}): use --accounts FILE`);
    }
    const answer = await link.iq(
      xml("iq", { type: "set", to: s.domain }, xml("query", { xmlns: NS_REGISTER }, xml("username", {}, local), xml("password", {}, password))),
    );
    if (answer.attrs.type !== "result") {
      const why = condition(answer);
      if (why.includes("conflict")) throw new RegistrationError(`${local}@${s.domain} already exists (${why})`);
      throw new RegistrationError(`registering ${local}@${s.domain} failed (${why}): ${HINT}`);
    }
  } finally {
    await link.close();
  }
}

/** Removes local@domain (XEP-0077 §3.2): logs in as it and sends <remove/>. */
export async function unregisterAccount(s: LinkSettings, local: string, password: string): Promise<void> {
  const link = await openAccount(s, local, password);
  try {
    const answer = await link.iq(xml("iq", { type: "set" }, xml("query", { xmlns: NS_REGISTER }, xml("remove"))));
    if (answer.attrs.type !== "result") throw new RegistrationError(`removing ${local}@${s.domain} failed (${condition(answer)})`);
  } finally {
    await link.close();
  }
}
