// Short-lived client connections for the xmpp target's own chores (discovery, in-band
// registration, resetting pooled accounts) — not personas: no stream management, no presence
// unless asked, every step bounded, always closed.
import { client, xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { applyClientTls, explainTlsError, type ClientTls } from "../../wire/client-tls.ts";
import { within, WireTimeout } from "../../wire/bounded.ts";
import { ignoreDataAfterStreamEnd } from "../../wire/late-data.ts";

export const LINK_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 3_000;

const NS_STREAM = "http://etherx.jabber.org/streams";
const NS_SM = "urn:xmpp:sm:3";
const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";

export interface LinkSettings {
  service: string; // xmpp://host:port or xmpps://host:port
  domain: string;
  tls: ClientTls;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type XmppClient = any;

export interface Link {
  xmpp: XmppClient;
  /** Stream features before authentication (after TLS). */
  preAuth: Element;
  /** Stream features after authentication (absent on a pre-auth link). */
  postAuth?: Element;
  /** Sends an iq and waits (bounded) for its reply; errors resolve, they do not throw. */
  iq(el: Element, timeoutMs?: number): Promise<Element>;
  close(): Promise<void>;
}

function isFeatures(el: Element): boolean {
  return el.is("features", NS_STREAM); // el.name is "stream:features"
}

function makeLink(xmpp: XmppClient): Omit<Link, "preAuth" | "postAuth"> {
  let seq = 0;
  return {
    xmpp,
    iq: async (el, timeoutMs = LINK_TIMEOUT_MS) => {
      el.attrs.id ??= `pl-link-${++seq}`;
      try {
        return await xmpp.iqCaller.request(el, timeoutMs);
      } catch (e) {
        if ((e as Error).name === "TimeoutError") throw new WireTimeout(`${el.getChildElements()[0]?.getNS() ?? "iq"} ${el.attrs.type} to ${el.attrs.to ?? "the server"}`, timeoutMs);
        // xmpp.js turns an error reply into a StanzaError that keeps the element.
        const stanza = (e as { element?: Element }).element?.parent;
        if (stanza?.name === "iq") return stanza;
        throw e;
      }
    },
    close: async () => {
      xmpp.reconnect?.stop();
      try {
        if (xmpp.socket) await within(xmpp.stop(), CLOSE_TIMEOUT_MS, "closing a helper link");
      } catch {
        xmpp.socket?.destroy?.();
      }
    },
  };
}

/** Why the link failed, with the client's last error when it had one, and a hint for TLS trouble. */
function failure(what: string, s: LinkSettings, lastError: string, e: unknown): Error {
  return new Error(`${what}: ${explainTlsError((lastError || (e as Error).message).trim(), s.tls.mode)}`);
}

/** Rejects when the link reports an error or drops, so a failed handshake does not wait out a timeout. */
function failed(xmpp: XmppClient): Promise<never> {
  const p = new Promise<never>((_, reject) => {
    xmpp.once("error", (e: Error) => reject(e));
    xmpp.once("disconnect", () => reject(new Error("the server closed the connection")));
  });
  p.catch(() => {}); // only ever raced
  return p;
}

/** A fresh xmpp.js client; `watch` sees stream features after the TLS handler, before xmpp.js. */
function newClient(s: LinkSettings, options: Record<string, unknown>, watch: (el: Element) => void): { xmpp: XmppClient; lastError: () => string } {
  const xmpp = client({ service: s.service, domain: s.domain, ...options });
  xmpp.reconnect.stop();
  ignoreDataAfterStreamEnd(xmpp, "helper link");
  xmpp.prependListener("element", (el: Element) => {
    if (isFeatures(el) && el.children.length > 0) watch(el);
  });
  applyClientTls(xmpp, s.tls, s.domain); // prepended last: runs first
  let lastError = "";
  xmpp.on("error", (e: Error) => (lastError ||= e.message || String(e)));
  return { xmpp, lastError: () => lastError };
}

/**
 * Connects without logging in (for XEP-0077 registration): TLS as configured, then stops at
 * the stream features instead of authenticating.
 */
export async function openPreAuth(s: LinkSettings): Promise<Link> {
  const features: Element[] = [];
  let gotFeatures = (_: Element) => {};
  const ready = new Promise<Element>((resolve) => (gotFeatures = resolve));
  const { xmpp, lastError } = newClient(s, {}, (el) => {
    features.push(xml("features", { xmlns: NS_STREAM }, ...el.getChildElements()));
    el.children = []; // nothing for xmpp.js to negotiate: no SASL, no binding
    gotFeatures(features[0]!);
  });
  const broken = failed(xmpp);
  try {
    await within(Promise.race([xmpp.connect(s.service), broken]), LINK_TIMEOUT_MS, `connecting to ${s.service}`);
    await within(Promise.race([xmpp.open({ domain: s.domain }), broken]), LINK_TIMEOUT_MS, `opening a stream to ${s.domain}`);
    const preAuth = await within(Promise.race([ready, broken]), LINK_TIMEOUT_MS, `stream features from ${s.service}`);
    return { ...makeLink(xmpp), preAuth };
  } catch (e) {
    xmpp.socket?.destroy?.();
    throw failure(`cannot reach ${s.domain} at ${s.service}`, s, lastError(), e);
  }
}

/** Logs in as local@domain (PLAIN when offered, over TLS unless tls is none) and binds a resource. */
export async function openAccount(s: LinkSettings, local: string, password: string, resource = "pushlab-helper"): Promise<Link> {
  const credentials = (auth: (c: object, mech: string) => Promise<void>, mechanisms: string[]) =>
    auth({ username: local, password }, mechanisms.includes("PLAIN") ? "PLAIN" : mechanisms[0]!);
  const features: Element[] = [];
  const { xmpp, lastError } = newClient(s, { credentials, resource }, (el) => {
    features.push(xml("features", { xmlns: NS_STREAM }, ...el.getChildElements()));
    // A helper link needs no stream management (and must not leave a session to resume).
    el.children = el.children.filter((c) => typeof c === "string" || c.getNS() !== NS_SM);
  });
  try {
    await within(Promise.race([xmpp.start(), failed(xmpp)]), LINK_TIMEOUT_MS, `logging in as ${local}@${s.domain}`);
  } catch (e) {
    xmpp.socket?.destroy?.();
    throw failure(`cannot log in as ${local}@${s.domain} at ${s.service}`, s, lastError(), e);
  }
  const preAuth = features.find((f) => f.getChild("mechanisms", NS_SASL)) ?? features[0]!;
  return { ...makeLink(xmpp), preAuth, postAuth: features[features.length - 1]! };
}
