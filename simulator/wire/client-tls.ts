// TLS for xmpp.js 0.14 client connections: none, STARTTLS, or direct TLS (xmpps://), with a
// CA of our choosing or "accept any certificate" for test servers. xmpp.js passes no TLS
// options through (direct TLS: only host and port; STARTTLS: only the host), so we add them to
// the direct-TLS socket parameters and run STARTTLS ourselves before its middleware sees it.
import type { ConnectionOptions } from "node:tls";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import XmppTlsSocket from "@xmpp/tls/lib/Socket.js";

export type TlsMode = "none" | "starttls" | "direct";
export const TLS_MODES: TlsMode[] = ["none", "starttls", "direct"];

export interface ClientTls {
  mode: TlsMode;
  /** PEM text of the certificate authorities to trust (a self-signed certificate works too). */
  ca?: string;
  /** Accept any certificate, unchecked (test servers only). */
  insecure?: boolean;
  /** The name the certificate must carry; default: the XMPP domain. */
  servername?: string;
}

const NS_STREAM = "http://etherx.jabber.org/streams";
const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
const STARTTLS_TIMEOUT_MS = 10_000;

/** xmpp://host:port, or xmpps://host:port for direct TLS. */
export function serviceUrl(host: string, port: number, mode: TlsMode): string {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host; // IPv6 literal
  return `${mode === "direct" ? "xmpps" : "xmpp"}://${h}:${port}`;
}

/** Node TLS options for a connection to `domain`. */
export function tlsOptions(tls: ClientTls, domain: string): ConnectionOptions & { noDelay?: boolean } {
  return {
    servername: tls.servername ?? domain,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    rejectUnauthorized: !tls.insecure,
    noDelay: true, // an <a/> followed by a stanza must not wait for a delayed ACK
  };
}

function isFeatures(el: Element): boolean {
  return el.is("features", NS_STREAM); // el.name is "stream:features"
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type XmppEntity = any;

/** xmpp.js's TLS socket wrapper has no destroy(); our personas drop links with it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withDestroy(wrapper: any): void {
  if (wrapper && typeof wrapper.destroy !== "function") wrapper.destroy = () => wrapper.socket?.destroy();
}

/**
 * Makes an xmpp.js client (or a bare Connection from it) follow `tls`. Call right after
 * creating it, before start()/connect(). For "none" the STARTTLS offer is hidden, so xmpp.js
 * never upgrades with its default settings; for "starttls" a server that offers no STARTTLS
 * is an error, not a silent plain-text login.
 */
export function applyClientTls(xmpp: XmppEntity, tls: ClientTls, domain: string): void {
  const opts = tlsOptions(tls, domain);
  if (tls.mode === "direct") {
    xmpp.socketParameters = (service: string) => {
      const base = xmpp.Transport.prototype.socketParameters(service);
      return base && { ...base, ...opts };
    };
    xmpp.on("connect", () => withDestroy(xmpp.socket));
    return;
  }
  // Runs before xmpp.js's middleware (also an "element" listener), so it sees features first.
  xmpp.prependListener("element", (el: Element) => {
    if (!isFeatures(el) || xmpp.isSecure()) return;
    const offer = el.getChild("starttls", NS_TLS);
    const offered = offer !== undefined;
    if (tls.mode === "none") {
      if (offer?.getChild("required")) {
        el.children = [];
        fail(xmpp, new Error("the server requires TLS (STARTTLS <required/>): use --tls starttls"));
      } else if (offered) {
        el.children = el.children.filter((c) => typeof c === "string" || c.getNS() !== NS_TLS);
      }
      return;
    }
    // STARTTLS: nothing else may be negotiated on the plain link (no SASL in clear).
    el.children = [];
    if (!offered) {
      fail(xmpp, new Error("the server offers no STARTTLS on this port (is it a direct-TLS port, or is TLS off? see --tls)"));
      return;
    }
    startTls(xmpp, opts).catch((e: Error) => fail(xmpp, e));
  });
}

/** A TLS error message with what to do about it. */
export function explainTlsError(raw: string, mode: TlsMode): string {
  // Node 24 adds its own advice about the system's CA store; here the CA is given with --ca.
  const message = raw.replace(/; if the root CA is installed locally, try running Node\.js with --use-system-ca$/, "");
  if (/verify|self[- ]signed|certificate|altnames/i.test(message)) return `${message} (trust the server's CA with --ca FILE, or --insecure-tls for a test server)`;
  if (/wrong version number|packet length too long|unexpected eof/i.test(message) && mode === "direct") return `${message} (no TLS on this port: is it a STARTTLS port? try --tls starttls)`;
  if (/ECONNRESET/.test(message) && mode !== "direct") return `${message} (does this port expect direct TLS? try --tls direct)`;
  return message;
}

function fail(xmpp: XmppEntity, err: Error): void {
  xmpp.emit("error", err);
  xmpp.socket?.destroy?.();
}

async function startTls(xmpp: XmppEntity, opts: ConnectionOptions): Promise<void> {
  const answer: Element = await xmpp.sendReceive(xml("starttls", { xmlns: NS_TLS }), STARTTLS_TIMEOUT_MS);
  if (!answer.is("proceed", NS_TLS)) throw new Error(`STARTTLS refused by the server: ${answer.toString()}`);
  const raw = xmpp.socket;
  const wrapper = new XmppTlsSocket();
  withDestroy(wrapper);
  const secured = new Promise<void>((resolve, reject) => {
    wrapper.once("connect", () => resolve());
    wrapper.once("error", (e: Error) => reject(new Error(`TLS handshake failed: ${e.message}`)));
  });
  wrapper.connect({ socket: raw, ...opts });
  await secured;
  xmpp._attachSocket(wrapper);
  await xmpp.restart();
}
